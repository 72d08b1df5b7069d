"""Persistence: restart restores objects and in-flight tasks; kill -9 loses no acknowledged change."""

import signal
import subprocess
import sys

from conftest import SIM_DIR


def test_restart_restores_objects_and_inflight_tasks(proc_factory, tmp_path):
    state = str(tmp_path / "state")
    p = proc_factory(state, extra=["--time-mode", "manual"])
    c = p.client
    assert c.login().status_code == 200
    host = [o for o in c.http.get(c.url + "/_sim/objects?kind=hosts").json()["objects"]
            if o["object"]["name"] == "cna-dev-01"][0]
    ans = c.ok("POST", host["object"]["uri"] + "/action/reboot")
    assert c.ok("GET", ans["taskUri"])["status"] == "running"
    c.ok("POST", "/service/sites/4D6B0918/clusters", {"name": "persisted"})
    p.stop(signal.SIGTERM)
    q = proc_factory(state, extra=["--time-mode", "manual"])
    d = q.client
    assert d.login().status_code == 200
    assert d.http.get(d.url + "/_sim/objects?kind=clusters&name=persisted").json()["objects"]
    t = d.ok("GET", ans["taskUri"])
    assert t["status"] == "running"
    assert d.http.get(d.url + "/_sim/objects/" + host["urn"]).json()["object"]["status"] == "rebooting"
    d.http.post(d.url + "/_sim/clock/advance", json={"seconds": 200})
    assert d.ok("GET", ans["taskUri"])["status"] == "success"
    assert d.http.get(d.url + "/_sim/objects/" + host["urn"]).json()["object"]["status"] == "normal"


def test_kill_9_loses_no_acknowledged_change(proc_factory, tmp_path):
    state = str(tmp_path / "state")
    p = proc_factory(state)
    c = p.client
    assert c.login().status_code == 200
    for i in range(200):
        c.ok("POST", "/service/sites/4D6B0918/clusters", {"name": "k9-%03d" % i})
    p.stop(signal.SIGKILL)
    q = proc_factory(state)
    names = {o["object"]["name"] for o in q.client.http.get(q.client.url + "/_sim/objects?kind=clusters").json()["objects"]}
    assert {"k9-%03d" % i for i in range(200)} <= names


def test_token_survives_restart(proc_factory, tmp_path):
    state = str(tmp_path / "state")
    p = proc_factory(state)
    c = p.client
    assert c.login().status_code == 200
    p.stop(signal.SIGTERM)
    q = proc_factory(state)
    q.client.token = c.token
    assert q.client.get("/service/sites").status_code == 200


def test_listens_on_ipv6_and_names_a_bad_listen_address(proc_factory, tmp_path):
    p = proc_factory(str(tmp_path / "v6"), extra=("--listen", "[::1]:0"))
    assert p.ready["url"] == "https://[::1]:%d" % p.ready["port"]
    assert p.client.login().status_code == 200
    assert p.client.req("GET", "/service/sites").json()["sites"][0]["urn"] == "urn:sites:4D6B0918"
    # each bad value after a good --listen (argparse keeps the last --listen): one sentence, never a traceback
    for args, text in ((["--listen", "127.0.0.1:http"], "--listen wants HOST:PORT"),
                       (["--listen", "127.0.0.1:70000"], "--listen wants HOST:PORT"),
                       (["--listen", "192.0.2.1:0"], "cannot listen on 192.0.2.1:0"),
                       (["--seed", "scale"], "invalid choice"), (["--vms", "-5"], "0 or more"),
                       (["--latency-ms", "nan"], "0 or more"), (["--time-scale", "0"], "above 0")):
        out = subprocess.run([sys.executable, "-m", "vrmsim", "serve", "--state-dir", str(tmp_path / "bad"),
                              "--listen", "127.0.0.1:0"] + args, cwd=SIM_DIR, capture_output=True, text=True,
                             timeout=60)
        assert out.returncode != 0 and text in out.stderr and "Traceback" not in out.stderr, out.stderr
