"""VM life cycle, configuration, disks, NICs, migration and snapshots."""

import pytest

from vrmsim import engine as engine_mod
from vrmsim.vm_power import LIFECYCLE, REFUSALS


def _deploy(sim, name="vm1", boot=True, cluster="cluster-prod", cpu=None, **extra):
    tpl = sim.find("vms", "tpl-centos7")
    cl = sim.find("clusters", cluster)
    ds = sim.find("datastores", "datastore-prod" if cluster == "cluster-prod" else "datastore-dev")
    body = {"name": name, "location": cl["urn"], "autoBoot": boot,
            "vmConfig": {"disks": [{"sequenceNum": 1, "datastoreUrn": ds["urn"], "isThin": True}]}}
    if cpu:
        body["vmConfig"]["cpu"] = {"quantity": cpu}
    body.update(extra)
    ans = sim.ok("POST", tpl["uri"] + "/action/clone", body)
    task = sim.wait(ans)
    return sim.ok("GET", ans["uri"]), task


def _blank(sim, name, mem=1024, cpu=1, cluster="cluster-dev", boot=False, thin=True, size=10):
    cl = sim.find("clusters", cluster)
    ds = sim.find("datastores", "datastore-dev" if cluster == "cluster-dev" else "datastore-prod")
    pg = sim.find("portgroups", "VM-Network")
    ans = sim.ok("POST", sim.site + "/vms", {
        "name": name, "location": cl["urn"], "autoBoot": boot, "osOptions": {"osType": "Linux", "osVersion": 301},
        "vmConfig": {"cpu": {"quantity": cpu}, "memory": {"quantityMB": mem},
                     "disks": [{"quantityGB": size, "datastoreUrn": ds["urn"], "isThin": thin}],
                     "nics": [{"portGroupUrn": pg["urn"]}]}})
    if sim.engine is not None and sim.engine.time_mode == "manual":
        sim.sim("POST", "/clock/advance", {"seconds": 60})
    task = sim.wait(ans)
    return ans, task


# route: POST /service/sites/{site}/vms/{vm}/action/clone
# route: GET /service/sites/{site}/vms/{vm}
def test_deploy_from_template_runs_with_tools_and_ip(sim):
    vm, task = _deploy(sim, cpu=4)
    assert task["type"] == "DeployVM" and task["entityUrn"] == vm["urn"]
    assert vm["status"] == "running" and vm["hostUrn"] and vm["vmConfig"]["cpu"]["quantity"] == 4
    assert vm["vmConfig"]["nics"][0]["ip"] != "0.0.0.0"
    assert vm["vmConfig"]["disks"][0]["quantityGB"] == 40
    assert vm["uri"].split("/")[-1].startswith("i-") and len(vm["uri"].split("/")[-1]) == 10


def test_customization_follow_up_task(sim):
    vm, task = _deploy(sim, name="cust", vmCustomization={
        "osType": "Linux", "hostname": "web01", "nicSpecification": [{"sequenceNum": 1, "ip": "10.0.0.5",
                                                                       "netmask": "255.255.255.0"}]})
    assert task["relateTaskIds"]
    tasks = sim.ok("GET", sim.site + "/tasks", params={"entityUrn": vm["urn"]})["tasks"]
    types = [t["type"] for t in tasks]
    assert types[0] == "InjectCustomizationTask" and "DeployVM" in types
    follow = tasks[0]
    assert follow["requestId"] == task["requestId"] and follow["user"] == "-_system"
    vm = sim.ok("GET", vm["uri"])
    assert vm["osOptions"]["hostname"] == "web01" and vm["vmConfig"]["nics"][0]["ip"] == "10.0.0.5"


@pytest.mark.parametrize("cust,code", [
    ({"hostname": "web01"}, "10300069"),                                   # osType is required
    ({"osType": "Linux", "hostname": "a-very-long-hostname"}, "10300342"),  # more than 15 characters
    ({"osType": "Linux", "hostname": "web.01"}, "10300342"),                # a dot
    ({"osType": "Linux", "hostname": "12345"}, "10300342"),                 # digits only
    ({"osType": "Linux", "password": "short1"}, "10300344"),                # fewer than 8 characters
    ({"osType": "Linux", "password": "alllowercase"}, "10300344"),          # one class of characters
    ({"osType": "Linux", "password": "Aa1" * 9}, "10300344"),               # 27 characters
    ({"osType": "Linux", "nicSpecification": [{"sequenceNum": 0, "ip": "10.0.0.5"}]}, "10300350"),
    ({"osType": "Linux", "nicSpecification": [{"sequenceNum": 1}, {"sequenceNum": 1}]}, "10300350"),
    ({"osType": "Linux", "nicSpecification": [{"sequenceNum": 1, "ip": "10.0.0.300"}]}, "10300349"),
    ({"osType": "Linux", "nicSpecification": [{"sequenceNum": 1, "ip": "10.0.0.5", "netmask": "24"}]}, "10300349"),
    ({"osType": "Linux", "nicSpecification": [{"sequenceNum": 1, "ip": "10.0.0.5", "netmask": "255.0.255.0"}]},
     "10300349"),
    ({"osType": "Linux", "nicSpecification": [{"sequenceNum": 1, "setdns": "fe80::1"}]}, "10300352"),
    ({"osType": "Linux", "nicSpecification": [{"sequenceNum": 1, "gateway": "10.0.0"}]}, "10300351"),
    ({"osType": "Linux", "nicSpecification": [{"sequenceNum": i} for i in range(1, 18)]}, "10300350"),
])
def test_customization_refused_as_vrm_documents_it(sim, cust, code):
    # the codes are those of FC8DOC's clone table (10300342 host name ... 10300352 DNS)
    before = len(sim.ok("GET", sim.site + "/vms")["vms"])
    tpl = sim.find("vms", "tpl-centos7")
    body = {"name": "cust-bad", "location": sim.find("clusters", "cluster-prod")["urn"], "vmCustomization": cust}
    answer = sim.post(tpl["uri"] + "/action/clone", body)
    assert answer.status_code == 400 and answer.json()["errorCode"] == code, answer.text
    assert len(sim.ok("GET", sim.site + "/vms")["vms"]) == before


def test_customization_password_kept_when_not_updated(sim):
    # isUpdateVmPassword false: VRM ignores the password field (FC8DOC ch3), so its rules do not apply
    vm, _task = _deploy(sim, name="keep-pw", vmCustomization={"osType": "Linux", "isUpdateVmPassword": False,
                                                               "password": "x"})
    assert vm["status"] == "running"


# route: GET /service/sites/{site}/vms
def test_list_paging_detail_and_filters(sim):
    for i in range(3):
        _blank(sim, "list-%d" % i)
    allvms = sim.ok("GET", sim.site + "/vms", params={"limit": 100, "offset": 0})
    assert allvms["total"] == 5
    assert "vmConfig" in allvms["vms"][0] and "cpu" not in allvms["vms"][0]["vmConfig"]
    d0 = sim.ok("GET", sim.site + "/vms", params={"detail": 0})["vms"][0]
    assert set(d0) == {"uri", "urn", "uuid", "name", "status", "idle"}
    d2 = sim.ok("GET", sim.site + "/vms", params={"detail": 2})["vms"][0]
    assert "cpu" in d2["vmConfig"]
    assert sim.ok("GET", sim.site + "/vms", params={"isTemplate": "true"})["total"] == 2
    assert sim.ok("GET", sim.site + "/vms", params={"name": "LIST-"})["total"] == 3
    over = sim.ok("GET", sim.site + "/vms", params={"limit": 500, "offset": 3})
    assert len(over["vms"]) == 5     # processed as limit=100, offset=0
    page2 = sim.ok("GET", sim.site + "/vms", params={"limit": 2, "offset": 4})
    assert len(page2["vms"]) == 1
    assert sim.get(sim.site + "/vms", params={"name": ""}).json()["errorCode"] == "10000012"


def _listed(sim, urn):
    vms = sim.ok("GET", sim.site + "/vms", params={"limit": 100, "offset": 0})["vms"]
    return [v for v in vms if v["urn"] == urn][0]


def test_list_answers_follow_every_change(sim):
    """List pages are served from cached renderings: each change must show in the next page."""
    ans, _task = _blank(sim, "cache-a")
    urn = ans["urn"]
    assert _listed(sim, urn)["status"] == "stopped"
    sim.ok("PUT", ans["uri"], {"name": "cache-b", "description": "renamed"})
    row = _listed(sim, urn)
    assert row["name"] == "cache-b" and row["description"] == "renamed"
    sim.wait(sim.ok("POST", ans["uri"] + "/action/start"))
    assert _listed(sim, urn)["status"] == "running"
    assert _listed(sim, urn)["pvDriverStatus"] == sim.ok("GET", ans["uri"])["pvDriverStatus"]
    sim.wait(sim.ok("POST", ans["uri"] + "/action/stop", {"mode": "force"}))
    assert _listed(sim, urn)["status"] == "stopped"
    sim.wait(sim.ok("DELETE", ans["uri"]))
    assert not [v for v in sim.ok("GET", sim.site + "/vms")["vms"] if v["urn"] == urn]


def test_filtered_lists_follow_every_change(sim):
    """The VMs matching a list's filters are remembered between pages until the state changes."""
    ans, _task = _blank(sim, "memo-a")

    def stopped_urns():
        return {v["urn"] for v in sim.ok("GET", sim.site + "/vms", params={
            "limit": 100, "offset": 0, "status": "stopped", "isTemplate": "false"})["vms"]}
    assert ans["urn"] in stopped_urns()
    sim.wait(sim.ok("POST", ans["uri"] + "/action/start"))
    assert ans["urn"] not in stopped_urns()
    named = sim.ok("GET", sim.site + "/vms", params={"name": "memo-", "limit": 100, "offset": 0})
    assert [v["urn"] for v in named["vms"]] == [ans["urn"]] and named["total"] == 1
    sim.ok("PUT", ans["uri"], {"name": "other-a"})
    assert sim.ok("GET", sim.site + "/vms", params={"name": "memo-", "limit": 100, "offset": 0})["total"] == 0
    # Each distinct filter is a key; they do not pile up.
    for i in range(3 * engine_mod.MEMO_KEYS):
        sim.ok("GET", sim.site + "/vms", params={"name": "no-such-%d" % i, "limit": 1, "offset": 0})
    assert len(sim.engine._memo) <= engine_mod.MEMO_KEYS


def test_list_follows_tasks_finished_by_the_clock(manual_sim):
    """A task that ends when the clock moves (no request touches the VM) changes the next page."""
    sim = manual_sim
    ans, _task = _blank(sim, "clock-a")
    before = _listed(sim, ans["urn"])
    start = sim.ok("POST", ans["uri"] + "/action/start")
    assert _listed(sim, ans["urn"])["status"] == "starting" != before["status"]
    sim.sim("POST", "/clock/advance", {"seconds": 600})
    sim.wait(start)
    assert _listed(sim, ans["urn"])["status"] == "running"


def _import_body(sim, name, url, protocol="nfs", **extra):
    cl = sim.find("clusters", "cluster-dev")
    ds = sim.find("datastores", "datastore-dev")
    body = {"name": name, "location": cl["urn"], "protocol": protocol, "url": url,
            "osOptions": {"osType": "Linux", "osVersion": 10082},
            "vmConfig": {"cpu": {"quantity": 2}, "memory": {"quantityMB": 2048},
                         "disks": [{"sequenceNum": 1, "quantityGB": 12, "datastoreUrn": ds["urn"], "isThin": True}]}}
    body.update(extra)
    return body


# route: POST /service/sites/{site}/vms/action/import
def test_import_template_from_an_nfs_export(sim):
    sim.sim("POST", "/nas_exports", {"ip": "192.0.2.50", "path": "/srv/images", "files": ["centos/centos9.ovf"]})
    ans = sim.ok("POST", sim.site + "/vms/action/import",
                 _import_body(sim, "tpl-imported", "192.0.2.50:/srv/images/centos/centos9.ovf", isTemplate=True))
    assert ans["urn"] and ans["uri"] and ans["serverLeaseUrn"].startswith(sim.site_urn + ":serverlease:")
    task = sim.wait(ans)
    assert task["type"] == "ImportTemplate" and task["entityUrn"] == ans["urn"]
    tpl = sim.ok("GET", ans["uri"])
    assert tpl["isTemplate"] is True and tpl["status"] == "stopped" and "vncAcessInfo" not in tpl
    assert tpl["vmConfig"]["disks"][0]["quantityGB"] == 12 and tpl["osOptions"]["osVersion"] == 10082
    # a VM deployed from the imported template has a guest with tools, hence an address
    cl = sim.find("clusters", "cluster-dev")
    dep = sim.ok("POST", tpl["uri"] + "/action/clone", {"name": "from-import", "location": cl["urn"]})
    sim.wait(dep)
    vm = sim.ok("GET", dep["uri"])
    assert vm["status"] == "running" and vm["pvDriverStatus"] == "running"


def test_import_as_vm_boots_unless_told_not_to(sim):
    ans = sim.ok("POST", sim.site + "/vms/action/import",
                 _import_body(sim, "imp-vm", "198.51.100.210:/export/images/web.ovf"))
    sim.wait(ans)
    assert sim.ok("GET", ans["uri"])["status"] == "running"
    ans = sim.ok("POST", sim.site + "/vms/action/import",
                 _import_body(sim, "imp-off", "198.51.100.210:/export/images/web.ovf", autoBoot=False))
    sim.wait(ans)
    assert sim.ok("GET", ans["uri"])["status"] == "stopped"


def test_import_failures(sim):
    sim.sim("POST", "/nas_exports", {"ip": "192.0.2.51", "path": "/srv/images", "files": ["a.ovf"]})
    for url in ("no-colon/path.ovf", "192.0.2.51:relative.ovf", "192.0.2.51:/srv/im ages/bad$name.ovf", "", 5):
        r = sim.post(sim.site + "/vms/action/import", _import_body(sim, "bad", url))
        assert r.status_code == 400 and r.json()["errorCode"] == "10300035", (url, r.text)
    r = sim.post(sim.site + "/vms/action/import", _import_body(sim, "bad", "//srv/share/a.ovf", protocol="ftp"))
    assert r.json()["errorCode"] == "10000001"
    r = sim.post(sim.site + "/vms/action/import", _import_body(sim, "bad", "//fileserver", protocol="cifs"))
    assert r.json()["errorCode"] == "10300035"
    body = _import_body(sim, "bad", "192.0.2.51:/srv/images/a.ovf")
    del body["osOptions"]
    assert sim.post(sim.site + "/vms/action/import", body).json()["errorCode"] == "10000001"
    before = sim.ok("GET", sim.site + "/vms")["total"]
    # not among the export's declared files, and not in any export: the task fails, no VM is left
    for url in ("192.0.2.51:/srv/images/missing.ovf", "192.0.2.99:/nowhere/x.ovf"):
        ans = sim.ok("POST", sim.site + "/vms/action/import", _import_body(sim, "gone", url))
        task = sim.wait(ans, expect="failed")
        assert task["reason"] == "10300924"
    assert sim.ok("GET", sim.site + "/vms")["total"] == before


# route: POST /service/sites/{site}/vms
# route: POST /service/sites/{site}/vms/{vm}/action/start
# route: POST /service/sites/{site}/vms/{vm}/action/stop
# route: POST /service/sites/{site}/vms/{vm}/action/reboot
# route: POST /service/sites/{site}/vms/{vm}/action/hibernate
# route: POST /service/sites/{site}/vms/{vm}/action/pause
# route: POST /service/sites/{site}/vms/{vm}/action/resume
STABLE = ("running", "stopped", "hibernated", "pause")
# Rows whose from-state is transient (stopping, hibernating) are exercised in test_transient_states.
TRANSIENT_ROWS = [k for k in sorted(set(LIFECYCLE) | set(REFUSALS)) if k[1] not in STABLE]


def test_transient_rows_are_the_ones_covered_elsewhere():
    assert TRANSIENT_ROWS == [("hibernate", "stopping"), ("stop", "hibernating")]


@pytest.mark.parametrize("op,state", [k for k in sorted(set(LIFECYCLE) | set(REFUSALS)) if k[1] in STABLE])
def test_lifecycle_table(sim, op, state):
    vm, _ = _deploy(sim, name="lc")
    # drive the VM into the from-state
    path = {"running": [], "stopped": ["stop"], "hibernated": ["hibernate"], "pause": ["pause"]}
    for step in path[state]:
        sim.wait(sim.ok("POST", vm["uri"] + "/action/" + step, {"mode": "force"} if step == "stop" else {}))
    assert sim.obj(vm["urn"])["status"] == state
    r = sim.post(vm["uri"] + "/action/" + op, {"mode": "force"} if op in ("stop", "reboot") else {})
    if (op, state) in REFUSALS:
        assert r.status_code == 400 and r.json()["errorCode"] == REFUSALS[(op, state)][0]
        assert sim.obj(vm["urn"])["status"] == state
    else:
        sim.wait(r.json())
        assert sim.obj(vm["urn"])["status"] == LIFECYCLE[(op, state)][2]


def test_transient_states(manual_sim):
    s = manual_sim
    ans, _ = _blank(s, "tr", boot=False)
    start = s.ok("POST", ans["uri"] + "/action/start")
    assert s.obj(ans["urn"])["status"] == "starting"
    r = s.post(ans["uri"] + "/action/stop", {"mode": "force"})
    assert r.status_code == 400 and r.json()["errorCode"] == "10300101"
    r = s.post(ans["uri"] + "/action/hibernate")
    assert r.json()["errorCode"] == "10300101"
    s.sim("POST", "/clock/advance", {"seconds": 30})
    assert s.ok("GET", start["taskUri"])["status"] == "success"
    assert s.obj(ans["urn"])["status"] == "running"
    stop = s.ok("POST", ans["uri"] + "/action/stop", {"mode": "force"})
    assert s.obj(ans["urn"])["status"] == "stopping"
    r = s.post(ans["uri"] + "/action/hibernate")
    assert r.json()["errorCode"] == "10300098"
    s.sim("POST", "/clock/advance", {"seconds": 30})
    assert s.ok("GET", stop["taskUri"])["status"] == "success"
    s.ok("POST", ans["uri"] + "/action/start")
    s.sim("POST", "/clock/advance", {"seconds": 30})
    hib = s.post(ans["uri"] + "/action/hibernate")
    assert hib.status_code == 400 and hib.json()["errorCode"] == "10300026"  # no tools in a blank VM
    with s.engine.lock:
        vm = s.engine.find(ans["urn"])
        vm.data["pvDriverStatus"] = "running"
        s.engine.touch(vm)
    s.ok("POST", ans["uri"] + "/action/hibernate")
    assert s.obj(ans["urn"])["status"] == "hibernating"
    r = s.post(ans["uri"] + "/action/stop", {"mode": "force"})
    assert r.json()["errorCode"] == "10300097"


def test_safe_stop_needs_tools(sim):
    ans, _ = _blank(sim, "notools", boot=True)
    r = sim.post(ans["uri"] + "/action/stop", {"mode": "safe"})
    assert r.status_code == 400 and r.json()["errorCode"] == "10300026"
    sim.wait(sim.ok("POST", ans["uri"] + "/action/stop", {"mode": "force"}))


def test_placement_until_memory_runs_out(sim):
    # cluster-dev: 3 hosts x 128 GB; 48 GB VMs -> two per host, the seventh finds no memory
    started = 0
    for i in range(7):
        ans, task = _blank(sim, "big-%d" % i, mem=48 * 1024, boot=True)
        if sim.obj(ans["urn"])["status"] == "running":
            started += 1
        else:
            assert task["status"] == "success" and task["reason"] == "10800126"
    assert started == 6
    hosts = {sim.obj(v["urn"])["object"]["hostUrn"] if False else sim.obj(v["urn"])["hostUrn"]
             for v in sim.sim("GET", "/objects?kind=vms")["objects"] if v["object"]["name"].startswith("big-")
             and v["object"]["status"] == "running"}
    assert len(hosts) == 3
    ans, _ = _blank(sim, "small", mem=1024, cpu=64, boot=False)
    r = sim.post(ans["uri"] + "/action/start")
    assert r.status_code == 400 and r.json()["errorCode"] in ("10800125", "10800126")


def test_thin_and_thick_accounting(sim):
    ds = sim.find("datastores", "datastore-dev")
    base = sim.obj(ds["urn"])
    _blank(sim, "thick", thin=False, size=100)
    after_thick = sim.obj(ds["urn"])
    assert after_thick["usedSizeGB"] - base["usedSizeGB"] == 100
    assert base["actualFreeSizeGB"] - after_thick["actualFreeSizeGB"] == 100
    _blank(sim, "thin", thin=True, size=100)
    after_thin = sim.obj(ds["urn"])
    assert after_thin["usedSizeGB"] - after_thick["usedSizeGB"] == 100   # provisioned
    assert after_thin["actualFreeSizeGB"] == after_thick["actualFreeSizeGB"]  # nothing written yet
    r = sim.post(sim.site + "/vms", {
        "name": "huge", "location": sim.find("clusters", "cluster-dev")["urn"], "autoBoot": False,
        "osOptions": {"osType": "Linux", "osVersion": 301},
        "vmConfig": {"disks": [{"quantityGB": 5000, "datastoreUrn": ds["urn"], "isThin": False}]}})
    assert r.status_code == 400 and r.json()["errorCode"] == "10420037"


# route: PUT /service/sites/{site}/vms/{vm}
def test_modify_hotplug_rules(sim):
    vm, _ = _deploy(sim, name="hp")
    sim.wait(sim.ok("PUT", vm["uri"], {"cpu": {"quantity": 4}, "memory": {"quantityMB": 8192}}))
    o = sim.obj(vm["urn"])
    assert o["vmConfig"]["cpu"]["quantity"] == 4 and o["vmConfig"]["memory"]["quantityMB"] == 8192
    assert sim.put(vm["uri"], {"cpu": {"quantity": 2}}).json()["errorCode"] == "10300916"
    assert sim.put(vm["uri"], {"memory": {"quantityMB": 4096}}).json()["errorCode"] == "10300917"
    assert sim.put(vm["uri"], {"cpu": {"coresPerSocket": 2}}).json()["errorCode"] == "10300918"
    assert sim.put(vm["uri"], {"memory": {"quantityMB": 8200}}).json()["errorCode"] == "10300190"
    sim.wait(sim.ok("PUT", vm["uri"], {"cpu": {"reservation": 1000, "weight": 3000}, "name": "hp2"}))
    assert sim.obj(vm["urn"])["name"] == "hp2"
    sim.wait(sim.ok("POST", vm["uri"] + "/action/stop", {"mode": "force"}))
    sim.wait(sim.ok("PUT", vm["uri"], {"cpu": {"quantity": 2, "coresPerSocket": 2}}))
    assert sim.put(vm["uri"], {"cpu": {"quantity": 3, "coresPerSocket": 2}}).status_code == 400


def test_template_conversion(sim):
    ans, _ = _blank(sim, "conv")
    sim.wait(sim.ok("PUT", ans["uri"], {"isTemplate": True}))
    assert sim.obj(ans["urn"])["isTemplate"] is True
    sim.wait(sim.ok("PUT", ans["uri"], {"isTemplate": False}))
    sim.wait(sim.ok("POST", ans["uri"] + "/snapshots", {"name": "s1"}))
    assert sim.put(ans["uri"], {"isTemplate": True}).json()["errorCode"] == "10300114"


# route: POST /service/sites/{site}/vms/{vm}/action/createattachvol
# route: POST /service/sites/{site}/vms/{vm}/action/detachvol
# route: POST /service/sites/{site}/vms/{vm}/action/attachvol
# route: POST /service/sites/{site}/vms/{vm}/action/expandvol
def test_memory_limit_stays_the_size(sim):
    """FC8DOC: the memory limit is reserved and equals the size; another value is refused, a size change moves it."""
    tpl = sim.find("vms", "tpl-centos7")
    cl = sim.find("clusters", "cluster-prod")
    bad = sim.post(tpl["uri"] + "/action/clone", {"name": "lim", "location": cl["urn"], "autoBoot": False,
                                                  "vmConfig": {"memory": {"quantityMB": 4096, "limit": 3072}}})
    assert bad.json()["errorCode"] == "10300040"
    assert sim.sim("GET", "/objects?kind=vms&name=lim")["objects"] == []
    vm, _ = _deploy(sim, name="lim", boot=False, vmConfig={"memory": {"quantityMB": 2048, "limit": 2048}})
    assert sim.obj(vm["urn"])["vmConfig"]["memory"]["limit"] == 2048
    assert sim.put(vm["uri"], {"memory": {"limit": 1024}}).json()["errorCode"] == "10300040"
    sim.wait(sim.ok("PUT", vm["uri"], {"memory": {"quantityMB": 3072}}))
    assert sim.obj(vm["urn"])["vmConfig"]["memory"]["limit"] == 3072


def test_disks_online(sim):
    vm, _ = _deploy(sim, name="dk")
    ds = sim.find("datastores", "datastore-prod")
    ans = sim.ok("POST", vm["uri"] + "/action/createattachvol", {"name": "data", "quantityGB": 20,
                                                                "datastoreUrn": ds["urn"], "isThin": True})
    sim.wait(ans)
    disks = sim.obj(vm["urn"])["vmConfig"]["disks"]
    assert len(disks) == 2 and disks[1]["quantityGB"] == 20
    vol = ans["urn"]
    assert sim.post(vm["uri"] + "/action/attachvol", {"volUrn": vol}).json()["errorCode"] == "10300076"
    r = sim.post(vm["uri"] + "/action/expandvol", {"volUrn": vol, "size": 10240})
    assert r.json()["errorCode"] == "10300323"      # not larger (FC8DOC expandvol)
    sim.wait(sim.ok("POST", vm["uri"] + "/action/expandvol", {"volUrn": vol, "size": 30720}))
    assert sim.obj(vol)["quantityGB"] == 30
    sim.wait(sim.ok("POST", vm["uri"] + "/action/detachvol", {"volUrn": vol}))
    assert len(sim.obj(vm["urn"])["vmConfig"]["disks"]) == 1
    assert sim.post(vm["uri"] + "/action/detachvol", {"volUrn": vol}).json()["errorCode"] == "10300037"
    sim.wait(sim.ok("POST", vm["uri"] + "/action/attachvol", {"volUrn": vol, "pciType": "SCSI"}))
    again = [d for d in sim.obj(vm["urn"])["vmConfig"]["disks"] if d["volumeUrn"] == vol]
    assert again[0]["pciType"] == "SCSI" and again[0]["sequenceNum"] == 1


# route: POST /service/sites/{site}/vms/{vm}/virtualNics
# route: DELETE /service/sites/{site}/vms/{vm}/virtualNics/{nic}
# route: GET /service/sites/{site}/vms/{vm}/nics/{nic}
# route: PUT /service/sites/{site}/vms/{vm}/nics/{nic}
def test_nics(sim):
    ans, _ = _blank(sim, "nic")
    pg = sim.find("portgroups", "dev-vlan200")
    add = sim.ok("POST", ans["uri"] + "/virtualNics", {"portGroupUrn": pg["urn"], "mac": "28:6e:d4:aa:bb:cc"})
    sim.wait(add)
    assert add["urn"].startswith(ans["urn"] + ":nics:")
    nic = sim.ok("GET", add["uri"])
    assert nic["portGroupName"] == "dev-vlan200"
    r = sim.post(ans["uri"] + "/virtualNics", {"portGroupUrn": pg["urn"], "mac": "28:6e:d4:aa:bb:cc"})
    assert r.json()["errorCode"] == "10300045"
    assert sim.post(ans["uri"] + "/virtualNics", {"portGroupUrn": "urn:sites:4D6B0918:dvswitchs:1:portgroups:99"}
                    ).json()["errorCode"] == "10540107"
    vm0 = sim.find("portgroups", "VM-Network")
    assert sim.put(add["uri"], {"portGroupUrn": vm0["urn"]}).status_code == 200
    sim.wait(sim.ok("DELETE", ans["uri"] + "/virtualNics/" + add["urn"].rsplit(":", 1)[1]))
    assert len(sim.obj(ans["urn"])["vmConfig"]["nics"]) == 1


# route: POST /service/sites/{site}/vms/{vm}/action/migrate
# route: POST /service/sites/{site}/vms/{vm}/action/migratevol
def test_migrations(sim):
    vm, _ = _deploy(sim, name="mig")
    hosts = [h for h in sim.sim("GET", "/objects?kind=hosts")["objects"]
             if h["object"]["clusterName"] == "cluster-prod" and h["urn"] != vm["hostUrn"]]
    r = sim.post(vm["uri"] + "/action/migrate", {"location": vm["hostUrn"]})
    assert r.json()["errorCode"] == "10300024"      # the same host (FC8DOC migrate)
    sim.wait(sim.ok("POST", vm["uri"] + "/action/migrate", {"location": hosts[0]["urn"]}))
    assert sim.obj(vm["urn"])["hostUrn"] == hosts[0]["urn"]
    dev_host = sim.find("hosts", "cna-dev-01")
    r = sim.post(vm["uri"] + "/action/migrate", {"location": dev_host["urn"]})
    assert r.status_code == 400 and r.json()["errorCode"] == "10800128"
    ds3 = sim.find("datastores", "nfs-images")
    vol = sim.obj(vm["urn"])["vmConfig"]["disks"][0]["volumeUrn"]
    sim.wait(sim.ok("POST", vm["uri"] + "/action/migratevol", {"disks": [{"volumeUrn": vol,
                                                                         "datastoreUrn": ds3["urn"],
                                                                         "migrateType": 1}], "speed": 50}))
    assert sim.obj(vol)["datastoreUrn"] == ds3["urn"]
    assert sim.obj(vm["urn"])["status"] == "running"


# route: DELETE /service/sites/{site}/vms/{vm}
def test_delete_with_and_without_disks(sim):
    a, _ = _blank(sim, "del1")
    b, _ = _blank(sim, "del2")
    vol_a = sim.obj(a["urn"])["vmConfig"]["disks"][0]["volumeUrn"]
    vol_b = sim.obj(b["urn"])["vmConfig"]["disks"][0]["volumeUrn"]
    sim.wait(sim.ok("DELETE", a["uri"]))
    sim.wait(sim.ok("DELETE", b["uri"], params={"isReserveDisks": 1}))
    assert sim.get(a["uri"]).status_code == 400
    assert sim.http.get(sim.url + "/_sim/objects/" + vol_a).status_code == 404
    assert sim.obj(vol_b)["urn"] == vol_b


# route: GET /service/sites/{site}/vms/{vm}/snapshots
# route: POST /service/sites/{site}/vms/{vm}/snapshots
# route: GET /service/sites/{site}/vms/{vm}/snapshots/{id}
# route: PUT /service/sites/{site}/vms/{vm}/snapshots/{id}
# route: DELETE /service/sites/{site}/vms/{vm}/snapshots/{id}
# route: POST /service/sites/{site}/vms/{vm}/snapshots/{id}/action/resumevm
def test_snapshots_tree_space_revert(sim):
    vm, _ = _deploy(sim, name="snap")
    assert sim.ok("GET", vm["uri"] + "/snapshots") == {"rootSnapshots": []}
    ds = sim.obj(vm["vmConfig"]["disks"][0]["datastoreUrn"])
    s1 = sim.ok("POST", vm["uri"] + "/snapshots", {"name": "s1", "needMemoryShot": True})
    sim.wait(s1)
    ds_after = sim.obj(ds["urn"])
    assert ds_after["usedSizeGB"] > ds["usedSizeGB"]
    sim.wait(sim.ok("PUT", vm["uri"], {"cpu": {"quantity": 4}}))
    s2 = sim.ok("POST", vm["uri"] + "/snapshots", {"name": "s2"})
    sim.wait(s2)
    tree = sim.ok("GET", vm["uri"] + "/snapshots")
    assert tree["rootSnapshots"][0]["name"] == "s1"
    assert tree["rootSnapshots"][0]["childSnapshots"][0]["name"] == "s2"
    assert tree["currentSnapshot"]["name"] == "s2"
    detail = sim.ok("GET", s1["uri"])
    assert detail["includingMemorySnapshot"] is True and detail["memorySize"] == 4096 and detail["volsnapshots"]
    sim.wait(sim.ok("POST", s1["uri"] + "/action/resumevm"))
    o = sim.obj(vm["urn"])
    assert o["vmConfig"]["cpu"]["quantity"] == 2 and o["status"] == "running"
    assert sim.put(s2["uri"], {"description": "x"}).status_code == 200
    sim.wait(sim.ok("DELETE", s1["uri"]))
    tree = sim.ok("GET", vm["uri"] + "/snapshots")
    assert [n["name"] for n in tree["rootSnapshots"]] == ["s2"]
    assert sim.get(s1["uri"]).json()["errorCode"] == "10300109"
    sim.wait(sim.ok("POST", vm["uri"] + "/action/stop", {"mode": "force"}))
    r = sim.post(vm["uri"] + "/snapshots", {"name": "m", "needMemoryShot": True})
    assert r.json()["errorCode"] == "10300119"
    tpl = sim.find("vms", "tpl-centos7")
    assert sim.post(tpl["uri"] + "/snapshots", {"name": "t"}).json()["errorCode"] == "10300141"


def test_task_fault_rules_on_vm_start(sim):
    ans, _ = _blank(sim, "flt")
    sim.sim("POST", "/faults", {"method": "POST", "path": "/action/start$", "count": 1,
                                "action": {"type": "task_fail", "at_progress": 40, "errorCode": "10800103",
                                           "errorDes": "VM failed to start on host"}})
    task = sim.wait(sim.ok("POST", ans["uri"] + "/action/start"), expect="failed")
    assert task["reason"] == "10800103" and task["progress"] == 40
    assert sim.obj(ans["urn"])["status"] == "stopped"
    sim.sim("POST", "/faults", {"method": "POST", "path": "/action/start$", "count": 1,
                                "action": {"type": "task_hang"}})
    hang = sim.ok("POST", ans["uri"] + "/action/start")
    t = sim.ok("GET", hang["taskUri"])
    assert t["status"] == "running"


# route: GET /service/sites/{site}/vms/statistics
# route: GET /service/sites/{site}/vms/osversions
# route: POST /service/sites/{site}/monitors/objectmetric-realtimedata
def test_statistics_and_catalogue(sim):
    vm, _ = _deploy(sim, name="st")
    stats = sim.ok("GET", sim.site + "/vms/statistics")
    assert stats["running"] == 1 and stats["total"] == 1
    cat = sim.ok("GET", sim.site + "/vms/osversions")
    assert {"windows", "linux", "other"} <= set(cat)
    m = sim.ok("POST", sim.site + "/monitors/objectmetric-realtimedata",
               [{"urn": vm["urn"], "metricId": ["cpu_usage", "mem_usage"]}])
    assert float(m["items"][0]["value"][0]["metricValue"]) > 0


# route: POST /service/sites/{site}/vms/{vm}/action/clone
def test_a_template_deploys_several_vms_at_once_and_a_vm_clones_once_at_a_time(manual_sim):
    """A rollout deploys from one template in parallel; the template stays 'cloning' until the last ends."""
    s = manual_sim
    tpl = s.find("vms", "tpl-centos7")
    cluster = s.find("clusters", "cluster-dev")["urn"]
    tasks = [s.ok("POST", tpl["uri"] + "/action/clone", {"name": "par-%d" % i, "location": cluster})
             for i in range(3)]
    assert s.obj(tpl["urn"])["additionalStatus"] == ["cloning"]
    r = s.delete(tpl["uri"])
    assert r.status_code == 400 and r.json()["errorCode"] == "10300133"
    s.sim("POST", "/clock/advance", {"seconds": 600})
    for task in tasks:
        assert s.ok("GET", task["taskUri"])["status"] == "success"
        assert s.obj(task["urn"])["status"] == "running"
    assert s.obj(tpl["urn"])["additionalStatus"] == []
    vm = tasks[0]
    s.ok("POST", vm["uri"] + "/action/clone", {"name": "copy-1", "location": cluster})
    r = s.post(vm["uri"] + "/action/clone", {"name": "copy-2", "location": cluster})
    assert r.status_code == 400 and r.json()["errorCode"] == "10300133"
