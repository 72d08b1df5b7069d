"""CNA hosts: listing, statistics, adding and removing, maintenance and evacuation, moves, power."""

import ipaddress
import os
import socket

from vrmsim import host_network, placement
from vrmsim.common import as_int, as_str, fuzzy, nonempty_filter, page, site_check
from vrmsim.engine import handler, renderer
from vrmsim.errors import VrmError, not_found
from vrmsim.routes import route

# ---------------------------------------------------------------------------------------------
# Hosts

HOST_DETAIL_ONLY = ("vendor", "model", "hostDNSCfg", "hostRoutetable", "defaultGateway", "hypervisor")


@renderer("hosts")
def render_host(engine, rec, view):
    out = dict(rec.data)
    cluster = engine.find(out.get("clusterUrn") or "", "clusters")
    out["clusterName"] = cluster.data["name"] if cluster else ""
    used_cpu, used_mem = placement.host_usage(engine, rec.urn)
    mhz = int(out.get("cpuMHz", 0))
    total_mhz = int(out.get("cpuQuantity", 0)) * mhz
    out["cpuResource"] = {"totalSizeMHz": total_mhz, "allocatedSizeMHz": used_cpu * mhz}
    out["memResource"] = {"totalSizeMB": int(out.get("memQuantityMB", 0)), "allocatedSizeMB": used_mem,
                          "realtimeUsedSizeMB": int(used_mem * 0.7)}
    out["vmCount"] = placement.host_vm_count(engine, rec.urn)
    cap_cpu, cap_mem = placement.host_capacity(engine, rec)
    out["cpuUsage"] = "%.2f" % (100.0 * used_cpu / cap_cpu if cap_cpu else 0.0)
    out["memUsage"] = "%.2f" % (100.0 * used_mem / cap_mem if cap_mem else 0.0)
    out["computeResourceStatics"] = rec.data["uri"] + "/computeResourceStatics"
    if view == "list":
        for k in HOST_DETAIL_ONLY:
            out.pop(k, None)
    return out


def new_host(engine, name, ip, cluster_urn="", cpu=32, cpu_mhz=2600, mem_mb=262144, bmc_ip="", bmc_user="",
             status="normal", description=""):
    urn = engine.new_urn("hosts")
    cluster = engine.find(cluster_urn, "clusters") if cluster_urn else None
    return engine.add("hosts", urn, {
        "urn": urn, "uri": engine.uri_of(urn), "uuid": engine.new_uuid(), "name": name, "description": description,
        "ip": ip, "bmcIp": bmc_ip, "bmcUserName": bmc_user, "clusterUrn": cluster_urn or "",
        "clusterName": cluster.data["name"] if cluster else "", "status": status, "isMaintaining": False,
        "multiPathMode": "CURRENCY", "hostMultiPathMode": "CURRENCY", "memQuantityMB": mem_mb,
        "cpuQuantity": cpu, "cpuMHz": cpu_mhz, "nicQuantity": 4, "physicalCpuQuantity": 2,
        "attachedISOVMs": [], "ntpIp1": "", "ntpIp2": "", "ntpIp3": "", "ntpCycle": 64,
        "gpuCapacity": 0, "imcSetting": "", "maxImcSetting": "Cascadelake-Server", "haState": "alive",
        "haRole": "slave", "isFailOverHost": False, "hostRealName": name, "arch": "x86", "cpuVendor": "Intel",
        "osVendor": "euler", "version": "8.0.0", "vendor": "Huawei", "model": "2288H V5",
        "hypervisor": "KVM", "hugePagesz": "4K", "hugePages": 0, "normalMemory": mem_mb, "hugePageEffect": True,
        "params": {}}, {"power": "on"})


def _host(engine, req):
    return engine.get("%s:hosts:%s" % (engine.site_urn, req.params["id"]), "hosts")


@route("GET", "/service/sites/{site}/hosts")
def list_hosts(engine, req):
    """List hosts (scope = cluster, DVS, datastore URN or 'default'; name, ip fuzzy; paging)."""
    site_check(engine, req)
    scope = req.q("scope")
    name = nonempty_filter(req, "name")
    ip = nonempty_filter(req, "ip")
    real = req.q("hostRealName", req.q("HostRealName"))
    out = []
    for h in engine.all("hosts"):
        d = h.data
        if scope:
            if scope == "default":
                if d.get("clusterUrn"):
                    continue
            elif ":clusters:" in scope:
                if d.get("clusterUrn") != scope:
                    continue
            elif ":dvswitchs:" in scope:
                if h.urn not in placement.host_dvss(engine, h.urn) and \
                        scope not in placement.host_dvss(engine, h.urn):
                    continue
            elif ":datastores:" in scope:
                if scope not in placement.host_datastores(engine, h.urn):
                    continue
            elif scope != engine.site_urn:
                continue
        if name is not None and not fuzzy(d["name"], name):
            continue
        if ip is not None and ip not in d.get("ip", ""):
            continue
        if real and not fuzzy(d.get("hostRealName", ""), real):
            continue
        out.append(h)
    res = page(out, req, "hosts")
    res["hosts"] = [engine.render(h, "list") for h in res["hosts"]]
    return res


@route("GET", "/service/sites/{site}/hosts/statistics")
def host_statistics(engine, req):
    """Host counts per state."""
    site_check(engine, req)
    scope = req.q("scope")
    counts = {k: 0 for k in ("total", "rebooting", "normal", "fault", "initial", "unknown", "poweroff",
                             "booting", "shutdowning")}
    for h in engine.all("hosts"):
        if scope and ":clusters:" in scope and h.data.get("clusterUrn") != scope:
            continue
        counts["total"] += 1
        st = h.data.get("status")
        st = "unknown" if st == "unknow" else st
        if st in counts:
            counts[st] += 1
    return counts


@route("GET", "/service/sites/{site}/hosts/{id}")
def get_host(engine, req):
    """Get a host."""
    site_check(engine, req)
    return engine.render(_host(engine, req))


@route("GET", "/service/sites/{site}/hosts/{id}/computeResourceStatics")
def host_compute(engine, req):
    """Host capacity."""
    site_check(engine, req)
    h = engine.render(_host(engine, req))
    return {"cpuResource": h["cpuResource"], "memResource": h["memResource"]}


SIMULATED_REACHABLE = ipaddress.ip_network("198.51.100.0/24")    # TEST-NET-2: always answers
SIMULATED_UNREACHABLE = ipaddress.ip_network("203.0.113.0/24")  # TEST-NET-3: never answers


def host_answers(engine, ip):
    """Whether a host answers at its address (the documented choice: TCP port 22)."""
    addr = ipaddress.ip_address(ip)
    if addr in SIMULATED_REACHABLE:
        return True
    if addr in SIMULATED_UNREACHABLE:
        return False
    if not engine.host_probe:
        return True
    netns = getattr(engine, "probe_netns", None)
    if netns:
        return _probe_in_netns(netns, ip)
    try:
        with socket.create_connection((ip, 22), timeout=2.0):
            return True
    except OSError:
        return False


def _probe_in_netns(netns, ip):
    """Probe from inside a network namespace (setns applies to the calling thread only)."""
    import ctypes
    import threading
    result = []

    def probe():
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open("/run/netns/" + netns, os.O_RDONLY)
        try:
            if libc.setns(fd, 0x40000000) != 0:   # CLONE_NEWNET
                result.append(False)
                return
        finally:
            os.close(fd)
        try:
            with socket.create_connection((ip, 22), timeout=2.0):
                result.append(True)
        except OSError:
            result.append(False)
    t = threading.Thread(target=probe)
    t.start()
    t.join()
    return bool(result and result[0])


@route("POST", "/service/sites/{site}/hosts")
def add_host(engine, req):
    """Add a CNA host (task AddHost + urn/uri); vrmsim checks the host answers on TCP 22."""
    site_check(engine, req)
    body = req.json()
    ip = as_str(body.get("ip"), "ip", 1, 64, required=True, code="10200106")
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        raise VrmError("10200107", "The host IP address %s is not valid." % ip)
    name = as_str(body.get("name"), "name", 0, 256, default="") or ("CNA-" + ip.replace(".", "-").replace(":", "-"))
    cluster_urn = body.get("clusterUrn") or ""
    if cluster_urn and cluster_urn != engine.site_urn:
        engine.get(cluster_urn, "clusters")
    else:
        cluster_urn = ""
    bmc_user = as_str(body.get("bmcUserName"), "bmcUserName", 0, 64, default="", code="10200113")
    if any(c in bmc_user for c in "&|;"):
        raise VrmError("10200113", "bmcUserName must not contain &, | or ;.")
    for h in engine.all("hosts"):
        if h.data["ip"] == ip:
            raise VrmError("10200108", "A host with IP address %s already exists." % ip)
        if h.data["name"] == name:
            raise VrmError("10200104", "A host named %s already exists." % name)
    as_int(body.get("isConfDefNtpTimeZone"), "isConfDefNtpTimeZone", 0, 1)
    reachable = host_answers(engine, ip)
    rec = new_host(engine, name, ip, cluster_urn, bmc_ip=as_str(body.get("bmcIp"), "bmcIp", 0, 64, default=""),
                   bmc_user=bmc_user, status="initial", description=as_str(body.get("description"), "description",
                                                                            0, 1024, default=""))
    rec.sim["reachable"] = reachable
    rec.sim["bmc_password_set"] = bool(body.get("bmcPassword"))
    task = engine.start_task("AddHost", rec.urn, name, done=("host_added", {}), fail=("host_add_failed", {}),
                             user=req.session["user"])
    return engine.task_ref(task, {"urn": rec.urn, "uri": rec.data["uri"]})


@handler("host_added")
def _host_added(engine, task):
    rec = engine.find(task.data["entityUrn"], "hosts")
    if rec is None:
        return
    if not rec.sim.get("reachable", True):
        raise VrmError("10800104", "The host %s does not answer at its address; the message could not be "
                                   "sent to the host." % rec.data["ip"])
    rec.data["status"] = "normal"
    engine.touch(rec)
    # a CNA reports its physical NICs as uplink ports once it is managed
    from vrmsim import network
    hid = int(rec.urn.rsplit(":", 1)[1])
    for i in range(4):
        network.new_uplinkport(engine, rec.urn, "eth%d" % i, "f4:4c:7f:%02x:%02x:%02x" % (hid & 0xFF, i, 0x10 + i))
    host_network.add_management_plane(engine, rec)


@handler("host_add_failed")
def _host_add_failed(engine, task):
    engine.remove(task.data["entityUrn"])


@route("PUT", "/service/sites/{site}/hosts/{id}")
def modify_host(engine, req):
    """Modify host name, description, BMC, NTP (task ModifyHost)."""
    site_check(engine, req)
    rec = _host(engine, req)
    body = req.json()
    upd = {}
    if "name" in body:
        upd["name"] = as_str(body["name"], "name", 1, 256)
        for h in engine.all("hosts"):
            if h.data["name"] == upd["name"] and h.urn != rec.urn:
                raise VrmError("10200104", "A host named %s already exists." % upd["name"])
    for f, hi in (("description", 1024), ("bmcIp", 64), ("bmcUserName", 64), ("ntpIp1", 128), ("ntpIp2", 128),
                  ("ntpIp3", 128), ("hostRealName", 256)):
        if f in body:
            upd[f] = as_str(body[f], f, 0, hi)
    if "multiPathMode" in body:
        if body["multiPathMode"] not in ("HW", "CURRENCY"):
            raise VrmError("10000001", "multiPathMode must be HW or CURRENCY.")
        upd["multiPathMode"] = body["multiPathMode"]
    if "ntpCycle" in body:
        upd["ntpCycle"] = as_int(body["ntpCycle"], "ntpCycle", 16, 4096)
    task = engine.start_task("ModifyHost", rec.urn, rec.data["name"], done=("apply_fields", {"fields": upd}),
                             user=req.session["user"])
    return engine.task_ref(task)


@handler("apply_fields")
def _apply_fields(engine, task, fields, urn=None):
    rec = engine.find(urn or task.data["entityUrn"])
    if rec is None:
        return
    rec.data.update(fields)
    engine.touch(rec)


@route("DELETE", "/service/sites/{site}/hosts/{id}")
def delete_host(engine, req):
    """Remove a host (task DeleteHost); refused while VMs are on it unless isForce=1."""
    site_check(engine, req)
    rec = _host(engine, req)
    force = req.q("isForce", "0") == "1"
    on_host = [vm for vm in engine.all("vms") if vm.sim.get("host") == rec.urn and
               vm.data.get("status") in placement.ACTIVE]
    if on_host and not force:
        raise VrmError("10000009", "The host still runs %d VM(s); move them or use isForce=1." % len(on_host))
    for dvs in engine.all("dvswitchs"):
        if any(hp.get("hostUrn") == rec.urn for hp in dvs.data.get("hostPortSet", [])) and not force:
            raise VrmError("10000009", "The host still has uplinks on the DVS %s; remove them first."
                           % dvs.data["name"])
    task = engine.start_task("DeleteHost", rec.urn, rec.data["name"], done=("host_removed", {}),
                             user=req.session["user"])
    return engine.task_ref(task)


@handler("host_removed")
def _host_removed(engine, task):
    urn = task.data["entityUrn"]
    for vm in engine.all("vms"):
        if vm.sim.get("host") == urn:
            vm.sim["host"] = None
            vm.data.update(status="stopped", hostUrn="", hostName="")
            engine.touch(vm)
    for ds in engine.all("datastores"):
        if urn in ds.sim.get("hosts", []):
            ds.sim["hosts"] = [h for h in ds.sim["hosts"] if h != urn]
            engine.touch(ds)
    for dvs in engine.all("dvswitchs"):
        hps = [hp for hp in dvs.data.get("hostPortSet", []) if hp.get("hostUrn") != urn]
        if len(hps) != len(dvs.data.get("hostPortSet", [])):
            dvs.data["hostPortSet"] = hps
            engine.touch(dvs)
    host_network.cleanup_host(engine, urn)
    for rec in list(engine.all("uplinkports")):
        if rec.sim.get("host") == urn:
            engine.remove(rec.urn)
    engine.remove(urn)


@route("POST", "/service/sites/{site}/hosts/{id}/action/enterMaintenanceMode")
def enter_maintenance(engine, req):
    """Enter maintenance mode (200, no body; 10200304 when already in it)."""
    site_check(engine, req)
    rec = _host(engine, req)
    if rec.data.get("isMaintaining"):
        raise VrmError("10200304", "The host is already in maintenance mode.")
    rec.data["isMaintaining"] = True
    engine.touch(rec)
    return None


@route("POST", "/service/sites/{site}/hosts/{id}/action/exitMaintenanceMode")
def exit_maintenance(engine, req):
    """Exit maintenance mode (200, no body; 10200305 when not in it)."""
    site_check(engine, req)
    rec = _host(engine, req)
    if not rec.data.get("isMaintaining"):
        raise VrmError("10200305", "The host is not in maintenance mode.")
    rec.data["isMaintaining"] = False
    engine.touch(rec)
    return None


@route("POST", "/service/sites/{site}/hosts/{id}/action/MigrateAllVms")
def migrate_all(engine, req):
    """Move every VM off a host in maintenance mode (task ClearHost; 10200308 otherwise)."""
    site_check(engine, req)
    rec = _host(engine, req)
    if not rec.data.get("isMaintaining"):
        raise VrmError("10200308", "The host must be in maintenance mode before its VMs can be migrated.")
    task = engine.start_task("ClearHost", rec.urn, rec.data["name"], done=("clear_host", {}),
                             user=req.session["user"])
    return engine.task_ref(task)


@handler("clear_host")
def _clear_host(engine, task):
    host_urn = task.data["entityUrn"]
    host = engine.find(host_urn, "hosts")
    if host is None:
        return
    stuck = []
    for vm in engine.all("vms"):
        if vm.sim.get("host") != host_urn:
            continue
        if vm.data.get("status") in placement.ACTIVE:
            if vm.data.get("isBindingHost"):
                stuck.append(vm.data["name"])
                continue
            hosts, _reason = placement.rank(engine, vm, host.data.get("clusterUrn") or None,
                                            exclude_hosts=(host_urn,))
            if not hosts:
                stuck.append(vm.data["name"])
                continue
            move_vm(engine, vm, hosts[0])
        else:
            # A stopped VM only remembers its last host; forget it so it starts elsewhere.
            vm.sim["host"] = None
            vm.data.update(hostUrn="", hostName="")
            engine.touch(vm)
    if stuck:
        raise VrmError(placement.NO_MEM, "These VMs cannot leave the host (no other host can take them or "
                                         "they are bound to it): %s." % ", ".join(sorted(stuck)))


def move_vm(engine, vm, host):
    vm.sim["host"] = host.urn
    vm.data["hostUrn"] = host.urn
    vm.data["hostName"] = host.data["name"]
    engine.touch(vm)


@route("POST", "/service/sites/{site}/hosts/{id}/action/move")
def move_host(engine, req):
    """Move a host to another cluster (or to the site when clusterUrn is absent); 200, no body."""
    site_check(engine, req)
    rec = _host(engine, req)
    target = req.json().get("clusterUrn") or ""
    target = engine.get(target, "clusters").urn if target and target != engine.site_urn else ""
    if target == (rec.data.get("clusterUrn") or ""):        # FC8DOC codes: 10300065, 10200157
        raise VrmError("10300065", "The host is already in %s." % (target or "the site"))
    if any(vm.sim.get("host") == rec.urn and vm.data.get("status") in placement.ACTIVE for vm in engine.all("vms")):
        raise VrmError("10200157", "A host with running VMs cannot change cluster; migrate or stop them first.")
    rec.data["clusterUrn"] = target
    engine.touch(rec)
    for vm in engine.all("vms"):
        if vm.sim.get("host") == rec.urn:
            vm.sim["host"] = None
            vm.data.update(hostUrn="", hostName="")
            engine.touch(vm)
    return None


def _power(engine, req, task_type, target):
    site_check(engine, req)
    rec = _host(engine, req)
    body = req.json()
    mode = body.get("mode", "safe")
    if mode not in ("safe", "force"):
        raise VrmError("10200150", "mode must be safe or force.")
    if task_type == "SetHostPowerOn":       # FC8DOC codes: 10200125 (state), 10200158 (no BMC address)
        if rec.data["status"] == "normal":
            raise VrmError("10200125", "The host is already powered on.")
        if not rec.data.get("bmcIp"):
            raise VrmError("10200158", "The host has no BMC address; it cannot be powered on remotely.")
    else:                                   # 10200155 / 10200156 (off already), 10200157 (runs VMs)
        if rec.data["status"] == "poweroff":
            raise VrmError("10200155" if task_type == "SetHostPowerOff" else "10200156", "The host is powered off.")
        running = [vm for vm in engine.all("vms") if vm.sim.get("host") == rec.urn and
                   vm.data.get("status") in placement.ACTIVE]
        if running and mode == "safe":
            raise VrmError("10200157", "The host still runs VMs; migrate them or use mode force.")
    transient = {"SetHostPowerOn": "booting", "SetHostPowerOff": "shutdowning", "SetHostReboot": "rebooting"}
    prev = rec.data["status"]
    rec.data["status"] = transient[task_type]
    engine.touch(rec)
    task = engine.start_task(task_type, rec.urn, rec.data["name"], done=("host_power", {"status": target}),
                             fail=("host_power", {"status": prev}), user=req.session["user"])
    return engine.task_ref(task)


@handler("host_power")
def _host_power(engine, task, status):
    rec = engine.find(task.data["entityUrn"], "hosts")
    if rec is None:
        return
    rec.data["status"] = status
    rec.sim["power"] = "off" if status == "poweroff" else "on"
    if status == "poweroff":
        for vm in engine.all("vms"):
            if vm.sim.get("host") == rec.urn and vm.data.get("status") in placement.ACTIVE:
                vm.data["status"] = "stopped"
                engine.touch(vm)
    engine.touch(rec)


@route("POST", "/service/sites/{site}/hosts/{id}/action/poweron")
def host_poweron(engine, req):
    """Power a host on through its BMC (task SetHostPowerOn)."""
    return _power(engine, req, "SetHostPowerOn", "normal")


@route("POST", "/service/sites/{site}/hosts/{id}/action/poweroff")
def host_poweroff(engine, req):
    """Power a host off (task SetHostPowerOff; mode safe|force)."""
    return _power(engine, req, "SetHostPowerOff", "poweroff")


@route("POST", "/service/sites/{site}/hosts/{id}/action/reboot")
def host_reboot(engine, req):
    """Reboot a host (task SetHostReboot)."""
    return _power(engine, req, "SetHostReboot", "normal")


def not_found_host(urn):
    return not_found("hosts", urn)
