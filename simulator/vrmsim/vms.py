"""Virtual machines and templates: records, listing, creation (blank, import, clone) and deletion.

The rest of the VM domain: ``vm_spec`` (checks and builders), ``vm_power``, ``vm_devices``
(modification, disks, NICs) and ``vm_migrate`` (migration, metrics).
"""

import random
import re

from vrmsim import folders, storage
from vrmsim.engine import fmt_time, renderer
from vrmsim.vm_spec import disk_entry, nic_entry

# Fields of the single-VM GET that detail=1 list items do not carry (vrm-api.md 6).
LIST1_FIELDS = ("uri", "urn", "uuid", "name", "status", "idle", "description", "group", "location",
                "locationName", "hostUrn", "clusterUrn", "pvDriverStatus", "toolInstallStatus", "cdRomStatus",
                "isTemplate", "isLinkClone", "createTime", "createTimeUTC", "imcSetting",
                "minCompatibleimcSetting", "toolsVersion", "isBindingHost", "hostName", "clusterName",
                "drStatus", "vmType", "rpoStatus", "initSyncStatus", "arch", "hugePage", "params")
LIST0_FIELDS = ("uri", "urn", "uuid", "name", "status", "idle")


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

from vrmsim import host_devices, placement  # noqa: E402
from vrmsim.common import (  # noqa: E402
    MAX_DISK_GB, as_bool, as_int, as_str, fuzzy, lst, nonempty_filter, obj, page, raw_page, site_check)
from vrmsim.engine import handler  # noqa: E402
from vrmsim.errors import VrmError  # noqa: E402
from vrmsim.routes import route  # noqa: E402
from vrmsim.vm_spec import (  # noqa: E402
    BUSY_STATES, PCI_SLOTS, _build_nics, _customization, _location, _new_disk_volume, _os_valid, _pci,
    _validate_cpu, _validate_mem)



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
        if vm.data.get("toolInstallStatus") == "fill":   # the guest finds the Tools ISO (vm_guest)
            engine.schedule(engine.now(), {"op": "call", "handler": "guest_started", "args": {"vm": vm.urn}})
    elif status in ("stopped", "hibernated"):
        from vrmsim.images import on_stop
        on_stop(vm)
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
        ip = vm.sim.get("ip_bindings", {}).get(nic["urn"]) or vm.sim.get("static_ips", {}).get(
            str(nic["sequenceNum"])) or \
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
    """List VMs and templates (filters, isLinkClone/templateUrn, scope, detail 0/1/2, 100/0 paging fallback)."""
    site_check(engine, req)
    name = nonempty_filter(req, "name")
    ip = nonempty_filter(req, "ip")
    mac = nonempty_filter(req, "mac")
    vm_id = nonempty_filter(req, "vmId")
    desc = nonempty_filter(req, "description")
    group = nonempty_filter(req, "group")
    is_tpl = req.qbool("isTemplate")
    is_link = req.qbool("isLinkClone")
    tpl_urn = req.q("templateUrn") if is_link else None      # FC8DOC: templateUrn only with isLinkClone
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
    if is_link is not None:
        checks.append(lambda vm: bool(vm.data.get("isLinkClone")) == is_link)
    if tpl_urn:
        checks.append(lambda vm: vm.sim.get("link_source") == tpl_urn)
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
    key = ("list_vms", name, ip, mac, vm_id, desc, group, is_tpl, is_link, tpl_urn, status, uuid, ext, scope, tuple(urns or ()))
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
    if ":folders:" in scope:
        return folders.in_folder(engine, vm, scope)
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


@route("POST", "/service/sites/{site}/vms")
def create_vm(engine, req):
    """Create a blank VM (task CreateVmTask + urn/uri; autoBoot starts it)."""
    site_check(engine, req)
    body = req.json()
    vm = _new_from_body(engine, body)
    vm.sim["tools"] = False  # a blank VM has no guest OS, hence no tools (docs/vrmsim-fidelity.md)
    vm.data["toolsVersion"] = ""
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
    if protocol in ("server-http", "server-https"):   # the node downloads an http(s) URL (docs/vrmsim-fidelity.md)
        url = url if isinstance(url, str) and url.startswith(("http://", "https://")) and len(url) <= 256 else None
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
    """The host reads the template file when the task runs (images.check_import_source)."""
    from vrmsim.images import check_import_source
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is not None:
        check_import_source(engine, protocol, url, vm)
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
            raise VrmError("10300008", "%s disks use slots 1-%d." % (pci, PCI_SLOTS[pci]))
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
    if host and vm.data.get("isBindingHost"):   # a VM bound to a host shows it before it first runs
        compute_move(engine, vm, engine.get(host, "hosts"))
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
    from vrmsim import hosts
    hosts.move_vm(engine, vm, host)
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
    host_devices.release_all(engine, vm)
    engine.remove(vm.urn)


@route("POST", "/service/sites/{site}/vms/{vm}/action/clone")
def clone_vm(engine, req):
    """Clone a VM, deploy a template, or make a template (task + urn/uri of the new VM)."""
    site_check(engine, req)
    src = _vm(engine, req)
    body = req.json()
    name = as_str(body.get("name"), "name", 1, 256, required=True)
    # A template deploys many VMs at once; a VM is cloned once at a time (docs/vrmsim-fidelity.md).
    if "cloning" in (src.data.get("additionalStatus") or []) and not src.data.get("isTemplate"):
        raise VrmError("10300133", "The VM or template is already being cloned.")
    if src.data["status"] in BUSY_STATES:
        raise VrmError("10300101", "The source VM is busy.")
    cluster_urn, host_urn = _location(engine, body) if body.get("location") else (src.data["clusterUrn"], None)
    to_template = as_bool(body.get("isTemplate"), "isTemplate", False)
    link = as_bool(body.get("isLinkClone"), "isLinkClone", False)
    if link and to_template:
        raise VrmError("10000001", "isLinkClone and isTemplate cannot both be true.")
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
        size = max(as_int(o.get("quantityGB"), "disks.quantityGB", 1, MAX_DISK_GB, default=sd["quantityGB"],
                          code="10300009"), sd["quantityGB"])
        first = sd is scfg["disks"][0]
        entry = {"sequenceNum": sd["sequenceNum"], "quantityGB": size, "pciType": sd["pciType"],
                 "datastoreUrn": o.get("datastoreUrn", sd["datastoreUrn"]),
                 # a linked clone's first disk is always thin (FC8DOC ch3, isLinkClone)
                 "isThin": (link and first) or as_bool(o.get("isThin", o.get("thin")), "isThin", sd["isThin"])}
        disks.append(entry)
    for seq, o in sorted(overrides.items()):
        o = dict(o)
        o["sequenceNum"] = seq
        disks.append(o)
    nics = cfg.get("nics")
    if nics is None:
        nics = [{"portGroupUrn": n["portGroupUrn"], "sequenceNum": n["sequenceNum"]} for n in scfg["nics"]]
    osopt = obj(body.get("osOptions"), "osOptions") or src.data["osOptions"]
    from vrmsim.images import resolve_customization
    cust = _customization(resolve_customization(engine, body.get("vmCustomization"), osopt.get(
        "osType", src.data["osOptions"]["osType"]), len(nics)))
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
    vm.data["isLinkClone"] = link
    vm.sim["link_source"] = src.urn if link else None
    for d in vm.data["vmConfig"]["disks"]:
        vol = engine.get(d["volumeUrn"], "volumes")
        # a linked clone's first disk writes only its delta over the source, its other disks start empty
        src_disk = None if link else next((x for x in scfg["disks"] if x["sequenceNum"] == d["sequenceNum"]), None)
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
    if link:
        ttype = "DeployLinkCloneVM"
    elif src.data.get("isTemplate"):
        ttype = "CloneTemplate" if to_template else "DeployVM"
    else:
        ttype = "CreateTemplateFromVM" if to_template else "CloneVM"
    vm.data["status"] = "creating"
    src.data["additionalStatus"] = ["cloning"]
    src.sim["clones"] = src.sim.get("clones", 0) + 1
    engine.touch(src)
    auto = as_bool(body.get("autoBoot"), "autoBoot", True) and not to_template
    task = engine.start_task(ttype, vm.urn, name,
                             done=("vm_cloned", {"boot": auto, "host": host_urn, "src": src.urn,
                                                 "cust": cust or None}),
                             fail=("vm_clone_failed", {"src": src.urn}), user=req.session["user"])
    vm.sim["busy"] = task.urn
    engine.touch(vm)
    return engine.task_ref(task, {"urn": vm.urn, "uri": vm.data["uri"]})


def _clone_ended(engine, src):
    """One clone of ``src`` ended: it stays ``cloning`` while others of it run."""
    source = engine.find(src, "vms")
    if source is not None:
        source.sim["clones"] = max(0, source.sim.get("clones", 1) - 1)
        if not source.sim["clones"]:
            source.data["additionalStatus"] = []
        engine.touch(source)


@handler("vm_cloned")
def _vm_cloned(engine, task, boot, host, src, cust):
    _clone_ended(engine, src)
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
    _clone_ended(engine, src)
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
