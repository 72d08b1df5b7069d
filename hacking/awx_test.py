#!/usr/bin/env python3
"""Run the collection the way AWX runs it: ansible-runner jobs against a fresh vrmsim, with the shipped credential type.

AWX hands ansible-runner a private data directory: ``project/`` (the project's playbooks), ``inventory/`` (the
synced inventory, here the source file ``*.fc_vms.yml`` itself), ``env/envvars`` (what the credential's injectors
render), ``env/extravars`` (the job template's extra variables), ``env/settings`` and the credential's files
beside them. This script lays one out, with the collection built by ``ansible-galaxy collection build`` and
installed where an execution environment would have it (``ANSIBLE_COLLECTIONS_PATH``), renders
``extensions/awx/credential_type.yml`` as AWX renders injectors (the CA written to a file that ``FC_CA_PATH``
names), and runs with the real ansible-runner:

  1. an inventory update (``ansible-inventory --list`` on the ``*.fc_vms.yml`` source, as AWX syncs one),
  2. a module job (project/module_job.yml: log in, deploy a VM, read it back),
  3. a role job (project/role_job.yml: the vrm role builds a cluster, a DVS and a port group),
  4. a job over the inventory (project/inventory_job.yml: the VM deployed by 2 is a host, powered on).

Each must succeed and leave its mark on vrmsim's state (control API ``/_sim/objects``), and neither the
password (nor its SHA-256 digest, which the login sends) nor a VRM token may appear in any job's events
(``artifacts/<ident>/job_events/*.json``) or stdout. Also ``ansible-builder create`` must accept
``meta/execution-environment.yml``. Usage: hacking/awx_test.py (with the project's virtualenv first on PATH).
"""

import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import ansible_runner
import yaml
from jinja2.sandbox import SandboxedEnvironment

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, "hacking", "awx")
sys.path.insert(0, os.path.join(ROOT, "hacking"))

from run_examples import vrmsim  # noqa: E402  (hacking/ is not a package)
from vrmsim_config import sim_request  # noqa: E402

# A VRM token as vrmsim issues one (49 upper-case hex digits): none may appear in a job's output.
TOKEN = re.compile(r"\b[0-9A-F]{49}\b")
EXTRA_VARS = {"awx_vm_name": "awx-vm01", "awx_cluster_name": "awx-cluster", "awx_dvs_name": "awx-dvs",
              "awx_portgroup_name": "awx-pg300"}


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def install_collection(tmp):
    """The built artifact, installed as an execution environment has it; returns its collections path."""
    build = os.path.join(tmp, "build")
    subprocess.run(["ansible-galaxy", "collection", "build", ROOT, "--output-path", build, "--force"],
                   check=True, capture_output=True, text=True)
    tarball = glob.glob(os.path.join(build, "fusioncompute-core-*.tar.gz"))
    check(len(tarball) == 1, "ansible-galaxy collection build made %r" % tarball)
    path = os.path.join(tmp, "ee-collections")
    subprocess.run(["ansible-galaxy", "collection", "install", tarball[0], "-p", path, "--force"],
                   check=True, capture_output=True, text=True)
    return path


def inject(credential_type, inputs, private_data_dir):
    """The environment the credential type's injectors give a job, rendered as AWX renders them.

    Inputs left out take their field's default; every file injector is written first into the private data
    directory (mode 0600), and its path is ``tower.filename.<name>`` for the env templates.
    """
    fields = credential_type["inputs"]["fields"]
    values = {f["id"]: f["default"] for f in fields if "default" in f}
    values.update(inputs)
    missing = [name for name in credential_type["inputs"].get("required", []) if not values.get(name)]
    check(not missing, "the credential lacks the required inputs %s" % missing)
    sandbox = SandboxedEnvironment()
    files = {}
    for key, template in credential_type["injectors"].get("file", {}).items():
        fd, path = tempfile.mkstemp(prefix="awx_cred_", dir=private_data_dir)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(sandbox.from_string(template).render(**values))
        os.chmod(path, 0o600)
        files[key.partition(".")[2] or "template"] = path
    namespace = dict(values, tower={"filename": files})
    return {name: sandbox.from_string(template).render(**namespace)
            for name, template in credential_type["injectors"]["env"].items()}


def lay_out(tmp, collections, credential_env):
    """A private data directory as AWX writes it for a job."""
    pdd = os.path.join(tmp, "awx")
    shutil.copytree(os.path.join(HERE, "project"), os.path.join(pdd, "project"))
    shutil.copytree(os.path.join(HERE, "inventory"), os.path.join(pdd, "inventory"))
    os.makedirs(os.path.join(pdd, "env"))
    envvars = dict(credential_env, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_INVENTORY_UNPARSED_FAILED="true",
                   ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_NOCOLOR="1", JOB_ID="1", AWX_HOST="https://awx.invalid")
    files = {"envvars": envvars, "extravars": EXTRA_VARS,
             "settings": {"job_timeout": 900, "idle_timeout": 600, "suppress_ansible_output": True}}
    for name, content in files.items():
        with open(os.path.join(pdd, "env", name), "w", encoding="utf-8") as handle:
            yaml.safe_dump(content, handle)
    return pdd


def job(pdd, ident, **kwargs):
    """One ansible-runner job; fails unless it succeeded. Returns its artifact directory."""
    if "playbook" in kwargs:
        ansible_runner.run(private_data_dir=pdd, ident=ident, quiet=True, **kwargs)
    else:
        ansible_runner.run_command(private_data_dir=pdd, ident=ident, quiet=True, **kwargs)
    artifacts = os.path.join(pdd, "artifacts", ident)
    status = _read(os.path.join(artifacts, "status")).strip()
    if status != "successful":
        tail = _read(os.path.join(artifacts, "stdout"))[-3000:]
        raise Failure("job %s ended %r:\n%s" % (ident, status, tail))
    return artifacts


def _read(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return ""


def scan_secrets(artifacts, secrets, events_expected=True):
    """Fail when a secret or a token-shaped string is in the job's events or stdout; return the events.

    An inventory update runs ansible-inventory, which writes no events: only its stdout is there to scan.
    """
    events = []
    for path in sorted(glob.glob(os.path.join(artifacts, "job_events", "*.json"))) + [os.path.join(artifacts, "stdout")]:
        text = _read(path)
        for secret in secrets:
            check(secret not in text, "a secret appears in %s" % path)
        check(not TOKEN.search(text), "a VRM token appears in %s: %s" % (path, TOKEN.search(text) and "..."))
        if path.endswith(".json"):
            events.append(json.loads(text))
    check(events or not events_expected, "%s has no job events to look at" % artifacts)
    return events


def sim_objects(ready, kind, name):
    return sim_request(ready, "GET", "/_sim/objects?kind=%s&name=%s" % (kind, name))["objects"]


def check_ee_definition(tmp):
    """ansible-builder accepts meta/execution-environment.yml; its context installs what the collection claims."""
    context = os.path.join(tmp, "ee-context")
    ee_file = os.path.join(ROOT, "meta", "execution-environment.yml")
    out = subprocess.run(["ansible-builder", "create", "-f", ee_file, "--context", context,
                          "--output-filename", "Containerfile"], capture_output=True, text=True)
    check(out.returncode == 0, "ansible-builder create refused meta/execution-environment.yml:\n%s%s"
          % (out.stdout, out.stderr))
    with open(os.path.join(context, "Containerfile"), encoding="utf-8") as handle:
        containerfile = handle.read()
    with open(ee_file, encoding="utf-8") as handle:
        ee = yaml.safe_load(handle)
    with open(os.path.join(ROOT, "meta", "runtime.yml"), encoding="utf-8") as handle:
        claimed = yaml.safe_load(handle)["requires_ansible"]
    core = ee["dependencies"]["ansible_core"]["package_pip"]
    check(core == "ansible-core" + claimed, "the EE installs %s, the collection claims ansible-core%s"
          % (core, claimed))
    check(core in containerfile, "the Containerfile does not install %s" % core)
    with open(os.path.join(context, "_build", "requirements.yml"), encoding="utf-8") as handle:
        galaxy = yaml.safe_load(handle)
    check([c["name"] for c in galaxy["collections"]] == ["fusioncompute.core"],
          "the EE's galaxy requirements are %r" % galaxy)
    # The Python requirements: meta/requirements.txt for create, the root's requirements.txt for introspect.
    with open(os.path.join(ROOT, "requirements.txt"), encoding="utf-8") as handle:
        wanted = handle.read()
    with open(os.path.join(ROOT, "meta", "requirements.txt"), encoding="utf-8") as handle:
        check(handle.read() == wanted, "meta/requirements.txt and requirements.txt differ")
    with open(os.path.join(context, "_build", "requirements.txt"), encoding="utf-8") as handle:
        check("netaddr" in handle.read(), "the EE's Python requirements miss netaddr")
    # An EE that lists this collection among others introspects its meta/execution-environment.yml.
    installed = os.path.join(tmp, "ee-collections")
    out = subprocess.run(["ansible-builder", "introspect", installed], capture_output=True, text=True)
    check(out.returncode == 0, "ansible-builder introspect failed on the installed collection:\n%s" % out.stderr)
    check("netaddr" in out.stdout, "ansible-builder introspect does not find netaddr:\n%s" % out.stdout)


def main():
    with open(os.path.join(ROOT, "extensions", "awx", "credential_type.yml"), encoding="utf-8") as handle:
        credential_type = yaml.safe_load(handle)
    with open(os.path.join(ROOT, "extensions", "awx", "credential_type.json"), encoding="utf-8") as handle:
        check(json.load(handle) == credential_type, "credential_type.json and credential_type.yml differ")
    tmp = tempfile.mkdtemp(prefix="fc-awx-")
    proc = None
    try:
        collections = install_collection(tmp)
        check_ee_definition(tmp)
        print("ok   ansible-builder create and introspect accept meta/execution-environment.yml", flush=True)

        proc, env = vrmsim(tmp, "awx", "--vms", "5")
        ready = {"url": "https://%s:%s" % (env["FC_HOST"], env["FC_PORT"]), "ca_file": env["FC_CA_PATH"]}
        with open(env["FC_CA_PATH"], encoding="utf-8") as handle:
            ca_pem = handle.read()
        password = env["FC_PASSWORD"]
        os.makedirs(os.path.join(tmp, "awx"))
        credential_env = inject(credential_type, {"host": env["FC_HOST"], "port": env["FC_PORT"],
                                                  "username": env["FC_USERNAME"], "password": password,
                                                  "ca_cert": ca_pem}, os.path.join(tmp, "awx"))
        check(set(credential_env) == {"FC_HOST", "FC_PORT", "FC_USERNAME", "FC_PASSWORD", "FC_VALIDATE_CERTS",
                                      "FC_CA_PATH"}, "the credential injects %s" % sorted(credential_env))
        with open(credential_env["FC_CA_PATH"], encoding="utf-8") as handle:
            check(handle.read() == ca_pem, "FC_CA_PATH does not name a file with the CA")
        pdd = lay_out(tmp, collections, credential_env)
        secrets = [password, hashlib.sha256(password.encode("utf-8")).hexdigest()]

        inventory_out = os.path.join(tmp, "inventory.json")
        artifacts = job(pdd, "inventory-update", executable_cmd="ansible-inventory",
                        cmdline_args=["-i", os.path.join(pdd, "inventory", "vrmsim.fc_vms.yml"), "--list",
                                      "--output", inventory_out])
        scan_secrets(artifacts, secrets, events_expected=False)
        with open(inventory_out, encoding="utf-8") as handle:
            hostvars = json.load(handle)["_meta"]["hostvars"]
        vms = [o["object"]["name"] for o in sim_request(ready, "GET", "/_sim/objects?kind=vms")["objects"]
               if not o["object"].get("isTemplate")]
        check(vms and sorted(hostvars) == sorted(vms), "the inventory lists %s, vrmsim has %s" % (sorted(hostvars), sorted(vms)))
        check(all("fc_power_state" in v for v in hostvars.values()), "a host has no fc_power_state")
        print("ok   inventory update: %d VMs, as vrmsim has them" % len(hostvars), flush=True)

        events = scan_secrets(job(pdd, "module-job", playbook="module_job.yml"), secrets)
        check(any(e.get("event") == "runner_on_ok" and e["event_data"].get("res", {}).get("censored")
                  for e in events), "the no_log login left no censored event to scan")
        vm = sim_objects(ready, "vms", EXTRA_VARS["awx_vm_name"])
        check(len(vm) == 1 and vm[0]["object"]["status"] == "running",
              "vrmsim holds %r for the VM the module job deployed" % vm)
        print("ok   module job: %s deployed and running in vrmsim" % EXTRA_VARS["awx_vm_name"], flush=True)

        scan_secrets(job(pdd, "role-job", playbook="role_job.yml"), secrets)
        check(len(sim_objects(ready, "clusters", EXTRA_VARS["awx_cluster_name"])) == 1, "no cluster in vrmsim")
        check(len(sim_objects(ready, "dvswitchs", EXTRA_VARS["awx_dvs_name"])) == 1, "no DVS in vrmsim")
        pg = sim_objects(ready, "portgroups", EXTRA_VARS["awx_portgroup_name"])
        check(len(pg) == 1 and pg[0]["object"].get("vlanId") == 300, "vrmsim holds %r for the port group" % pg)
        print("ok   role job: the vrm role built the cluster, the DVS and the port group", flush=True)

        events = scan_secrets(job(pdd, "inventory-job", playbook="inventory_job.yml"), secrets)
        hosts = {e["event_data"].get("host") for e in events if e.get("event") == "runner_on_ok"}
        check(hosts == set(vms) | {EXTRA_VARS["awx_vm_name"]}, "the inventory job ran on %s" % sorted(hosts))
        print("ok   inventory job: %d hosts from the fc_vms source" % len(hosts), flush=True)
        print("no password, password digest or token in the events and stdout of the 4 jobs")
        return 0
    except (Failure, subprocess.CalledProcessError) as exc:
        print("FAIL %s" % (exc.stderr if isinstance(exc, subprocess.CalledProcessError) else exc))
        return 1
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
