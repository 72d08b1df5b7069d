"""The guest side of a VM: VM Tools and what the guest reports, boot order, vCPU pinning and NUMA binding,
disk I/O limits and weight."""

from test_vm_lifecycle import _blank, _deploy
from vrmsim.vm_guest import TOOLS_ISO_VERSION


def _err(r, code):
    assert r.status_code == 400 and r.json()["errorCode"] == code, r.text


def _bound(sim, name="pin1", boot=True):
    host = sim.find("hosts", "cna-prod-01")
    vm, _ = _deploy(sim, name, boot=boot, location=host["urn"], isBindingHost=True, cpu=4)
    return vm


def _vm(sim, vm):
    return sim.ok("GET", vm["uri"])


# route: POST /service/sites/{site}/vms/{vm}/action/installtools
# route: POST /service/sites/{site}/vms/{vm}/action/uninstalltools
def test_tools_mount_upgrade_and_eject(sim):
    vm, _ = _deploy(sim, "tools1")
    before = _vm(sim, vm)
    assert before["pvDriverStatus"] == "running" and before["toolsVersion"] < TOOLS_ISO_VERSION
    _err(sim.post(vm["uri"] + "/action/uninstalltools"), "10300039")
    task = sim.wait(sim.ok("POST", vm["uri"] + "/action/installtools"))
    assert task["type"] == "AttachTools"
    after = _vm(sim, vm)
    # the running guest finds the ISO and upgrades its Tools
    assert after["toolInstallStatus"] == "fill" and after["toolsVersion"] == TOOLS_ISO_VERSION
    assert after["pvDriverStatus"] == "running"
    _err(sim.post(vm["uri"] + "/action/installtools"), "10300038")
    task = sim.wait(sim.ok("POST", vm["uri"] + "/action/uninstalltools"))
    assert task["type"] == "DetachTools"
    ejected = _vm(sim, vm)
    assert ejected["toolInstallStatus"] == "empty" and ejected["toolsVersion"] == TOOLS_ISO_VERSION


def test_tools_reported_on_the_virtual_clock(manual_sim):
    sim = manual_sim
    ans, _ = _blank(sim, "tools2")
    vm = sim.ok("GET", ans["uri"])
    assert vm["toolsVersion"] == "" and vm["pvDriverStatus"] == "notRunning"
    task = sim.ok("POST", vm["uri"] + "/action/installtools")
    sim.sim("POST", "/clock/advance", {"seconds": 10})
    sim.wait(task)
    # stopped: the ISO waits in the drive; the guest installs when the VM runs
    assert _vm(sim, vm)["toolInstallStatus"] == "fill" and _vm(sim, vm)["pvDriverStatus"] == "notRunning"
    start = sim.ok("POST", vm["uri"] + "/action/start")
    sim.sim("POST", "/clock/advance", {"seconds": 30})
    sim.wait(start)
    seen = _vm(sim, vm)
    assert seen["status"] == "running" and seen["pvDriverStatus"] in ("notRunning", "starting")
    sim.sim("POST", "/clock/advance", {"seconds": 5})
    assert _vm(sim, vm)["pvDriverStatus"] in ("starting", "running")
    sim.sim("POST", "/clock/advance", {"seconds": 10})
    done = _vm(sim, vm)
    assert done["pvDriverStatus"] == "running" and done["toolsVersion"] == TOOLS_ISO_VERSION


def test_tools_refusals(sim):
    ans, _ = _blank(sim, "tools3")
    vm = sim.ok("GET", ans["uri"])
    sim.engine.get(vm["urn"], "vms").data["vmConfig"]["cdromSequenceNum"] = 0
    _err(sim.post(vm["uri"] + "/action/installtools"), "10300437")
    ans, _ = _blank(sim, "tools4")
    rec = sim.engine.get(ans["urn"], "vms")
    rec.data["osOptions"]["osType"] = "Other"
    task = sim.ok("POST", ans["uri"] + "/action/installtools")
    failed = sim.wait(task, expect="failed")
    assert failed["reason"] == "10300810"
    assert _vm(sim, {"uri": ans["uri"]})["toolInstallStatus"] == "empty"


# route: PUT /service/sites/{site}/vms/{vm}
def test_boot_order(sim):
    vm, _ = _deploy(sim, "boot1", boot=False)
    _err(sim.put(vm["uri"], {"properties": {"bootOption": "floppy"}}), "10300013")
    sim.wait(sim.ok("PUT", vm["uri"], {"properties": {"bootOption": "cdrom"}}))
    assert _vm(sim, vm)["vmConfig"]["properties"]["bootOption"] == "cdrom"
    disk = vm["vmConfig"]["disks"][0]["volumeUrn"]
    nic = vm["vmConfig"]["nics"][0]["urn"]
    _err(sim.put(vm["uri"], {"disk": [{"volumeUrn": disk, "bootOrder": 1}]}), "10300013")
    _err(sim.put(vm["uri"], {"properties": {"bootOption": "exact"}, "disk": [{"volumeUrn": "urn:x", "bootOrder": 1}]}),
         "10000001")
    sim.wait(sim.ok("PUT", vm["uri"], {"properties": {"bootOption": "exact", "cdRomBootOrder": 3},
                                       "disk": [{"volumeUrn": disk, "bootOrder": 2}],
                                       "nic": [{"nicUrn": nic, "bootOrder": 1}]}))
    cfg = _vm(sim, vm)["vmConfig"]
    assert cfg["properties"]["bootOption"] == "exact" and cfg["properties"]["cdRomBootOrder"] == 3
    assert cfg["disks"][0]["bootOrder"] == 2 and cfg["nics"][0]["bootOrder"] == 1


# route: PUT /service/sites/{site}/vms/{vm}/action/vcpupin
def test_vcpu_pinning(sim):
    free, _ = _deploy(sim, "nopin")
    _err(sim.put(free["uri"] + "/action/vcpupin", {"cpuBindType": "range", "affinitySet": [0, 1]}), "10300516")
    vm = _bound(sim)
    pin = vm["uri"] + "/action/vcpupin"
    _err(sim.put(pin, {"cpuBindType": "all"}), "10301008")
    _err(sim.put(pin, {"cpuBindType": "range", "affinitySet": [0, 1, 2]}), "10300536")
    _err(sim.put(pin, {"cpuBindType": "range", "affinitySet": [0, 1, 2, 2]}), "10300538")
    _err(sim.put(pin, {"cpuBindType": "range", "affinitySet": [0, 1, 2, 32]}), "10301007")
    _err(sim.put(pin, {"cpuBindType": "exact", "exactCpuAffinityList": [{"vcpuScope": 4, "pcpuScope": "1"}]}),
         "10301013")
    _err(sim.put(pin, {"cpuBindType": "exact", "exactCpuAffinityList": [
        {"vcpuScope": 0, "pcpuScope": "1"}, {"vcpuScope": 0, "pcpuScope": "2"}]}), "10301014")
    _err(sim.put(pin, {"cpuBindType": "exact", "exactCpuAffinityList": [{"vcpuScope": 0, "pcpuScope": "7-40"}]}),
         "10301007")
    _err(sim.put(pin, {"cpuBindType": "range", "affinitySet": [0, 1, 2, 3],
                       "exactCpuAffinityList": [{"vcpuScope": 0, "pcpuScope": "1"}]}), "10300998")
    _err(sim.put(pin, {"cpuBindType": "numa"}), "10301010")
    _err(sim.put(pin, {"cpuBindType": "numa", "numaBinds": [{"nodeId": 2, "vcpus": "0-3"}]}), "10301012")
    task = sim.wait(sim.ok("PUT", pin, {"cpuBindType": "exact", "exactCpuAffinityList": [
        {"vcpuScope": 0, "pcpuScope": "2,3"}, {"vcpuScope": 1, "pcpuScope": "4-5"}]}))
    assert task["type"] == "BindCPU"
    cpu = _vm(sim, vm)["vmConfig"]["cpu"]
    assert cpu["cpuBindType"] == "exact" and [e["vcpuScope"] for e in cpu["exactCpuAffinityList"]] == [0, 1]
    _err(sim.post(vm["uri"] + "/action/migrate", {"location": sim.find("hosts", "cna-prod-02")["urn"]}), "10300311")
    task = sim.wait(sim.ok("PUT", pin, {"cpuBindType": "numa", "numaBinds": [{"nodeId": 1, "vcpus": "0-3"}]}))
    assert task["type"] == "BindNumaNode"
    cpu = _vm(sim, vm)["vmConfig"]["cpu"]
    assert cpu["numaBinds"] == [{"nodeId": 1, "vcpus": "0-3"}] and cpu["exactCpuAffinityList"] == []
    other = sim.find("hosts", "cna-prod-02")
    _err(sim.post(vm["uri"] + "/action/migrate", {"location": other["urn"]}), "10321075")
    # pinned: no NUMA adjustment
    sim.wait(sim.ok("POST", vm["uri"] + "/action/stop", {"mode": "force"}))
    _err(sim.put(vm["uri"], {"properties": {"isAutoAdjustNuma": True}}), "10300543")
    sim.wait(sim.ok("PUT", pin, {"cpuBindType": "nobind"}))
    cpu = _vm(sim, vm)["vmConfig"]["cpu"]
    assert cpu["cpuBindType"] == "nobind" and "numaBinds" not in cpu


def test_numa_binding_needs_the_vm_stopped(sim):
    vm = _bound(sim, "numa1")
    _err(sim.put(vm["uri"], {"properties": {"numaAffinity": [0]}}), "10300641")
    sim.wait(sim.ok("POST", vm["uri"] + "/action/stop", {"mode": "force"}))
    _err(sim.put(vm["uri"], {"properties": {"numaAffinity": [0, 5]}}), "10301012")
    sim.wait(sim.ok("PUT", vm["uri"], {"properties": {"numaAffinity": [0, 1]}}))
    props = _vm(sim, vm)["vmConfig"]["properties"]
    assert props["numaAffinity"] == [0, 1] and props["isAutoAdjustNuma"] is False
    pin = vm["uri"] + "/action/vcpupin"
    _err(sim.put(pin, {"cpuBindType": "range", "affinitySet": [0, 1, 2, 3]}), "10321076")
    _err(sim.put(pin, {"cpuBindType": "exact", "exactCpuAffinityList": [{"vcpuScope": 0, "pcpuScope": "40"}]}),
         "10301007")
    free, _ = _deploy(sim, "numa2", boot=False, cpu=3)
    _err(sim.put(free["uri"], {"properties": {"numaAffinity": [0]}}), "10300552")
    sim.wait(sim.ok("PUT", free["uri"], {"properties": {"isAutoAdjustNuma": True}}))
    assert _vm(sim, free)["vmConfig"]["properties"]["isAutoAdjustNuma"] is True


# route: PUT /service/sites/{site}/volumes/{id}/modifyIOpropertyOfVolume
# route: PUT /service/sites/{site}/volumes/{id}/modifyIOWeightOfVolume
def test_disk_io_limits_and_weight(sim):
    vm, _ = _deploy(sim, "io1")
    vol_urn = vm["vmConfig"]["disks"][0]["volumeUrn"]
    vol = sim.obj(vol_urn)
    io = vol["uri"] + "/modifyIOpropertyOfVolume"
    limits = {"maxReadBytes": 10240, "maxWriteBytes": 0, "maxReadRequest": 500, "maxWriteRequest": 16}
    _err(sim.put(io, dict(limits, maxReadBytes=4)), "10420163")
    _err(sim.put(io, dict(limits, maxWriteRequest=2 ** 32)), "10420163")
    _err(sim.put(io, dict(limits, totalRWBytes=100)), "10420164")
    _err(sim.put(io, dict(limits, totalRWRequest=100)), "10420165")
    sim.wait(sim.ok("PUT", io, limits))
    disk = _vm(sim, vm)["vmConfig"]["disks"][0]
    assert {k: disk[k] for k in limits} == limits
    assert sim.obj(vol_urn)["maxReadRequest"] == 500 and sim.obj(vol_urn)["status"] == "USE"
    weight = vol["uri"] + "/modifyIOWeightOfVolume"
    _err(sim.put(weight, {"ioWeight": 5}), "10400002")
    assert sim.ok("PUT", weight, {"ioWeight": 300}) == {"result": "success"}
    assert _vm(sim, vm)["vmConfig"]["disks"][0]["ioWeight"] == 300
    loose = sim.ok("POST", sim.site + "/volumes", {"name": "loose", "quantityGB": 1, "isThin": True, "type": "normal",
                                                   "datastoreUrn": sim.find("datastores", "datastore-prod")["urn"]})
    sim.wait(loose)
    _err(sim.put(loose["uri"] + "/modifyIOWeightOfVolume", {"ioWeight": 300}), "10300330")
    on_nfs, _ = _deploy(sim, "io2", boot=False, vmConfig={"disks": [{"sequenceNum": 1, "isThin": True,
                                                                      "datastoreUrn": sim.find(
                                                                          "datastores", "nfs-images")["urn"]}]})
    nfs_vol = sim.obj(on_nfs["vmConfig"]["disks"][0]["volumeUrn"])
    _err(sim.put(nfs_vol["uri"] + "/modifyIOWeightOfVolume", {"ioWeight": 300}), "10420120")
