"""Alarms, events, the operation log and metrics: raised and cleared by what vrmsim simulates."""

import time

from test_policies import _pin_running

ACTIVE = "/alarms/activeAlarms"
HISTORY = "/alarms/historyAlarms"


def _alarms(sim, path=ACTIVE, **body):
    return sim.ok("POST", sim.site + path, body)


# route: POST /service/sites/{site}/alarms/activeAlarms
# route: POST /service/sites/{site}/alarms/historyAlarms
# route: POST /service/sites/{site}/alarms/events
def test_host_failure_raises_and_recovery_clears(sim):
    assert _alarms(sim)["total"] == 0
    urns = _pin_running(sim, "cna-prod-02", 2)
    host = sim.find("hosts", "cna-prod-02")["urn"]
    sim.sim("POST", "/hosts/%s/fail" % host)
    active = _alarms(sim, objectUrn=host)
    assert active["total"] == 1
    alarm = active["items"][0]
    assert (alarm["svAlarmID"], alarm["iAlarmLevel"], alarm["svMoc"], alarm["urnByName"]) == \
        ("15.1007003", "1", "hosts", "cna-prod-02")
    # HA restarted both VMs: its alarm was raised for each and cleared when the VM ran again
    ha = _alarms(sim, HISTORY, alarmId="15.1005010")
    assert sorted(a["objectUrn"] for a in ha["items"]) == sorted(urns)
    assert all(a["iClearType"] == "1" and a["dtClearTime"] for a in ha["items"])
    events = sim.ok("POST", sim.site + "/alarms/events", {"objectUrn": host})
    assert [e["eventID"] for e in events["items"]] == ["7001"]
    # a second failure report of the same host does not make a second alarm; recovery clears it
    sim.sim("POST", "/hosts/%s/recover" % host)
    assert _alarms(sim, objectUrn=host)["total"] == 0
    cleared = _alarms(sim, HISTORY, objectUrn=host)["items"]
    assert len(cleared) == 1 and cleared[0]["iSerialNo"] == alarm["iSerialNo"]
    assert cleared[0]["iSyncNo"] > alarm["iSyncNo"]
    events = sim.ok("POST", sim.site + "/alarms/events", {"objectUrn": host, "order": ["occurtime ASC"]})
    assert [e["eventID"] for e in events["items"]] == ["7001", "7002"]


def test_filters_and_paging(sim):
    host = sim.find("hosts", "cna-dev-01")["urn"]
    vm_host = sim.find("hosts", "cna-dev-02")["urn"]
    before = int(sim.engine.now() * 1000)
    for level in ("1", "3", "4"):
        sim.sim("POST", "/alarms", {"objectUrn": host, "alarmId": "9.%s" % level, "level": level})
    sim.sim("POST", "/alarms", {"objectUrn": vm_host, "alarmId": "9.9", "level": "2", "alarmName": "Fan"})
    assert _alarms(sim)["total"] == 4
    assert {a["iAlarmLevel"] for a in _alarms(sim, alarmLevel=["1", "3"])["items"]} == {"1", "3"}
    assert _alarms(sim, alarmName="fan")["items"][0]["objectUrn"] == vm_host
    assert _alarms(sim, MOC="hosts", occurStartTime=str(before))["total"] == 4
    assert _alarms(sim, occurStopTime=str(before - 1))["total"] == 0
    page = _alarms(sim, limit=2, offset=2, order=["alarmId ASC"])
    assert page["total"] == 4 and [a["svAlarmID"] for a in page["items"]] == ["9.4", "9.9"]
    r = sim.post(sim.site + ACTIVE, {"limit": 101})
    assert r.status_code == 500 and r.json()["errorCode"] == "11100049"
    r = sim.post(sim.site + ACTIVE, {"order": ["colour ASC"]})
    assert r.status_code == 400


# route: POST /service/sites/{site}/alarms/action/acknowledge
# route: POST /service/sites/{site}/alarms/action/clear
def test_acknowledge_and_clear_by_hand(sim):
    host = sim.find("hosts", "cna-dev-01")["urn"]
    serial = sim.sim("POST", "/alarms", {"objectUrn": host})["iSerialNo"]
    sim.ok("POST", sim.site + "/alarms/action/acknowledge", {"serialNos": [serial]})
    alarm = _alarms(sim)["items"][0]
    assert alarm["svAckUserName"] == "admin" and alarm["dtAckTime"]
    sync = alarm["iSyncNo"]
    sim.ok("POST", sim.site + "/alarms/action/acknowledge", {"serialNos": [serial]})
    assert _alarms(sim)["items"][0]["iSyncNo"] == sync          # a second acknowledgement changes nothing
    sim.ok("POST", sim.site + "/alarms/action/clear", {"serialNos": [serial]})
    assert _alarms(sim)["total"] == 0
    cleared = _alarms(sim, HISTORY)["items"][0]
    assert (cleared["iClearType"], cleared["svClearAlarmUserName"], cleared["iAlarmCategory"]) == ("2", "admin", "1")
    r = sim.post(sim.site + "/alarms/action/clear", {"serialNos": [999]})
    assert r.status_code == 400 and r.json()["errorCode"] == "10000008"
    r = sim.post(sim.site + "/alarms/action/clear", {"serialNos": []})
    assert r.status_code == 400
    events = sim.ok("POST", sim.site + "/alarms/events", {"eventId": "7031"})
    assert events["total"] == 1


def test_sim_control_clear_and_bad_input(sim):
    host = sim.find("hosts", "cna-dev-01")["urn"]
    serial = sim.sim("POST", "/alarms", {"objectUrn": host})["iSerialNo"]
    out = sim.sim("DELETE", "/alarms/%d" % serial)
    assert out["iClearType"] == "1" and _alarms(sim)["total"] == 0
    assert sim.http.post(sim.url + "/_sim/alarms", json={"objectUrn": host, "level": "7"}).status_code == 400
    assert sim.http.post(sim.url + "/_sim/alarms", json={"objectUrn": "urn:sites:4D6B0918:hosts:999"}).status_code \
        == 400
    assert sim.http.delete(sim.url + "/_sim/alarms/999").status_code == 404


def test_task_failure_raises_an_alarm(sim):
    h1 = sim.find("hosts", "cna-dev-01")
    sim.sim("POST", "/faults", {"method": "POST", "path": "/action/reboot$", "object": h1["urn"],
                                "action": {"type": "task_fail", "errorCode": "10800102"}})
    sim.wait(sim.ok("POST", h1["uri"] + "/action/reboot"), expect="failed")
    alarm = _alarms(sim, alarmId="15.1000021")["items"][0]
    assert alarm["objectUrn"] == h1["urn"] and "10800102" in alarm["svAdditionalInfo"]
    assert alarm["iAutoClear"] == "NO" and alarm["iAlarmLevel"] == "3"


def test_datastore_over_threshold(sim):
    ds = sim.find("datastores", "datastore-dev")
    body = {"name": "big", "quantityGB": 1900, "datastoreUrn": ds["urn"], "type": "normal", "isThin": False}
    vol = sim.ok("POST", sim.site + "/volumes", body)
    sim.wait(vol)
    alarm = _alarms(sim, MOC="DATASTORE")["items"]
    assert [a["objectUrn"] for a in alarm] == [ds["urn"]] and alarm[0]["iAlarmLevel"] == "2"
    sim.wait(sim.ok("DELETE", vol["uri"]))
    assert _alarms(sim, MOC="DATASTORE")["total"] == 0
    assert _alarms(sim, HISTORY, objectUrn=ds["urn"])["items"][0]["iClearType"] == "1"


# route: GET /service/sites/{site}/olm/operaterLog/list
def test_operation_log_records_every_write(sim):
    host = sim.find("hosts", "cna-dev-01")
    sim.ok("PUT", host["uri"], {"description": "rack 4"})
    sim.put(sim.site + "/hosts/9999", {"description": "x"})
    sim.get(sim.site + "/hosts")
    _alarms(sim)
    log = sim.ok("GET", sim.site + "/olm/operaterLog/list", params={"limit": 10, "offset": 0})
    names = [e["opName"] for e in log["items"]]
    assert names[:2] == ["PUT %s/hosts/9999" % sim.site, "PUT %s" % host["uri"]]
    assert not any(n.startswith("GET ") or n.endswith("/alarms/activeAlarms") for n in names)
    assert log["items"][0]["opResult"] == "1" and log["items"][0]["opFailReason"].startswith("10300027")
    assert log["items"][1]["opResult"] == "0" and log["items"][1]["opUser"] == "admin"
    failed = sim.ok("GET", sim.site + "/olm/operaterLog/list", params={"limit": 10, "offset": 0, "opResult": "1"})
    assert failed["total"] == 1
    r = sim.get(sim.site + "/olm/operaterLog/list", params={"limit": 101, "offset": 0})
    assert r.status_code == 400 and r.json()["errorCode"] == "11011014"
    r = sim.get(sim.site + "/olm/operaterLog/list")
    assert r.json()["errorCode"] == "11012001"


# route: POST /service/sites/{site}/monitors/objectmetric-realtimedata
# route: GET /service/sites/{site}/monitors/getSysCurrentTime
def test_realtime_metrics(sim):
    urns = _pin_running(sim, "cna-prod-01", 2)
    host = sim.find("hosts", "cna-prod-01")["urn"]
    ds = sim.find("datastores", "datastore-prod")["urn"]
    ans = sim.ok("POST", sim.site + "/monitors/objectmetric-realtimedata", [
        {"urn": host, "metricId": ["cpu_usage", "vm_run_num", "nosuch"]},
        {" urn ": urns[0], "metricId": ["cpu_usage"]}, {"urn": ds, "metricId": ["logic_disk_usage"]}])
    assert ans["total"] == 3
    values = {v["metricId"]: v for v in ans["items"][0]["value"]}
    assert 0 < float(values["cpu_usage"]["metricValue"]) <= 100 and values["cpu_usage"]["unit"] == "%"
    assert int(values["vm_run_num"]["metricValue"]) >= 2
    assert values["nosuch"]["metricValue"] is None
    assert ans["items"][1]["objectName"] == "cna-prod-01-vm0"
    assert 0 < float(ans["items"][2]["value"][0]["metricValue"]) < 100
    sim.sim("POST", "/hosts/%s/fail" % host)          # a failed host has no values
    ans = sim.ok("POST", sim.site + "/monitors/objectmetric-realtimedata", [{"urn": host, "metricId": ["cpu_usage"]}])
    assert ans["items"][0]["value"][0]["metricValue"] is None
    for body, code in (([], "11000006"), ([{"urn": host}], "11000020"), ([{"metricId": ["cpu_usage"]}], "11000027")):
        r = sim.post(sim.site + "/monitors/objectmetric-realtimedata", body)
        assert r.status_code == 500 and r.json()["errorCode"] == code, (body, r.text)
    now = sim.ok("GET", sim.site + "/monitors/getSysCurrentTime")
    assert abs(int(now["currentUtcTime"]) / 1000.0 - time.time()) < 60


# route: POST /service/sites/{site}/monitors/objectmetric-curvedata
def test_history_curves_follow_the_virtual_clock(manual_sim):
    sim = manual_sim
    cluster = sim.find("clusters", "cluster-prod")["urn"]
    now = int(sim.engine.now())
    query = [{"urn": cluster, "metricId": "cpu_usage", "startTime": str(now - 3600), "endTime": str(now),
              "interval": "300"}]
    curve = sim.ok("POST", sim.site + "/monitors/objectmetric-curvedata", query)["items"][0]
    points = curve["metricValue"]
    assert curve["unit"] == "%" and curve["metricName"] == "CPU usage"
    assert len(points) in (12, 13) and all(int(p["time"]) % 300 == 0 for p in points)
    assert len({p["value"] for p in points}) > 1                      # a curve, not a constant
    again = sim.ok("POST", sim.site + "/monitors/objectmetric-curvedata", query)["items"][0]["metricValue"]
    assert again == points                                           # the same query answers the same curve
    sim.sim("POST", "/clock/advance", {"seconds": 900})
    assert sim.login().status_code == 200          # the session's idle time ran out with the clock
    query[0]["endTime"] = str(now + 900)
    later = sim.ok("POST", sim.site + "/monitors/objectmetric-curvedata", query)["items"][0]["metricValue"]
    assert len(later) == len(points) + 3 and later[:len(points)] == points
    r = sim.post(sim.site + "/monitors/objectmetric-curvedata", query * 101)
    assert r.status_code == 500 and r.json()["errorCode"] == "11000096"
    for field, value, code in (("interval", "7", "11000088"), ("startTime", "yesterday", "11000047")):
        bad = [dict(query[0], **{field: value})]
        r = sim.post(sim.site + "/monitors/objectmetric-curvedata", bad)
        assert r.status_code == 500 and r.json()["errorCode"] == code
    r = sim.post(sim.site + "/monitors/objectmetric-curvedata", [dict(query[0], urn=sim.site_urn + ":hosts:999")])
    assert r.status_code == 400 and r.json()["errorCode"] == "10000008"
