"""vrmsim answers as the FusionCompute 8.0.0 VRM interface document (FC8DOC) does: each test names the
operation's error table (chapters 3-5) it follows."""

import pytest


def _code(answer):
    assert answer.status_code == 400, answer.text
    return answer.json()["errorCode"]


def _blank_body(sim, name, **vm_config):
    cl = sim.find("clusters", "cluster-dev")
    ds = sim.find("datastores", "datastore-dev")
    cfg = {"cpu": {"quantity": 1}, "memory": {"quantityMB": 1024},
           "disks": [{"quantityGB": 10, "datastoreUrn": ds["urn"], "isThin": True}]}
    cfg.update(vm_config)
    return {"name": name, "location": cl["urn"], "autoBoot": False,
            "osOptions": {"osType": "Linux", "osVersion": 301}, "vmConfig": cfg}


def _running_vm(sim, name):
    tpl = sim.find("vms", "tpl-centos7")
    ans = sim.ok("POST", tpl["uri"] + "/action/clone",
                 {"name": name, "location": sim.find("clusters", "cluster-prod")["urn"]})
    sim.wait(ans)
    return sim.ok("GET", ans["uri"])


def _still_readable(sim):
    """The lists that summed a null disk size before answer 200."""
    sim.ok("GET", sim.site + "/datastores")
    sim.ok("GET", sim.site + "/volumes", params={"limit": 100, "offset": 0})


# -- disks without a size ---------------------------------------------------------------------------

@pytest.mark.parametrize("thin", [True, False])
def test_create_refuses_a_disk_without_quantity(sim, thin):
    ds = sim.find("datastores", "datastore-dev")
    before = len(sim.sim("GET", "/objects?kind=volumes")["objects"])
    body = _blank_body(sim, "nosize", disks=[{"datastoreUrn": ds["urn"], "isThin": thin}])
    assert _code(sim.post(sim.site + "/vms", body)) == "10300009"
    assert len(sim.sim("GET", "/objects?kind=volumes")["objects"]) == before
    assert sim.ok("GET", sim.site + "/vms", params={"name": "nosize"})["total"] == 0
    _still_readable(sim)


def test_clone_refuses_an_added_disk_without_quantity(sim):
    tpl = sim.find("vms", "tpl-centos7")
    ds = sim.find("datastores", "datastore-prod")
    body = {"name": "clone-nosize", "location": sim.find("clusters", "cluster-prod")["urn"],
            "vmConfig": {"disks": [{"sequenceNum": 2, "datastoreUrn": ds["urn"], "isThin": False}]}}
    assert _code(sim.post(tpl["uri"] + "/action/clone", body)) == "10300009"
    assert sim.ok("GET", sim.site + "/vms", params={"name": "clone-nosize"})["total"] == 0
    _still_readable(sim)


def test_import_refuses_a_disk_without_quantity(sim):
    cl = sim.find("clusters", "cluster-dev")
    ds = sim.find("datastores", "datastore-dev")
    body = {"name": "imp-nosize", "location": cl["urn"], "protocol": "nfs",
            "url": "192.0.2.50:/srv/images/centos/centos9.ovf", "osOptions": {"osType": "Linux", "osVersion": 10082},
            "vmConfig": {"cpu": {"quantity": 1}, "memory": {"quantityMB": 1024},
                         "disks": [{"sequenceNum": 1, "datastoreUrn": ds["urn"], "isThin": False}]}}
    assert _code(sim.post(sim.site + "/vms/action/import", body)) == "10300009"
    _still_readable(sim)


def test_volume_and_attached_disk_without_quantity(sim):
    ds = sim.find("datastores", "datastore-dev")
    assert _code(sim.post(sim.site + "/volumes", {"datastoreUrn": ds["urn"], "type": "normal"})) == "10420006"
    assert _code(sim.post(sim.site + "/volumes", {"quantityGB": 0, "datastoreUrn": ds["urn"],
                                                  "type": "normal"})) == "10420006"
    vm = _running_vm(sim, "cav")
    body = {"name": "nosize", "datastoreUrn": sim.find("datastores", "datastore-prod")["urn"], "isThin": True}
    assert _code(sim.post(vm["uri"] + "/action/createattachvol", body)) == "10420006"
    _still_readable(sim)


# -- VM create: CPU, memory, OS ---------------------------------------------------------------------

@pytest.mark.parametrize("change,code", [
    ({"vmConfig": {"cpu": {"quantity": 0}, "memory": {"quantityMB": 1024}}}, "10300003"),
    ({"vmConfig": {"cpu": {"quantity": 1}, "memory": {"quantityMB": 64}}}, "10300006"),
    ({"vmConfig": {"cpu": {"quantity": 1, "weight": 1}, "memory": {"quantityMB": 1024}}}, "10300004"),
    ({"vmConfig": {"cpu": {"quantity": 4, "coresPerSocket": 3}, "memory": {"quantityMB": 1024}}}, "10300561"),
    ({"osOptions": {"osVersion": 301}}, "10300069"),
    ({"osOptions": {"osType": "Solaris", "osVersion": 301}}, "10300041"),
    ({"osOptions": {"osType": "Linux", "osVersion": 1}}, "10300042"),
    ({"description": "x" * 1025}, "10000018"),
    ({"location": ""}, "10300067"),
])
def test_create_answers_the_field_code(sim, change, code):
    body = _blank_body(sim, "badfield")
    body.update(change)
    assert _code(sim.post(sim.site + "/vms", body)) == code
    assert sim.ok("GET", sim.site + "/vms", params={"name": "badfield"})["total"] == 0


# -- network ----------------------------------------------------------------------------------------

def test_dvs_codes(sim):
    dvs = sim.find("dvswitchs", "dvs-prod")
    assert _code(sim.post(sim.site + "/dvswitchs", {"name": "dvs-prod"})) == "10540041"
    made = sim.ok("POST", sim.site + "/dvswitchs", {"name": "dvs-codes"})
    assert _code(sim.put(made["uri"], {"name": "dvs-prod"})) == "10540041"
    assert _code(sim.put(made["uri"], {"mtu": 1234})) == "10540048"
    assert _code(sim.post(made["uri"] + "/action/addvlanpool", {"vlanPoolSet": []})) == "10540004"
    pg = sim.ok("POST", made["uri"] + "/portgroups", {"name": "unused", "vlanId": 5})
    # a DVS with a port group is refused even when no VM uses it; without port groups it goes
    assert _code(sim.delete(made["uri"])) == "10540022"
    assert sim.obj(made["urn"])["name"] == "dvs-codes"
    assert sim.ok("DELETE", pg["uri"]) is None
    assert sim.ok("DELETE", made["uri"]) is None
    assert _code(sim.get(made["uri"])) == "10540010"
    assert _code(sim.delete(dvs["uri"])) == "10540022"


def test_portgroup_codes(sim):
    tpl = sim.find("vms", "tpl-centos7")
    used = sim.obj(tpl["vmConfig"]["nics"][0]["portGroupUrn"])
    assert _code(sim.delete(used["uri"])) == "10540109"
    assert sim.obj(used["urn"])["name"] == used["name"]
    other = sim.ok("POST", sim.site + "/dvswitchs", {"name": "dvs-other",
                                                     "vlanPoolSet": [{"startVlanId": 100, "endVlanId": 199}]})
    pg_id = used["urn"].rsplit(":", 1)[1]
    # the port group exists, but under another DVS
    assert _code(sim.get(other["uri"] + "/portgroups/" + pg_id)) == "10540108"
    assert _code(sim.get(other["uri"] + "/portgroups/99999")) == "10540107"
    base = other["uri"] + "/portgroups"
    assert _code(sim.post(base, {"name": "novlan"})) == "10540104"
    assert _code(sim.post(base, {"name": "outside", "vlanId": 300})) == "10540105"
    assert _code(sim.post(base, {"name": "trunk", "portType": 1})) == "10504014"
    assert _code(sim.post(base, {"name": "prio", "vlanId": 100, "txLimit": 10, "priority": 9})) == "10540511"
    assert _code(sim.post(base, {"name": "prio", "vlanId": 100, "priority": 4})) == "10504023"
    assert _code(sim.post(base, {"name": "peak", "vlanId": 100, "txLimit": 100, "txPeakLimit": 50})) == "10504021"
    assert _code(sim.post(base, {"name": "peak", "vlanId": 100, "txPeakLimit": 50})) == "10504027"
    assert sim.ok("GET", base)["total"] == 0


# -- migration --------------------------------------------------------------------------------------

def test_migration_to_where_the_vm_is(sim):
    vm = _running_vm(sim, "stay")
    assert _code(sim.post(vm["uri"] + "/action/migrate", {"location": vm["hostUrn"]})) == "10300024"
    assert _code(sim.post(vm["uri"] + "/action/migrate", {"location": vm["clusterUrn"]})) == "10300434"
    assert sim.obj(vm["urn"])["hostUrn"] == vm["hostUrn"]
    # another cluster's URN still picks a host there
    dev = sim.find("clusters", "cluster-dev")
    sim.wait(sim.ok("POST", vm["uri"] + "/action/migrate", {"location": dev["urn"]}))
    assert sim.obj(vm["urn"])["clusterUrn"] == dev["urn"]


# -- datastores -------------------------------------------------------------------------------------

def test_datastore_hosts_are_urns(sim):
    ds = sim.ok("GET", sim.find("datastores", "nfs-images")["uri"])
    hosts = {h["urn"] for h in sim.ok("GET", sim.site + "/hosts")["hosts"]}
    assert ds["hosts"] and set(ds["hosts"]) <= hosts
    listed = sim.ok("GET", sim.site + "/datastores")["datastores"]
    assert all(h.startswith("urn:sites:") and ":hosts:" in h for d in listed for h in d["hosts"])


def test_datastore_codes(sim):
    ds = sim.find("datastores", "datastore-dev")
    assert _code(sim.put(ds["uri"], {"name": "nfs-images"})) == "10410025"
    assert _code(sim.delete(ds["uri"], params={"hostUrn": sim.find("hosts", "cna-prod-01")["urn"]})) == "10410055"


# -- expansion --------------------------------------------------------------------------------------

def test_expansion_codes(sim):
    vm = _running_vm(sim, "grow")
    disk = vm["vmConfig"]["disks"][0]
    size = disk["quantityGB"] * 1024
    grow = vm["uri"] + "/action/expandvol"
    assert _code(sim.post(grow, {"volUrn": disk["volumeUrn"], "size": size + 100})) == "10420050"
    assert _code(sim.post(grow, {"volUrn": disk["volumeUrn"], "size": size})) == "10300323"
    assert _code(sim.post(grow, {"volUrn": disk["volumeUrn"], "size": size - 1024})) == "10300323"
    ds = sim.find("datastores", "datastore-dev")
    ans = sim.ok("POST", sim.site + "/volumes", {"quantityGB": 10, "datastoreUrn": ds["urn"], "type": "normal",
                                                 "isThin": True, "name": "grow-vol"})
    sim.wait(ans)
    assert _code(sim.post(ans["uri"] + "/action/expandVol", {"size": 10 * 1024 + 512})) == "10420050"
    assert _code(sim.post(ans["uri"] + "/action/expandVol", {"size": 10 * 1024})) == "10420038"
    assert _code(sim.post(ans["uri"] + "/action/expandVol", {"size": 70000 * 1024})) == "10420080"
    assert sim.obj(ans["urn"])["quantityGB"] == 10


# -- hosts ------------------------------------------------------------------------------------------

def test_host_codes(sim):
    vm = _running_vm(sim, "pin")
    busy = sim.obj(vm["hostUrn"])
    dev = sim.find("clusters", "cluster-dev")
    act = busy["uri"] + "/action/"
    assert _code(sim.post(act + "move", {"clusterUrn": busy["clusterUrn"]})) == "10300065"
    assert _code(sim.post(act + "move", {"clusterUrn": dev["urn"]})) == "10200157"
    assert _code(sim.post(act + "poweroff", {"mode": "safe"})) == "10200157"
    assert _code(sim.post(act + "reboot", {"mode": "safe"})) == "10200157"
    assert _code(sim.post(act + "poweroff", {"mode": "gently"})) == "10200150"
    assert _code(sim.post(act + "poweron", {})) == "10200125"
    assert sim.obj(busy["urn"])["clusterUrn"] == busy["clusterUrn"]
    assert sim.obj(busy["urn"])["status"] == "normal"
    assert _code(sim.post(sim.site + "/hosts", {"ip": "198.51.100.999"})) == "10200107"


# -- linked clones and snapshots --------------------------------------------------------------------

def test_linked_clone(sim):
    tpl = sim.find("vms", "tpl-centos7")
    cl = sim.find("clusters", "cluster-prod")
    body = {"name": "lc-1", "location": cl["urn"], "isLinkClone": True,
            "vmConfig": {"disks": [{"sequenceNum": 1, "isThin": False}]}}
    ans = sim.ok("POST", tpl["uri"] + "/action/clone", body)
    task = sim.wait(ans)
    assert task["type"] == "DeployLinkCloneVM"
    vm = sim.ok("GET", ans["uri"])
    assert vm["isLinkClone"] is True and vm["vmConfig"]["disks"][0]["isThin"] is True
    listed = sim.ok("GET", sim.site + "/vms", params={"isLinkClone": "true", "templateUrn": tpl["urn"]})
    assert [v["name"] for v in listed["vms"]] == ["lc-1"]
    full = sim.ok("GET", sim.site + "/vms", params={"isLinkClone": "false", "isTemplate": "false"})
    assert "lc-1" not in [v["name"] for v in full["vms"]]
    assert _code(sim.post(vm["uri"] + "/snapshots", {"name": "s1"})) == "10300142"
    bad = dict(body, name="lc-tpl", isTemplate=True)
    assert _code(sim.post(tpl["uri"] + "/action/clone", bad)) == "10000001"
    # a full clone is not linked
    plain = sim.ok("POST", tpl["uri"] + "/action/clone", {"name": "full-1", "location": cl["urn"]})
    assert sim.wait(plain)["type"] == "DeployVM"
    assert sim.ok("GET", plain["uri"])["isLinkClone"] is False


@pytest.mark.parametrize("memory", [True, False])
def test_snapshot_memory_size_is_the_vms_memory(sim, memory):
    vm = _running_vm(sim, "snapmem")
    ans = sim.ok("POST", vm["uri"] + "/snapshots", {"name": "s", "needMemoryShot": memory})
    sim.wait(ans)
    snap = sim.ok("GET", ans["uri"])
    assert snap["memorySize"] == vm["vmConfig"]["memory"]["quantityMB"]
    assert snap["coreNum"] == vm["vmConfig"]["cpu"]["quantity"]
    assert snap["includingMemorySnapshot"] is memory
    # only a memory snapshot charges the memory dump
    assert (snap["snapProvisionSize"] >= snap["memorySize"]) is memory
    assert _code(sim.post(vm["uri"] + "/snapshots", {"name": "s2", "needMemoryShot": "maybe"})) == "10000019"


# -- field names bind regardless of letter case (docs/vrmsim-fidelity.md) ----------------------------

def test_field_names_bind_case_insensitively(sim):
    """The KubeOperator Go SDK sends memory.quantityMb and disks[].quantityGb; VRM reads them."""
    tpl = sim.find("vms", "tpl-centos7")
    ds = sim.find("datastores", "datastore-prod")
    body = {"name": "go-sdk", "location": sim.find("clusters", "cluster-prod")["urn"],
            "vmConfig": {"cpu": {"quantity": 2}, "memory": {"quantityMb": 3072},
                         "disks": [{"sequenceNum": 1, "quantityGb": 60, "datastoreUrn": ds["urn"], "isThin": True},
                                   {"sequenceNum": 2, "quantityGb": 5, "datastoreUrn": ds["urn"], "isThin": True}]}}
    ans = sim.ok("POST", tpl["uri"] + "/action/clone", body)
    sim.wait(ans)
    vm = sim.ok("GET", ans["uri"])
    assert vm["vmConfig"]["memory"]["quantityMB"] == 3072
    assert [d["quantityGB"] for d in vm["vmConfig"]["disks"]] == [60, 5]
    # the exact spelling wins over another case of the same name
    cl = sim.find("clusters", "cluster-dev")
    blank = _blank_body(sim, "both", memory={"quantityMB": 2048, "QUANTITYMB": 4096})
    blank["location"] = cl["urn"]
    made = sim.ok("POST", sim.site + "/vms", blank)
    sim.wait(made)
    assert sim.obj(made["urn"])["vmConfig"]["memory"]["quantityMB"] == 2048
    # an import whose disk says quantityGb is not refused for a missing size
    imp = {"name": "go-import", "location": cl["urn"], "protocol": "cifs",
           "url": "//192.0.2.50/images/centos9.ovf", "osOptions": {"osType": "Linux", "osVersion": 10082},
           "vmConfig": {"cpu": {"quantity": 1}, "memory": {"quantityMb": 1024},
                        "disks": [{"sequenceNum": 1, "quantityGb": 12, "datastoreUrn": sim.find(
                            "datastores", "datastore-dev")["urn"], "isThin": True}]}}
    ans = sim.ok("POST", sim.site + "/vms/action/import", imp)
    sim.wait(ans)
    assert sim.obj(ans["urn"])["vmConfig"]["disks"][0]["quantityGB"] == 12


# -- other refusals of the same tables --------------------------------------------------------------

def test_more_document_codes(sim):
    prod = sim.find("clusters", "cluster-prod")
    assert _code(sim.put(prod["uri"], {"drsSetting": {"drsLevel": 2}})) == "10300123"
    assert _code(sim.put(prod["uri"], {"drsSetting": {"drsFragmentLimen": [{"fragmentTime": 1, "limen": 4}]}})
                 ) == "10300124"
    assert _code(sim.put(prod["uri"], {"resStrategy": "roundRobin"})) == "10300200"
    vm = _running_vm(sim, "more")
    disk = vm["vmConfig"]["disks"][0]
    same = {"disks": [{"volumeUrn": disk["volumeUrn"], "datastoreUrn": disk["datastoreUrn"]}], "speed": 50}
    assert _code(sim.post(vm["uri"] + "/action/migratevol", same)) == "10420166"
    assert _code(sim.post(vm["uri"] + "/action/migratevol", dict(same, speed=5))) == "10300337"
    tpl = sim.find("vms", "tpl-centos7")
    other = tpl["vmConfig"]["disks"][0]["volumeUrn"]
    assert _code(sim.post(vm["uri"] + "/action/attachvol", {"volUrn": other})) == "10300074"
    ds = sim.find("datastores", "datastore-dev")
    body = _blank_body(sim, "slot", disks=[{"sequenceNum": 4, "pciType": "IDE", "quantityGB": 1,
                                            "datastoreUrn": ds["urn"]}])
    assert _code(sim.post(sim.site + "/vms", body)) == "10300008"
    assert _code(sim.post(vm["uri"] + "/snapshots", {"name": "s", "isConsistent": "perhaps"})) == "10000020"


def test_modify_binds_field_and_property_names_regardless_of_case(sim):
    vm = _running_vm(sim, "case-mod")
    sim.wait(sim.ok("PUT", vm["uri"], {"properties": {"ISENABLEHA": False}, "Description": "upper"}))
    after = sim.obj(vm["urn"])
    assert after["vmConfig"]["properties"]["isEnableHa"] is False and "ISENABLEHA" not in after["vmConfig"][
        "properties"]
    assert after["description"] == "upper"
