"""SAN onboarding: host storage adapters (iSCSI initiators), iSCSI sessions to a storage resource's target
portals, modifying a storage resource, and datastore expansion with further LUNs (FC8DOC ch4 4.2, 4.3, 4.5.9,
4.5.10). Storage resources, units and datastores themselves are in ``storage``."""

import ipaddress
import re

from vrmsim import storage
from vrmsim.common import as_str, lst, obj, site_check
from vrmsim.engine import handler
from vrmsim.errors import VrmError
from vrmsim.routes import route

WWN = re.compile(r"^[A-Za-z0-9.:][A-Za-z0-9.:-]{0,255}$")
MAX_EXPANSIONS = 64          # FC8DOC 10410136: at most 64 expansions of one datastore
MAX_DATASTORE_GB = 65536     # 64 TB, the largest VIMS datastore vrmsim accepts (10410193; docs/vrmsim-fidelity.md)
ADAPTER_TASKS = ("RefreshStorageAdapterTask", "UpdateStorageAdapterTask")


def check_ip(ip):
    """A storage IP (target portal) must be an IPv4 address (FC8DOC 10410037)."""
    try:
        ipaddress.IPv4Address(ip if isinstance(ip, str) else "")
    except ValueError:
        raise VrmError("10410037", "The storage IP %r is not valid." % (ip,))


# -- host storage adapters -----------------------------------------------------------------------

def _host(engine, req):
    urn = "%s:hosts:%s" % (engine.site_urn, req.params["id"])
    host = engine.find(urn, "hosts")
    if host is None:
        raise VrmError("10300027", "The host %s does not exist." % urn)
    return host


def adapter_urn(host):
    return host.urn + ":storageadapters:1"


def initiator(host):
    """The host's software iSCSI initiator name (its adapter's wwn): set by a modify, else derived from its name."""
    return host.sim.get("iscsi_wwn") or "iqn.2012-12.com.huawei:%s" % host.data["name"].lower()


def _adapters(engine, host):
    urn = adapter_urn(host)
    return [{"urn": urn, "uri": engine.uri_of(urn), "name": "iscsi0", "type": "ISCSI", "wwn": initiator(host)}]


def _adapter_task_running(engine, host):
    return any(t.data["entityUrn"] == host.urn and t.data["type"] in ADAPTER_TASKS and t.data["status"] == "running"
               for t in engine.all("tasks"))


@route("GET", "/service/sites/{site}/hosts/{id}/storageadapters")
def list_adapters(engine, req):
    """A host's storage adapters (its software iSCSI initiator, with the IQN as wwn)."""
    site_check(engine, req)
    return {"storageAdapters": _adapters(engine, _host(engine, req))}


@route("POST", "/service/sites/{site}/hosts/{id}/storageadapters/action/refresh")
def refresh_adapters(engine, req):
    """Scan a host's storage adapters (task RefreshStorageAdapterTask)."""
    site_check(engine, req)
    host = _host(engine, req)
    if _adapter_task_running(engine, host):
        raise VrmError("10410073", "A scan or change of the storage adapters of %s is still running." %
                       host.data["name"])
    task = engine.start_task("RefreshStorageAdapterTask", host.urn, host.data["name"], user=req.session["user"])
    return engine.task_ref(task)


@route("POST", "/service/sites/{site}/hosts/{id}/storageadapters/action/modify")
def modify_adapter(engine, req):
    """Set the wwn (iSCSI initiator name) of a host's adapter (task UpdateStorageAdapterTask)."""
    site_check(engine, req)
    host = _host(engine, req)
    body = req.json()
    if body.get("urn") != adapter_urn(host):
        raise VrmError("10410074", "Host %s has no storage adapter %s." % (host.data["name"], body.get("urn")))
    wwn = body.get("wwn")
    if not isinstance(wwn, str) or not WWN.match(wwn):
        raise VrmError("10400002", "wwn must be 1 to 256 letters, digits, '-', '.' or ':', not starting with '-'.")
    if any(h.urn != host.urn and initiator(h) == wwn for h in engine.all("hosts")):
        raise VrmError("10410114", "Another host already uses the initiator name %s." % wwn)
    san = [r.data["name"] for r in engine.all("storageresources")
           if r.data["storageType"] in ("san", "advanceSan") and host.urn in r.sim.get("hosts", [])]
    if san:
        raise VrmError("10410223", "Host %s is connected to the SAN storage resource(s) %s; disconnect it before "
                       "changing its initiator." % (host.data["name"], ", ".join(sorted(san))))
    if _adapter_task_running(engine, host):
        raise VrmError("10410073", "A scan or change of the storage adapters of %s is still running." %
                       host.data["name"])
    task = engine.start_task("UpdateStorageAdapterTask", host.urn, host.data["name"],
                             done=("adapter_wwn", {"wwn": wwn}), user=req.session["user"])
    return engine.task_ref(task)


@handler("adapter_wwn")
def _adapter_wwn(engine, task, wwn):
    host = engine.find(task.data["entityUrn"], "hosts")
    if host is not None:
        host.sim["iscsi_wwn"] = wwn
        engine.touch(host)


# -- iSCSI sessions --------------------------------------------------------------------------------

def _sres_by_id(engine, ident):
    rec = engine.find("%s:storageresources:%s" % (engine.site_urn, ident), "storageresources")
    if rec is None:
        raise VrmError("10410013", "The storage resource %s does not exist." % ident)
    return rec


def sessions(sres, host_urn):
    """The iSCSI sessions a connected host holds: one per target portal, less the ones deleted."""
    if host_urn not in sres.sim.get("hosts", []) or sres.data["storageType"] not in ("san", "advanceSan"):
        return []
    down = sres.sim.get("sessions_down", {}).get(host_urn, [])
    return [{"ip": c["ip"], "port": c.get("port", 3260), "status": "CONNECTED"}
            for c in sres.data.get("dataChannel") or [] if c["ip"] not in down]


@route("GET", "/service/sites/{site}/storageresources/queryiscsisessions", first=True)
def query_sessions(engine, req):
    """iSCSI sessions of a host to a storage resource (storageResourceID, hostUrn, sessionState required)."""
    site_check(engine, req)
    ident, host_urn, state = req.q("storageResourceID"), req.q("hostUrn"), req.q("sessionState")
    if not ident or not host_urn or state not in ("all", "connected", "abnormal"):
        raise VrmError("10400002", "storageResourceID, hostUrn and sessionState (all, connected or abnormal) "
                                   "are required.")
    sres = _sres_by_id(engine, ident)
    if not sres.data.get("dataChannel"):
        raise VrmError("10410044", "The storage resource %s has no storage IP." % sres.data["name"])
    engine.get(host_urn, "hosts")
    out = [s for s in sessions(sres, host_urn) if state == "all" or (state == "connected") == (
        s["status"] == "CONNECTED")]
    return {"total": len(out), "dataChannel": out}


@route("POST", "/service/sites/{site}/storageresources/deleteiscsi")
def delete_session(engine, req):
    """Log a host out of one target portal of a storage resource (task DeleteSession)."""
    site_check(engine, req)
    body = req.json()
    sres = _sres_by_id(engine, body.get("storageResourceID") or "")
    host = engine.find(body.get("hostUrn") or "", "hosts")
    if host is None:
        raise VrmError("10300027", "The host %s does not exist." % body.get("hostUrn"))
    ip = body.get("ip")
    check_ip(ip)
    live = [s["ip"] for s in sessions(sres, host.urn)]
    if ip not in live:
        raise VrmError("10000008", "Host %s has no session to %s." % (host.data["name"], ip))
    used = [str(ds.data.get("name")) for ds in storage.datastores_of(engine, sres)
            if host.urn in ds.sim.get("hosts", [])]
    if live == [ip] and used:
        raise VrmError("10410227", "The session to %s is the last path of host %s to datastore(s) %s." % (
            ip, host.data["name"], ", ".join(sorted(used))))
    task = engine.start_task("DeleteSession", sres.urn, sres.data["name"],
                             done=("session_down", {"host": host.urn, "ip": ip}), user=req.session["user"])
    return engine.task_ref(task)


@handler("session_down")
def _session_down(engine, task, host, ip):
    sres = engine.find(task.data["entityUrn"], "storageresources")
    if sres is not None:
        down = dict(sres.sim.get("sessions_down", {}))
        down[host] = sorted(set(down.get(host, []) + [ip]))
        sres.sim["sessions_down"] = down
        engine.touch(sres)


# -- modify a storage resource ---------------------------------------------------------------------

def _channels(value, stype):
    chans = [obj(c, "dataChannel[]") for c in lst(value, "dataChannel")]
    ips = [c.get("ip") for c in chans]
    for ip in ips:
        check_ip(ip)
    if len(set(ips)) != len(ips):
        raise VrmError("10410066", "A storage IP is listed twice.")
    if not chans and stype in ("san", "NAS"):
        raise VrmError("10400002", "A SAN or NAS storage resource needs at least one storage IP.")
    if stype == "NAS" and len(chans) > 1:
        raise VrmError("10410061", "A NAS storage resource has one storage IP.")
    if len(chans) > 16:
        raise VrmError("10400002", "A SAN storage resource has at most 16 data channels.")
    out = []
    for c in chans:
        port = c.get("port", 2049 if stype == "NAS" else 3260)
        if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
            raise VrmError("10000017", "The port must be a number from 1 to 65535.")
        out.append({"ip": c["ip"], "port": port})
    return out


@route("PUT", "/service/sites/{site}/storageresources/{id}")
def modify_sres(engine, req):
    """Rename a storage resource or change its target portals and CHAP user (task UpdateStorageResourceTask)."""
    site_check(engine, req)
    sres = storage._sres(engine, req)
    body = req.json()
    upd = {}
    if "name" in body:
        upd["name"] = as_str(body["name"], "name", 1, 256, code="10000012")
        if any(r.data["name"] == upd["name"] and r.urn != sres.urn for r in engine.all("storageresources")):
            raise VrmError("10410021", "A storage resource named %s already exists." % upd["name"])
    if "dataChannel" in body:
        upd["dataChannel"] = _channels(body["dataChannel"], sres.data["storageType"])
        if upd["dataChannel"] != sres.data.get("dataChannel"):
            used = sorted(str(d.data.get("name")) for d in storage.datastores_of(engine, sres))
            if used:
                raise VrmError("10410256", "Datastores are on the storage resource %s (%s); its storage IPs cannot "
                               "change." % (sres.data["name"], ", ".join(used)))
    if "chapUserName" in body:
        upd["chapUserName"] = as_str(body["chapUserName"], "chapUserName", 0, 64)
    task = engine.start_task("UpdateStorageResourceTask", sres.urn, sres.data["name"],
                             done=("sres_update", {"upd": upd}), user=req.session["user"])
    return engine.task_ref(task)


@handler("sres_update")
def _sres_update(engine, task, upd):
    sres = engine.find(task.data["entityUrn"], "storageresources")
    if sres is None:
        return
    sres.data.update(upd)
    engine.touch(sres)
    if "dataChannel" in upd and sres.sim.get("hosts"):   # the hosts log in to the new portals and see their LUNs
        storage._sres_connect(engine, task, list(sres.sim["hosts"]))
    for unit in engine.all("storageunits"):
        if unit.data["sdUrn"] == sres.urn and unit.data["sdName"] != sres.data["name"]:
            unit.data["sdName"] = sres.data["name"]
            engine.touch(unit)


# -- datastore expansion ---------------------------------------------------------------------------

def _expandable(engine, ds):
    """Refuse a datastore that cannot grow: not on LUNs, not NORMAL, without hosts, or expanded 64 times."""
    if ds.data["storageType"] != "LUNPOME":
        raise VrmError("10410002", "Datastore %s is of type %s; only datastores on SAN LUNs grow by adding LUNs." % (
            ds.data["name"], ds.data["storageType"]))
    if ds.data["status"] != "NORMAL":
        raise VrmError("10410135", "Datastore %s is %s, not NORMAL." % (ds.data["name"], ds.data["status"]))
    if not ds.sim.get("hosts"):
        raise VrmError("10410133", "Datastore %s has no host to look for LUNs with." % ds.data["name"])
    if len(ds.data.get("storageUnits") or []) > MAX_EXPANSIONS:
        raise VrmError("10410136", "Datastore %s was already expanded %d times." % (ds.data["name"], MAX_EXPANSIONS))


def _unit_entry(engine, unit):
    sres = engine.find(unit.data["sdUrn"], "storageresources")
    return {"urn": unit.urn, "uri": unit.data["uri"], "type": "FCSAN" if sres and sres.data.get("accessMode") == 1
            else "IPSAN", "sdName": unit.data["sdName"], "capacityGB": unit.data["capacityGB"],
            "suName": unit.data["name"], "isUsed": bool(unit.sim.get("datastore")),
            "supportADL": unit.data.get("supportADL", 0)}


@route("GET", "/service/sites/{site}/datastores/{id}/expandList")
def expand_list(engine, req):
    """The unused LUNs every host of a datastore sees, which can expand it."""
    site_check(engine, req)
    ds = storage._ds(engine, req)
    _expandable(engine, ds)
    hosts = ds.sim["hosts"]
    units = [u for u in engine.all("storageunits") if u.data["type"] == "LUN" and not u.sim.get("datastore") and
             all(h in u.sim.get("hosts", []) for h in hosts)]
    if not units:
        raise VrmError("10410132", "No unused LUN is seen by every host of datastore %s." % ds.data["name"])
    return {"total": len(units), "storageUnits": [_unit_entry(engine, u) for u in units]}


@route("POST", "/service/sites/{site}/datastores/{id}/action/expandDatastore")
def expand_datastore(engine, req):
    """Grow a datastore by a further LUN (task ExpandDataStoreTask); a datastore never shrinks."""
    site_check(engine, req)
    ds = storage._ds(engine, req)
    su = req.json().get("storageUnitUrn")
    if not isinstance(su, str) or not su:
        raise VrmError("10400002", "storageUnitUrn is required.")
    unit = engine.find(su, "storageunits")
    if unit is None:
        raise VrmError("10410007", "The storage unit %s does not exist." % su)
    _expandable(engine, ds)
    if unit.data["type"] != "LUN":
        raise VrmError("10410144", "The storage unit %s is a %s, not a LUN; it cannot expand a datastore." % (
            unit.data["name"], unit.data["type"]))
    holder = engine.find(unit.sim.get("datastore") or "", "datastores")
    if holder is not None:
        raise VrmError("10410138", "The storage unit %s already belongs to datastore %s; a LUN belongs to one "
                       "datastore." % (unit.data["name"], holder.data["name"]))
    blind = [engine.get(h).data["name"] for h in ds.sim["hosts"] if h not in unit.sim.get("hosts", [])]
    if len(blind) == len(ds.sim["hosts"]):
        raise VrmError("10410139", "No host of datastore %s sees the storage unit %s; connect them to its storage "
                       "resource." % (ds.data["name"], unit.data["name"]))
    if blind:
        raise VrmError("10410239", "Hosts %s of datastore %s do not see the storage unit %s." % (
            ", ".join(sorted(blind)), ds.data["name"], unit.data["name"]))
    cap = int(ds.data.get("actualCapacityGB", ds.data["capacityGB"])) + int(unit.data["capacityGB"])
    if cap > MAX_DATASTORE_GB:
        raise VrmError("10410193", "Datastore %s would hold %d GB, more than %d GB." % (
            ds.data["name"], cap, MAX_DATASTORE_GB))
    unit.sim["datastore"] = ds.urn       # taken now: a second request for this LUN meets 10410138
    engine.touch(unit)
    task = engine.start_task("ExpandDataStoreTask", ds.urn, ds.data["name"], done=("ds_expand", {"unit": unit.urn}),
                             fail=("ds_expand_failed", {"unit": unit.urn}), user=req.session["user"])
    return engine.task_ref(task)


@handler("ds_expand")
def _ds_expand(engine, task, unit):
    ds = engine.find(task.data["entityUrn"], "datastores")
    su = engine.find(unit, "storageunits")
    if ds is None or su is None:
        return
    cap = int(ds.data.get("actualCapacityGB", ds.data["capacityGB"])) + int(su.data["capacityGB"])
    ds.data.update(capacityGB=cap, actualCapacityGB=cap)
    ds.data["storageUnits"] = list(ds.data.get("storageUnits") or []) + [{
        "urn": su.urn, "suName": su.data["name"], "sdName": su.data["sdName"], "type": su.data["type"]}]
    engine.touch(ds)


@handler("ds_expand_failed")
def _ds_expand_failed(engine, task, unit):
    su = engine.find(unit, "storageunits")
    if su is not None and su.sim.get("datastore") == task.data["entityUrn"]:
        su.sim["datastore"] = None
        engine.touch(su)
