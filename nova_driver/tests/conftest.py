"""Fixtures: a vrmsim per test module, nova's configuration pointed at it, nova objects."""

# nova patches (or not) the standard library before anything imports ssl, as nova-compute does
from nova import monkey_patch  # noqa: E402  pylint: disable=wrong-import-position
if hasattr(monkey_patch, "patch"):  # nova 31 and later; older nova (Debian 12's 26) patched on import
    monkey_patch.patch()  # the eventlet mode nova.tests.unit uses

import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import pytest
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIMULATOR = os.path.join(ROOT, "simulator")


class Sim:
    def __init__(self, ready, proc, state_dir):
        self.ready = ready
        self.proc = proc
        self.state_dir = state_dir
        self.url = ready["url"]
        self.http = requests.Session()
        self.http.verify = ready["ca_file"]
        self.http.trust_env = False

    def objects(self, kind):
        answer = self.http.get(self.url + "/_sim/objects", params={"kind": kind})
        answer.raise_for_status()
        return [o["object"] for o in answer.json()["objects"]]

    def one(self, kind, **match):
        found = [o for o in self.objects(kind) if all(o.get(k) == v for k, v in match.items())]
        assert len(found) == 1, (kind, match, found)
        return found[0]

    def api(self, method, path, body=None):
        """A request to the VRM API as the admin user (used to change the world behind the driver)."""
        import hashlib
        key = hashlib.sha256(self.ready["password"].encode()).hexdigest()
        login = self.http.post(self.url + "/service/session", headers={
            "X-Auth-User": self.ready["username"], "X-Auth-Key": key, "X-Auth-UserType": "2",
            "X-Auth-AuthType": "0", "Accept": "application/json;version=8.0;charset=UTF-8"})
        login.raise_for_status()
        headers = {"X-Auth-Token": login.headers["X-Auth-Token"],
                   "Accept": "application/json;version=8.0;charset=UTF-8",
                   "Content-Type": "application/json;charset=UTF-8"}
        answer = self.http.request(method, self.url + path, headers=headers,
                                   data=json.dumps(body) if body is not None else None)
        answer.raise_for_status()
        return answer.json() if answer.content.strip() else None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def start_sim(seed="demo"):
    state_dir = tempfile.mkdtemp(prefix="fc-nova-sim.")
    ready_file = os.path.join(state_dir, "ready.json")
    env = dict(os.environ, PYTHONPATH=SIMULATOR)
    python = os.environ.get("VRMSIM_PYTHON", sys.executable)
    proc = subprocess.Popen([python, "-m", "vrmsim", "serve", "--state-dir", state_dir, "--listen",
                             "127.0.0.1:0", "--seed", seed, "--time-mode", "instant", "--ready-file", ready_file],
                            cwd=SIMULATOR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(300):
        if os.path.exists(ready_file) and os.path.getsize(ready_file):
            break
        if proc.poll() is not None:
            raise RuntimeError("vrmsim exited: %s" % proc.stderr.read().decode())
        time.sleep(0.05)
    time.sleep(0.05)
    with open(ready_file) as f:
        ready = json.load(f)
    return Sim(ready, proc, state_dir)


@pytest.fixture(scope="session", autouse=True)
def nova_setup():
    import nova.conf
    from nova import objects
    objects.register_all()
    nova.conf.CONF([], project="nova", default_config_files=[])
    nova.conf.CONF.set_override("my_ip", "192.0.2.10")


@pytest.fixture(scope="module")
def sim():
    s = start_sim()
    yield s
    s.stop()


def configure(sim, **overrides):
    """Point nova's CONF at vrmsim (the [fusioncompute] group as an operator would write it)."""
    import nova.conf
    from fusioncompute_nova import conf as fc_conf
    CONF = nova.conf.CONF
    fc_conf.register_opts(CONF)
    values = {"fc_ip": "127.0.0.1", "fc_port": sim.ready["port"], "fc_user": sim.ready["username"],
              "fc_pwd": sim.ready["password"], "ca_file": sim.ready["ca_file"], "clusters": ["cluster-prod"],
              "fc_request_timeout_min": 30, "fc_request_timeout_max": 60}
    values.update(overrides)
    for k, v in values.items():
        CONF.set_override(k, v, group="fusioncompute")
    return CONF


@pytest.fixture
def nova_conf(sim):
    import nova.conf
    CONF = configure(sim)
    yield CONF
    for opt in ("fc_ip", "fc_port", "fc_user", "fc_pwd", "ca_file", "clusters", "site", "insecure",
                "image_templates", "default_template", "datastore", "default_dvs", "vm_naming",
                "fc_request_timeout_min", "fc_request_timeout_max", "resource_reduced_rate", "cpu_ratio"):
        nova.conf.CONF.clear_override(opt, group="fusioncompute")
