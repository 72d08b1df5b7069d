"""Virtual machines and templates: life cycle, configuration, disks, NICs, migration."""

import ipaddress
import random
import re

from vrmsim import storage
from vrmsim.engine import fmt_time, renderer

# Fields of the single-VM GET that detail=1 list items do not carry (vrm-api.md 6).
LIST1_FIELDS = ("uri", "urn", "uuid", "name", "status", "idle", "description", "group", "location",
                "locationName", "hostUrn", "clusterUrn", "pvDriverStatus", "toolInstallStatus", "cdRomStatus",
                "isTemplate", "isLinkClone", "createTime", "createTimeUTC", "imcSetting",
                "minCompatibleimcSetting", "toolsVersion", "isBindingHost", "hostName", "clusterName",
                "drStatus", "vmType", "rpoStatus", "initSyncStatus", "arch", "hugePage", "params")
LIST0_FIELDS = ("uri", "urn", "uuid", "name", "status", "idle")


def new_mac(engine):
    n = engine.next_id("macs")
    return "28:6e:d4:%02x:%02x:%02x" % ((n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF)


def nic_entry(engine, vm_urn, seq, pg_urn, mac=None, name=None):
    pg = engine.get(pg_urn, "portgroups")
    urn = "%s:nics:%d" % (vm_urn, seq)
    return {"name": name or "Network Adapter %d" % seq, "urn": urn, "uri": engine.uri_of(urn),
            "portGroupUrn": pg_urn, "portGroupName": pg.data["name"], "mac": mac or new_mac(engine),
            "ip": "0.0.0.0", "ipList": "", "ips6": [], "sequenceNum": seq, "virtIo": 1, "nicType": 0,
            "portId": str(engine.next_id("ports", start=1000)), "bootOrder": -1, "connectAtPowerOn": True,
            "linkStatus": "connected", "status": "connect", "nicConfig": {"vringbuf": 256, "queues": 1},
            "enableSecurityGroup": False}


def disk_entry(engine, vm_id, vol, seq, pci="VIRTIO"):
    ds = engine.get(vol.data["datastoreUrn"], "datastores")
    dev = {"VIRTIO": "vd", "SCSI": "sd", "IDE": "hd"}[pci] + "abcdefghijklmnopqrstuvwxyz"[(seq - 1) % 26]
    return {"sequenceNum": seq, "volumeUrn": vol.urn, "volumeUuid": vol.data["uuid"], "volumeUrl": "",
            "quantityGB": vol.data["quantityGB"], "datastoreUrn": ds.urn, "datastoreName": ds.data["name"],
            "isThin": vol.data["isThin"], "thin": vol.data["isThin"], "volType": vol.data["volType"],
            "indepDisk": vol.data["indepDisk"], "persistentDisk": vol.data["persistentDisk"], "pciType": pci,
            "type": vol.data["type"], "storageType": ds.data["storageType"], "diskName": "%s-%s" % (vm_id, dev),
            "devName": dev, "bootOrder": 1 if seq == 1 else -1, "systemVolume": seq == 1,
            "volumeFormat": "raw", "volumeUseType": "NORMAL_VOL", "volumeAttachStatus": "attached",
            "cacheMode": "none", "ioMode": "dataplane", "accessMode": 0, "maxReadBytes": 0, "maxWriteBytes": 0,
            "maxReadRequest": 0, "maxWriteRequest": 0, "totalRWBytes": 0, "totalRWRequest": 0, "ioWeight": 0,
            "encrypted": "0", "storageProtocol": "0"}


def new_vm(engine, name, cluster_urn, cpu=2, mem_mb=4096, disks=(), nics=(), status="stopped",
           is_template=False, os_type="Linux", os_version=301, host_urn=None, description="", uuid=None,
           written_ratio=0.3):
    """Create a VM record with its volumes. ``disks``: (size_gb, datastore_urn, thin) tuples."""
    urn = engine.new_urn("vms")
    vm_id = urn.rsplit(":", 1)[1]
    cluster = engine.get(cluster_urn, "clusters")
    now = engine.now()
    disk_list = []
    for i, (size, ds_urn, thin) in enumerate(disks, start=1):
        vol = storage.new_volume(engine, "%s-disk%d" % (name, i), size, ds_urn, thin=thin,
                                 written_mb=int(size * 1024 * written_ratio))
        vol.sim["vm"] = urn
        disk_list.append(disk_entry(engine, vm_id, vol, i))
    nic_list = [nic_entry(engine, urn, i, pg) for i, pg in enumerate(nics)]
    host = engine.get(host_urn, "hosts") if host_urn else None
    data = {
        "urn": urn, "uri": engine.uri_of(urn), "uuid": uuid or engine.new_uuid(), "name": name,
        "description": description, "group": "", "arch": "x86", "location": cluster_urn,
        "locationName": cluster.data["name"], "clusterUrn": cluster_urn, "clusterName": cluster.data["name"],
        "hostUrn": host.urn if host else "", "hostName": host.data["name"] if host else "",
        "dataStoreUrns": sorted({d["datastoreUrn"] for d in disk_list}), "status": status,
        "pvDriverStatus": "running" if status == "running" else "notRunning", "toolInstallStatus": "empty",
        "cdRomStatus": "empty", "floppyStatus": "empty", "isTemplate": is_template, "isLinkClone": False,
        "isBindingHost": False, "isMultiDiskSpeedup": False, "createTime": fmt_time(now),
        "createTimeUTC": fmt_time(now), "runningTime": 0, "idle": -1 if is_template else 0,
        "toolsVersion": "3.0.0.045", "imcSetting": "", "minCompatibleimcSetting": "Cascadelake-Server",
        "hugePage": "4K", "vmType": 0, "drStatus": 9, "rpoStatus": 0, "initSyncStatus": 0,
        "additionalStatus": [], "objectPrivs": [], "params": {"snapshotNum": "0"}, "customProperties": {},
        "haConfig": {"hostFaultPolicy": 2, "vmFaultPolicy": 3},
        "osOptions": {"osType": os_type, "osVersion": os_version, "guestOSName": "", "hostname": "",
                      "password": ""},
        "vmConfig": {
            "cpu": {"quantity": cpu, "coresPerSocket": 1, "reservation": 0, "weight": cpu * 500, "limit": 0,
                    "cpuHotPlug": 1, "cpuBindType": "nobind", "cpuPolicy": "shared", "cpuThreadPolicy": "prefer"},
            "memory": {"quantityMB": mem_mb, "reservation": 0, "weight": mem_mb * 10, "limit": mem_mb,
                       "memHotPlug": 1, "hugePage": "4K"},
            "disks": disk_list, "nics": nic_list,
            "properties": {"bootOption": "disk", "isEnableHa": True, "vmFaultProcess": "notprocess",
                           "reoverByHost": False, "clockMode": "freeClock", "isAutoUpgrade": True,
                           "bootFirmware": "BIOS", "vmVncKeymapSetting": 7, "secureVmType": "",
                           "isReserveResource": False, "isHpet": False},
            "gpu": [], "usb": [], "graphicsCard": {"type": "cirrus", "size": 4}, "numaNodes": 0, "pcis": [],
            "cdromSequenceNum": 1003},
        "vmRebootConfig": {},
    }
    if not is_template:
        data["vncAcessInfo"] = {"hostIp": host.data["ip"] if host else "", "vncPort": -1, "vncPassword": "",
                                "vncUserName": vm_id}
    rec = engine.add("vms", urn, data, {"host": host.urn if host else None, "ips": {},
                                         "started_at": now if status == "running" else None})
    return rec


@renderer("vms")
def render_vm(engine, rec, view):
    # The list views hold no clock-dependent field: Engine.render_json may cache them.
    data = rec.data
    if view == "list0":
        return {k: data.get(k) for k in LIST0_FIELDS}
    if view in ("list", "list1"):
        item = {k: data.get(k) for k in LIST1_FIELDS}
        cfg = data.get("vmConfig", {})
        item["vmConfig"] = {"nics": [{k: n.get(k) for k in ("mac", "sequenceNum", "ip", "ipList", "ips6")}
                                     for n in cfg.get("nics", [])],
                            "properties": {"secureVmType": cfg.get("properties", {}).get("secureVmType", "")}}
        return item
    out = dict(data)
    if out.get("status") == "running" and rec.sim.get("started_at"):
        out["runningTime"] = int(max(0, engine.now() - rec.sim["started_at"]))
    return out


def random_ip(engine):
    return "192.168.%d.%d" % (random.randint(1, 254), random.randint(2, 254))


# =============================================================================================
# Routes

from vrmsim import placement  # noqa: E402
from vrmsim.common import (  # noqa: E402
    as_bool, as_int, as_str, fuzzy, lst, nonempty_filter, obj, page, raw_page, site_check)
from vrmsim.engine import handler  # noqa: E402
from vrmsim.errors import VrmError  # noqa: E402
from vrmsim.routes import route  # noqa: E402

BUSY_STATES = ("creating", "starting", "stopping", "hibernating", "migrating", "shutting-down",
               "fault-resuming", "recycling")
PCI_SLOTS = {"VIRTIO": 25, "SCSI": 60, "IDE": 3}
MAX_NICS = 16

# The VM life cycle: (operation, from-state) -> (task type, transient state, success state)
# Every pair not in the table is refused with the code of REFUSALS (or 10300015).
LIFECYCLE = {
    ("start", "stopped"): ("StartVmTask", "starting", "running"),
    ("start", "hibernated"): ("StartVmTask", "starting", "running"),
    ("stop", "running"): ("StopVmTask", "stopping", "stopped"),
    ("stop", "pause"): ("StopVmTask", "stopping", "stopped"),
    ("reboot", "running"): ("RebootVmTask", "running", "running"),
    ("hibernate", "running"): ("HibernateVmTask", "hibernating", "hibernated"),
    ("pause", "running"): ("PauseVmTask", "running", "pause"),
    ("resume", "pause"): ("ResumeVmTask", "pause", "running"),
}
REFUSALS = {
    ("start", "running"): ("10300094", "The VM is already running."),
    ("start", "pause"): ("10300094", "The VM is running (paused); resume it instead."),
    ("stop", "stopped"): ("10300092", "The VM is already stopped."),
    ("stop", "hibernated"): ("10300092", "The VM is hibernated; it is already stopped."),
    ("hibernate", "hibernated"): ("10300093", "The VM is already hibernated."),
    ("hibernate", "stopped"): ("10300092", "The VM is stopped; it cannot be hibernated."),
    ("hibernate", "stopping"): ("10300098", "The VM is stopping; it cannot be hibernated."),
    ("stop", "hibernating"): ("10300097", "The VM is hibernating; it cannot be stopped."),
    ("reboot", "stopped"): ("10300092", "The VM is stopped; start it instead of rebooting."),
    ("reboot", "hibernated"): ("10300093", "The VM is hibernated; start it instead of rebooting."),
    ("pause", "stopped"): ("10300092", "The VM is stopped; it cannot be paused."),
    ("pause", "pause"): ("10300096", "The VM is already paused."),
    ("resume", "running"): ("10300094", "The VM is already running."),
    ("resume", "stopped"): ("10300092", "The VM is stopped; start it instead."),
}


def _vm(engine, req):
    urn = "%s:vms:%s" % (engine.site_urn, req.params["vm"])
    rec = engine.find(urn, "vms")
    if rec is None:
        raise VrmError("10000008", "The VM %s does not exist." % urn)
    return rec


def _busy(engine, vm):
    if vm.data.get("status") in BUSY_STATES or vm.sim.get("busy"):
        raise VrmError("10300101", "The VM is busy with another task; retry when it has finished.")


def _tools_running(vm):
    return vm.data.get("pvDriverStatus") == "running"


def _set_status(engine, vm, status):
    vm.data["status"] = status
    if status == "running":
        vm.data["pvDriverStatus"] = "running" if vm.sim.get("tools", True) else "notRunning"
        vm.sim.setdefault("started_at", engine.now())
        if not vm.sim.get("started_at"):
            vm.sim["started_at"] = engine.now()
        _assign_ips(engine, vm)
    elif status in ("stopped", "hibernated"):
        vm.data["pvDriverStatus"] = "notRunning"
        vm.sim["started_at"] = None
        for nic in vm.data["vmConfig"]["nics"]:
            nic["ip"] = "0.0.0.0"
            nic["ipList"] = ""
    engine.touch(vm)


def _assign_ips(engine, vm):
    if not vm.sim.get("tools", True):
        return
    for nic in vm.data["vmConfig"]["nics"]:
        pg = engine.find(nic["portGroupUrn"], "portgroups")
        vlan = pg.data.get("vlanId", 0) if pg else 0
        n = int(vm.urn.rsplit("-", 1)[1], 16)
        ip = vm.sim.get("static_ips", {}).get(str(nic["sequenceNum"])) or \
            "10.%d.%d.%d" % (vlan % 256, (n >> 8) % 256, n % 254 + 1)
        nic["ip"] = ip
        nic["ipList"] = ip


def _place_and_run(engine, vm, location=None):
    host = placement.choose(engine, vm, location or vm.data.get("clusterUrn"))
    vm.sim["target_host"] = host.urn
    return host


# -- list / get -------------------------------------------------------------------------------

@route("GET", "/service/sites/{site}/vms")
def list_vms(engine, req):
    """List VMs and templates (filters, scope, detail 0/1/2, paging with the 100/0 fallback)."""
    site_check(engine, req)
    name = nonempty_filter(req, "name")
    ip = nonempty_filter(req, "ip")
    mac = nonempty_filter(req, "mac")
    vm_id = nonempty_filter(req, "vmId")
    desc = nonempty_filter(req, "description")
    group = nonempty_filter(req, "group")
    is_tpl = req.qbool("isTemplate")
    status = req.q("status")
    uuid = req.q("uuid")
    ext = req.q("externalUuid")
    scope = req.q("scope")
    urns = req.qlist("vmurns")
    detail = req.qint("detail", 1, lo=0, hi=2)
    checks = []
    if name is not None:
        checks.append(lambda vm: fuzzy(vm.data["name"], name))
    if is_tpl is not None:
        checks.append(lambda vm: bool(vm.data.get("isTemplate")) == is_tpl)
    if status:
        checks.append(lambda vm: vm.data.get("status") == status)
    if uuid:
        checks.append(lambda vm: vm.data.get("uuid") == uuid)
    if ext:
        checks.append(lambda vm: vm.data.get("params", {}).get("externalUuid") == ext)
    if desc is not None:
        checks.append(lambda vm: fuzzy(vm.data.get("description", ""), desc))
    if group is not None:
        checks.append(lambda vm: fuzzy(vm.data.get("group") or "", group))
    if vm_id is not None:
        checks.append(lambda vm: fuzzy(vm.urn.rsplit(":", 1)[1], vm_id))
    if urns:
        wanted = set(urns)
        checks.append(lambda vm: vm.urn in wanted)
    if ip is not None:
        checks.append(lambda vm: any(ip in (n.get("ipList") or n.get("ip") or "") for n in vm.data["vmConfig"]["nics"]))
    if mac is not None:
        checks.append(lambda vm: any(fuzzy(n.get("mac"), mac) for n in vm.data["vmConfig"]["nics"]))
    if scope:
        checks.append(lambda vm: _vm_in_scope(engine, vm, scope))
    # The matching VMs are remembered until the next change of state, so that paging through
    # 10,000 VMs does not filter all of them again for every page.
    key = ("list_vms", name, ip, mac, vm_id, desc, group, is_tpl, status, uuid, ext, scope, tuple(urns or ()))
    out = engine.memo(key, lambda e: [vm for vm in e.all("vms") if all(c(vm) for c in checks)])
    res = page(out, req, "vms", all_when_absent=False, fallback_over_limit=True)
    if detail == 2:     # the full VM, whose runningTime follows the clock: not cached
        res["vms"] = [engine.render(v) for v in res["vms"]]
        return res
    return raw_page(engine, res, "vms", "list0" if detail == 0 else "list")


def _vm_in_scope(engine, vm, scope):
    d = vm.data
    if scope == engine.site_urn:
        return True
    if ":clusters:" in scope:
        return d.get("clusterUrn") == scope
    if ":hosts:" in scope:
        return d.get("hostUrn") == scope
    if ":datastores:" in scope:
        return scope in placement.vm_datastores(engine, vm)
    if ":portgroups:" in scope:
        return any(n["portGroupUrn"] == scope for n in d["vmConfig"]["nics"])
    if ":dvswitchs:" in scope:
        return scope in placement.vm_dvss(vm)
    if ":volumes:" in scope:
        return any(x.get("volumeUrn") == scope for x in d["vmConfig"]["disks"])
    return False


@route("GET", "/service/sites/{site}/vms/{vm}")
def get_vm(engine, req):
    """Get a VM or template."""
    site_check(engine, req)
    return engine.render(_vm(engine, req))


@route("GET", "/service/sites/{site}/vms/statistics")
def vm_statistics(engine, req):
    """VM counts per state."""
    site_check(engine, req)
    counts = {"total": 0, "running": 0, "stopped": 0, "fault": 0, "hibernated": 0}
    for vm in engine.all("vms"):
        if vm.data.get("isTemplate"):
            continue
        counts["total"] += 1
        st = vm.data["status"]
        if st in ("unknown", "fault-resuming"):
            counts["fault"] += 1
        elif st in counts:
            counts[st] += 1
    return counts


OS_VERSIONS = {
    "linux": [(301, "Other Linux(32 bit)", 32), (302, "Other Linux(64 bit)", 64),
              (10115, "CentOS Stream 9.x 64bit", 64), (10082, "EulerOS 2.12 64bit", 64)],
    "windows": [(201, "Other Windows(32 bit)", 32), (202, "Other Windows(64 bit)", 64),
                (1, "Windows Server 2008 R2 Datacenter 64bit", 64)],
    "other": [(401, "Other(32 bit)", 32), (402, "Other(64 bit)", 64)],
}


@route("GET", "/service/sites/{site}/vms/osversions")
def osversions(engine, req):
    """The OS catalogue for osOptions.osVersion."""
    site_check(engine, req)
    out = {}
    for family, items in OS_VERSIONS.items():
        out[family] = [{"id": i, "versionDes": d, "osType": family.capitalize(), "osBit": b,
                        "cpuQuantityLimit": 255, "cpuSocketLimit": 64, "memQuantityLimit": 4194304,
                        "defaultCPUQuantity": 2, "defaultMemoryQuantity": 4096} for i, d, b in items]
    return out


def _os_valid(os_type, version, field="osOptions"):
    fam = {"Linux": "linux", "Windows": "windows", "Other": "other"}.get(os_type) if isinstance(os_type, str) else None
    if fam is None:
        raise VrmError("10000001", "%s.osType must be Windows, Linux or Other." % field)
    if version is not None and version not in [i for i, _d, _b in OS_VERSIONS[fam]]:
        raise VrmError("10000001", "osOptions.osVersion %s is not a %s version of /vms/osversions." % (
            version, os_type))


# -- create / clone / delete ------------------------------------------------------------------

def _given(spec, key):
    """A field counts as given unless it is absent, null or empty, as as_int reads it."""
    return spec.get(key) not in (None, "")


def _pci(value):
    """The disk bus, one of PCI_SLOTS."""
    if not isinstance(value, str) or value not in PCI_SLOTS:
        raise VrmError("10000001", "pciType must be IDE, SCSI or VIRTIO.")
    return value


def _mac(value, field):
    """A MAC address as VRM writes it (six hex pairs with colons), lower-cased; None when not given."""
    mac = as_str(value, field, 0, 17)
    if not mac:
        return None
    if not re.fullmatch(r"[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}", mac):
        raise VrmError("10000001", "The field %s must be a MAC address like 28:6e:d4:00:00:01, not %r." % (field, mac))
    return mac.lower()


_GUEST_HOSTNAME = re.compile(r"[A-Za-z0-9_-]{1,15}")
_PASSWORD_CLASSES = ("[a-z]", "[A-Z]", "[0-9]", "[^A-Za-z0-9]")


def _customization(value):
    """A deploy's or clone's ``vmCustomization`` checked as VRM documents it (FC8DOC ch3); None when absent."""
    cust = obj(value, "vmCustomization")
    if not cust:
        return None
    _os_valid(cust.get("osType"), None, "vmCustomization")     # required, one of the three families
    name = as_str(cust.get("hostname"), "vmCustomization.hostname", 0, 15)
    if name and (not _GUEST_HOSTNAME.fullmatch(name) or name.isdigit()):
        raise VrmError("10000001", "vmCustomization.hostname must be letters, digits, '-' and '_', not digits only.")
    update = as_bool(cust.get("isUpdateVmPassword"), "vmCustomization.isUpdateVmPassword", True)
    password = as_str(cust.get("password"), "vmCustomization.password", 0, 26)
    if update and password:
        if len(password) < 8 or not password.isascii() or \
                sum(1 for c in _PASSWORD_CLASSES if re.search(c, password)) < 2:
            raise VrmError("10000001", "vmCustomization.password must be 8 to 26 characters with at least two of "
                                       "lower-case, upper-case, digits and special characters.")
    seen = set()
    specs = lst(cust.get("nicSpecification"), "vmCustomization.nicSpecification")
    if len(specs) > 16:
        raise VrmError("10000001", "vmCustomization.nicSpecification takes at most 16 entries.")
    for spec in specs:
        spec = obj(spec, "vmCustomization.nicSpecification[]")
        seq = as_int(spec.get("sequenceNum"), "nicSpecification.sequenceNum", 1, 16)
        if seq is None or seq in seen:
            raise VrmError("10000001", "nicSpecification.sequenceNum is required and unique (1 to 16).")
        seen.add(seq)
        for field in ("ip", "gateway", "setdns", "adddns"):
            _ipv4(spec.get(field), "nicSpecification." + field)
        if spec.get("netmask") is not None:
            mask = as_str(spec["netmask"], "nicSpecification.netmask", 7, 15)
            try:
                ipaddress.IPv4Network("0.0.0.0/" + mask)
            except ValueError:
                raise VrmError("10000001", "nicSpecification.netmask %r is not a dotted netmask." % mask)
    return cust


def _ipv4(value, field):
    if value is None or value == "":
        return
    try:
        ipaddress.IPv4Address(as_str(value, field, 7, 15))
    except ValueError:
        raise VrmError("10000001", "The field %s must be an IPv4 address, not %r." % (field, value))


def _validate_cpu(cpu, current=None):
    cpu = obj(cpu, "vmConfig.cpu")
    out = {}
    if _given(cpu, "quantity"):
        out["quantity"] = as_int(cpu["quantity"], "cpu.quantity", 1, 255)
    q = out.get("quantity", (current or {}).get("quantity", 1))
    if _given(cpu, "coresPerSocket"):
        out["coresPerSocket"] = as_int(cpu["coresPerSocket"], "cpu.coresPerSocket", 1, 255)
    cps = out.get("coresPerSocket", (current or {}).get("coresPerSocket", 1))
    if q % cps:
        raise VrmError("10000001", "cpu.coresPerSocket (%d) must divide cpu.quantity (%d)." % (cps, q))
    if _given(cpu, "reservation"):
        out["reservation"] = as_int(cpu["reservation"], "cpu.reservation", 0, 10 ** 7)
    if _given(cpu, "limit"):
        out["limit"] = as_int(cpu["limit"], "cpu.limit", 0, 10 ** 7)
    if _given(cpu, "weight"):
        out["weight"] = as_int(cpu["weight"], "cpu.weight", 2, 255000)
    if _given(cpu, "cpuHotPlug"):
        out["cpuHotPlug"] = as_int(cpu["cpuHotPlug"], "cpu.cpuHotPlug", 0, 1)
    res = out.get("reservation", (current or {}).get("reservation", 0))
    lim = out.get("limit", (current or {}).get("limit", 0))
    if lim and res > lim:
        raise VrmError("10000001", "cpu.reservation cannot exceed cpu.limit.")
    return out


def _validate_mem(mem, current=None):
    mem = obj(mem, "vmConfig.memory")
    out = {}
    if _given(mem, "quantityMB"):
        out["quantityMB"] = as_int(mem["quantityMB"], "memory.quantityMB", 128, 4194304)
    size = out.get("quantityMB", (current or {}).get("quantityMB", 1024))
    if _given(mem, "reservation"):
        out["reservation"] = as_int(mem["reservation"], "memory.reservation", 0, size)
    if _given(mem, "weight"):
        out["weight"] = as_int(mem["weight"], "memory.weight", 1, 83886080)
    if _given(mem, "limit"):
        out["limit"] = as_int(mem["limit"], "memory.limit", 0, 4194304)
    if _given(mem, "memHotPlug"):
        out["memHotPlug"] = as_int(mem["memHotPlug"], "memory.memHotPlug", 0, 1)
    return out


def _new_disk_volume(engine, vm_name, seq, d, default_ds=None):
    d = obj(d, "vmConfig.disks[]")
    size = as_int(d.get("quantityGB"), "disks.quantityGB", 1, 65536)
    ds_urn = d.get("datastoreUrn") or default_ds
    if not ds_urn:
        raise VrmError("10000001", "disks[%d] needs datastoreUrn (or volumeUrn)." % seq)
    ds = engine.get(ds_urn, "datastores")
    thin = as_bool(d.get("isThin", d.get("thin")), "disks.isThin", False)
    _check_space(engine, ds, 0 if thin else size * 1024)
    vol = storage.new_volume(engine, d.get("diskName") or "%s-disk%d" % (vm_name, seq), size, ds.urn, thin=thin,
                             written_mb=0, vol_type=as_int(d.get("volType"), "volType", 0, 2, default=0))
    return vol


def _check_space(engine, ds, extra_mb):
    storage.check_space(engine, ds, extra_mb)


def _location(engine, body):
    loc = as_str(body.get("location"), "location", hi=1024)
    if not loc:
        raise VrmError("10000001", "location (a cluster or host URN) is required.")
    if ":hosts:" in loc:
        host = engine.get(loc, "hosts")
        if not host.data.get("clusterUrn"):
            raise VrmError("10000001", "The host %s is not in a cluster." % loc)
        return host.data["clusterUrn"], loc
    engine.get(loc, "clusters")
    return loc, None


def _build_nics(engine, vm_urn, nics):
    out = []
    macs = {n["mac"] for v in engine.all("vms") for n in v.data["vmConfig"]["nics"]}
    for i, n in enumerate(lst(nics, "vmConfig.nics")):
        n = obj(n, "vmConfig.nics[]")
        pg = n.get("portGroupUrn")
        if not pg or engine.find(pg, "portgroups") is None:
            raise VrmError("10540107", "The port group %s does not exist." % pg)
        seq = as_int(n.get("sequenceNum"), "nics.sequenceNum", 0, MAX_NICS - 1, default=i)
        mac = _mac(n.get("mac"), "nics.mac")
        if mac and mac in macs:
            raise VrmError("10300045", "The MAC address %s is already used." % mac)
        entry = nic_entry(engine, vm_urn, seq, pg, mac=mac, name=n.get("name"))
        if "virtIo" in n:
            entry["virtIo"] = as_int(n["virtIo"], "nics.virtIo", 1, 5)
        out.append(entry)
    seqs = [n["sequenceNum"] for n in out]
    if len(set(seqs)) != len(seqs):
        raise VrmError("10300185", "Two NICs use the same sequenceNum.")
    if len(out) > MAX_NICS:
        raise VrmError("10300012", "A VM has at most %d NICs." % MAX_NICS)
    return out


@route("POST", "/service/sites/{site}/vms")
def create_vm(engine, req):
    """Create a blank VM (task CreateVmTask + urn/uri; autoBoot starts it)."""
    site_check(engine, req)
    body = req.json()
    vm = _new_from_body(engine, body)
    vm.sim["tools"] = False  # a blank VM has no guest OS, hence no tools (docs/vrmsim-fidelity.md)
    auto = as_bool(body.get("autoBoot"), "autoBoot", True)
    task = _start_creation(engine, req, vm, "CreateVmTask",
                           ("vm_created", {"boot": auto, "host": vm.sim.get("pinned")}))
    return engine.task_ref(task, {"urn": vm.urn, "uri": vm.data["uri"]})


def _start_creation(engine, req, vm, task_type, done):
    """The task that brings a new VM out of ``creating``; the VM is removed if it fails."""
    task = engine.start_task(task_type, vm.urn, vm.data["name"], done=done, fail=("vm_create_failed", {}),
                             user=req.session["user"])
    vm.sim["busy"] = task.urn
    engine.touch(vm)
    return task


IMPORT_PROTOCOLS = ("cifs", "nfs", "server-http", "server-https", "glance", "uds")
# FC8DOC ch3: file and directory names in an import URL are letters, digits, '-', '_', spaces and dots.
_IMPORT_NAME = re.compile(r"^[A-Za-z0-9_. -]+$")


def _import_url(protocol, url):
    """Check the URL form of an import; answer (server, path) for nfs and cifs, raise 10300035 otherwise."""
    bad = VrmError("10300035", "The URL parameter is invalid; enter it again.")
    if not isinstance(url, str) or not 1 <= len(url) <= 256:
        raise bad
    if protocol == "nfs":
        server, sep, path = url.partition(":")
        if not sep or not server or not path.startswith("/"):
            raise bad
    elif protocol == "cifs":
        if not url.startswith("//"):
            raise bad
        server, _sep, rest = url[2:].partition("/")
        path = "/" + rest
        if not server or not rest:
            raise bad
    else:
        return None, None
    parts = [x for x in path.split("/") if x]
    if not parts or not all(_IMPORT_NAME.match(x) for x in parts):
        raise bad
    return server, path


@route("POST", "/service/sites/{site}/vms/action/import")
def import_vm(engine, req):
    """Import a VM or template from a template file (task ImportTemplate + urn/uri/serverLease)."""
    site_check(engine, req)
    body = req.json()
    protocol = as_str(body.get("protocol"), "protocol", 1, 32, default="cifs").lower()
    if protocol not in IMPORT_PROTOCOLS:
        raise VrmError("10000001", "protocol must be one of %s." % ", ".join(IMPORT_PROTOCOLS))
    url = body.get("url")
    if protocol in ("server-http", "server-https"):
        url = None
    else:
        _import_url(protocol, url)
    as_str(body.get("username"), "username", 0, 128)
    as_str(body.get("password"), "password", 0, 128)
    is_template = as_bool(body.get("isTemplate"), "isTemplate", False)
    vm = _new_from_body(engine, body)
    vm.data["isTemplate"] = is_template
    vm.data["idle"] = -1 if is_template else 0
    if is_template:
        vm.data.pop("vncAcessInfo", None)
    vm.sim["tools"] = True   # a template file carries an installed guest (docs/vrmsim-fidelity.md)
    auto = as_bool(body.get("autoBoot"), "autoBoot", True) and not is_template
    task = _start_creation(engine, req, vm, "ImportTemplate", (
        "vm_imported", {"boot": auto, "host": vm.sim.get("pinned"), "protocol": protocol, "url": url}))
    lease = "%s:serverlease:%s" % (engine.site_urn, task.urn.rsplit(":", 1)[1])
    return engine.task_ref(task, {"urn": vm.urn, "uri": vm.data["uri"], "serverLeaseUrn": lease,
                                  "serverLeaseUri": engine.uri_of(lease)})


@handler("vm_imported")
def _vm_imported(engine, task, boot=True, host=None, protocol="cifs", url=None):
    """The host reads the template file when the task runs: an NFS file must lie in an export the
    simulated storage network knows (and among its declared files, when files were declared)."""
    if protocol == "nfs":
        server, path = _import_url(protocol, url)
        if not storage.nas_file_exists(engine, server, path):
            raise VrmError("10300924", "The template file %s does not exist; check the template file." % url)
    _vm_created(engine, task, boot=boot, host=host)


def _new_from_body(engine, body):
    """Validate a create or import body and build the VM (status creating) with its disks and NICs."""
    name = as_str(body.get("name"), "name", 1, 256, required=True)
    cluster_urn, host_urn = _location(engine, body)
    cfg = obj(body.get("vmConfig"), "vmConfig")
    if "vmConfig" not in body:
        raise VrmError("10000001", "vmConfig is required.")
    osopt = obj(body.get("osOptions"), "osOptions")
    if "osOptions" not in body:
        raise VrmError("10000001", "osOptions is required.")
    _os_valid(osopt.get("osType"), as_int(osopt.get("osVersion"), "osOptions.osVersion"))
    cpu = _validate_cpu(cfg.get("cpu"))
    mem = _validate_mem(cfg.get("memory"))
    disks = lst(cfg.get("disks"), "vmConfig.disks")
    vm = new_vm(engine, name, cluster_urn, cpu=cpu.get("quantity", 1), mem_mb=mem.get("quantityMB", 1024),
                os_type=osopt.get("osType", "Linux"), os_version=osopt.get("osVersion", 301),
                description=as_str(body.get("description"), "description", 0, 1024, default=""),
                uuid=body.get("uuid"))
    try:
        _fill_config(engine, vm, cpu, mem, disks, cfg.get("nics"))
    except VrmError:
        _drop_vm(engine, vm, keep_disks=False)
        raise
    if body.get("externalUuid"):
        vm.data["params"]["externalUuid"] = body["externalUuid"]
    if host_urn:
        vm.data["isBindingHost"] = as_bool(body.get("isBindingHost"), "isBindingHost", False)
        vm.sim["pinned"] = host_urn
    vm.data["group"] = as_str(body.get("group"), "group", 0, 1024, default="")
    vm.data["status"] = "creating"
    engine.touch(vm)
    return vm


def _fill_config(engine, vm, cpu, mem, disks, nics):
    vm_id = vm.urn.rsplit(":", 1)[1]
    vm.data["vmConfig"]["cpu"].update(cpu)
    if "weight" not in cpu:
        vm.data["vmConfig"]["cpu"]["weight"] = vm.data["vmConfig"]["cpu"]["quantity"] * 500
    vm.data["vmConfig"]["memory"].update(mem)
    if "weight" not in mem:
        vm.data["vmConfig"]["memory"]["weight"] = vm.data["vmConfig"]["memory"]["quantityMB"] * 10
    vm.data["vmConfig"]["memory"]["limit"] = vm.data["vmConfig"]["memory"]["quantityMB"]
    disk_list = []
    used = set()
    for i, d in enumerate(disks, start=1):
        d = obj(d, "vmConfig.disks[]")
        seq = as_int(d.get("sequenceNum"), "disks.sequenceNum", 1, 60, default=i)
        pci = _pci(d.get("pciType", "VIRTIO"))
        if seq > PCI_SLOTS[pci]:
            raise VrmError("10000001", "%s disks use slots 1-%d." % (pci, PCI_SLOTS[pci]))
        if (pci, seq) in used:
            raise VrmError("10300070", "The disk slot %s %d is already used." % (pci, seq))
        used.add((pci, seq))
        if d.get("volumeUrn"):
            vol = engine.get(d["volumeUrn"], "volumes")
            if vol.sim.get("vm"):
                raise VrmError("10300076", "The volume %s is already attached." % vol.urn)
        else:
            vol = _new_disk_volume(engine, vm.data["name"], seq, d)
        vol.sim["vm"] = vm.urn
        engine.touch(vol)
        disk_list.append(disk_entry(engine, vm_id, vol, seq, pci))
    vm.data["vmConfig"]["disks"] = sorted(disk_list, key=lambda x: x["sequenceNum"])
    vm.data["vmConfig"]["nics"] = _build_nics(engine, vm.urn, nics)
    vm.data["dataStoreUrns"] = sorted({d["datastoreUrn"] for d in disk_list})
    engine.touch(vm)


@handler("vm_created")
def _vm_created(engine, task, boot=True, host=None):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is None:
        return
    vm.sim["busy"] = None
    vm.data["status"] = "stopped"
    vm.data["additionalStatus"] = []
    engine.touch(vm)
    if boot and not vm.data.get("isTemplate"):
        try:
            h = placement.choose(engine, vm, host or vm.data["clusterUrn"])
        except VrmError as err:
            # FC8DOC: the create task still succeeds; the start error goes into reason.
            task.data["reason"] = err.code
            task.data["reasonDes"] = err.des
            engine.touch(task)
            return
        compute_move(engine, vm, h)
        _set_status(engine, vm, "running")


def compute_move(engine, vm, host):
    from vrmsim import compute
    compute.move_vm(engine, vm, host)
    if "vncAcessInfo" in vm.data:
        vm.data["vncAcessInfo"]["hostIp"] = host.data["ip"]
        vm.data["vncAcessInfo"]["vncPort"] = 5900 + int(vm.urn.rsplit("-", 1)[1], 16) % 1000


@handler("vm_create_failed")
def _vm_create_failed(engine, task):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is not None:
        _drop_vm(engine, vm, keep_disks=False)


def _drop_vm(engine, vm, keep_disks):
    for d in vm.data["vmConfig"]["disks"]:
        vol = engine.find(d["volumeUrn"], "volumes")
        if vol is None:
            continue
        if keep_disks:
            vol.sim["vm"] = None
            engine.touch(vol)
        else:
            engine.remove(vol.urn)
    for snap in engine.all("snapshots"):
        if snap.sim.get("vm") == vm.urn:
            engine.remove(snap.urn)
    engine.remove(vm.urn)


@route("POST", "/service/sites/{site}/vms/{vm}/action/clone")
def clone_vm(engine, req):
    """Clone a VM, deploy a template, or make a template (task + urn/uri of the new VM)."""
    site_check(engine, req)
    src = _vm(engine, req)
    body = req.json()
    name = as_str(body.get("name"), "name", 1, 256, required=True)
    if src.data.get("additionalStatus") and "cloning" in src.data["additionalStatus"]:
        raise VrmError("10300133", "The VM or template is already being cloned.")
    if src.data["status"] in BUSY_STATES:
        raise VrmError("10300101", "The source VM is busy.")
    cluster_urn, host_urn = _location(engine, body) if body.get("location") else (src.data["clusterUrn"], None)
    to_template = as_bool(body.get("isTemplate"), "isTemplate", False)
    cfg = obj(body.get("vmConfig"), "vmConfig")
    scfg = src.data["vmConfig"]
    cpu = _validate_cpu(cfg.get("cpu"), scfg["cpu"])
    mem = _validate_mem(cfg.get("memory"), scfg["memory"])
    cpu = dict({k: scfg["cpu"][k] for k in ("quantity", "coresPerSocket", "reservation", "limit", "weight")}, **cpu)
    mem = dict({k: scfg["memory"][k] for k in ("quantityMB", "reservation", "weight")}, **mem)
    overrides = {}
    for d in lst(cfg.get("disks"), "vmConfig.disks"):
        d = obj(d, "vmConfig.disks[]")
        overrides[as_int(d.get("sequenceNum"), "disks.sequenceNum", 1, 60, default=0)] = d
    disks = []
    for sd in scfg["disks"]:
        o = obj(overrides.pop(sd["sequenceNum"], {}), "vmConfig.disks[]")
        if o.get("volumeUrn"):
            disks.append({"sequenceNum": sd["sequenceNum"], "volumeUrn": o["volumeUrn"], "pciType": sd["pciType"]})
            continue
        size = max(as_int(o.get("quantityGB"), "disks.quantityGB", 1, 65536, default=sd["quantityGB"]), sd["quantityGB"])
        entry = {"sequenceNum": sd["sequenceNum"], "quantityGB": size, "pciType": sd["pciType"],
                 "datastoreUrn": o.get("datastoreUrn", sd["datastoreUrn"]),
                 "isThin": as_bool(o.get("isThin", o.get("thin")), "isThin", sd["isThin"])}
        disks.append(entry)
    for seq, o in sorted(overrides.items()):
        o = dict(o)
        o["sequenceNum"] = seq
        disks.append(o)
    nics = cfg.get("nics")
    if nics is None:
        nics = [{"portGroupUrn": n["portGroupUrn"], "sequenceNum": n["sequenceNum"]} for n in scfg["nics"]]
    osopt = obj(body.get("osOptions"), "osOptions") or src.data["osOptions"]
    cust = _customization(body.get("vmCustomization"))
    vm = new_vm(engine, name, cluster_urn, cpu=cpu["quantity"], mem_mb=mem["quantityMB"],
                os_type=osopt.get("osType", src.data["osOptions"]["osType"]),
                os_version=osopt.get("osVersion", src.data["osOptions"]["osVersion"]),
                description=as_str(body.get("description"), "description", 0, 1024, default=""),
                is_template=to_template, uuid=body.get("uuid") or body.get("clonedVmUUID"))
    try:
        _fill_config(engine, vm, cpu, mem, disks, nics)
    except VrmError:
        _drop_vm(engine, vm, keep_disks=False)
        raise
    for d in vm.data["vmConfig"]["disks"]:
        vol = engine.get(d["volumeUrn"], "volumes")
        src_disk = next((x for x in scfg["disks"] if x["sequenceNum"] == d["sequenceNum"]), None)
        if src_disk is not None and not any(x.get("volumeUrn") == vol.urn for x in disks):
            src_vol = engine.find(src_disk["volumeUrn"], "volumes")
            written = int(src_vol.sim.get("written_mb", 0)) if src_vol else 0
            vol.sim["written_mb"] = vol.data["quantityGB"] * 1024 if not vol.data["isThin"] else written
            engine.touch(vol)
    vm.sim["tools"] = src.sim.get("tools", True) if not src.data.get("isTemplate") else True
    # group and externalUuid are taken as on create (docs/vrmsim-fidelity.md)
    vm.data["group"] = as_str(body.get("group"), "group", 0, 1024, default="")
    if body.get("externalUuid"):
        vm.data["params"]["externalUuid"] = as_str(body["externalUuid"], "externalUuid", 1, 64)
    if host_urn:
        vm.data["isBindingHost"] = as_bool(body.get("isBindingHost"), "isBindingHost", False)
    if src.data.get("isTemplate"):
        ttype = "CloneTemplate" if to_template else "DeployVM"
    else:
        ttype = "CreateTemplateFromVM" if to_template else "CloneVM"
    vm.data["status"] = "creating"
    src.data["additionalStatus"] = ["cloning"]
    engine.touch(src)
    auto = as_bool(body.get("autoBoot"), "autoBoot", True) and not to_template
    task = engine.start_task(ttype, vm.urn, name,
                             done=("vm_cloned", {"boot": auto, "host": host_urn, "src": src.urn,
                                                 "cust": cust or None}),
                             fail=("vm_clone_failed", {"src": src.urn}), user=req.session["user"])
    vm.sim["busy"] = task.urn
    engine.touch(vm)
    return engine.task_ref(task, {"urn": vm.urn, "uri": vm.data["uri"]})


@handler("vm_cloned")
def _vm_cloned(engine, task, boot, host, src, cust):
    source = engine.find(src, "vms")
    if source is not None:
        source.data["additionalStatus"] = []
        engine.touch(source)
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is None:
        return
    _vm_created(engine, task, boot=boot, host=host)
    if cust:
        follow = engine.start_task("InjectCustomizationTask", vm.urn, vm.data["name"],
                                   done=("vm_customized", {"cust": cust}), user="-_system",
                                   request_id=task.data["requestId"])
        task.data["relateTaskIds"] = [follow.urn]
        engine.touch(task)


@handler("vm_customized")
def _vm_customized(engine, task, cust):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is None:
        return
    if cust.get("hostname"):
        vm.data["osOptions"]["hostname"] = cust["hostname"]
    static = {}
    for spec in cust.get("nicSpecification") or []:
        if spec.get("ip"):
            idx = int(spec.get("sequenceNum", 1)) - 1
            nics = vm.data["vmConfig"]["nics"]
            if 0 <= idx < len(nics):
                static[str(nics[idx]["sequenceNum"])] = spec["ip"]
    vm.sim["static_ips"] = static
    vm.sim["customized"] = True
    if vm.data["status"] == "running":
        _assign_ips(engine, vm)
    engine.touch(vm)


@handler("vm_clone_failed")
def _vm_clone_failed(engine, task, src):
    source = engine.find(src, "vms")
    if source is not None:
        source.data["additionalStatus"] = []
        engine.touch(source)
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is not None:
        _drop_vm(engine, vm, keep_disks=False)


@route("DELETE", "/service/sites/{site}/vms/{vm}")
def delete_vm(engine, req):
    """Delete a VM (task DeleteVmTask; isReserveDisks=1 keeps its volumes)."""
    site_check(engine, req)
    vm = _vm(engine, req)
    if "cloning" in (vm.data.get("additionalStatus") or []):
        raise VrmError("10300133", "The VM or template is being cloned; it cannot be deleted now.")
    _busy(engine, vm)
    if vm.data["status"] in ("unknown", "fault-resuming"):
        raise VrmError("10300015", "The VM does not allow this operation in state %s." % vm.data["status"])
    keep = req.q("isReserveDisks", "0") == "1"
    prev = vm.data["status"]
    vm.data["status"] = "shutting-down"
    engine.touch(vm)
    ttype = "DeleteTemplateTask" if vm.data.get("isTemplate") else "DeleteVmTask"
    task = engine.start_task(ttype, vm.urn, vm.data["name"], done=("vm_deleted", {"keep": keep}),
                             fail=("vm_status", {"status": prev}), user=req.session["user"])
    return engine.task_ref(task)


@handler("vm_deleted")
def _vm_deleted(engine, task, keep):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is not None:
        _drop_vm(engine, vm, keep_disks=keep)


@handler("vm_status")
def _vm_status_handler(engine, task, status, busy_clear=True):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is None:
        return
    vm.sim["busy"] = None
    vm.sim["target_host"] = None
    _set_status(engine, vm, status)


# -- power ------------------------------------------------------------------------------------

def _power(engine, req, op):
    site_check(engine, req)
    vm = _vm(engine, req)
    if vm.data.get("isTemplate"):
        raise VrmError("10300021", "The operation is not supported on a template.")
    state = vm.data["status"]
    body = req.json()
    mode = body.get("mode", "safe")
    if op in ("stop", "reboot") and mode not in ("safe", "force"):
        raise VrmError("10000001", "mode must be safe or force.")
    key = (op, state)
    if key in REFUSALS:
        code, des = REFUSALS[key]
        raise VrmError(code, des)
    if key not in LIFECYCLE:
        if state in BUSY_STATES or vm.sim.get("busy"):
            raise VrmError("10300101", "The VM is busy (%s); retry when its task has finished." % state)
        raise VrmError("10300015", "The VM does not allow %s in state %s." % (op, state))
    if vm.sim.get("busy"):
        raise VrmError("10300101", "The VM is busy with another task; retry when it has finished.")
    if op in ("stop", "reboot", "hibernate") and mode == "safe" and not _tools_running(vm):
        raise VrmError("10300026", "VM Tools are not running in the guest; use mode force.")
    ttype, transient, final = LIFECYCLE[key]
    if op == "start":
        pinned = vm.sim.get("pinned") if vm.data.get("isBindingHost") else None
        _place_and_run(engine, vm, pinned)
    vm.data["status"] = transient
    task = engine.start_task(ttype, vm.urn, vm.data["name"], done=("vm_power_done", {"status": final, "op": op}),
                             fail=("vm_status", {"status": state}), user=req.session["user"])
    vm.sim["busy"] = task.urn
    engine.touch(vm)
    return engine.task_ref(task)


@handler("vm_power_done")
def _vm_power_done(engine, task, status, op):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is None:
        return
    vm.sim["busy"] = None
    if op == "start":
        target = vm.sim.pop("target_host", None)
        host = engine.find(target or "", "hosts")
        if host is None or host.data["status"] != "normal":
            host = placement.choose(engine, vm, vm.data["clusterUrn"])
        compute_move(engine, vm, host)
    if op == "reboot":
        vm.sim["started_at"] = engine.now()
    _set_status(engine, vm, status)


@route("POST", "/service/sites/{site}/vms/{vm}/action/start")
def vm_start(engine, req):
    """Start (or wake) a VM (task StartVmTask; 10300094 when running)."""
    return _power(engine, req, "start")


@route("POST", "/service/sites/{site}/vms/{vm}/action/stop")
def vm_stop(engine, req):
    """Stop a VM, mode safe|force (task StopVmTask; 10300092 when stopped)."""
    return _power(engine, req, "stop")


@route("POST", "/service/sites/{site}/vms/{vm}/action/reboot")
def vm_reboot(engine, req):
    """Reboot a VM, mode safe|force (task RebootVmTask)."""
    return _power(engine, req, "reboot")


@route("POST", "/service/sites/{site}/vms/{vm}/action/hibernate")
def vm_hibernate(engine, req):
    """Hibernate a VM (task HibernateVmTask; 10300093 when hibernated)."""
    return _power(engine, req, "hibernate")


@route("POST", "/service/sites/{site}/vms/{vm}/action/pause")
def vm_pause(engine, req):
    """Pause a VM (status pause; task PauseVmTask)."""
    return _power(engine, req, "pause")


@route("POST", "/service/sites/{site}/vms/{vm}/action/resume")
def vm_resume(engine, req):
    """Resume a paused VM (task ResumeVmTask)."""
    return _power(engine, req, "resume")


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
        allowed = set(cfg["properties"]) | {"bootFirmwareTime", "cdRomBootOrder"}
        unknown = set(props) - allowed
        if unknown:
            raise VrmError("10000001", "Unknown properties: %s." % ", ".join(sorted(unknown)))
    ttype = "ModifyVm"
    if template is True:
        ttype = "TransformVmToTemplate"
    elif template is False:
        ttype = "TransformTemplateToVm"
    task = engine.start_task(ttype, vm.urn, vm.data["name"],
                             done=("vm_modified", {"fields": fields, "cpu": cpu, "mem": mem, "props": props,
                                                   "template": template}),
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
def _vm_modified(engine, task, fields, cpu, mem, props, template):
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
        raise VrmError("10420009", "The volume is attached to another VM.")
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


@route("POST", "/service/sites/{site}/vms/{vm}/action/detachvol")
def detach_vol(engine, req):
    """Detach a volume (task DetachVolumeTask; 10300037 when not attached)."""
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
    vol = _new_disk_volume(engine, vm.data["name"], seq, dict(body, diskName=body.get("name")))
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
    vol = engine.get(vol_urn, "volumes")
    size = as_int(body.get("size"), "size", 1024, 65536 * 1024)
    if size % 1024:
        raise VrmError("10000001", "size is in MB and must be a multiple of 1024.")
    if size <= vol.data["quantityGB"] * 1024:
        raise VrmError("10420049", "The new size must be larger than the current %d GB (disks never shrink)."
                       % vol.data["quantityGB"])
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
            raise VrmError("10300045", "The MAC address %s is already used." % mac)
        if vm.data["status"] != "stopped":
            raise VrmError("10300015", "The MAC address can only change while the VM is stopped.")
        nic["mac"] = mac
    engine.touch(vm)
    return None


# -- migration ----------------------------------------------------------------------------------

@route("POST", "/service/sites/{site}/vms/{vm}/action/migrate")
def migrate_vm(engine, req):
    """Live-migrate a running VM to a host (or a cluster) (task MigrateVmTask)."""
    site_check(engine, req)
    vm = _vm(engine, req)
    _busy(engine, vm)
    if vm.data["status"] not in ("running", "stopped"):
        raise VrmError("10300015", "The VM does not allow migration in state %s." % vm.data["status"])
    body = req.json()
    loc = as_str(body.get("location"), "location", hi=1024) or ""
    if ":hosts:" in loc:
        target = engine.get(loc, "hosts")
        if target.urn == vm.sim.get("host"):
            raise VrmError("10300434", "The VM already runs on the destination host.")
        hosts, reason = placement.rank(engine, vm, target.urn)
        if not hosts:
            raise VrmError(reason, placement.MESSAGES[reason])
    elif ":clusters:" in loc:
        engine.get(loc, "clusters")
        hosts, reason = placement.rank(engine, vm, loc, exclude_hosts=(vm.sim.get("host"),))
        if not hosts:
            raise VrmError("10300378", "No host in the cluster can run the VM: " + placement.MESSAGES[reason])
        target = hosts[0]
    else:
        raise VrmError("10000001", "location must be a host or cluster URN.")
    prev = vm.data["status"]
    if prev == "running":
        vm.data["status"] = "migrating"
        vm.sim["target_host"] = target.urn
    task = engine.start_task("MigrateVmTask", vm.urn, vm.data["name"],
                             done=("vm_migrated", {"host": target.urn, "status": prev}),
                             fail=("vm_status", {"status": prev}), user=req.session["user"])
    vm.sim["busy"] = task.urn
    if as_bool(body.get("isBindingHost"), "isBindingHost", None) is not None:
        vm.data["isBindingHost"] = bool(body["isBindingHost"])
    engine.touch(vm)
    return engine.task_ref(task)


@handler("vm_migrated")
def _vm_migrated(engine, task, host, status):
    vm = engine.find(task.data["entityUrn"], "vms")
    h = engine.find(host, "hosts")
    if vm is None or h is None:
        return
    vm.sim["busy"] = None
    vm.sim["target_host"] = None
    compute_move(engine, vm, h)
    vm.data["clusterUrn"] = h.data["clusterUrn"]
    cl = engine.find(h.data["clusterUrn"], "clusters")
    if cl is not None:
        vm.data.update(clusterName=cl.data["name"], location=cl.urn, locationName=cl.data["name"])
    vm.data["status"] = status
    engine.touch(vm)


@route("POST", "/service/sites/{site}/vms/{vm}/action/migratevol")
def migrate_vol(engine, req):
    """Move VM disks to other datastores (task MigrateVolorVmTask)."""
    site_check(engine, req)
    vm = _vm(engine, req)
    _busy(engine, vm)
    if vm.data["status"] not in ("running", "stopped"):
        raise VrmError("10300331", "Only running or stopped VMs allow storage migration.")
    body = req.json()
    moves = lst(body.get("disks"), "disks")
    if not moves:
        raise VrmError("10000001", "disks must list at least one volume to move.")
    speed = body.get("speed")
    if speed is not None and as_int(speed, "speed", 20, 10 ** 6) < 20:
        raise VrmError("10000001", "speed must be at least 20 MB/s.")
    plan = []
    need = {}
    for m in moves:
        m = obj(m, "disks[]")
        disk = next((d for d in vm.data["vmConfig"]["disks"] if d["volumeUrn"] == m.get("volumeUrn")), None)
        if disk is None:
            raise VrmError("10300037", "The disk %s is not attached to this VM." % m.get("volumeUrn"))
        ds = engine.get(m.get("datastoreUrn") or "", "datastores")
        mtype = as_int(m.get("migrateType"), "migrateType", 0, 2, default=None)
        vol = engine.get(disk["volumeUrn"], "volumes")
        if ds.urn == vol.data["datastoreUrn"]:
            raise VrmError("10000009", "The volume %s is already on datastore %s." % (vol.urn, ds.data["name"]))
        thin = vol.data["isThin"] if mtype is None else mtype == 1
        foot = storage.volume_footprint_mb(vol) if thin else vol.data["quantityGB"] * 1024
        need[ds.urn] = need.get(ds.urn, 0) + foot
        host = vm.sim.get("host")
        if vm.data["status"] == "running" and host and ds.urn not in placement.host_datastores(engine, host):
            raise VrmError(placement.NO_DS, "The VM's host is not associated with datastore %s." % ds.data["name"])
        plan.append({"vol": vol.urn, "ds": ds.urn, "thin": thin})
    for ds_urn, mb in need.items():
        _check_space(engine, engine.get(ds_urn, "datastores"), mb)
    prev = vm.data["status"]
    task = engine.start_task("MigrateVolorVmTask", vm.urn, vm.data["name"], done=("vols_moved", {"plan": plan}),
                             fail=("vm_unbusy", {}), user=req.session["user"])
    vm.sim["busy"] = task.urn
    vm.data["status"] = "migrating" if prev == "running" else prev
    vm.sim["status_before_move"] = prev
    engine.touch(vm)
    return engine.task_ref(task)


@handler("vols_moved")
def _vols_moved(engine, task, plan):
    vm = engine.find(task.data["entityUrn"], "vms")
    for step in plan:
        vol = engine.find(step["vol"], "volumes")
        ds = engine.find(step["ds"], "datastores")
        if vol is None or ds is None:
            continue
        vol.data.update(datastoreUrn=ds.urn, datastoreName=ds.data["name"], isThin=step["thin"],
                        storageType=ds.data["storageType"])
        if not step["thin"]:
            vol.sim["written_mb"] = vol.data["quantityGB"] * 1024
        engine.touch(vol)
        if vm is not None:
            for d in vm.data["vmConfig"]["disks"]:
                if d["volumeUrn"] == vol.urn:
                    d.update(datastoreUrn=ds.urn, datastoreName=ds.data["name"], isThin=step["thin"],
                             thin=step["thin"], storageType=ds.data["storageType"])
    if vm is not None:
        vm.sim["busy"] = None
        vm.data["status"] = vm.sim.pop("status_before_move", "running")
        vm.data["dataStoreUrns"] = sorted({d["datastoreUrn"] for d in vm.data["vmConfig"]["disks"]})
        engine.touch(vm)


# -- statistics ---------------------------------------------------------------------------------

def _metric(engine, rec, metric):
    if rec.kind == "vms":
        on = rec.data["status"] == "running"
        seed = int(rec.urn.rsplit("-", 1)[1], 16)
        base = {"cpu_usage": 5 + seed % 40, "mem_usage": 20 + seed % 60, "disk_usage": 10 + seed % 70,
                "disk_io_in": 100 + seed % 900, "disk_io_out": 50 + seed % 500, "nic_byte_in": 10 + seed % 200,
                "nic_byte_out": 5 + seed % 100, "disk_req_in": seed % 50, "disk_req_out": seed % 70}
        if metric not in base:
            return None
        return float(base[metric]) if on or metric == "disk_usage" else 0.0
    if rec.kind in ("hosts", "clusters"):
        view = engine.render(rec)
        cpu = view["cpuResource"]
        mem = view["memResource"]
        vals = {"cpu_usage": 100.0 * cpu["allocatedSizeMHz"] / max(1, cpu["totalSizeMHz"]) / 4.0,
                "mem_usage": 100.0 * mem["allocatedSizeMB"] / max(1, mem["totalSizeMB"]),
                "nic_byte_in": 0.0, "nic_byte_out": 0.0, "disk_io_in": 0.0, "disk_io_out": 0.0,
                "logic_disk_usage": 30.0}
        return vals.get(metric)
    return None


@route("POST", "/service/sites/{site}/monitors/objectmetric-realtimedata")
def realtime_metrics(engine, req):
    """Current values of VM, host and cluster metrics (body: [{urn, metricId: [...]}])."""
    site_check(engine, req)
    body = req.body if isinstance(req.body, list) else None
    if body is None:
        raise VrmError("10000001", "The body must be a JSON array of {urn, metricId}.")
    items = []
    for q in body:
        q = obj(q, "[]")
        rec = engine.find(q.get("urn") or "")
        if rec is None:
            raise VrmError("10000008", "The object %s does not exist." % q.get("urn"))
        values = []
        for m in lst(q.get("metricId"), "metricId"):
            v = _metric(engine, rec, m)
            if v is None:
                raise VrmError("11000006", "The metric %s is not available for %s." % (m, rec.kind))
            unit = "%" if m.endswith("usage") else ("KB/s" if "byte" in m or "io" in m else "")
            values.append({"unit": unit, "metricId": m, "metricValue": "%.2f" % v})
        items.append({"urn": rec.urn, "objectName": rec.data.get("name", ""), "value": values})
    return {"total": len(items), "result": 0, "items": items}
