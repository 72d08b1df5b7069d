"""A VM's console output, its export through a server lease, and the lease's life cycle (vm_export.py)."""

from test_vm_lifecycle import _deploy
from vrmsim.vm_export import DISK_BYTES, disk_data


# route: POST /service/sites/{site}/vms/{vm}/action/getConsoleOutput
def test_console_output_follows_the_boots(sim):
    vm, _ = _deploy(sim, name="con1", boot=False)
    assert sim.ok("POST", vm["uri"] + "/action/getConsoleOutput", {"length": 20}) == {"output": ""}
    sim.wait(sim.ok("POST", vm["uri"] + "/action/start"))
    out = sim.ok("POST", vm["uri"] + "/action/getConsoleOutput", {})["output"].split("\n")
    assert out[0].startswith("FusionCompute virtual BIOS, VM con1 (uuid %s), boot 1" % vm["uuid"])
    assert out[-1] == "con1 login:"
    sim.wait(sim.ok("POST", vm["uri"] + "/action/reboot", {"mode": "force"}))
    full = sim.ok("POST", vm["uri"] + "/action/getConsoleOutput", {})["output"].split("\n")
    assert any("boot 2" in line for line in full) and len(full) == 2 * len(out)
    last = sim.ok("POST", vm["uri"] + "/action/getConsoleOutput", {"length": 2})["output"].split("\n")
    assert last == full[-2:]
    r = sim.post(vm["uri"] + "/action/getConsoleOutput", {"length": "many"})
    assert r.status_code == 400 and r.json()["errorCode"] == "10000001"
    tpl = sim.find("vms", "tpl-centos7")
    r = sim.post(tpl["uri"] + "/action/getConsoleOutput", {"length": 5})
    assert r.json()["errorCode"] == "10300021"


# route: POST /service/sites/{site}/vms/{vm}/action/export
# route: GET /service/sites/{site}/serverlease/{id}
# route: PUT /service/sites/{site}/serverlease/{id}
# route: POST /service/sites/{site}/serverlease/{id}/action/complete
# route: GET /serverlease-files/{site}/{id}/{key}
def test_export_through_a_server_lease(sim):
    vm, _ = _deploy(sim, name="exp1", boot=False)
    vol = sim.obj(vm["urn"])["vmConfig"]["disks"][0]["volumeUrn"]
    ans = sim.ok("POST", vm["uri"] + "/action/export", {"name": "exp1-image", "format": "ovf",
                                                         "protocol": "server-http"})
    assert ans["urn"] == vm["urn"] and ans["serverLeaseUri"].startswith(sim.site + "/serverlease/")
    lease_uri = ans["serverLeaseUri"]
    sim.wait(ans)
    assert sim.obj(vm["urn"])["status"] == "stopped"
    lease = sim.ok("GET", lease_uri)
    assert lease["state"] == "ready" and lease["entity"] == vm["urn"] and lease["protocol"] == "http"
    assert 0 < lease["leaseTimeout"] <= 600
    infos = {i["key"]: i for i in lease["serverLeaseInfos"]}
    assert infos["ovf"]["url"].endswith("/exp1-image.ovf")
    disk = infos[vol.rsplit(":", 1)[1]]
    assert disk["capacityInGB"] == sim.obj(vol)["quantityGB"] and disk["dataStore"] == sim.obj(vol)["datastoreUrn"]
    # the URL names the node's HTTP service; vrmsim serves it itself (plain HTTP in this test's server)
    path = disk["url"].split("://", 1)[1].split("/", 1)[1]
    data = sim.http.get(sim.url + "/" + path).content
    assert data == disk_data(vol) and len(data) == DISK_BYTES and data.startswith(b"VRMSIM-EXPORT volume=" + vol.encode())
    descriptor = sim.http.get(sim.url + "/" + infos["ovf"]["url"].split("://", 1)[1].split("/", 1)[1])
    assert b'ovf:href="%s"' % vol.rsplit(":", 1)[1].encode() in descriptor.content
    sim.ok("PUT", lease_uri, {"percent": 50})
    assert sim.ok("GET", lease_uri)["percent"] == 50
    sim.ok("POST", lease_uri + "/action/complete", {"isAbort": False})
    done = sim.ok("GET", lease_uri)
    assert done["state"] == "done" and done["percent"] == 100
    assert sim.put(lease_uri, {"percent": 60}).json()["errorCode"] == "10800152"
    assert sim.http.get(sim.url + "/" + path).status_code == 404
    # an aborted lease ends in error with the client's reason
    ans = sim.ok("POST", vm["uri"] + "/action/export", {"name": "exp1-b", "protocol": "server-https"})
    sim.wait(ans)
    sim.ok("POST", ans["serverLeaseUri"] + "/action/complete", {"isAbort": True, "fault": "glance said no"})
    aborted = sim.ok("GET", ans["serverLeaseUri"])
    assert aborted["state"] == "error" and aborted["faultDes"] == "glance said no" and aborted["protocol"] == "https"
    assert sim.get(sim.site + "/serverlease/999").json()["errorCode"] == "10800152"


def test_export_refusals(manual_sim):
    sim = manual_sim
    tpl, cl = sim.find("vms", "tpl-centos7"), sim.find("clusters", "cluster-prod")
    ans = sim.ok("POST", tpl["uri"] + "/action/clone", {"name": "exp2", "location": cl["urn"], "autoBoot": False})
    sim.sim("POST", "/clock/advance", {"seconds": 300})
    sim.wait(ans)
    vm = sim.ok("GET", ans["uri"])
    for body, code in (({"name": "bad name!", "protocol": "server-http"}, "10000012"),
                       ({"protocol": "server-http"}, "10000012"),
                       ({"name": "x", "protocol": "ftp"}, "10300160"),
                       ({"name": "x", "protocol": "nfs"}, "10300035"),
                       ({"name": "x", "protocol": "server-http", "format": "vmdk"}, "10300229"),
                       ({"name": "x", "protocol": "glance", "glanceConfig": {"endPoint": "https://g"}}, "10300740")):
        r = sim.post(vm["uri"] + "/action/export", body)
        assert r.status_code == 400 and r.json()["errorCode"] == code, (body, r.text)
    ans = sim.ok("POST", vm["uri"] + "/action/export", {"name": "x", "protocol": "server-http"})
    lease_uri = ans["serverLeaseUri"]
    assert sim.ok("GET", lease_uri)["state"] == "initializing"
    assert sim.ok("GET", lease_uri)["serverLeaseInfos"] == []
    assert sim.put(lease_uri, {"percent": 5}).json()["errorCode"] == "10800153"
    assert sim.post(lease_uri + "/action/complete", {}).json()["errorCode"] == "10800153"
    # the VM is busy while it is exported
    assert sim.post(vm["uri"] + "/action/export", {"name": "y", "protocol": "nfs",
                                                   "url": "192.0.2.1:/exports/y"}).json()["errorCode"] == "10300101"
    sim.sim("POST", "/clock/advance", {"seconds": 300})
    sim.wait(ans)
    assert sim.ok("GET", lease_uri)["state"] == "ready"
    ans = sim.ok("POST", vm["uri"] + "/action/export", {"name": "y", "protocol": "glance", "glanceConfig": {
        "endPoint": "https://glance.example:9292", "token": "t", "imageID": "img-1"}})
    # the answer names a lease, as the document's sample; no lease object is behind it for Glance
    assert sim.get(ans["serverLeaseUri"]).json()["errorCode"] == "10800152"
    sim.sim("POST", "/clock/advance", {"seconds": 300})
    task = sim.wait(ans)
    assert task["type"] == "ExportTemplate" and task["entityUrn"] == vm["urn"]
