"""Checks and builders shared by VM creation, import, clone and modification: OS catalogue, CPU,
memory, disks, NICs, MACs, customization."""

import ipaddress
import re

from vrmsim import storage
from vrmsim.common import as_bool, as_int, as_str, disk_size, lst, obj, site_check
from vrmsim.errors import VrmError
from vrmsim.routes import route

BUSY_STATES = ("creating", "starting", "stopping", "hibernating", "migrating", "shutting-down",
               "fault-resuming", "recycling")
PCI_SLOTS = {"VIRTIO": 25, "SCSI": 60, "IDE": 3}
MAX_NICS = 16


def new_mac(engine):
    """The next address of the site's MAC segments (secgroups.mac_segments; by default 28:6e:d4:00:00:00 on)."""
    from vrmsim.secgroups import mac_at
    mac = mac_at(engine, engine.next_id("macs"))
    if mac is None:
        raise VrmError("10300016", "The MAC address segments are used up; add a segment (PUT macsegments).")
    return mac


def nic_entry(engine, vm_urn, seq, pg_urn, mac=None, name=None):
    pg = engine.get(pg_urn, "portgroups")
    urn = "%s:nics:%d" % (vm_urn, seq)
    return {"name": name or "Network Adapter %d" % seq, "urn": urn, "uri": engine.uri_of(urn),
            "portGroupUrn": pg_urn, "portGroupName": pg.data["name"], "mac": mac or new_mac(engine),
            "ip": "0.0.0.0", "ipList": "", "ips6": [], "sequenceNum": seq, "virtIo": 1, "nicType": 0,
            "portId": str(engine.next_id("ports", start=1000)), "bootOrder": -1, "connectAtPowerOn": True,
            "linkStatus": "connected", "status": "connect", "nicConfig": {"vringbuf": 256, "queues": 1},
            "enableSecurityGroup": False, "securityGroupId": None, "securityGroupName": ""}


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
    """FC8DOC: an absent osType answers 10300069, another value 10300041, an unknown osVersion 10300042."""
    if os_type in (None, ""):
        raise VrmError("10300069", "%s.osType is required (Windows, Linux or Other)." % field)
    fam = {"Linux": "linux", "Windows": "windows", "Other": "other"}.get(os_type) if isinstance(os_type, str) else None
    if fam is None:
        raise VrmError("10300041", "%s.osType must be Windows, Linux or Other." % field)
    if version is not None and version not in [i for i, _d, _b in OS_VERSIONS[fam]]:
        raise VrmError("10300042", "osOptions.osVersion %s is not a %s version of /vms/osversions." % (
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
    mac = as_str(value, field, 0, 17, code="10300066")
    if not mac:
        return None
    if not re.fullmatch(r"[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}", mac):
        raise VrmError("10300066", "The field %s must be a MAC address like 28:6e:d4:00:00:01, not %r." % (field, mac))
    return mac.lower()


_GUEST_HOSTNAME = re.compile(r"[A-Za-z0-9_-]{1,15}")
_PASSWORD_CLASSES = ("[a-z]", "[A-Z]", "[0-9]", "[^A-Za-z0-9]")


def _customization(value):
    """A deploy's or clone's ``vmCustomization`` checked as VRM documents it (FC8DOC ch3); None when absent."""
    cust = obj(value, "vmCustomization")
    if not cust:
        return None
    _os_valid(cust.get("osType"), None, "vmCustomization")     # required, one of the three families
    name = as_str(cust.get("hostname"), "vmCustomization.hostname", 0, 15, code="10300342")
    if name and (not _GUEST_HOSTNAME.fullmatch(name) or name.isdigit()):
        raise VrmError("10300342", "vmCustomization.hostname must be letters, digits, '-' and '_', not digits only.")
    update = as_bool(cust.get("isUpdateVmPassword"), "vmCustomization.isUpdateVmPassword", True)
    password = as_str(cust.get("password"), "vmCustomization.password", 0, 26, code="10300344")
    if update and password:
        if len(password) < 8 or not password.isascii() or \
                sum(1 for c in _PASSWORD_CLASSES if re.search(c, password)) < 2:
            raise VrmError("10300344", "vmCustomization.password must be 8 to 26 characters with at least two of "
                                       "lower-case, upper-case, digits and special characters.")
    seen = set()
    specs = lst(cust.get("nicSpecification"), "vmCustomization.nicSpecification")
    if len(specs) > 16:
        raise VrmError("10300350", "vmCustomization.nicSpecification takes at most 16 entries.")
    for spec in specs:
        spec = obj(spec, "vmCustomization.nicSpecification[]")
        seq = as_int(spec.get("sequenceNum"), "nicSpecification.sequenceNum", 1, 16, code="10300350")
        if seq is None or seq in seen:
            raise VrmError("10300350", "nicSpecification.sequenceNum is required and unique (1 to 16).")
        seen.add(seq)
        for field, code in (("ip", "10300349"), ("gateway", "10300351"), ("setdns", "10300352"),
                            ("adddns", "10300352")):
            _ipv4(spec.get(field), "nicSpecification." + field, code)
        if spec.get("netmask") is not None:
            mask = as_str(spec["netmask"], "nicSpecification.netmask", 7, 15, code="10300349")
            try:
                ipaddress.IPv4Network("0.0.0.0/" + mask)
            except ValueError:
                raise VrmError("10300349", "nicSpecification.netmask %r is not a dotted netmask." % mask)
    return cust


def _ipv4(value, field, code):
    if value is None or value == "":
        return
    try:
        ipaddress.IPv4Address(as_str(value, field, 7, 15, code=code))
    except ValueError:
        raise VrmError(code, "The field %s must be an IPv4 address, not %r." % (field, value))


def _validate_cpu(cpu, current=None):
    cpu = obj(cpu, "vmConfig.cpu")
    out = {}
    if _given(cpu, "quantity"):
        out["quantity"] = as_int(cpu["quantity"], "cpu.quantity", 1, 255, code="10300003")
    q = out.get("quantity", (current or {}).get("quantity", 1))
    if _given(cpu, "coresPerSocket"):
        out["coresPerSocket"] = as_int(cpu["coresPerSocket"], "cpu.coresPerSocket", 1, 255, code="10300561")
    cps = out.get("coresPerSocket", (current or {}).get("coresPerSocket", 1))
    if q % cps:
        raise VrmError("10300561", "cpu.coresPerSocket (%d) must divide cpu.quantity (%d)." % (cps, q))
    if _given(cpu, "reservation"):
        out["reservation"] = as_int(cpu["reservation"], "cpu.reservation", 0, 10 ** 7, code="10300043")
    if _given(cpu, "limit"):
        out["limit"] = as_int(cpu["limit"], "cpu.limit", 0, 10 ** 7, code="10300005")
    if _given(cpu, "weight"):
        out["weight"] = as_int(cpu["weight"], "cpu.weight", 2, 255000, code="10300004")
    if _given(cpu, "cpuHotPlug"):
        out["cpuHotPlug"] = as_int(cpu["cpuHotPlug"], "cpu.cpuHotPlug", 0, 1, code="10300064")
    res = out.get("reservation", (current or {}).get("reservation", 0))
    lim = out.get("limit", (current or {}).get("limit", 0))
    if lim and res > lim:
        raise VrmError("10300043", "cpu.reservation cannot exceed cpu.limit.")
    return out


def _validate_mem(mem, current=None):
    mem = obj(mem, "vmConfig.memory")
    out = {}
    if _given(mem, "quantityMB"):
        out["quantityMB"] = as_int(mem["quantityMB"], "memory.quantityMB", 128, 4194304, code="10300006")
    size = out.get("quantityMB", (current or {}).get("quantityMB", 1024))
    if _given(mem, "reservation"):
        out["reservation"] = as_int(mem["reservation"], "memory.reservation", 0, size, code="10300044")
    if _given(mem, "weight"):
        out["weight"] = as_int(mem["weight"], "memory.weight", 1, 83886080, code="10300007")
    if _given(mem, "limit"):
        # FC8DOC ch3: the memory limit is reserved and must equal the memory size; VRM keeps it at quantityMB
        out["limit"] = as_int(mem["limit"], "memory.limit", 0, 4194304, code="10300040")
        if out["limit"] != size:
            raise VrmError("10300040", "memory.limit must equal the memory size (%d MB)." % size)
    if _given(mem, "memHotPlug"):
        out["memHotPlug"] = as_int(mem["memHotPlug"], "memory.memHotPlug", 0, 1, code="10300104")
    return out


def _new_disk_volume(engine, vm_name, seq, d, default_ds=None, size_code="10300009"):
    """A new volume for a VM's disk; its size is required (FC8DOC: 10300009 on create, clone and import,
    10420006 on createattachvol)."""
    d = obj(d, "vmConfig.disks[]")
    size = disk_size(d.get("quantityGB"), "disks.quantityGB", size_code)
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
    loc = as_str(body.get("location"), "location", hi=1024, code="10300067")
    if not loc:
        raise VrmError("10300067", "location (a cluster or host URN) is required.")
    if ":hosts:" in loc:
        host = engine.get(loc, "hosts")
        if not host.data.get("clusterUrn"):
            raise VrmError("10000001", "The host %s is not in a cluster." % loc)
        return host.data["clusterUrn"], loc
    engine.get(loc, "clusters")
    return loc, None


def _build_nics(engine, vm_urn, nics):
    from vrmsim.secgroups import nic_group_fields
    out = []
    macs = {n["mac"] for v in engine.all("vms") for n in v.data["vmConfig"]["nics"]}
    for i, n in enumerate(lst(nics, "vmConfig.nics")):
        n = obj(n, "vmConfig.nics[]")
        pg = n.get("portGroupUrn")
        if not pg or engine.find(pg, "portgroups") is None:
            raise VrmError("10540107", "The port group %s does not exist." % pg)
        seq = as_int(n.get("sequenceNum"), "nics.sequenceNum", 0, MAX_NICS - 1, default=i, code="10300350")
        mac = _mac(n.get("mac"), "nics.mac")
        if mac and mac in macs:
            raise VrmError("10300045", "The MAC address %s is already used." % mac)
        entry = nic_entry(engine, vm_urn, seq, pg, mac=mac, name=n.get("name"))
        entry.update(nic_group_fields(engine, n, pg))
        if "virtIo" in n:
            entry["virtIo"] = as_int(n["virtIo"], "nics.virtIo", 1, 5)
        out.append(entry)
    seqs = [n["sequenceNum"] for n in out]
    if len(set(seqs)) != len(seqs):
        raise VrmError("10300286", "Two NICs use the same sequenceNum.")
    if len(out) > MAX_NICS:
        raise VrmError("10300012", "A VM has at most %d NICs." % MAX_NICS)
    return out
