"""Image management: published shares, CD-ROMs, template import sources, export, customization specifications."""

LIB = "//198.51.100.210/library"


def _import_body(sim, name, url, protocol="cifs", size=12, **extra):
    cl = sim.find("clusters", "cluster-dev")
    ds = sim.find("datastores", "datastore-dev")
    body = {"name": name, "location": cl["urn"], "protocol": protocol, "url": url, "isTemplate": True,
            "osOptions": {"osType": "Linux", "osVersion": 10082},
            "vmConfig": {"cpu": {"quantity": 1}, "memory": {"quantityMB": 1024},
                         "disks": [{"sequenceNum": 1, "quantityGB": size, "datastoreUrn": ds["urn"], "isThin": True}]}}
    body.update(extra)
    return body


def _running_vm(sim, name="cd-vm"):
    tpl = sim.find("vms", "tpl-centos7")
    ans = sim.ok("POST", tpl["uri"] + "/action/clone", {"name": name})
    sim.wait(ans)
    vm = sim.ok("GET", ans["uri"])
    assert vm["status"] == "running"
    return vm


def test_publish_control_route(sim):
    out = sim.sim("POST", "/images", {"share": "192.0.2.60:/srv/iso", "capacity_gb": 50,
                                      "files": [{"name": "a.iso", "size_gb": 3, "checksum": "sha256:ab"}]})
    assert out["files"]["a.iso"] == {"format": "iso", "size_gb": 3, "checksum": "sha256:ab"}
    shares = sim.sim("GET", "/images")["shares"]
    assert "192.0.2.60:/srv/iso" in shares and LIB in shares      # the demo seed's library is there too
    bad = sim.http.post(sim.url + "/_sim/images", json={"share": "nowhere", "files": []})
    assert bad.status_code == 400


# route: POST /service/sites/{site}/vms/{vm}/action/attachCdrom
# route: POST /service/sites/{site}/vms/{vm}/action/describeCdrom
# route: POST /service/sites/{site}/vms/{vm}/action/detachCdrom
def test_cdrom_attach_describe_detach(sim):
    vm = _running_vm(sim)
    empty = sim.ok("POST", vm["uri"] + "/action/describeCdrom")
    assert empty == {"devicePath": None, "attachCdromTime": None}
    ans = sim.ok("POST", vm["uri"] + "/action/attachCdrom",
                 {"devicePath": LIB + "/iso/centos-9-stream.iso", "protocol": "cifs"})
    task = sim.wait(ans)
    assert task["type"] == "AttachCdRomTask"
    assert sim.ok("GET", vm["uri"])["cdRomStatus"] == "fill"
    got = sim.ok("POST", vm["uri"] + "/action/describeCdrom")
    assert got["devicePath"] == LIB + "/iso/centos-9-stream.iso" and got["attachCdromTime"]
    again = sim.post(vm["uri"] + "/action/attachCdrom", {"devicePath": LIB + "/iso/ubuntu-22.04.iso"})
    assert again.status_code == 400 and again.json()["errorCode"] == "10300033"
    task = sim.wait(sim.ok("POST", vm["uri"] + "/action/detachCdrom"))
    assert task["type"] == "DetachCdRomTask"
    assert sim.ok("GET", vm["uri"])["cdRomStatus"] == "empty"
    assert sim.post(vm["uri"] + "/action/detachCdrom").json()["errorCode"] == "10300034"


def test_cdrom_refusals_and_task_failures(sim):
    vm = _running_vm(sim)
    cases = [({"devicePath": LIB + "/x.iso", "protocol": "ftp"}, "10300343"),
             ({"devicePath": "not a path$", "protocol": "cifs"}, "10301035"),
             ({"devicePath": "no-colon.iso", "protocol": "datastore"}, "10301035"),
             ({"devicePath": LIB + "/x.iso", "username": ""}, "10200254")]
    for body, code in cases:
        r = sim.post(vm["uri"] + "/action/attachCdrom", body)
        assert r.status_code == 400 and r.json()["errorCode"] == code, (body, r.text)
    for path, code in ((LIB + "/iso/missing.iso", "10800110"), (LIB + "/templates/alpine-3.19.ova", "10800110"),
                       ("//203.0.113.5/share/a.iso", "10800108")):
        task = sim.wait(sim.ok("POST", vm["uri"] + "/action/attachCdrom", {"devicePath": path}), expect="failed")
        assert task["reason"] == code
        assert sim.ok("GET", vm["uri"])["cdRomStatus"] == "empty"
    # only a running VM takes a CD-ROM
    sim.wait(sim.ok("POST", vm["uri"] + "/action/stop", {"mode": "force"}))
    r = sim.post(vm["uri"] + "/action/attachCdrom", {"devicePath": LIB + "/iso/ubuntu-22.04.iso"})
    assert r.json()["errorCode"] == "10300015"


def test_cdrom_from_a_datastore_survives_a_stop_cifs_does_not(sim):
    sim.sim("POST", "/images", {"share": "198.51.100.210:/export/iso", "files": [{"name": "tools.iso"}]})
    vm = _running_vm(sim, "cd-ds")
    sim.wait(sim.ok("POST", vm["uri"] + "/action/attachCdrom",
                    {"devicePath": "198.51.100.210:/export/iso/tools.iso", "protocol": "datastore"}))
    sim.wait(sim.ok("POST", vm["uri"] + "/action/stop", {"mode": "force"}))
    assert sim.ok("GET", vm["uri"])["cdRomStatus"] == "fill"
    other = _running_vm(sim, "cd-cifs")
    sim.wait(sim.ok("POST", other["uri"] + "/action/attachCdrom", {"devicePath": LIB + "/iso/ubuntu-22.04.iso"}))
    sim.wait(sim.ok("POST", other["uri"] + "/action/stop", {"mode": "force"}))
    assert sim.ok("GET", other["uri"])["cdRomStatus"] == "empty"
    assert sim.ok("POST", other["uri"] + "/action/describeCdrom")["devicePath"] is None


def test_import_sources_over_cifs_http_and_nfs(sim):
    sim.sim("POST", "/images", {"share": "http://192.0.2.80", "files": [
        {"name": "images/web.ova", "size_gb": 5}, {"name": "images/disk.qcow2", "size_gb": 5}]})
    ok = sim.ok("POST", sim.site + "/vms/action/import",
                _import_body(sim, "tpl-alpine", LIB + "/templates/alpine-3.19.ova"))
    sim.wait(ok)
    assert sim.obj(ok["urn"])["isTemplate"] is True
    http = sim.ok("POST", sim.site + "/vms/action/import",
                  _import_body(sim, "tpl-web", "http://192.0.2.80/images/web.ova", protocol="server-http"))
    assert sim.wait(http)["type"] == "ImportTemplate"
    failures = [(LIB + "/templates/missing.ova", "cifs", 12, "10300924"),
                ("//203.0.113.7/share/a.ovf", "cifs", 12, "10300143"),
                ("http://192.0.2.80/images/disk.qcow2", "server-http", 12, "10300144"),
                (LIB + "/iso/centos-9-stream.iso", "cifs", 12, "10300144"),
                ("http://192.0.2.80/images/web.ova", "server-http", 2, "10300146")]
    before = sim.ok("GET", sim.site + "/vms")["total"]
    for url, protocol, size, code in failures:
        ans = sim.ok("POST", sim.site + "/vms/action/import", _import_body(sim, "bad", url, protocol, size))
        assert sim.wait(ans, expect="failed")["reason"] == code, url
    assert sim.ok("GET", sim.site + "/vms")["total"] == before


def test_import_needs_space_for_the_image(sim):
    sim.sim("POST", "/images", {"share": "//192.0.2.81/big", "files": [{"name": "huge.ova", "size_gb": 3000}]})
    ans = sim.ok("POST", sim.site + "/vms/action/import",
                 _import_body(sim, "huge", "//192.0.2.81/big/huge.ova", size=3000))
    assert sim.wait(ans, expect="failed")["reason"] == "10410003"


def test_import_progress_follows_the_clock(manual_sim):
    s = manual_sim
    ans = s.ok("POST", s.site + "/vms/action/import", _import_body(s, "slow", LIB + "/templates/alpine-3.19.ova"))
    s.sim("POST", "/clock/advance", {"seconds": 45})
    task = s.ok("GET", ans["taskUri"])
    assert task["status"] == "running" and 0 < task["progress"] < 100
    s.sim("POST", "/clock/advance", {"seconds": 60})
    assert s.ok("GET", ans["taskUri"])["status"] == "success"


# route: POST /service/sites/{site}/vms/{vm}/action/export
def test_export_to_a_share_and_import_elsewhere(sim):
    sim.sim("POST", "/images", {"share": "//192.0.2.90/exports", "capacity_gb": 80, "files": []})
    tpl = sim.find("vms", "tpl-ubuntu2204")
    ans = sim.ok("POST", tpl["uri"] + "/action/export",
                 {"name": "ubuntu", "format": "ova", "protocol": "cifs", "url": "//192.0.2.90/exports/site-a"})
    assert ans["urn"] == tpl["urn"] and ans["serverLeaseUrn"]
    assert sim.wait(ans)["type"] == "ExportTemplate"
    files = sim.sim("GET", "/images")["shares"]["//192.0.2.90/exports"]["files"]
    assert files["site-a/ubuntu.ova"]["size_gb"] == 30 and files["site-a/ubuntu.ova"]["checksum"].startswith("sha256:")
    # the same file again without isOverwrite: the task fails with 10321002; with it, it succeeds
    again = sim.ok("POST", tpl["uri"] + "/action/export",
                   {"name": "ubuntu", "format": "ova", "protocol": "cifs", "url": "//192.0.2.90/exports/site-a"})
    assert sim.wait(again, expect="failed")["reason"] == "10321002"
    sim.wait(sim.ok("POST", tpl["uri"] + "/action/export", {
        "name": "ubuntu", "format": "ova", "protocol": "cifs", "url": "//192.0.2.90/exports/site-a",
        "isOverwrite": True}))
    imp = sim.ok("POST", sim.site + "/vms/action/import",
                 _import_body(sim, "ubuntu-copy", "//192.0.2.90/exports/site-a/ubuntu.ova", size=30))
    sim.wait(imp)
    # an 80 GB share: a second 30 GB template fits, a third does not
    sim.wait(sim.ok("POST", tpl["uri"] + "/action/export",
                    {"name": "u2", "format": "ova", "url": "//192.0.2.90/exports/b"}))
    full = sim.ok("POST", tpl["uri"] + "/action/export", {"name": "u3", "format": "ova",
                                                          "url": "//192.0.2.90/exports/c"})
    assert sim.wait(full, expect="failed")["reason"] == "10321003"
    gone = sim.ok("POST", tpl["uri"] + "/action/export", {"name": "u4", "format": "ovf",
                                                          "url": "//203.0.113.9/exports/c"})
    assert sim.wait(gone, expect="failed")["reason"] == "10300143"


def test_export_refusals(sim):
    tpl = sim.find("vms", "tpl-ubuntu2204")
    good = {"name": "x", "format": "ova", "protocol": "cifs", "url": "//192.0.2.90/exports/x"}
    for change, code in (({"name": "bad name!"}, "10000012"), ({"format": "vmdk"}, "10300229"),
                         ({"protocol": "uds"}, "10300160"), ({"url": "no-slashes"}, "10300035"),
                         ({"url": "//192.0.2.90/" + "a" * 260}, "10300036")):
        r = sim.post(tpl["uri"] + "/action/export", dict(good, **change))
        assert r.status_code == 400 and r.json()["errorCode"] == code, (change, r.text)


# route: POST /service/sites/{site}/vmcustomizations
# route: GET /service/sites/{site}/vmcustomizations
# route: GET /service/sites/{site}/vmcustomizations/{id}
# route: PUT /service/sites/{site}/vmcustomizations/{id}
# route: DELETE /service/sites/{site}/vmcustomizations/{id}
def test_customization_specs_crud(sim):
    path = sim.site + "/vmcustomizations"
    spec = {"name": "web-linux", "description": "web tier", "osType": "Linux", "hostname": "web01",
            "password": "Secret@123", "nicSpecification": [{"sequenceNum": 1, "ip": "10.0.0.5",
                                                             "netmask": "255.255.255.0", "gateway": "10.0.0.1"}]}
    made = sim.ok("POST", path, spec)
    assert made["urn"].startswith(sim.site_urn + ":vmcustomizations:") and made["uri"]
    got = sim.ok("GET", made["uri"])
    assert got["name"] == "web-linux" and got["password"] == "******" and got["hostname"] == "web01"
    listed = sim.ok("GET", path, params={"name": "web-linux"})
    assert listed["total"] == 1 and listed["vmCustomizations"][0]["urn"] == made["urn"]
    assert sim.ok("GET", path, params={"name": "web"})["total"] == 0       # the name filter is exact
    assert sim.post(path, spec).json()["errorCode"] == "10300354"
    sim.ok("PUT", made["uri"], {"hostname": "web02"})
    assert sim.ok("GET", made["uri"])["hostname"] == "web02"
    for body, code in (({"name": ""}, "10300353"), ({"hostname": "bad host!"}, "10300342"),
                       ({"password": "short"}, "10300344"), ({"workgroup": "W", "domain": "d"}, "10300346"),
                       ({"nicSpecification": [{"sequenceNum": 1, "ip": "10.0.0.300"}]}, "10300349")):
        r = sim.put(made["uri"], body)
        assert r.status_code == 400 and r.json()["errorCode"] == code, (body, r.text)
    sim.ok("DELETE", made["uri"])
    assert sim.get(made["uri"]).json()["errorCode"] == "10300341"


def test_deploy_with_a_saved_specification(sim):
    spec = sim.ok("POST", sim.site + "/vmcustomizations", {
        "name": "one-nic", "osType": "Linux", "hostname": "from-spec",
        "nicSpecification": [{"sequenceNum": 1, "ip": "10.9.0.7", "netmask": "255.255.255.0"}]})
    spec_id = spec["urn"].rsplit(":", 1)[1]
    tpl = sim.find("vms", "tpl-centos7")
    ans = sim.ok("POST", tpl["uri"] + "/action/clone",
                 {"name": "spec-vm", "vmCustomization": {"osType": "Linux", "vmcustomizationId": spec_id}})
    task = sim.wait(ans)
    assert task["type"] == "DeployVM"
    follow = sim.wait({"taskUri": sim.engine.uri_of(task["relateTaskIds"][0])})
    assert follow["type"] == "InjectCustomizationTask"
    vm = sim.ok("GET", ans["uri"])
    assert vm["osOptions"]["hostname"] == "from-spec" and vm["vmConfig"]["nics"][0]["ip"] == "10.9.0.7"
    for cust, code in (({"vmcustomizationId": "999"}, "10300341"),
                       ({"vmcustomizationId": spec_id, "osType": "Windows"}, "10300356")):
        r = sim.post(tpl["uri"] + "/action/clone", {"name": "bad", "vmCustomization": cust})
        assert r.json()["errorCode"] == code
    r = sim.post(tpl["uri"] + "/action/clone", {"name": "bad", "vmConfig": {"nics": []},
                                                "vmCustomization": {"vmcustomizationId": spec_id}})
    assert r.json()["errorCode"] == "10300355"


def test_linked_clone_flags_and_task(sim):
    tpl = sim.find("vms", "tpl-centos7")
    ans = sim.ok("POST", tpl["uri"] + "/action/clone", {"name": "vdi-01", "isLinkClone": True})
    assert sim.wait(ans)["type"] == "DeployLinkCloneVM"
    vm = sim.ok("GET", ans["uri"])
    assert vm["isLinkClone"] is True and vm["vmConfig"]["disks"][0]["isThin"] is True
    listed = sim.ok("GET", sim.site + "/vms", params={"isLinkClone": "true", "templateUrn": tpl["urn"]})
    assert [v["name"] for v in listed["vms"]] == ["vdi-01"]
    r = sim.post(ans["uri"] + "/action/export", {"name": "vdi", "format": "ova", "url": LIB + "/vdi"})
    assert r.json()["errorCode"] == "10300511"
