#!/usr/bin/env python3
"""Run every module's EXAMPLES, as they stand, against a fresh vrmsim (demo seed) each.

The examples take their connection from FC_HOST, FC_PORT, FC_USERNAME, FC_PASSWORD and FC_CA_PATH,
as the documentation says, so a copied example must run unchanged. Exit status 1 when one fails.
Usage: hacking/run_examples.py [MODULE...]   (with the project's virtualenv first on PATH)
"""

import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def examples(module):
    with open(os.path.join(ROOT, "plugins", "modules", module + ".py"), encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "EXAMPLES":
            return node.value.value
    return None


def run(module, tmp):
    text = examples(module)
    if not text or not yaml.safe_load(text):
        return False, "no EXAMPLES"
    proc = subprocess.Popen([sys.executable, "-m", "vrmsim", "serve", "--state-dir", os.path.join(tmp, "state-" + module),
                             "--listen", "127.0.0.1:0", "--seed", "demo"], cwd=os.path.join(ROOT, "simulator"),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        ready = json.loads(proc.stdout.readline())
        playbook = os.path.join(tmp, module + ".yml")
        with open(playbook, "w", encoding="utf-8") as handle:
            handle.write("- hosts: localhost\n  gather_facts: false\n  tasks:\n")
            for line in text.splitlines():
                handle.write(("    " + line).rstrip() + "\n")
        env = dict(os.environ, FC_HOST="127.0.0.1", FC_PORT=str(ready["port"]), FC_USERNAME=ready["username"],
                   FC_PASSWORD=ready["password"], FC_CA_PATH=ready["ca_file"],
                   ANSIBLE_COLLECTIONS_PATH=os.path.join(tmp, "collections"), ANSIBLE_LOCALHOST_WARNING="false",
                   ANSIBLE_INVENTORY_UNPARSED_WARNING="false", ANSIBLE_NOCOLOR="1")
        out = subprocess.run(["ansible-playbook", playbook], env=env, capture_output=True, text=True)
        if out.returncode == 0:
            return True, ""
        lines = [x for x in out.stdout.splitlines() if x.startswith(("TASK [", "fatal", "[ERROR]"))]
        return False, "\n".join(lines[-3:] + [out.stderr.strip()[-500:]])
    finally:
        proc.terminate()
        proc.wait()


def main():
    wanted = sys.argv[1:] or sorted(f[:-3] for f in os.listdir(os.path.join(ROOT, "plugins", "modules"))
                                    if f.endswith(".py") and not f.startswith("_"))
    tmp = tempfile.mkdtemp(prefix="fc-examples-")
    failed = []
    try:
        coll = os.path.join(tmp, "collections", "ansible_collections", "fusioncompute")
        os.makedirs(coll)
        os.symlink(ROOT, os.path.join(coll, "core"))
        for module in wanted:
            ok, why = run(module, tmp)
            print("%-4s %s" % ("ok" if ok else "FAIL", module), flush=True)
            if not ok:
                failed.append(module)
                print("     " + why.replace("\n", "\n     "))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d of %d modules' EXAMPLES ran as written" % (len(wanted) - len(failed), len(wanted)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
