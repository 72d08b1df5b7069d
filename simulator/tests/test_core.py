"""Session, errors, paging, sites, tasks, clusters and hosts."""

import hashlib
import time

import requests

from conftest import ACCEPT, PASSWORD


# route: POST /service/session
def test_login_sha256_and_plain(sim):
    r = sim.login()
    assert r.status_code == 200
    assert len(r.headers["X-Auth-Token"]) == 49
    body = r.json()
    assert body["validity"] == 600000 and body["userName"] == "admin"
    assert sim.login(plain=True).status_code == 200
    # the correct spelling of the header is accepted too
    r = sim.http.post(sim.url + "/service/session", headers={
        "X-Auth-User": "admin", "X-Auth-Key": PASSWORD, "X-ENCRYPT-ALGORITHM": "1"})
    assert r.status_code == 200


def test_login_failures(sim):
    r = sim.login(password="wrong")
    assert r.status_code == 400 and r.json()["errorCode"] == "10100103"
    assert "X-Auth-Token" not in r.headers
    # a plain password sent without the plain-text flag is a wrong SHA-256 key
    r = sim.login(password=PASSWORD, plain=False)
    assert r.status_code == 200
    r = sim.http.post(sim.url + "/service/session", headers={"X-Auth-User": "admin", "X-Auth-Key": PASSWORD})
    assert r.status_code == 400 and r.json()["errorCode"] == "10100103"
    r = sim.http.post(sim.url + "/service/session", headers={
        "X-Auth-User": "admin", "X-Auth-Key": hashlib.sha256(PASSWORD.encode()).hexdigest(), "X-Auth-AuthType": "7"})
    assert r.status_code == 400 and r.json()["errorCode"] == "10100132"


# route: DELETE /service/session
def test_logout_invalidates_token(sim):
    assert sim.get(sim.site).status_code == 200
    assert sim.delete("/service/session").status_code == 200
    r = sim.get(sim.site)
    assert r.status_code == 401 and r.json()["errorCode"] == "10000002"


def test_idle_expiry_and_relogin(sim):
    assert sim.get(sim.site).status_code == 200
    sim.sim("POST", "/clock/advance", {"seconds": 601})
    r = sim.get(sim.site)
    assert r.status_code == 401 and r.json()["errorCode"] == "10000002"
    assert sim.login().status_code == 200
    assert sim.get(sim.site).status_code == 200


def test_activity_keeps_the_session_alive(sim):
    for _ in range(3):
        sim.sim("POST", "/clock/advance", {"seconds": 400})
        assert sim.get(sim.site).status_code == 200


# route: GET /service/versions
def test_versions_need_no_token(sim):
    r = sim.get("/service/versions", token=False)
    assert r.status_code == 200 and r.json()["versions"]


def test_every_route_but_login_needs_a_token(sim):
    from vrmsim import routes
    open_routes = []
    for rt in routes.ROUTES:
        path = rt.template.replace("{site}", "4D6B0918").replace("{vm}", "i-00000001")
        import re
        path = re.sub(r"\{\w+\}", "1", path)
        r = sim.req(rt.method, path, body={}, token=False)
        if r.status_code != 401:
            open_routes.append((rt.method, rt.template, r.status_code))
        else:
            assert r.json()["errorCode"] == "10000002"
    # besides login and versions, the files of a server lease (vrmsim's stand-in for a node's HTTP service)
    assert sorted((m, t) for m, t, _ in open_routes) == [
        ("GET", "/serverlease-files/{site}/{id}/{key}"), ("GET", "/service/versions"), ("POST", "/service/session")]


def test_unknown_route_is_not_implemented(sim):
    r = sim.get(sim.site + "/nonsense")
    assert r.status_code == 404 and r.json()["errorCode"] == "vrmsim.not_implemented"
    r = sim.req("PATCH", sim.site + "/clusters")
    assert r.status_code == 405 and "not implement" in r.json()["errorDes"]


def test_body_on_get_is_tolerated_and_bad_json_refused(sim):
    assert sim.req("GET", "/service/sites", body={}).status_code == 200
    r = sim.http.post(sim.url + sim.site + "/clusters", data="{not json",
                      headers={"X-Auth-Token": sim.token, "Accept": ACCEPT})
    assert r.status_code == 400 and r.json()["errorCode"] == "10000001"


# route: GET /service/sites
# route: GET /service/sites/{site}
# route: PUT /service/sites/{site}
def test_sites(sim):
    sites = sim.ok("GET", "/service/sites")["sites"]
    assert len(sites) == 1 and sites[0]["urn"] == "urn:sites:4D6B0918" and sites[0]["uri"] == sim.site
    detail = sim.ok("GET", sim.site)
    assert "timeZone" in detail
    sim.ok("PUT", sim.site, {"timeZone": "Asia/Shanghai", "ntpIp": "198.51.100.1"})
    assert sim.obj("urn:sites:4D6B0918")["timeZone"] == "Asia/Shanghai"
    r = sim.get("/service/sites/DEADBEEF")
    assert r.status_code == 400 and r.json()["errorCode"] == "10000020"


# route: GET /service/sites/{site}/clusters
# route: POST /service/sites/{site}/clusters
# route: GET /service/sites/{site}/clusters/{id}
# route: PUT /service/sites/{site}/clusters/{id}
# route: DELETE /service/sites/{site}/clusters/{id}
def test_cluster_lifecycle(sim):
    ans = sim.ok("POST", sim.site + "/clusters", {"name": "c-new", "isEnableDrs": True,
                                                  "drsSetting": {"drsLevel": 1, "powerLevel": 2}})
    assert set(ans) == {"urn", "uri"} and ans["uri"] == "/service/" + "/".join(ans["urn"].split(":")[1:])
    c = sim.ok("GET", ans["uri"])
    assert c["isEnableDrs"] is True and c["drsSetting"]["drsLevel"] == 1 and c["drsSetting"]["powerLevel"] == 2
    assert c["isEnableHa"] is True
    r = sim.post(sim.site + "/clusters", {"name": "c-new"})
    assert r.status_code == 400 and r.json()["errorCode"] == "10300091"
    r = sim.put(ans["uri"], {"name": "c-renamed", "haSetting": {"isAccessControl": True}})
    assert r.status_code == 200 and not r.content
    assert sim.obj(ans["urn"])["name"] == "c-renamed"
    assert sim.obj(ans["urn"])["haSetting"]["isAccessControl"] is True
    listed = sim.ok("GET", sim.site + "/clusters", params={"name": "RENAMED"})["clusters"]
    assert [c["urn"] for c in listed] == [ans["urn"]]
    assert "drsSetting" not in listed[0]
    r = sim.delete(ans["uri"])
    assert r.status_code == 200 and not r.content
    r = sim.get(ans["uri"])
    assert r.status_code == 400 and r.json()["errorCode"] == "10300028"


def test_cluster_validation_and_nonempty_delete(sim):
    r = sim.post(sim.site + "/clusters", {"name": ""})
    assert r.status_code == 400
    r = sim.post(sim.site + "/clusters", {"name": "x", "drsSetting": {"drsLevel": 2}})
    assert r.status_code == 400 and r.json()["errorCode"] == "10300123"     # DRS level (FC8DOC)
    r = sim.post(sim.site + "/clusters", {"name": "x", "resStrategy": "roundRobin"})
    assert r.status_code == 400 and r.json()["errorCode"] == "10300200"
    prod = sim.find("clusters", "cluster-prod")
    r = sim.delete(prod["uri"])
    assert r.status_code == 400 and r.json()["errorCode"] in ("10300029", "10300030")
    r = sim.get(sim.site + "/clusters", params={"name": ""})
    assert r.status_code == 400 and r.json()["errorCode"] == "10000012"


def test_cluster_tolerated_host_failures_follow_its_hosts(sim):
    # FC8DOC: hostsFaultQuantity is 1 to the cluster's number of hosts, 1 for an empty cluster
    def tolerate(uri, n):
        return sim.put(uri, {"haSetting": {"isAccessControl": True, "accessControlSetting": {
            "accessControlPolicy": 1, "hostsFaultQuantity": n}}})
    prod = sim.find("clusters", "cluster-prod")        # three hosts
    assert tolerate(prod["uri"], 3).status_code == 200
    assert sim.obj(prod["urn"])["haSetting"]["accessControlSetting"]["hostsFaultQuantity"] == 3
    for n in (0, 4):
        r = tolerate(prod["uri"], n)
        assert r.status_code == 400 and r.json()["errorCode"] == "10300625"     # HA control policy (FC8DOC)
    assert sim.obj(prod["urn"])["haSetting"]["accessControlSetting"]["hostsFaultQuantity"] == 3
    empty = sim.ok("POST", sim.site + "/clusters", {"name": "c-empty"})
    assert tolerate(empty["uri"], 1).status_code == 200
    assert tolerate(empty["uri"], 2).json()["errorCode"] == "10300625"
    r = sim.post(sim.site + "/clusters", {"name": "c-two", "haSetting": {"accessControlSetting": {
        "hostsFaultQuantity": 2}}})
    assert r.status_code == 400 and r.json()["errorCode"] == "10300625"


# route: GET /service/sites/{site}/clusters/{id}/computeresource
# route: GET /service/sites/{site}/clusters/{id}/allvmcomputeresource
def test_cluster_capacity(sim):
    prod = sim.find("clusters", "cluster-prod")
    cr = sim.ok("GET", prod["uri"] + "/computeresource")
    assert cr["cpuResource"]["totalSizeMHz"] == 3 * 32 * 2600
    assert cr["memResource"]["totalSizeMB"] == 3 * 256 * 1024
    allvm = sim.ok("GET", prod["uri"] + "/allvmcomputeresource", params={"isNeedAllocVcpus": "true",
                                                                        "detail": "true"})
    assert allvm["cpuResource"]["totalVcpus"] == 96
    assert "Stopped" in allvm["detailCpuResource"]["allocatedVcpus"]


# route: GET /service/sites/{site}/hosts
def test_host_paging_and_filters(sim):
    everything = sim.ok("GET", sim.site + "/hosts")
    assert everything["total"] == 6 and len(everything["hosts"]) == 6
    p = sim.ok("GET", sim.site + "/hosts", params={"limit": 4, "offset": 4})
    assert p["total"] == 6 and len(p["hosts"]) == 2
    assert sim.get(sim.site + "/hosts", params={"limit": 101}).json()["errorCode"] == "10000013"
    assert sim.get(sim.site + "/hosts", params={"limit": 0}).status_code == 400
    prod = sim.find("clusters", "cluster-prod")
    scoped = sim.ok("GET", sim.site + "/hosts", params={"scope": prod["urn"]})["hosts"]
    assert {h["clusterName"] for h in scoped} == {"cluster-prod"} and len(scoped) == 3
    fuzzy = sim.ok("GET", sim.site + "/hosts", params={"name": "PROD-0"})["hosts"]
    assert len(fuzzy) == 3
    assert sim.ok("GET", sim.site + "/hosts", params={"scope": "default"})["total"] == 0
    seen = []
    offset = 0
    while True:
        pg = sim.ok("GET", sim.site + "/hosts", params={"limit": 4, "offset": offset})
        seen += pg["hosts"]
        offset += 4
        if offset >= pg["total"]:
            break
    assert len({h["urn"] for h in seen}) == 6


# route: POST /service/sites/{site}/hosts
# route: GET /service/sites/{site}/hosts/{id}
# route: PUT /service/sites/{site}/hosts/{id}
# route: DELETE /service/sites/{site}/hosts/{id}
# route: GET /service/sites/{site}/tasks/{id}
def test_add_modify_remove_host(sim):
    dev = sim.find("clusters", "cluster-dev")
    ans = sim.ok("POST", sim.site + "/hosts", {"ip": "198.51.100.99", "name": "cna-new", "clusterUrn": dev["urn"],
                                               "bmcIp": "198.51.100.199", "bmcUserName": "root",
                                               "bmcPassword": "secret"})
    assert {"taskUrn", "taskUri", "urn", "uri"} <= set(ans)
    task = sim.wait(ans)
    assert task["type"] == "AddHost" and task["entityUrn"] == ans["urn"] and task["progress"] == 100
    host = sim.ok("GET", ans["uri"])
    assert host["status"] == "normal" and host["clusterName"] == "cluster-dev"
    assert "bmcPassword" not in host
    r = sim.post(sim.site + "/hosts", {"ip": "198.51.100.99"})
    assert r.status_code == 400 and r.json()["errorCode"] == "10200108"
    sim.wait(sim.ok("PUT", ans["uri"], {"name": "cna-renamed"}))
    assert sim.obj(ans["urn"])["name"] == "cna-renamed"
    sim.wait(sim.ok("DELETE", ans["uri"]))
    assert sim.get(ans["uri"]).json()["errorCode"] == "10300027"


def test_unreachable_host_fails_the_task(sim):
    ans = sim.ok("POST", sim.site + "/hosts", {"ip": "203.0.113.5"})
    task = sim.wait(ans, expect="failed")
    assert task["reason"] == "10800104" and "does not answer" in task["reasonDes"]
    assert sim.get(ans["uri"]).status_code == 400


# route: POST /service/sites/{site}/hosts/{id}/action/enterMaintenanceMode
# route: POST /service/sites/{site}/hosts/{id}/action/exitMaintenanceMode
def test_maintenance_mode(sim):
    h = sim.find("hosts", "cna-dev-01")
    r = sim.post(h["uri"] + "/action/enterMaintenanceMode")
    assert r.status_code == 200 and not r.content
    r = sim.post(h["uri"] + "/action/enterMaintenanceMode")
    assert r.status_code == 400 and r.json()["errorCode"] == "10200304"
    assert sim.obj(h["urn"])["isMaintaining"] is True
    assert sim.post(h["uri"] + "/action/exitMaintenanceMode").status_code == 200
    r = sim.post(h["uri"] + "/action/exitMaintenanceMode")
    assert r.json()["errorCode"] == "10200305"


# route: POST /service/sites/{site}/hosts/{id}/action/MigrateAllVms
def test_migrate_all_requires_maintenance(sim):
    h = sim.find("hosts", "cna-dev-01")
    r = sim.post(h["uri"] + "/action/MigrateAllVms")
    assert r.status_code == 400 and r.json()["errorCode"] == "10200308"


# route: POST /service/sites/{site}/hosts/{id}/action/move
def test_move_host(sim):
    h = sim.find("hosts", "cna-dev-03")
    prod = sim.find("clusters", "cluster-prod")
    assert sim.post(h["uri"] + "/action/move", {"clusterUrn": prod["urn"]}).status_code == 200
    assert sim.obj(h["urn"])["clusterUrn"] == prod["urn"]
    assert sim.post(h["uri"] + "/action/move", {}).status_code == 200
    assert sim.obj(h["urn"])["clusterUrn"] == ""


# route: POST /service/sites/{site}/hosts/{id}/action/poweroff
# route: POST /service/sites/{site}/hosts/{id}/action/poweron
# route: POST /service/sites/{site}/hosts/{id}/action/reboot
def test_host_power(sim):
    h = sim.find("hosts", "cna-dev-02")
    sim.wait(sim.ok("POST", h["uri"] + "/action/poweroff", {"mode": "safe"}))
    assert sim.obj(h["urn"])["status"] == "poweroff"
    assert sim.post(h["uri"] + "/action/poweroff").json()["errorCode"] == "10200155"
    sim.wait(sim.ok("POST", h["uri"] + "/action/poweron"))
    assert sim.obj(h["urn"])["status"] == "normal"
    sim.wait(sim.ok("POST", h["uri"] + "/action/reboot", {"mode": "force"}))
    assert sim.post(h["uri"] + "/action/reboot", {"mode": "bad"}).status_code == 400


# route: GET /service/sites/{site}/tasks
def test_task_list_filters_and_order(sim):
    h = sim.find("hosts", "cna-dev-02")
    a = sim.ok("POST", h["uri"] + "/action/reboot")
    b = sim.ok("PUT", h["uri"], {"description": "x"})
    tasks = sim.ok("GET", sim.site + "/tasks", params={"entityUrn": h["urn"]})["tasks"]
    assert [t["urn"] for t in tasks] == [b["taskUrn"], a["taskUrn"]]
    assert sim.ok("GET", sim.site + "/tasks", params={"status": "failed", "entityUrn": h["urn"]})["total"] == 0
    assert sim.ok("GET", sim.site + "/tasks", params={"type": "ModifyHost"})["total"] == 1


def test_manual_clock_task_progress(manual_sim):
    s = manual_sim
    h = s.find("hosts", "cna-dev-02")
    ans = s.ok("POST", h["uri"] + "/action/reboot")
    t = s.ok("GET", ans["taskUri"])
    assert t["status"] == "running" and t["progress"] == 0 and t["costTime"] == "null"
    assert s.obj(h["urn"])["status"] == "rebooting"
    s.sim("POST", "/clock/advance", {"seconds": 45})
    t = s.ok("GET", ans["taskUri"])
    assert t["status"] == "running" and 40 <= t["progress"] <= 60
    s.sim("POST", "/clock/advance", {"seconds": 50})
    t = s.ok("GET", ans["taskUri"])
    assert t["status"] == "success" and t["progress"] == 100 and "finishTime" in t
    assert s.obj(h["urn"])["status"] == "normal"


def test_https_and_ready_line(proc_factory):
    p = proc_factory()
    ready = p.ready
    assert {"url", "port", "pid", "ca_file", "username", "password"} <= set(ready)
    assert ready["url"].startswith("https://")
    r = requests.get(ready["url"] + "/service/versions", verify=ready["ca_file"])
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/json; charset=UTF-8"
    t0 = time.time()
    p.stop(15)
    assert p.proc.returncode == 0 and time.time() - t0 < 10


# route: GET /service/sites/{site}/hosts/statistics
# route: GET /service/sites/{site}/hosts/{id}/computeResourceStatics
# route: POST /service/sites/{site}/tasks/{id}/cancel
# route: POST /service/sites/{site}/datastores/action/refresh
def test_host_statistics_capacity_cancel_and_refresh(sim):
    stats = sim.ok("GET", sim.site + "/hosts/statistics")
    assert stats["total"] == 6 and stats["normal"] == 6
    h = sim.find("hosts", "cna-prod-01")
    cap = sim.ok("GET", h["uri"] + "/computeResourceStatics")
    assert cap["cpuResource"]["totalSizeMHz"] == 32 * 2600 and cap["memResource"]["totalSizeMB"] == 262144
    task = sim.wait(sim.ok("POST", h["uri"] + "/action/reboot"))
    r = sim.post(task["uri"] + "/cancel")
    assert r.status_code == 400 and r.json()["errorCode"] == "10800002"
    ds = sim.find("datastores", "datastore-prod")
    sim.wait(sim.ok("POST", sim.site + "/datastores/action/refresh", {"datastoreUrns": [ds["urn"]]}))
    assert sim.obj(ds["urn"])["refreshTime"]
    assert sim.post(sim.site + "/datastores/action/refresh",
                    {"datastoreUrns": ["urn:sites:4D6B0918:datastores:99"]}).json()["errorCode"] == "10410006"
