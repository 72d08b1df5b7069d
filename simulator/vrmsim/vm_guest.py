"""The guest side of a VM: VM Tools (mount, unmount, what the guest reports), vCPU pinning and NUMA
binding, and a volume's I/O weight and the I/O limits shown on the VM's disks.

Boot order and the NUMA switches are fields of the VM's modify call (``vm_devices.modify_vm`` calls
``check_modify`` here); the I/O limits route is ``volumes.volume_io``, which finishes with ``vol_io_set``.
"""

import re

from vrmsim.common import as_bool, as_int, lst, site_check
from vrmsim.engine import handler
from vrmsim.errors import VrmError
from vrmsim.routes import route
from vrmsim.storage import _vol
from vrmsim.vms import _assign_ips, _busy, _vm

# The Tools a guest installs from the VRM's Tools ISO (a choice; docs/vrmsim-fidelity.md).
TOOLS_ISO_VERSION = "3.0.1.012"
BOOT_OPTIONS = ("pxe", "cdrom", "disk", "exact")
BIND_TYPES = ("range", "exact", "numa", "nobind")
NUMA_PROPS = ("isAutoAdjustNuma", "numaAffinity")
CPU_BIND_FIELDS = ("cpuBindType", "affinitySet", "exactCpuAffinityList", "numaBinds", "emulatorPin")


def version_key(text):
    return tuple(int(x) for x in re.findall(r"\d+", text or ""))


# -- VM Tools --------------------------------------------------------------------------------------

@route("POST", "/service/sites/{site}/vms/{vm}/action/installtools")
def install_tools(engine, req):
    """Mount the Tools ISO in the VM's CD-ROM drive (task AttachTools); the running guest installs them."""
    site_check(engine, req)
    vm = _vm(engine, req)
    _busy(engine, vm)
    if vm.data.get("isTemplate"):
        raise VrmError("10300015", "A template does not allow this operation.")
    if not vm.data["vmConfig"].get("cdromSequenceNum"):
        raise VrmError("10300437", "The VM has no CD-ROM drive to mount the Tools ISO in.")
    if vm.data.get("toolInstallStatus") in ("fill", "injecting"):
        raise VrmError("10300038", "The Tools ISO is already mounted in the VM.")
    if vm.data.get("cdRomStatus") in ("fill", "injecting"):
        raise VrmError("10300015", "The CD-ROM drive holds an ISO; detach it before mounting the Tools.")
    vm.data["toolInstallStatus"] = "injecting"
    task = engine.start_task("AttachTools", vm.urn, vm.data["name"], done=("tools_mounted", {}),
                             fail=("tools_iso", {"status": "empty"}), user=req.session["user"])
    engine.touch(vm)
    return engine.task_ref(task)


@route("POST", "/service/sites/{site}/vms/{vm}/action/uninstalltools")
def uninstall_tools(engine, req):
    """Eject the Tools ISO (task DetachTools); the Tools the guest installed stay installed."""
    site_check(engine, req)
    vm = _vm(engine, req)
    _busy(engine, vm)
    if vm.data.get("toolInstallStatus") != "fill":
        raise VrmError("10300039", "The Tools ISO is not mounted in the VM.")
    vm.data["toolInstallStatus"] = "ejecting"
    task = engine.start_task("DetachTools", vm.urn, vm.data["name"], done=("tools_iso", {"status": "empty"}),
                             fail=("tools_iso", {"status": "fill"}), user=req.session["user"])
    engine.touch(vm)
    return engine.task_ref(task)


@handler("tools_iso")
def _tools_iso(engine, task, status):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is not None:
        vm.data["toolInstallStatus"] = status
        engine.touch(vm)


@handler("tools_mounted")
def _tools_mounted(engine, task):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is None:
        return
    if (vm.data.get("osOptions") or {}).get("osType", "").lower() not in ("linux", "windows"):
        raise VrmError("10300810", "There are no Tools for the VM's operating system type.")
    vm.data["toolInstallStatus"] = "fill"
    engine.touch(vm)
    guest_sees_iso(engine, vm)


def guest_sees_iso(engine, vm):
    """A running guest with the Tools ISO in its drive installs them (or upgrades older ones): the VM
    reports pvDriverStatus ``starting`` then ``running`` with the ISO's version, on the virtual clock."""
    if vm.data.get("status") != "running" or vm.data.get("toolInstallStatus") != "fill":
        return
    if vm.sim.get("tools", True) and version_key(vm.data.get("toolsVersion")) >= version_key(TOOLS_ISO_VERSION):
        return
    delay = engine.duration("GuestToolsSetup")
    engine.schedule(engine.now() + delay, {"op": "call", "handler": "guest_tools", "args": {
        "vm": vm.urn, "phase": "starting"}})


@handler("guest_started")
def _guest_started(engine, _task, vm):
    """A VM started with the Tools ISO in its drive (vms._set_status schedules this)."""
    rec = engine.find(vm, "vms")
    if rec is not None:
        guest_sees_iso(engine, rec)


@handler("guest_tools")
def _guest_tools(engine, _task, vm, phase):
    rec = engine.find(vm, "vms")
    if rec is None or rec.data.get("status") != "running":
        return
    if phase == "starting":
        rec.data["pvDriverStatus"] = "starting"
        engine.schedule(engine.now() + engine.duration("GuestToolsSetup"), {
            "op": "call", "handler": "guest_tools", "args": {"vm": vm, "phase": "running"}})
    else:
        rec.data.update(pvDriverStatus="running", toolsVersion=TOOLS_ISO_VERSION)
        rec.sim["tools"] = True
        _assign_ips(engine, rec)
    engine.touch(rec)


# -- boot order and NUMA switches in the VM's modify call -------------------------------------------

def check_modify(engine, vm, body, props):
    """Validate the boot and NUMA parts of a modify body; return the per-device boot orders to apply."""
    cfg = vm.data["vmConfig"]
    if "bootOption" in props and props["bootOption"] not in BOOT_OPTIONS:
        raise VrmError("10300013", "bootOption must be one of %s." % ", ".join(BOOT_OPTIONS))
    if "cdRomBootOrder" in props:
        props["cdRomBootOrder"] = as_int(props["cdRomBootOrder"], "cdRomBootOrder", -1, 64)
    orders = {}
    for field, key, entries in (("disk", "volumeUrn", cfg["disks"]), ("nic", "nicUrn", cfg["nics"])):
        known = {e["volumeUrn"] if field == "disk" else e["urn"] for e in entries}
        for item in lst(body.get(field), field):
            if not isinstance(item, dict) or item.get(key) not in known:
                raise VrmError("10000001", "%s[].%s must name a %s of the VM." % (field, key, field))
            orders[item[key]] = as_int(item.get("bootOrder"), "bootOrder", -1, 64, default=-1)
    if orders and props.get("bootOption", cfg["properties"].get("bootOption")) != "exact":
        raise VrmError("10300013", "Device boot orders apply only with bootOption exact.")
    numa = {k: props[k] for k in NUMA_PROPS if k in props}
    if numa:
        _check_numa(engine, vm, props)
    return orders


def _check_numa(engine, vm, props):
    cfg = vm.data["vmConfig"]
    cpu = cfg["cpu"]
    old = cfg["properties"]
    auto = as_bool(props.get("isAutoAdjustNuma", old.get("isAutoAdjustNuma", False)), "isAutoAdjustNuma")
    nodes = [as_int(n, "numaAffinity[]", 0, 63) for n in lst(props.get("numaAffinity", old.get("numaAffinity")),
                                                                    "numaAffinity")]
    if auto == bool(old.get("isAutoAdjustNuma")) and nodes == list(old.get("numaAffinity") or []):
        return
    if vm.data.get("status") != "stopped":
        raise VrmError("10300641", "The VM is not stopped; its NUMA settings change only while it is stopped.")
    if cpu.get("cpuBindType", "nobind") != "nobind":
        raise VrmError("10300543", "The VM's vCPUs are pinned; unpin them before changing its NUMA settings.")
    if auto and cpu["quantity"] % cpu.get("coresPerSocket", 1):
        raise VrmError("10300542", "The VM's cores per socket do not divide its vCPUs; NUMA auto-adjust is refused.")
    if nodes:
        host = _bound_host(engine, vm, "10300552", "The VM is not bound to a host; NUMA binding is refused.")
        if len(set(nodes)) != len(nodes) or max(nodes) >= _host_nodes(host):
            raise VrmError("10301012", "NUMA node numbers must be distinct and below %d on host %s."
                           % (_host_nodes(host), host.data["name"]))
        if cpu["quantity"] % len(nodes):
            raise VrmError("10300554", "The VM's %d vCPUs cannot be split evenly over %d NUMA nodes."
                           % (cpu["quantity"], len(nodes)))
    props["isAutoAdjustNuma"] = auto
    props["numaAffinity"] = nodes


def apply_boot_orders(engine, vm, orders):
    """Set the boot order of the disks and NICs a modify call named (called by its completion)."""
    for entry in vm.data["vmConfig"]["disks"]:
        if entry["volumeUrn"] in orders:
            entry["bootOrder"] = orders[entry["volumeUrn"]]
    for entry in vm.data["vmConfig"]["nics"]:
        if entry["urn"] in orders:
            entry["bootOrder"] = orders[entry["urn"]]


# -- vCPU pinning ------------------------------------------------------------------------------------

def _bound_host(engine, vm, code, message):
    host = engine.find(vm.sim.get("host") or vm.data.get("hostUrn") or "", "hosts")
    if not vm.data.get("isBindingHost") or host is None:
        raise VrmError(code, message)
    return host


def _host_nodes(host):
    return max(1, int(host.data.get("physicalCpuQuantity") or 1))


def parse_bitmap(text, limit, code, what):
    """'0,2,5-7' -> [0, 2, 5, 6, 7]; every number below ``limit``."""
    out = []
    for part in str(text if text is not None else "").replace(" ", "").split(","):
        m = re.match(r"^(\d+)(?:-(\d+))?$", part)
        if not m:
            raise VrmError(code, "%s %r is not a list like 0,2,5-7." % (what, text))
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        if hi < lo or hi >= limit:
            raise VrmError(code, "%s %r goes beyond %d." % (what, text, limit - 1))
        out.extend(range(lo, hi + 1))
    return out


@route("PUT", "/service/sites/{site}/vms/{vm}/action/vcpupin")
def vcpupin(engine, req):
    """Pin the VM's vCPUs to physical CPUs or NUMA nodes of its bound host, or unpin them (task BindCPU,
    BindNumaNode for cpuBindType numa)."""
    site_check(engine, req)
    vm = _vm(engine, req)
    body = req.json()
    _busy(engine, vm)
    cfg = vm.data["vmConfig"]
    kind = body.get("cpuBindType")
    if kind not in BIND_TYPES:
        raise VrmError("10301008", "cpuBindType must be one of %s." % ", ".join(BIND_TYPES))
    fields = {}
    if kind != "nobind" or cfg["cpu"].get("cpuBindType", "nobind") != "nobind":
        host = _bound_host(engine, vm, "10300516", "The VM is not bound to a host; its CPU binding cannot change.")
        if kind != "nobind":
            fields = _pin_fields(cfg, host, kind, body)
    fields["cpuBindType"] = kind
    task = engine.start_task("BindNumaNode" if kind == "numa" else "BindCPU", vm.urn, vm.data["name"],
                             done=("vcpus_pinned", {"fields": fields}), fail=("vm_unbusy", {}),
                             user=req.session["user"])
    vm.sim["busy"] = task.urn
    engine.touch(vm)
    return engine.task_ref(task)


def _pin_fields(cfg, host, kind, body):
    cpu, props = cfg["cpu"], cfg["properties"]
    pcpus, vcpus = int(host.data.get("cpuQuantity") or 1), int(cpu["quantity"])
    nodes = _host_nodes(host)
    per_node = max(1, pcpus // nodes)
    if kind != "nobind" and props.get("isAutoAdjustNuma"):
        raise VrmError("10321079", "NUMA auto-adjust is on for the VM; CPU binding is refused.")
    if kind not in ("exact", "nobind") and props.get("numaAffinity"):
        raise VrmError("10321076", "The VM is bound to NUMA nodes by hand; only exact CPU binding is allowed.")
    if body.get("affinitySet") and body.get("exactCpuAffinityList"):
        raise VrmError("10300998", "affinitySet and exactCpuAffinityList cannot be set together.")
    emulator = [as_int(c, "emulatorPin[]", 0, pcpus - 1, code="10301007") for c in lst(body.get("emulatorPin"),
                                                                                      "emulatorPin")]
    fields = {"emulatorPin": emulator, "affinitySet": [], "exactCpuAffinityList": [], "numaBinds": []}
    if kind == "range":
        cpus = [as_int(c, "affinitySet[]", 0, pcpus - 1, code="10301007") for c in lst(body.get("affinitySet"),
                                                                                      "affinitySet")]
        if len(set(cpus)) != len(cpus):
            raise VrmError("10300538", "The physical CPUs to bind must not repeat.")
        if len(cpus) < vcpus:
            raise VrmError("10300536", "%d physical CPUs are fewer than the VM's %d vCPUs." % (len(cpus), vcpus))
        fields["affinitySet"] = cpus
    elif kind == "exact":
        allowed = None
        if props.get("numaAffinity"):
            allowed = {c for n in props["numaAffinity"] for c in range(n * per_node, (n + 1) * per_node)}
        seen = set()
        for item in lst(body.get("exactCpuAffinityList"), "exactCpuAffinityList"):
            v = as_int((item or {}).get("vcpuScope"), "vcpuScope", 0, vcpus - 1, code="10301013")
            if v is None:
                raise VrmError("10301013", "vcpuScope is required.")
            if v in seen:
                raise VrmError("10301014", "vCPU %d is bound twice." % v)
            seen.add(v)
            cpus = parse_bitmap(item.get("pcpuScope"), pcpus, "10301007", "pcpuScope")
            if allowed is not None and not set(cpus) <= allowed:
                raise VrmError("10321082", "vCPU %d is bound outside the VM's NUMA nodes." % v)
            fields["exactCpuAffinityList"].append({"vcpuScope": v, "pcpuScope": item.get("pcpuScope")})
        if not seen:
            raise VrmError("10301013", "exactCpuAffinityList names no vCPU.")
    elif kind == "numa":
        binds = lst(body.get("numaBinds"), "numaBinds")
        if not binds:
            raise VrmError("10301010", "numaBinds is required with cpuBindType numa.")
        seen = set()
        for item in binds:
            node = as_int((item or {}).get("nodeId"), "nodeId", 0, nodes - 1, code="10301012")
            if node is None:
                raise VrmError("10301012", "nodeId is required.")
            listed = parse_bitmap(item.get("vcpus"), vcpus, "10301013", "vcpus")
            if seen & set(listed):
                raise VrmError("10301014", "A vCPU is bound to two NUMA nodes.")
            seen |= set(listed)
            if len(listed) > per_node:
                raise VrmError("10321104", "NUMA node %d of host %s has %d CPUs, fewer than the %d vCPUs bound "
                               "to it." % (node, host.data["name"], per_node, len(listed)))
            fields["numaBinds"].append({"nodeId": node, "vcpus": item.get("vcpus")})
    return fields


@handler("vcpus_pinned")
def _vcpus_pinned(engine, task, fields):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is None:
        return
    vm.sim["busy"] = None
    cpu = vm.data["vmConfig"]["cpu"]
    if fields.get("cpuBindType") == "nobind":
        for f in CPU_BIND_FIELDS[1:]:
            cpu.pop(f, None)
    cpu.update(fields)
    engine.touch(vm)


def check_pinned_migration(vm):
    """A VM with pinned vCPUs or bound NUMA nodes stays on its host (migrate_vm calls this)."""
    cfg = vm.data["vmConfig"]
    if cfg["properties"].get("numaAffinity") or cfg["cpu"].get("cpuBindType", "nobind") == "numa":
        raise VrmError("10321075", "The VM is bound to NUMA nodes of its host; it cannot migrate.")
    if cfg["cpu"].get("cpuBindType", "nobind") != "nobind":
        raise VrmError("10300311", "The VM's vCPUs are pinned; it cannot migrate.")


# -- a volume's I/O limits and weight, as the VM's disk shows them -----------------------------------

def _disk_of(engine, vol):
    vm = engine.find(vol.sim.get("vm") or "", "vms")
    if vm is None:
        return None, None
    for d in vm.data["vmConfig"]["disks"]:
        if d["volumeUrn"] == vol.urn:
            return vm, d
    return vm, None


def check_io(engine, vol, fields):
    """The rules of the I/O limits call beyond the field ranges (volumes.volume_io)."""
    if vol.data.get("type") == "share":
        raise VrmError("10420100", "A shared disk's I/O limits cannot be changed.")
    if vol.data.get("status") != "USE":
        raise VrmError("10420102" if vol.data.get("status") == "MODIFYINGIO" else "10420101",
                       "The volume is %s; its I/O limits cannot change now." % vol.data.get("status"))
    if vol.data.get("pciType") == "IDE" or (_disk_of(engine, vol)[1] or {}).get("pciType") == "IDE":
        raise VrmError("10300798", "A disk on the IDE bus has no I/O limits.")
    if fields.get("totalRWBytes") and (fields.get("maxReadBytes") or fields.get("maxWriteBytes")):
        raise VrmError("10420164", "maxReadBytes/maxWriteBytes and totalRWBytes cannot be set together.")
    if fields.get("totalRWRequest") and (fields.get("maxReadRequest") or fields.get("maxWriteRequest")):
        raise VrmError("10420165", "maxReadRequest/maxWriteRequest and totalRWRequest cannot be set together.")
    vol.data["status"] = "MODIFYINGIO"
    engine.touch(vol)


@handler("vol_io_set")
def _vol_io_set(engine, task, fields):
    vol = engine.find(task.data["entityUrn"], "volumes")
    if vol is None:
        return
    vol.data.update(fields, status="USE")
    engine.touch(vol)
    vm, disk = _disk_of(engine, vol)
    if disk is not None:
        disk.update(fields)
        engine.touch(vm)


@route("PUT", "/service/sites/{site}/volumes/{id}/modifyIOWeightOfVolume")
def volume_io_weight(engine, req):
    """A volume's I/O weight, 10-1000 (synchronous; the volume must be a VM's disk)."""
    site_check(engine, req)
    vol = _vol(engine, req)
    weight = as_int(req.json().get("ioWeight"), "ioWeight", 10, 1000, code="10400002")
    if weight is None:
        raise VrmError("10400002", "ioWeight (10-1000) is required.")
    vm, disk = _disk_of(engine, vol)
    if disk is None:
        raise VrmError("10300330", "The volume is not a disk of a VM.")
    ds = engine.find(vol.data["datastoreUrn"], "datastores")
    if vol.data.get("type") == "share" or (ds is not None and ds.data.get("storageType") == "NAS"):
        raise VrmError("10420120", "Shared disks and disks on NAS datastores have no I/O weight.")
    vol.data["ioWeight"] = weight
    disk["ioWeight"] = weight
    engine.touch(vol)
    engine.touch(vm)
    return {"result": "success"}
