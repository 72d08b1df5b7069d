"""The control API: about, reset, snapshots, objects, request log, faults, clock."""

import socket
import threading
import time

import pytest
import requests


def test_about_and_clock(sim):
    about = sim.sim("GET", "/about")
    assert about["site_urn"] == "urn:sites:4D6B0918" and about["time_mode"] == "instant"
    before = sim.sim("GET", "/clock")["now"]
    after = sim.sim("POST", "/clock/advance", {"seconds": 100})["now"]
    assert after - before >= 100


def test_snapshot_save_restore_and_reset(sim):
    sim.sim("POST", "/snapshots", {"name": "base"})
    sim.ok("POST", sim.site + "/clusters", {"name": "temp"})
    assert sim.sim("GET", "/objects?kind=clusters&name=temp")["objects"]
    assert "base" in sim.sim("GET", "/snapshots")["snapshots"]
    sim.sim("POST", "/snapshots/base/restore")
    assert sim.login().status_code == 200
    assert sim.sim("GET", "/objects?kind=clusters&name=temp")["objects"] == []
    r = sim.http.post(sim.url + "/_sim/snapshots", json={"name": "../bad"})
    assert r.status_code == 400
    sim.sim("POST", "/reset", {"seed": "empty"})
    assert sim.sim("GET", "/objects?kind=clusters")["objects"] == []
    assert sim.sim("GET", "/objects?kind=sites")["objects"]


def test_objects_introspection(sim):
    host = sim.find("hosts", "cna-prod-01")
    rec = sim.sim("GET", "/objects/" + host["urn"])
    assert rec["kind"] == "hosts" and rec["object"] == sim.ok("GET", host["uri"])
    assert "power" in rec["sim"]
    assert sim.http.get(sim.url + "/_sim/objects/urn:sites:4D6B0918:hosts:999").status_code == 404


def test_request_log(sim):
    sim.http.delete(sim.url + "/_sim/requests")
    mark = sim.sim("GET", "/requests")["last_seq"]
    sim.get(sim.site + "/clusters")
    sim.post(sim.site + "/clusters", {"name": "logged"})
    log = sim.sim("GET", "/requests?since=%d" % mark)["requests"]
    assert [(r["method"], r["path"], r["status"]) for r in log] == [
        ("GET", sim.site + "/clusters", 200), ("POST", sim.site + "/clusters", 200)]
    assert all("/_sim/" not in r["path"] for r in log)


def test_fault_error_with_exact_body(sim):
    f = sim.sim("POST", "/faults", {"method": "GET", "path": "/clusters$", "count": 1, "action": {
        "type": "error", "status": 503, "errorCode": "10000006", "errorDes": "system busy"}})
    r = sim.get(sim.site + "/clusters")
    assert r.status_code == 503 and r.json() == {"errorCode": "10000006", "errorDes": "system busy"}
    assert sim.get(sim.site + "/clusters").status_code == 200      # count exhausted
    assert sim.sim("GET", "/faults")["faults"][0]["fired"] == 1
    sim.http.delete(sim.url + "/_sim/faults/" + f["id"])
    assert sim.sim("GET", "/faults")["faults"] == []


def test_fault_probability_zero_never_fires(sim):
    sim.sim("POST", "/faults", {"path": ".*", "probability": 0.0, "action": {"type": "error", "status": 500}})
    for _ in range(5):
        assert sim.get(sim.site + "/clusters").status_code == 200
    sim.http.delete(sim.url + "/_sim/faults")


def test_fault_delay(sim):
    sim.sim("POST", "/faults", {"method": "GET", "path": "/hosts$", "count": 1,
                                "action": {"type": "delay", "seconds": 0.5}})
    t0 = time.time()
    assert sim.get(sim.site + "/hosts").status_code == 200
    assert time.time() - t0 >= 0.5


def test_fault_drop_closes_the_connection(sim):
    sim.sim("POST", "/faults", {"method": "GET", "path": "/hosts$", "count": 1, "action": {"type": "drop"}})
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(sim.url + sim.site + "/hosts", headers={"X-Auth-Token": sim.token})
    assert sim.get(sim.site + "/hosts").status_code == 200


def test_fault_lose_answer_applies_the_request_and_hangs_up(sim):
    """The request takes effect, the client gets no answer: at once, or after it stopped waiting."""
    sim.sim("POST", "/faults", {"method": "POST", "path": "/clusters$", "count": 1,
                                "action": {"type": "lose_answer"}})
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(sim.url + sim.site + "/clusters", json={"name": "lost-1"},
                      headers={"X-Auth-Token": sim.token})
    assert sim.find("clusters", "lost-1")["name"] == "lost-1"         # applied
    log = sim.sim("GET", "/requests")["requests"]
    assert [r["status"] for r in log if r["method"] == "POST" and r["path"].endswith("/clusters")] == [200]
    sim.sim("POST", "/faults", {"method": "POST", "path": "/clusters$", "count": 1,
                                "action": {"type": "lose_answer", "seconds": 1.5}})
    t0 = time.time()
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(sim.url + sim.site + "/clusters", json={"name": "lost-2"},
                      headers={"X-Auth-Token": sim.token}, timeout=0.5)
    assert time.time() - t0 < 1.5
    assert sim.find("clusters", "lost-2")["name"] == "lost-2"
    time.sleep(1.2)      # the server side ends its wait and closes; later requests are answered
    assert sim.post(sim.site + "/clusters", {"name": "lost-3"}).status_code == 200


def test_fault_gate_holds_requests_until_they_meet(sim):
    """Two creates of one name held at a gate are applied together: both find nothing first, both make one."""
    ds = sim.find("datastores", "datastore-dev")
    body = {"name": "twin", "quantityGB": 1, "datastoreUrn": ds["urn"], "isThin": True, "type": "normal"}
    sim.sim("POST", "/faults", {"method": "POST", "path": "/volumes$", "count": 2,
                                "action": {"type": "gate", "waiters": 2, "seconds": 10}})
    answers = []

    def create():
        answers.append(requests.post(sim.url + sim.site + "/volumes", json=body,
                                     headers={"X-Auth-Token": sim.token}).status_code)
    first = threading.Thread(target=create)
    first.start()
    time.sleep(0.5)
    assert answers == [] and sim.sim("GET", "/objects?kind=volumes&name=twin")["objects"] == [], "held"
    create()
    first.join(5)
    assert answers == [200, 200]
    assert len(sim.sim("GET", "/objects?kind=volumes&name=twin")["objects"]) == 2
    # a gate nobody else reaches opens after its seconds
    sim.sim("POST", "/faults", {"method": "POST", "path": "/volumes$", "count": 1,
                                "action": {"type": "gate", "waiters": 2, "seconds": 0.5}})
    t0 = time.time()
    assert sim.post(sim.site + "/volumes", dict(body, name="alone")).status_code == 200
    assert 0.5 <= time.time() - t0 < 5
    r = sim.http.post(sim.url + "/_sim/faults", json={"action": {"type": "gate", "waiters": 1}})
    assert r.status_code == 400 and "action.waiters" in r.json()["errorDes"]


def test_latency_knob(sim):
    assert sim.sim("GET", "/latency") == {"ms": 0}
    assert sim.sim("POST", "/latency", {"ms": 300}) == {"ms": 300}
    t0 = time.time()
    assert sim.get(sim.site + "/clusters").status_code == 200
    assert time.time() - t0 >= 0.3
    for bad in (-1, "slow", True, 10 ** 6):
        r = sim.http.post(sim.url + "/_sim/latency", json={"ms": bad})
        assert r.status_code == 400 and "ms must be" in r.json()["errorDes"]
    assert sim.sim("POST", "/latency", {"ms": 0}) == {"ms": 0}
    t0 = time.time()
    assert sim.get(sim.site + "/clusters").status_code == 200
    assert time.time() - t0 < 0.3


def test_deeply_nested_body_is_refused_with_400(sim):
    """A body nested deeper than the JSON parser goes is bad JSON (400), not a dropped connection."""
    deep = "[" * 100000 + "]" * 100000
    r = sim.http.post(sim.url + sim.site + "/clusters", data=deep,
                      headers={"Content-Type": "application/json", "X-Auth-Token": sim.token})
    assert r.status_code == 400 and r.json()["errorCode"] == "10000001"
    assert "nested too deeply" in r.json()["errorDes"]
    r = sim.http.post(sim.url + "/_sim/faults", data='{"a":' * 100000 + "1" + "}" * 100000)
    assert r.status_code == 400
    assert sim.get(sim.site + "/clusters").status_code == 200


def test_fault_token_expire(sim):
    sim.sim("POST", "/faults", {"path": "/clusters$", "count": 1, "action": {"type": "token_expire"}})
    r = sim.get(sim.site + "/clusters")
    assert r.status_code == 401 and r.json()["errorCode"] == "10000002"
    assert sim.login().status_code == 200 and sim.get(sim.site + "/clusters").status_code == 200


def test_fault_on_object(sim):
    h1 = sim.find("hosts", "cna-dev-01")
    h2 = sim.find("hosts", "cna-dev-02")
    sim.sim("POST", "/faults", {"method": "POST", "path": "/action/reboot$", "object": h1["urn"],
                                "action": {"type": "task_fail", "at_progress": 10, "errorCode": "10800102"}})
    assert sim.wait(sim.ok("POST", h2["uri"] + "/action/reboot"))["status"] == "success"
    t = sim.wait(sim.ok("POST", h1["uri"] + "/action/reboot"), expect="failed")
    assert t["reason"] == "10800102" and t["progress"] == 10


def test_bad_fault_rules_are_refused(sim):
    r = sim.http.post(sim.url + "/_sim/faults", json={"action": {"type": "explode"}})
    assert r.status_code == 400
    r = sim.http.post(sim.url + "/_sim/faults", json={"path": "([", "action": {"type": "drop"}})
    assert r.status_code == 400
    # Fields that would only fail later, on every request matched against the rule, are refused up front.
    for rule, words in (
            ({"probability": "often", "action": {"type": "drop"}}, "probability"),
            ({"probability": 2, "action": {"type": "drop"}}, "probability"),
            ({"count": "twice", "action": {"type": "drop"}}, "count"),
            ({"count": 0, "action": {"type": "drop"}}, "count"),
            ({"path": 5, "action": {"type": "drop"}}, "path"),
            ({"action": {"type": "error", "status": "teapot"}}, "action.status"),
            ({"action": {"type": "error", "status": 200}}, "action.status"),
            ({"action": {"type": "delay", "seconds": "long"}}, "action.seconds"),
            ({"action": {"type": "task_fail", "at_progress": 150}}, "action.at_progress"),
            ({"action": {"type": "error", "errorCode": ["x"]}}, "action.errorCode")):
        r = sim.http.post(sim.url + "/_sim/faults", json=rule)
        assert r.status_code == 400 and words in r.json()["errorDes"], (rule, r.text)
    assert sim.sim("GET", "/faults")["faults"] == []
    assert sim.ok("GET", sim.site + "/clusters")["clusters"]


def test_unusable_numbers_are_refused_not_crashed_on(sim):
    """A number JSON can spell but Python cannot turn into an integer is a bad field, not a server error."""
    cl = sim.find("clusters", "cluster-dev")
    r = sim.http.post(sim.url + sim.site + "/vms", data='{"name": "inf", "location": "%s", "vmConfig": {"cpu": '
                      '{"quantity": 1e400}, "memory": {"quantityMB": 1024}}, "osOptions": {"osType": "Linux", '
                      '"osVersion": 10082}}' % cl["urn"],
                      headers={"Content-Type": "application/json", "X-Auth-Token": sim.token})
    assert r.status_code == 400 and r.json()["errorCode"] == "10300003"   # the CPU count code (FC8DOC)
    for seconds in ("-5", "NaN", "1e400", '"soon"'):
        r = sim.http.post(sim.url + "/_sim/clock/advance", data='{"seconds": %s}' % seconds)
        assert r.status_code == 400, (seconds, r.text)


def test_nas_export_registration(sim):
    sim.sim("POST", "/nas_exports", {"ip": "198.51.100.230", "path": "/srv/images", "capacity_gb": 300})
    h = sim.find("hosts", "cna-dev-01")
    ans = sim.ok("POST", sim.site + "/storageresources", {
        "name": "nfs-x", "storageType": "NAS", "vender": "OTHER", "deviceType": "OTHER",
        "dataChannel": [{"ip": "198.51.100.230"}], "hostUrn": [h["urn"]]})
    sim.wait(ans)
    units = sim.ok("GET", sim.site + "/storageunits", params={"hostUrn": h["urn"], "useState": "all",
                                                              "deviceType": "5"})["storageUnits"]
    assert "198.51.100.230:/srv/images" in [u["name"] for u in units]
