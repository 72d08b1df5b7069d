#!/usr/bin/env python3
"""Event-Driven Ansible: the real ansible-rulebook runs extensions/eda/rulebooks/host_failure.yml against vrmsim.

The collection is built and installed (``ansible-galaxy collection build``), vrmsim starts with running VMs, and
ansible-rulebook (from the virtualenv ``EDA_VENV``, with Debian's JDK 17 as ``JAVA_HOME``) follows its alarms
through the ``fusioncompute.core.fc_alarms`` source:

  1. a host fails (``/_sim/hosts/<urn>/fail``): the rulebook's playbook must leave the host in maintenance mode
     with no VM running on it, and the host fault alarm acknowledged - asserted on vrmsim's state;
  2. ansible-rulebook is stopped, the host recovers (its alarm is cleared) and VRM answers the next two alarm
     queries with an error; a restarted ansible-rulebook with the same state file must report the clearance,
     survive the errors, report a new alarm raised then, and neither report the host fault again nor run the
     playbook again (vrmsim's request log shows one maintenance request in all).

Usage: EDA_VENV=<virtualenv with ansible-rulebook> hacking/eda_test.py (the project's virtualenv first on PATH).
"""

import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "hacking"))

from awx_test import Failure, check, install_collection  # noqa: E402  (hacking/ is not a package)
from run_examples import vrmsim  # noqa: E402
from vrmsim_config import sim_request  # noqa: E402

RULEBOOK = os.path.join(ROOT, "extensions", "eda", "rulebooks", "host_failure.yml")
JAVA_HOMES = "/usr/lib/jvm/java-17-openjdk-*"      # Debian's JDK 17 (hacking/deps.sh java17 installs it)
HOST_FAULT = "15.1007003"
# print_event's pretty output of an fc_alarm event: pprint sorts the keys, these four follow each other
EVENT = re.compile(r"'serial': (\d+),\s+'severity': '\w+',\s+'sync_no': \d+,\s+'type': '(\w+)'")


class Rulebook(object):
    """ansible-rulebook running the example rulebook, its output in a file."""

    def __init__(self, tmp, name, env):
        self.log = os.path.join(tmp, name + ".log")
        venv_bin = os.path.join(os.environ["EDA_VENV"], "bin")
        with open(os.path.join(tmp, "inventory.yml"), "w", encoding="utf-8") as handle:
            handle.write("all:\n  hosts:\n    localhost:\n      ansible_connection: local\n"
                         "      ansible_python_interpreter: %s\n" % os.path.join(venv_bin, "python"))
        with open(os.path.join(tmp, "vars.yml"), "w", encoding="utf-8") as handle:
            handle.write("fc_alarms_state_file: %s\n" % os.path.join(tmp, "fc_alarms_state.json"))
        env = dict(env, PATH=venv_bin + os.pathsep + env["PATH"], ANSIBLE_NOCOLOR="1")
        homes = sorted(glob.glob(JAVA_HOMES))
        if homes and "JAVA_HOME" not in env:
            env["JAVA_HOME"] = homes[0]
        with open(self.log, "w", encoding="utf-8") as out:
            self.proc = subprocess.Popen(
                [os.path.join(venv_bin, "ansible-rulebook"), "-i", os.path.join(tmp, "inventory.yml"),
                 "-r", RULEBOOK, "--vars", os.path.join(tmp, "vars.yml"), "-v"],
                cwd=tmp, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def output(self):
        with open(self.log, encoding="utf-8", errors="replace") as handle:
            return handle.read()

    def events(self):
        """(serial, type) of every alarm event printed so far."""
        return [(int(s), t) for s, t in EVENT.findall(self.output())]

    def wait_for(self, what, condition, timeout=180):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise Failure("ansible-rulebook ended (exit %s) while waiting for %s:\n%s" % (
                    self.proc.returncode, what, self.output()[-4000:]))
            if condition():
                return
            time.sleep(1)
        raise Failure("timed out waiting for %s; ansible-rulebook's output:\n%s" % (what, self.output()[-4000:]))

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def alarms(ready):
    return [o["object"] for o in sim_request(ready, "GET", "/_sim/objects?kind=fmalarms")["objects"]]


def main():
    check(os.environ.get("EDA_VENV"), "EDA_VENV must name the virtualenv with ansible-rulebook")
    tmp = tempfile.mkdtemp(prefix="fc-eda-")
    proc = None
    rulebook = None
    try:
        collections = install_collection(tmp)
        proc, env = vrmsim(tmp, "eda", "--vms", "6")
        env["ANSIBLE_COLLECTIONS_PATH"] = collections
        ready = {"url": "https://%s:%s" % (env["FC_HOST"], env["FC_PORT"]), "ca_file": env["FC_CA_PATH"]}
        state_file = os.path.join(tmp, "fc_alarms_state.json")

        # 1. a host with running VMs fails; the rulebook's playbook reacts
        vms = [o["object"] for o in sim_request(ready, "GET", "/_sim/objects?kind=vms")["objects"]]
        host_urn = next(v["hostUrn"] for v in vms if v.get("status") == "running" and v.get("hostUrn"))
        rulebook = Rulebook(tmp, "run1", env)
        rulebook.wait_for("the source's first poll (its state file)", lambda: os.path.exists(state_file))
        sim_request(ready, "POST", "/_sim/hosts/%s/fail" % host_urn)
        fault = next(a for a in alarms(ready) if a["svAlarmID"] == HOST_FAULT and a["objectUrn"] == host_urn)

        def reacted():
            host = sim_request(ready, "GET", "/_sim/objects/" + host_urn)["object"]
            alarm = next(a for a in alarms(ready) if a["iSerialNo"] == fault["iSerialNo"])
            return host.get("isMaintaining") and alarm["svAckUserName"]

        rulebook.wait_for("the host in maintenance mode and its alarm acknowledged", reacted)
        # the rules' actions run one after the other: the event is printed when the playbook has ended
        rulebook.wait_for("the host fault printed as a new alarm",
                          lambda: (fault["iSerialNo"], "new") in rulebook.events() and "PLAY RECAP" in rulebook.output())
        left = [v["name"] for v in (o["object"] for o in sim_request(ready, "GET", "/_sim/objects?kind=vms")["objects"])
                if v.get("hostUrn") == host_urn and v.get("status") == "running"]
        check(not left, "VMs still run on the failed host: %s" % left)
        rulebook.stop()
        print("ok   run 1: host fault alarm %d -> host in maintenance mode, VMs moved, alarm acknowledged"
              % fault["iSerialNo"], flush=True)

        # 2. restart with the same state file: the clearance, errors survived, a new alarm, no duplicate
        sim_request(ready, "POST", "/_sim/hosts/%s/recover" % host_urn)
        rule = sim_request(ready, "POST", "/_sim/faults", {"method": "POST", "path": "/alarms/activeAlarms$",
                                                          "count": 2, "action": {"type": "error", "status": 503}})
        rulebook = Rulebook(tmp, "run2", env)
        rulebook.wait_for("the host fault reported cleared",
                          lambda: (fault["iSerialNo"], "cleared") in rulebook.events())
        other = next(o["urn"] for o in sim_request(ready, "GET", "/_sim/objects?kind=hosts")["objects"]
                     if o["urn"] != host_urn)
        raised = sim_request(ready, "POST", "/_sim/alarms", {"objectUrn": other, "alarmName": "EDA test alarm"})
        rulebook.wait_for("the new alarm %d reported" % raised["iSerialNo"],
                          lambda: (raised["iSerialNo"], "new") in rulebook.events())
        rulebook.stop()
        events = rulebook.events()
        check((fault["iSerialNo"], "new") not in events, "the host fault was reported again after the restart")
        check(sorted(set(events)) == sorted(events), "an event was reported twice: %s" % events)
        check("PLAY RECAP" not in rulebook.output(), "the playbook ran again after the restart")
        fired = [f for f in sim_request(ready, "GET", "/_sim/faults")["faults"] if f["id"] == rule["id"]]
        check(fired and fired[0]["fired"] == 2, "the injected VRM errors were not met: %s" % fired)
        requests = sim_request(ready, "GET", "/_sim/requests")["requests"]
        entered = [r for r in requests if r["path"].endswith("/action/enterMaintenanceMode")]
        check(len(entered) == 1, "%d maintenance requests (one expected)" % len(entered))
        print("ok   run 2: after a restart and two VRM errors, the clearance and a new alarm reported, "
              "no duplicate, no second playbook run", flush=True)
        print("eda: 2 passed, 0 failed")
        return 0
    except Failure as exc:
        print("FAIL %s" % exc, flush=True)
        print("eda: 0 passed, 1 failed")
        return 1
    finally:
        if rulebook is not None:
            rulebook.stop()
        if proc is not None:
            proc.terminate()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
