#!/usr/bin/env python3
"""Run every module's EXAMPLES, and the fc_vms and fc_hosts inventories', as they stand, against a fresh vrmsim
(demo seed) each.

Each module result must also match the module's RETURN: no undocumented key, every key documented as
returned always present, and every key of a returned object listed in its entry's `contains` (at any depth;
an _info module's returned objects must have `contains`).

The examples take their connection from FC_HOST, FC_PORT, FC_USERNAME, FC_PASSWORD and FC_CA_PATH,
as the documentation says, so a copied example must run unchanged. Exit status 1 when one fails.
Usage: hacking/run_examples.py [MODULE...|fc_vms|fc_hosts]   (with the project's virtualenv first on PATH)
"""

import ast
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def examples(module, kind="modules"):
    with open(os.path.join(ROOT, "plugins", kind, module + ".py"), encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "EXAMPLES":
            return node.value.value
    return None


def vrmsim(tmp, name, *extra):
    """Start a fresh vrmsim (demo seed); return the process and the environment that points at it."""
    proc = subprocess.Popen([sys.executable, "-m", "vrmsim", "serve", "--state-dir", os.path.join(tmp, "state-" + name),
                             "--listen", "127.0.0.1:0", "--seed", "demo"] + list(extra),
                            cwd=os.path.join(ROOT, "simulator"), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    ready = json.loads(proc.stdout.readline())
    env = dict(os.environ, FC_HOST="127.0.0.1", FC_PORT=str(ready["port"]), FC_USERNAME=ready["username"],
               FC_PASSWORD=ready["password"], FC_CA_PATH=ready["ca_file"],
               ANSIBLE_COLLECTIONS_PATH=os.path.join(tmp, "collections"), ANSIBLE_LOCALHOST_WARNING="false",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="false", ANSIBLE_NOCOLOR="1")
    return proc, env


# What Ansible itself puts in every module result; the rest must be documented in the module's RETURN.
STANDARD_KEYS = {"changed", "failed", "invocation", "warnings", "deprecations", "diff", "msg", "skipped",
                 "skip_reason", "false_condition", "ansible_facts", "item", "ansible_loop_var", "results",
                 "exception", "module_stdout", "module_stderr", "rc", "attempts", "censored"}


@functools.lru_cache(maxsize=None)
def documented_returns(module):
    """RETURN of a module: its entries (key -> spec) and the keys it says are returned always."""
    with open(os.path.join(ROOT, "plugins", "modules", module + ".py"), encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "RETURN":
            spec = yaml.safe_load(node.value.value) or {}
            return spec, {k for k, v in spec.items() if (v or {}).get("returned") == "always"}
    return {}, set()


def undocumented(value, spec, path, strict):
    """Keys of ``value`` (a returned dict, or the dicts of a returned list) that ``spec`` does not list in its
    ``contains``, at any depth, as dotted paths. An entry without ``contains`` is not looked into (a free-form
    value), unless ``strict``: an _info module's returned objects must be documented field by field (a mapping of
    user-chosen names to plain values, documented with a sample, has no fields to list)."""
    items = value if isinstance(value, list) else [value]
    dicts = [x for x in items if isinstance(x, dict)]
    if not dicts:
        return []
    fields = (spec or {}).get("contains")
    if fields is None:
        # A mapping from names the user chose to plain values (fc_ip_pool_info's VM -> address) has no fixed
        # fields to list; its RETURN entry shows it with a sample instead.
        mapping = (spec or {}).get("type") == "dict" and "sample" in (spec or {}) and all(
            not isinstance(v, (dict, list)) for item in dicts for v in item.values())
        return ["%s (no contains)" % path] if strict and any(dicts) and not mapping else []
    out = []
    for item in dicts:
        for key, sub in item.items():
            if key not in fields:
                out.append("%s.%s" % (path, key))
            else:
                out += undocumented(sub, fields[key], "%s.%s" % (path, key), False)
    return sorted(set(out))


def check_returns(records):
    """Every result of a module of this collection has only documented keys, and all the always-returned ones."""
    problems = []
    for record in records:
        action = record["action"] or ""
        if not action.startswith("fusioncompute.core.") or record["status"] != "ok":
            continue
        module = action.split(".")[-1]
        known, always = documented_returns(module)
        result = record["result"]
        for item in result.get("results") or [result]:
            if item.get("failed") or item.get("skipped"):
                continue
            keys = {k for k in item if not k.startswith("_ansible")} - STANDARD_KEYS
            for key in sorted(keys - set(known)):
                problems.append("%s (task %r) returns %r, which its RETURN does not document"
                                % (module, record["task"], key))
            for key in sorted(keys & set(known)):
                for path in undocumented(item[key], known[key], key, module.endswith("_info")):
                    problems.append("%s (task %r) returns %s, which its RETURN does not list under contains"
                                    % (module, record["task"], path))
            for key in sorted(always - set(item)):
                problems.append("%s (task %r) did not return %r, which its RETURN says is returned always"
                                % (module, record["task"], key))
    return problems


def run(module, tmp):
    text = examples(module)
    if not text or not yaml.safe_load(text):
        return False, "no EXAMPLES"
    proc, env = vrmsim(tmp, module)
    try:
        playbook = os.path.join(tmp, module + ".yml")
        with open(playbook, "w", encoding="utf-8") as handle:
            handle.write("- hosts: localhost\n  gather_facts: false\n  tasks:\n")
            for line in text.splitlines():
                handle.write(("    " + line).rstrip() + "\n")
        records_file = os.path.join(tmp, module + ".results")
        env.update(ANSIBLE_CALLBACK_PLUGINS=os.path.join(ROOT, "hacking", "callback_plugins"),
                   ANSIBLE_CALLBACKS_ENABLED="record_results", RECORD_RESULTS_FILE=records_file)
        out = subprocess.run(["ansible-playbook", playbook], env=env, capture_output=True, text=True)
        if out.returncode:
            lines = [x for x in out.stdout.splitlines() if x.startswith(("TASK [", "fatal", "[ERROR]"))]
            return False, "\n".join(lines[-3:] + [out.stderr.strip()[-500:]])
        with open(records_file, encoding="utf-8") as handle:
            problems = check_returns([json.loads(line) for line in handle])
        return not problems, "\n".join(problems)
    finally:
        proc.terminate()
        proc.wait()


INVENTORIES = ("fc_vms", "fc_hosts")


def run_inventory(tmp, plugin):
    """An inventory plugin's EXAMPLES as a configuration file, listed against vrmsim with 30 generated VMs."""
    text = examples(plugin, "inventory")
    if not text or not yaml.safe_load(text):
        return False, "no EXAMPLES"
    proc, env = vrmsim(tmp, plugin, "--vms", "30")
    try:
        config = os.path.join(tmp, "example.%s.yml" % plugin)
        with open(config, "w", encoding="utf-8") as handle:
            handle.write(text)
        env.update(ANSIBLE_INVENTORY_UNPARSED_FAILED="true", ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="true")
        out = subprocess.run(["ansible-inventory", "-i", config, "--list"], env=env, capture_output=True, text=True)
        if out.returncode:
            return False, out.stderr.strip()[-800:]
        listed = json.loads(out.stdout)
        if not listed.get("_meta", {}).get("hostvars"):
            return False, "the example listed no host"
        return True, ""
    finally:
        proc.terminate()
        proc.wait()


def main():
    wanted = sys.argv[1:] or sorted(f[:-3] for f in os.listdir(os.path.join(ROOT, "plugins", "modules"))
                                    if f.endswith(".py") and not f.startswith("_")) + list(INVENTORIES)
    tmp = tempfile.mkdtemp(prefix="fc-examples-")
    failed = []
    try:
        coll = os.path.join(tmp, "collections", "ansible_collections", "fusioncompute")
        os.makedirs(coll)
        os.symlink(ROOT, os.path.join(coll, "core"))
        for module in wanted:
            ok, why = run_inventory(tmp, module) if module in INVENTORIES else run(module, tmp)
            print("%-4s %s" % ("ok" if ok else "FAIL", module), flush=True)
            if not ok:
                failed.append(module)
                print("     " + why.replace("\n", "\n     "))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d of %d plugins' EXAMPLES ran as written" % (len(wanted) - len(failed), len(wanted)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
