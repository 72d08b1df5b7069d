"""VM modification: configuration and QoS, disks (volumes) and NICs."""

from vrmsim import placement
from vrmsim.common import as_bool, as_int, as_str, new_size_mb, obj, site_check
from vrmsim.engine import handler
from vrmsim.errors import VrmError
from vrmsim.routes import route
from vrmsim.vm_spec import (
    MAX_NICS, PCI_SLOTS, _build_nics, _check_space, _mac, _new_disk_volume, _pci, _validate_cpu, _validate_mem,
    disk_entry)
from vrmsim.vm_guest import NUMA_PROPS, apply_boot_orders, check_modify
from vrmsim.vms import _assign_ips, _busy, _vm


# -- modify -------------------------------------------------------------------------------------

@route("PUT", "/service/sites/{site}/vms/{vm}")
def modify_vm(engine, req):
    """Modify name, description, CPU, memory, QoS, properties, template flag (task ModifyVm)."""
    site_check(engine, req)
    vm = _vm(engine, req)
    body = req.json()
    _busy(engine, vm)
    cfg = vm.data["vmConfig"]
    running = vm.data["status"] in ("running", "pause")
    fields = {}
    if "name" in body:
        fields["name"] = as_str(body["name"], "name", 1, 256)
    if "description" in body:
        fields["description"] = as_str(body["description"], "description", 0, 1024)
    if "group" in body:
        fields["group"] = as_str(body["group"], "group", 0, 1024)
    cpu = _validate_cpu(body.get("cpu"), cfg["cpu"]) if "cpu" in body else {}
    mem = _validate_mem(body.get("memory"), cfg["memory"]) if "memory" in body else {}
    props = obj(body.get("properties"), "properties")
    reboot_cfg = {}
    if running and (cpu or mem):
        old_q, old_m = cfg["cpu"]["quantity"], cfg["memory"]["quantityMB"]
        new_q, new_m = cpu.get("quantity", old_q), mem.get("quantityMB", old_m)
        if new_q < old_q:
            raise VrmError("10300916", "vCPUs cannot be removed from a running VM (KVM).")
        if new_m < old_m:
            raise VrmError("10300917", "Memory cannot be removed from a running VM (KVM).")
        if cpu.get("coresPerSocket", cfg["cpu"]["coresPerSocket"]) != cfg["cpu"]["coresPerSocket"]:
            raise VrmError("10300918", "coresPerSocket cannot change while the VM runs.")
        if new_m > old_m and (new_m - old_m) % 128:
            raise VrmError("10300190", "Memory can only be hot-added in multiples of 128 MB.")
        host = engine.find(vm.sim.get("host") or "", "hosts")
        if host is not None and (new_q > old_q or new_m > old_m):
            cap_cpu, cap_mem = placement.host_capacity(engine, host)
            used_cpu, used_mem = placement.host_usage(engine, host.urn)
            if used_mem + new_m - old_m > cap_mem:
                raise VrmError(placement.NO_MEM, "The host %s has not enough free memory." % host.data["name"])
            if used_cpu + new_q - old_q > cap_cpu:
                raise VrmError(placement.NO_CPU, "The host %s has not enough free vCPUs." % host.data["name"])
        cold = (new_q > old_q and not cfg["cpu"].get("cpuHotPlug")) or \
            (new_m > old_m and not cfg["memory"].get("memHotPlug"))
        if cold:
            # Accepted for the next boot: FC8DOC's 10300171 "modified, takes effect after reboot".
            reboot_cfg = {"cpu": dict(cfg["cpu"], **cpu), "memory": dict(cfg["memory"], **mem)}
            vm.data["vmRebootConfig"] = reboot_cfg
            engine.touch(vm)
            raise VrmError("10300171", "The CPU or memory change takes effect after the VM restarts "
                                       "(hot-plug is disabled for it).")
    template = None
    if "isTemplate" in body:
        template = as_bool(body["isTemplate"], "isTemplate")
        if template != bool(vm.data.get("isTemplate")):
            if vm.data["status"] != "stopped":
                raise VrmError("10300015", "Only a stopped VM can be converted to or from a template.")
            if template and any(s.sim.get("vm") == vm.urn for s in engine.all("snapshots")):
                raise VrmError("10300114", "A VM with snapshots cannot be converted to a template.")
        else:
            template = None
    if props:
        allowed = set(cfg["properties"]) | {"bootFirmwareTime", "cdRomBootOrder"} | set(NUMA_PROPS)
        # property names bind regardless of case, like every field name (docs/vrmsim-fidelity.md)
        props = {next((a for a in allowed if a.lower() == k.lower()), k): v for k, v in props.items()}
        unknown = set(props) - allowed
        if unknown:
            raise VrmError("10000001", "Unknown properties: %s." % ", ".join(sorted(unknown)))
    orders = check_modify(engine, vm, body, props)   # boot order and NUMA (vm_guest)
    ttype = "ModifyVm"
    if template is True:
        ttype = "TransformVmToTemplate"
    elif template is False:
        ttype = "TransformTemplateToVm"
    task = engine.start_task(ttype, vm.urn, vm.data["name"],
                             done=("vm_modified", {"fields": fields, "cpu": cpu, "mem": mem, "props": props,
                                                   "template": template, "orders": orders}),
                             fail=("vm_unbusy", {}), user=req.session["user"])
    vm.sim["busy"] = task.urn
    engine.touch(vm)
    return engine.task_ref(task)


@handler("vm_unbusy")
def _vm_unbusy(engine, task):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is not None:
        vm.sim["busy"] = None
        engine.touch(vm)


@handler("vm_modified")
def _vm_modified(engine, task, fields, cpu, mem, props, template, orders=None):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is None:
        return
    vm.sim["busy"] = None
    vm.data.update(fields)
    cfg = vm.data["vmConfig"]
    cfg["cpu"].update(cpu)
    cfg["memory"].update(mem)
    if "quantityMB" in mem:
        cfg["memory"]["limit"] = cfg["memory"]["quantityMB"]
    cfg["properties"].update(props)
    apply_boot_orders(engine, vm, orders or {})
    if template is not None:
        vm.data["isTemplate"] = template
        vm.data["idle"] = -1 if template else 0
        if template:
            vm.data.pop("vncAcessInfo", None)
            vm.data.update(hostUrn="", hostName="")
            vm.sim["host"] = None
        else:
            vm.data["vncAcessInfo"] = {"hostIp": "", "vncPort": -1, "vncPassword": "",
                                       "vncUserName": vm.urn.rsplit(":", 1)[1]}
    engine.touch(vm)


# -- disks --------------------------------------------------------------------------------------

def _disk_op_allowed(vm):
    if vm.data["status"] not in ("running", "stopped"):
        raise VrmError("10300331", "Only running or stopped VMs allow disk operations.")


@route("POST", "/service/sites/{site}/vms/{vm}/action/attachvol")
def attach_vol(engine, req):
    """Attach an existing volume (task AttachVolumeTask; online or offline)."""
    site_check(engine, req)
    vm = _vm(engine, req)
    _busy(engine, vm)
    _disk_op_allowed(vm)
    body = req.json()
    vol = engine.get(body.get("volUrn") or "", "volumes")
    if vol.sim.get("vm") and vol.data.get("type") != "share":
        if vol.sim["vm"] == vm.urn:
            raise VrmError("10300076", "The volume is already attached to this VM.")
        raise VrmError("10300074", "The volume is attached to another VM.")
    pci = _pci(body.get("pciType", "VIRTIO"))
    if pci == "IDE" and vm.data["status"] == "running":
        raise VrmError("10300001", "IDE disks do not support hot-plug.")
    used = {d["sequenceNum"] for d in vm.data["vmConfig"]["disks"] if d["pciType"] == pci}
    seq = as_int(body.get("sequenceNum"), "sequenceNum", 1, PCI_SLOTS[pci], default=None)
    if seq is None:
        free = [s for s in range(1, PCI_SLOTS[pci] + 1) if s not in used]
        if not free:
            raise VrmError("10300010", "The VM has no free %s disk slot." % pci)
        seq = free[0]
    elif seq in used:
        raise VrmError("10300070", "The disk slot %s %d is already used." % (pci, seq))
    host = vm.sim.get("host")
    if vm.data["status"] == "running" and host and vol.data["datastoreUrn"] not in \
            placement.host_datastores(engine, host):
        raise VrmError(placement.NO_DS, "The VM's host is not associated with the volume's datastore.")
    vol.sim["vm"] = vm.urn
    engine.touch(vol)
    task = engine.start_task("AttachVolumeTask", vm.urn, vm.data["name"],
                             done=("vol_attached", {"vol": vol.urn, "seq": seq, "pci": pci}),
                             fail=("vol_release", {"vol": vol.urn}), user=req.session["user"])
    return engine.task_ref(task)


@handler("vol_attached")
def _vol_attached(engine, task, vol, seq, pci):
    vm = engine.find(task.data["entityUrn"], "vms")
    v = engine.find(vol, "volumes")
    if vm is None or v is None:
        return
    disks = vm.data["vmConfig"]["disks"]
    disks.append(disk_entry(engine, vm.urn.rsplit(":", 1)[1], v, seq, pci))
    disks.sort(key=lambda d: (d["sequenceNum"], d["pciType"]))
    vm.data["dataStoreUrns"] = sorted({d["datastoreUrn"] for d in disks})
    engine.touch(vm)


@handler("vol_release")
def _vol_release(engine, task, vol):
    v = engine.find(vol, "volumes")
    if v is not None:
        v.sim["vm"] = None
        engine.touch(v)


def _attached_disk(engine, req):
    """``(vm, body, disk)`` of a request about one of the VM's disks (``volUrn``): the VM must allow a disk
    operation, and the volume must be attached to it (10300037 otherwise)."""
    site_check(engine, req)
    vm = _vm(engine, req)
    _busy(engine, vm)
    _disk_op_allowed(vm)
    body = req.json()
    vol_urn = body.get("volUrn") or ""
    disk = next((d for d in vm.data["vmConfig"]["disks"] if d["volumeUrn"] == vol_urn), None)
    if disk is None:
        engine.get(vol_urn, "volumes")
        raise VrmError("10300037", "The disk is not attached to this VM.")
    return vm, body, disk


@route("POST", "/service/sites/{site}/vms/{vm}/action/detachvol")
def detach_vol(engine, req):
    """Detach a volume (task DetachVolumeTask; 10300037 when not attached)."""
    vm, _body, disk = _attached_disk(engine, req)
    vol_urn = disk["volumeUrn"]
    if disk["pciType"] == "IDE" and vm.data["status"] == "running":
        raise VrmError("10300001", "IDE disks do not support hot-plug.")
    task = engine.start_task("DetachVolumeTask", vm.urn, vm.data["name"],
                             done=("vol_detached", {"vol": vol_urn}), user=req.session["user"])
    return engine.task_ref(task)


@handler("vol_detached")
def _vol_detached(engine, task, vol):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is not None:
        vm.data["vmConfig"]["disks"] = [d for d in vm.data["vmConfig"]["disks"] if d["volumeUrn"] != vol]
        vm.data["dataStoreUrns"] = sorted({d["datastoreUrn"] for d in vm.data["vmConfig"]["disks"]})
        engine.touch(vm)
    _vol_release(engine, task, vol)


@route("POST", "/service/sites/{site}/vms/{vm}/action/createattachvol")
def create_attach_vol(engine, req):
    """Create a volume and attach it (task CreateAttachVolumeTask + urn/uri of the volume)."""
    site_check(engine, req)
    vm = _vm(engine, req)
    _busy(engine, vm)
    _disk_op_allowed(vm)
    body = req.json()
    pci = _pci(body.get("pciType", "VIRTIO"))
    used = {d["sequenceNum"] for d in vm.data["vmConfig"]["disks"] if d["pciType"] == pci}
    seq = as_int(body.get("sequenceNum"), "sequenceNum", 1, PCI_SLOTS[pci], default=None)
    if seq is None:
        free = [s for s in range(1, PCI_SLOTS[pci] + 1) if s not in used]
        if not free:
            raise VrmError("10300010", "The VM has no free %s disk slot." % pci)
        seq = free[0]
    elif seq in used:
        raise VrmError("10300070", "The disk slot %s %d is already used." % (pci, seq))
    if body.get("type", "normal") not in ("normal", "share"):
        raise VrmError("10000001", "type must be normal or share.")
    vol = _new_disk_volume(engine, vm.data["name"], seq, dict(body, diskName=body.get("name")), size_code="10420006")
    vol.data["type"] = body.get("type", "normal")
    vol.sim["vm"] = vm.urn
    engine.touch(vol)
    task = engine.start_task("CreateAttachVolumeTask", vm.urn, vm.data["name"],
                             done=("vol_attached", {"vol": vol.urn, "seq": seq, "pci": pci}),
                             fail=("vol_drop", {"vol": vol.urn}), user=req.session["user"])
    return engine.task_ref(task, {"urn": vol.urn, "uri": vol.data["uri"]})


@handler("vol_drop")
def _vol_drop(engine, task, vol):
    engine.remove(vol)


@route("POST", "/service/sites/{site}/vms/{vm}/action/expandvol")
def expand_vol(engine, req):
    """Grow a VM disk: size is the new total in MB, a multiple of 1024 (task ExpandVolumeTask)."""
    vm, body, disk = _attached_disk(engine, req)
    vol_urn = disk["volumeUrn"]
    vol = engine.get(vol_urn, "volumes")
    size = new_size_mb(body.get("size"), vol.data["quantityGB"], "10300323", "10300328")
    ds = engine.get(vol.data["datastoreUrn"], "datastores")
    if not vol.data["isThin"]:
        _check_space(engine, ds, size - vol.data["quantityGB"] * 1024)
    task = engine.start_task("ExpandVolumeTask", vm.urn, vm.data["name"],
                             done=("vol_expanded", {"vol": vol_urn, "gb": size // 1024}), user=req.session["user"])
    return engine.task_ref(task)


@handler("vol_expanded")
def _vol_expanded(engine, task, vol, gb):
    v = engine.find(vol, "volumes")
    if v is None:
        return
    v.data["quantityGB"] = gb
    if not v.data["isThin"]:
        v.sim["written_mb"] = gb * 1024
    engine.touch(v)
    for vm in engine.all("vms"):
        for d in vm.data["vmConfig"]["disks"]:
            if d["volumeUrn"] == vol:
                d["quantityGB"] = gb
                engine.touch(vm)


# -- NICs ---------------------------------------------------------------------------------------

def _nic(vm, nic_id):
    for n in vm.data["vmConfig"]["nics"]:
        if n["urn"].rsplit(":", 1)[1] == nic_id:
            return n
    raise VrmError("10512003", "The virtual NIC %s does not exist." % nic_id)


@route("POST", "/service/sites/{site}/vms/{vm}/virtualNics")
def add_nic(engine, req):
    """Add a NIC (task UpdateVNic + urn/uri of the NIC)."""
    site_check(engine, req)
    vm = _vm(engine, req)
    _busy(engine, vm)
    body = req.json()
    nics = vm.data["vmConfig"]["nics"]
    if len(nics) >= MAX_NICS:
        raise VrmError("10300012", "A VM has at most %d NICs." % MAX_NICS)
    used = {n["sequenceNum"] for n in nics}
    seq = as_int(body.get("sequenceNum"), "sequenceNum", 0, MAX_NICS - 1, default=None)
    if seq is None:
        seq = min(s for s in range(MAX_NICS) if s not in used)
    elif seq in used:
        raise VrmError("10300185", "The NIC sequence number %d is used." % seq)
    name = body.get("name")
    if name and any(n["name"] == name for n in nics):
        raise VrmError("10300121", "The NIC name %s is used." % name)
    entry = _build_nics(engine, vm.urn, [dict(body, sequenceNum=seq)])[0]
    if vm.data["status"] == "running" and vm.sim.get("host"):
        dvs = entry["portGroupUrn"].split(":portgroups:")[0]
        if dvs not in placement.host_dvss(engine, vm.sim["host"]):
            raise VrmError(placement.NO_NET, "The VM's host has no uplink on the port group's DVS.")
    vm.sim.setdefault("pending_nics", {})[str(seq)] = entry
    task = engine.start_task("UpdateVNic", vm.urn, vm.data["name"], done=("nic_added", {"seq": seq}),
                             fail=("nic_pending_drop", {"seq": seq}), user=req.session["user"])
    engine.touch(vm)
    return engine.task_ref(task, {"urn": entry["urn"], "uri": entry["uri"]})


@handler("nic_added")
def _nic_added(engine, task, seq):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is None:
        return
    entry = vm.sim.get("pending_nics", {}).pop(str(seq), None)
    if entry:
        vm.data["vmConfig"]["nics"].append(entry)
        vm.data["vmConfig"]["nics"].sort(key=lambda n: n["sequenceNum"])
        if vm.data["status"] == "running":
            _assign_ips(engine, vm)
    engine.touch(vm)


@handler("nic_pending_drop")
def _nic_pending_drop(engine, task, seq):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is not None:
        vm.sim.get("pending_nics", {}).pop(str(seq), None)
        engine.touch(vm)


@route("DELETE", "/service/sites/{site}/vms/{vm}/virtualNics/{nic}")
def delete_nic(engine, req):
    """Remove a NIC (task DeleteNicTask)."""
    site_check(engine, req)
    vm = _vm(engine, req)
    _busy(engine, vm)
    nic = _nic(vm, req.params["nic"])
    task = engine.start_task("DeleteNicTask", vm.urn, vm.data["name"], done=("nic_removed", {"urn": nic["urn"]}),
                             user=req.session["user"])
    return engine.task_ref(task)


@handler("nic_removed")
def _nic_removed(engine, task, urn):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is not None:
        vm.data["vmConfig"]["nics"] = [n for n in vm.data["vmConfig"]["nics"] if n["urn"] != urn]
        vm.sim.get("ip_bindings", {}).pop(urn, None)
        engine.touch(vm)


@route("GET", "/service/sites/{site}/vms/{vm}/nics/{nic}")
def get_nic(engine, req):
    """Get one NIC of a VM."""
    site_check(engine, req)
    return dict(_nic(_vm(engine, req), req.params["nic"]))


@route("PUT", "/service/sites/{site}/vms/{vm}/nics/{nic}")
def modify_nic(engine, req):
    """Modify a NIC's name, port group or MAC (synchronous, 200 without a body)."""
    site_check(engine, req)
    vm = _vm(engine, req)
    nic = _nic(vm, req.params["nic"])
    body = req.json()
    bound = vm.sim.get("ip_bindings", {}).get(nic["urn"])
    if bound and (body.get("portGroupUrn", nic["portGroupUrn"]) != nic["portGroupUrn"] or
                  (body.get("mac") or nic["mac"]).lower() != nic["mac"]):
        raise VrmError("10512004", "The NIC has an IP-MAC binding (%s); unbind it before changing its port group "
                                   "or MAC." % bound)
    if "portGroupUrn" in body:
        pg = engine.find(body["portGroupUrn"] or "", "portgroups")
        if pg is None:
            raise VrmError("10540107", "The port group %s does not exist." % body["portGroupUrn"])
        nic["portGroupUrn"] = pg.urn
        nic["portGroupName"] = pg.data["name"]
    if "name" in body:
        nic["name"] = as_str(body["name"], "name", 0, 256)
    if "mac" in body:
        mac = _mac(body["mac"], "mac") or ""
        if any(n["mac"] == mac and n is not nic for v in engine.all("vms") for n in v.data["vmConfig"]["nics"]):
            raise VrmError("10300197", "The MAC address %s is already used." % mac)
        if vm.data["status"] != "stopped":
            raise VrmError("10300015", "The MAC address can only change while the VM is stopped.")
        nic["mac"] = mac
    engine.touch(vm)
    return None


# -- migration ----------------------------------------------------------------------------------
