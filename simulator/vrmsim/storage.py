"""Datastores, storage resources, storage units, and the volume records and thin/thick accounting (the volume
routes are in ``volumes``)."""

import math

from vrmsim.engine import renderer

GB = 1024  # MB per GB


def volume_footprint_mb(vol):
    """Space a volume takes on its datastore: thick = full size, thin = what was written."""
    size_mb = int(vol.data.get("quantityGB", 0)) * GB
    if not vol.data.get("isThin"):
        return size_mb
    return min(size_mb, int(vol.sim.get("written_mb", 0)))


def datastore_usage(engine, ds_urn):
    """``(used_mb, provisioned_mb)`` of a datastore: real footprint and allocated sizes, incl. snapshot deltas."""
    used = prov = 0
    for vol in engine.all("volumes"):
        if vol.data.get("datastoreUrn") != ds_urn:
            continue
        used += volume_footprint_mb(vol) + int(vol.sim.get("snapshot_delta_mb", 0))
        prov += int(vol.data.get("quantityGB", 0)) * GB + int(vol.sim.get("snapshot_delta_mb", 0))
    for snap in engine.all("snapshots"):
        if snap.sim.get("memory_datastore") == ds_urn:
            used += int(snap.sim.get("memory_mb", 0))
            prov += int(snap.sim.get("memory_mb", 0))
    return used, prov


@renderer("datastores")
def render_datastore(engine, rec, view):
    out = dict(rec.data)
    used_mb, prov_mb = datastore_usage(engine, rec.urn)
    cap = int(out.get("actualCapacityGB", out.get("capacityGB", 0)))
    used_gb = int(math.ceil(used_mb / float(GB)))
    prov_gb = int(math.ceil(prov_mb / float(GB)))
    out["capacityGB"] = cap
    out["usedSizeGB"] = prov_gb
    out["freeSizeGB"] = max(0, cap - used_gb)
    out["actualCapacityGB"] = cap
    out["actualFreeSizeGB"] = max(0, cap - used_gb)
    out["hosts"] = list(rec.sim.get("hosts", []))      # host URNs (FC8DOC ch4; docs/vrmsim-fidelity.md)
    return out


def new_datastore(engine, name, capacity_gb, storage_type="LUNPOME", hosts=(), thin=True, su_urn=None,
                  description=""):
    urn = engine.new_urn("datastores")
    rec = engine.add("datastores", urn, {
        "urn": urn, "uri": engine.uri_of(urn), "name": name, "description": description,
        "storageType": storage_type, "status": "NORMAL", "capacityGB": capacity_gb,
        "actualCapacityGB": capacity_gb, "isThin": thin, "thinRate": 100, "clusterSize": 1024,
        "refreshTime": "", "suUrn": su_urn or "", "suName": "", "storageUnits": [], "version": "V6",
        "dsLockType": 1, "params": {}}, {"hosts": list(hosts)})
    return rec


def new_volume(engine, name, size_gb, ds_urn, thin=True, vtype="normal", written_mb=None, vol_type=0,
               pci_type="VIRTIO"):
    urn = engine.new_urn("volumes")
    ds = engine.get(ds_urn, "datastores")
    vid = int(urn.rsplit(":", 1)[1])
    rec = engine.add("volumes", urn, {
        "urn": urn, "uri": engine.uri_of(urn), "uuid": engine.new_uuid(), "name": name, "quantityGB": size_gb,
        "status": "USE", "storageType": ds.data.get("storageType"), "isThin": thin, "type": vtype,
        "datastoreUrn": ds_urn, "datastoreName": ds.data["name"], "indepDisk": False, "persistentDisk": True,
        "volNameOnDev": "FC-%s-%08d-%s" % (engine.site_id, vid, engine.new_uuid()[:8].upper()),
        "isDiffVol": False, "volType": 0 if thin else vol_type, "maxReadBytes": 0, "maxWriteBytes": 0,
        "maxReadRequest": 0, "maxWriteRequest": 0, "totalRWBytes": 0, "totalRWRequest": 0,
        "pciType": pci_type, "occupiedVolume": "", "srcVolumeUrn": "null", "volumeUseType": 0, "ioWeight": 0,
        "siocFlag": 0, "volumeUrl": "", "pvscsiSupport": 0, "customProperties": {}, "encrypted": "0",
        "storageProtocol": "0", "volumeFormat": "raw", "params": {}},
        {"written_mb": (size_gb * GB if not thin else (written_mb or 0)), "vm": None, "snapshot_delta_mb": 0})
    return rec


# =============================================================================================
# Routes

from vrmsim.common import (  # noqa: E402
    as_int, as_str, fuzzy, lst, nonempty_filter, obj, page, site_check)
from vrmsim.engine import handler  # noqa: E402
from vrmsim.errors import VrmError  # noqa: E402
from vrmsim.routes import route  # noqa: E402

# NFS exports vrmsim's simulated storage network offers, per server address (docs/vrmsim-fidelity.md).
NAS_EXPORTS = {"198.51.100.210": [("/export/images", 2048), ("/export/iso", 512), ("/export/vms", 4096)],
               "198.51.100.211": [("/export/backup", 8192)]}
DEFAULT_NAS_CAPACITY = 1024
# LUNs vrmsim's simulated IP-SAN arrays map to the hosts, per target portal (data channel) address; a SAN
# resource whose portals are not listed offers one 2048 GB LUN named after it (docs/vrmsim-fidelity.md).
SAN_LUNS = {"198.51.100.220": [("LUN-ipsan-01", 1024), ("LUN-ipsan-02", 1024), ("LUN-ipsan-03", 512)],
            "198.51.100.221": [("LUN-ipsan-01", 1024), ("LUN-ipsan-02", 1024), ("LUN-ipsan-03", 512)]}


def _ds(engine, req):
    urn = "%s:datastores:%s" % (engine.site_urn, req.params["id"])
    rec = engine.find(urn, "datastores")
    if rec is None:
        raise VrmError("10410006", "The datastore %s does not exist." % urn)
    return rec


def _vol(engine, req):
    urn = "%s:volumes:%s" % (engine.site_urn, req.params["id"])
    rec = engine.find(urn, "volumes")
    if rec is None:
        raise VrmError("10420004", "The volume %s does not exist." % urn)
    return rec


def check_space(engine, ds, extra_mb):
    used, _prov = datastore_usage(engine, ds.urn)
    cap = int(ds.data.get("actualCapacityGB", ds.data.get("capacityGB", 0))) * GB
    if used + extra_mb > cap:
        raise VrmError("10420037", "The datastore %s has not enough free space (%d MB free, %d MB needed)." % (
            ds.data["name"], max(0, cap - used), extra_mb))


# -- storage resources and units -----------------------------------------------------------------

def _units_for(engine, sres):
    """Storage units a resource offers: NAS exports from the simulated export table (built in, plus
    exports registered through ``POST /_sim/nas_exports``, plus the vrmsim-only ``sharePath`` of the
    request); SAN resources offer one LUN."""
    out = []
    if sres.data["storageType"] == "NAS":
        ip = (sres.data.get("dataChannel") or [{}])[0].get("ip", "")
        exports = list(NAS_EXPORTS.get(ip, []))
        for extra in engine.store.meta.get("nas_exports", {}).get(ip, []):
            if extra[0] not in [p for p, _c in exports]:
                exports.append(tuple(extra))
        extra = sres.sim.get("share_path")
        if extra and extra not in [p for p, _c in exports]:
            exports.append((extra, DEFAULT_NAS_CAPACITY))
        for path, cap in exports:
            out.append(("%s:%s" % (ip, path), cap, "NAS"))
    else:
        for chan in sres.data.get("dataChannel") or []:
            for name, cap in SAN_LUNS.get(chan.get("ip"), []):
                if name not in [n for n, _c, _t in out]:
                    out.append((name, cap, "LUN"))
        if not out:
            out.append(("LUN-%s-01" % sres.data["name"], 2048, "LUN"))
    return out


@renderer("storageresources")
def render_sres(engine, rec, view):
    out = dict(rec.data)
    if view == "detail":
        out["hostUrns"] = [{"urn": h, "uri": engine.uri_of(h), "name": engine.get(h).data["name"]}
                           for h in rec.sim.get("hosts", []) if engine.find(h)]
    return out


@route("POST", "/service/sites/{site}/storageresources")
def add_sres(engine, req):
    """Add a storage resource (task AddStorageResourceTask + urn/uri)."""
    site_check(engine, req)
    body = req.json()
    name = as_str(body.get("name"), "name", 1, 256, required=True)
    if any(r.data["name"] == name for r in engine.all("storageresources")):
        raise VrmError("10410021", "A storage resource named %s already exists." % name)
    stype = body.get("storageType")
    if stype not in ("san", "advanceSan", "DSWARE", "NAS"):
        raise VrmError("10000001", "storageType must be san, advanceSan, DSWARE or NAS.")
    if body.get("vender") not in ("HW", "OTHER"):
        raise VrmError("10000001", "vender must be HW or OTHER.")
    if body.get("deviceType") not in ("3900", "V3", "DSWARE", "OTHER"):
        raise VrmError("10000001", "deviceType must be 3900, V3, DSWARE or OTHER.")
    chans = lst(body.get("dataChannel"), "dataChannel")
    if stype in ("san", "NAS") and not chans:
        raise VrmError("10000001", "dataChannel is required for SAN and NAS storage.")
    if stype == "NAS" and len(chans) > 1:
        raise VrmError("10000001", "A NAS storage resource has one data channel.")
    hosts = body.get("hostUrn") or []
    hosts = [hosts] if isinstance(hosts, str) else lst(hosts, "hostUrn")
    for h in hosts:
        engine.get(h, "hosts")
    urn = engine.new_urn("storageresources")
    rec = engine.add("storageresources", urn, {
        "name": name, "storageType": stype, "managementIp": body.get("managementIp", ""),
        "managementPort": body.get("managementPort", 5988 if stype == "advanceSan" else 0),
        "dataChannel": [{"ip": obj(c, "dataChannel[]").get("ip", ""), "port": c.get("port", 2049 if stype == "NAS"
                                                                                 else 3260)} for c in chans],
        "username": body.get("username", ""), "vender": body["vender"], "deviceType": body["deviceType"],
        "iSCSITargetIQN": body.get("iSCSITargetIQN", body.get("iSCSITargetIQ", "")),
        "chapUserName": body.get("chapUserName", ""), "digest": body.get("digest", 0),
        "accessMode": body.get("accessMode", 0)}, {"hosts": [], "share_path": body.get("sharePath")})
    task = engine.start_task("AddStorageResourceTask", urn, name, done=("sres_connect", {"hosts": hosts}),
                             fail=("drop", {"urn": urn}), user=req.session["user"])
    return engine.task_ref(task, {"urn": urn, "uri": rec.data["uri"]})


@handler("drop")
def _drop(engine, task, urn):
    engine.remove(urn)


@handler("sres_connect")
def _sres_connect(engine, task, hosts):
    sres = engine.find(task.data["entityUrn"], "storageresources")
    if sres is None:
        return
    for h in hosts:
        if h not in sres.sim["hosts"]:
            sres.sim["hosts"].append(h)
        sres.sim.get("sessions_down", {}).pop(h, None)   # connecting logs in to every portal again
    engine.touch(sres)
    existing = {u.data["name"]: u for u in engine.all("storageunits") if u.data["sdUrn"] == sres.urn}
    for name, cap, utype in _units_for(engine, sres):
        unit = existing.get(name)
        if unit is None:
            unit = engine.add("storageunits", engine.new_urn("storageunits"), {
                "sdUrn": sres.urn, "sdName": sres.data["name"], "name": name, "type": utype, "capacityGB": cap,
                "status": "NORMAL", "refreshTime": "", "isThin": utype == "NAS", "wwn": "", "subType": 0,
                "supportADL": 2}, {"hosts": []})
        for h in hosts:
            if h not in unit.sim["hosts"]:
                unit.sim["hosts"].append(h)
        engine.touch(unit)


@handler("sres_disconnect")
def _sres_disconnect(engine, task, host):
    sres = engine.find(task.data["entityUrn"], "storageresources")
    if sres is None:
        return
    sres.sim["hosts"] = [h for h in sres.sim["hosts"] if h != host]
    engine.touch(sres)
    for unit in engine.all("storageunits"):
        if unit.data["sdUrn"] == sres.urn and host in unit.sim["hosts"]:
            unit.sim["hosts"].remove(host)
            engine.touch(unit)


def _sres(engine, req):
    urn = "%s:storageresources:%s" % (engine.site_urn, req.params["id"])
    rec = engine.find(urn, "storageresources")
    if rec is None:
        raise VrmError("10410013", "The storage resource %s does not exist." % urn)
    return rec


@route("GET", "/service/sites/{site}/storageresources")
def list_sres(engine, req):
    """List storage resources (limit and offset required; hostUrn + used, storageType)."""
    site_check(engine, req)
    host = req.q("hostUrn")
    used = req.qbool("used")
    stype = req.q("storageType")
    out = []
    for r in engine.all("storageresources"):
        if stype and r.data["storageType"] != stype:
            continue
        if host and used is not None and (host in r.sim["hosts"]) != used:
            continue
        out.append(r)
    res = page(out, req, "storageResources", required=True)
    res["storageResources"] = [engine.render(r, "list") for r in res["storageResources"]]
    return res


@route("GET", "/service/sites/{site}/storageresources/{id}")
def get_sres(engine, req):
    """Get a storage resource with its connected hosts."""
    site_check(engine, req)
    return engine.render(_sres(engine, req))


@route("DELETE", "/service/sites/{site}/storageresources/{id}")
def delete_sres(engine, req):
    """Delete a storage resource (task); refused while datastores use its units."""
    site_check(engine, req)
    sres = _sres(engine, req)
    for unit in engine.all("storageunits"):
        if unit.data["sdUrn"] == sres.urn and unit.sim.get("datastore") and engine.find(unit.sim["datastore"]):
            raise VrmError("10410014", "Datastores still use the storage resource %s." % sres.data["name"])
    for unit in list(engine.all("storageunits")):
        if unit.data["sdUrn"] == sres.urn:
            engine.remove(unit.urn)
    task = engine.start_task("DisconnectStorageResource", sres.urn, sres.data["name"],
                             done=("drop", {"urn": sres.urn}), user=req.session["user"])
    return engine.task_ref(task, {"urn": sres.urn, "uri": sres.data["uri"]})


@route("POST", "/service/sites/{site}/storageresources/{id}/action/connect")
def connect_sres(engine, req):
    """Connect a host to a storage resource (task ConnectStorageResource)."""
    site_check(engine, req)
    sres = _sres(engine, req)
    host = engine.get(req.json().get("hostUrn") or "", "hosts")
    task = engine.start_task("ConnectStorageResource", sres.urn, sres.data["name"],
                             done=("sres_connect", {"hosts": [host.urn]}), user=req.session["user"])
    return engine.task_ref(task)


@route("POST", "/service/sites/{site}/storageresources/{id}/action/disconnect")
def disconnect_sres(engine, req):
    """Disconnect a host from a storage resource (task DisconnectStorageResource)."""
    site_check(engine, req)
    sres = _sres(engine, req)
    host = engine.get(req.json().get("hostUrn") or "", "hosts")
    if host.urn not in sres.sim["hosts"]:
        raise VrmError("10410177", "Host %s is not connected to the storage resource %s." % (
            host.data["name"], sres.data["name"]))
    used = sorted(str(ds.data.get("name")) for ds in datastores_of(engine, sres)
                  if host.urn in ds.sim.get("hosts", []))
    if used:
        raise VrmError("10410014", "Host %s uses datastores of the storage resource %s: %s." % (
            host.data["name"], sres.data["name"], ", ".join(used)))
    task = engine.start_task("DisconnectStorageResource", sres.urn, sres.data["name"],
                             done=("sres_disconnect", {"host": host.urn}), user=req.session["user"])
    return engine.task_ref(task)


def datastores_of(engine, sres):
    """The datastores on the storage units (LUNs or exports) of a storage resource."""
    out = []
    for unit in engine.all("storageunits"):
        ds = engine.find(unit.sim.get("datastore") or "", "datastores") if unit.data["sdUrn"] == sres.urn else None
        if ds is not None and ds not in out:
            out.append(ds)
    return out


DEVICE_TYPES = {"1": ("LOCAL",), "2": ("LUN",), "3": ("LUN",), "4": ("DSWAREPOOL",), "5": ("NAS",),
                "8": ("LUN",), "9": ("LUN",)}


def _unit_view(engine, unit, with_hosts=False):
    out = dict(unit.data)
    out["urn"] = unit.urn
    out["uri"] = unit.data["uri"]
    if with_hosts:
        out["hostNum"] = len(unit.sim.get("hosts", []))
        out["hostList"] = []
        for h in unit.sim.get("hosts", []):
            host = engine.find(h, "hosts")
            if host is not None:
                out["hostList"].append({"urn": h, "hostName": host.data["name"], "clusterUrn": host.data["clusterUrn"],
                                        "hostIp": host.data["ip"], "status": "normal",
                                        "hasDsOn": bool(unit.sim.get("datastore")),
                                        "isMaintaining": host.data["isMaintaining"]})
    return out


def _unit_match(unit, use_state, device_type):
    if use_state == "unused" and unit.sim.get("datastore"):
        return False
    if device_type not in (None, "", "0") and unit.data["type"] not in DEVICE_TYPES.get(device_type, ()):
        return False
    return True


@route("GET", "/service/sites/{site}/storageunits")
def list_units(engine, req):
    """Storage units a host sees (hostUrn, useState and deviceType required)."""
    site_check(engine, req)
    host = req.q("hostUrn")
    use = req.q("useState")
    dev = req.q("deviceType")
    if not host or not use or dev is None:
        raise VrmError("10000001", "hostUrn, useState and deviceType are required.")
    if use not in ("unused", "all"):
        raise VrmError("10000001", "useState must be unused or all.")
    engine.get(host, "hosts")
    units = [_unit_view(engine, u) for u in engine.all("storageunits")
             if host in u.sim.get("hosts", []) and _unit_match(u, use, dev)]
    return {"storageUnits": units}


@route("GET", "/service/sites/{site}/storageunits/querybypage")
def query_units(engine, req):
    """Storage units by page (scope cluster, host or storage resource URN; deviceType required)."""
    site_check(engine, req)
    dev = req.q("deviceType")
    if dev is None:
        raise VrmError("10000001", "deviceType is required.")
    scope = req.q("scope")
    use = req.q("useState", "all")
    name = req.q("name")
    out = []
    for u in engine.all("storageunits"):
        if not _unit_match(u, use, dev):
            continue
        if name and not fuzzy(u.data["name"], name):
            continue
        if scope:
            if ":hosts:" in scope and scope not in u.sim.get("hosts", []):
                continue
            if ":storageresources:" in scope and u.data["sdUrn"] != scope:
                continue
            if ":clusters:" in scope and not any(
                    engine.find(h) and engine.find(h).data.get("clusterUrn") == scope for h in u.sim.get("hosts", [])):
                continue
        out.append(u)
    res = page(out, req, "storageUnits")
    res["storageUnits"] = [_unit_view(engine, u, True) for u in res["storageUnits"]]
    return res


@route("POST", "/service/sites/{site}/storageunits/action/refresh")
def refresh_units(engine, req):
    """Rescan the storage units of a host (task RefreshStorageUnitTask)."""
    site_check(engine, req)
    host = engine.get(req.json().get("hostUrn") or "", "hosts")
    task = engine.start_task("RefreshStorageUnitTask", host.urn, host.data["name"],
                             done=("units_rescan", {"host": host.urn}), user=req.session["user"])
    return engine.task_ref(task)


@handler("units_rescan")
def _units_rescan(engine, task, host):
    """A rescan discovers the units the host's connected storage resources offer now."""
    for sres in engine.all("storageresources"):
        if host in sres.sim.get("hosts", []):
            _sres_connect(engine, type("T", (), {"data": {"entityUrn": sres.urn}})(), [host])


# -- datastores ---------------------------------------------------------------------------------

STORAGE_TYPE_OF_UNIT = {"NAS": "NAS", "LUN": "LUNPOME", "LOCAL": "LOCALPOME", "DSWAREPOOL": "DSWARE"}


@route("GET", "/service/sites/{site}/datastores")
def list_datastores(engine, req):
    """List datastores (scope cluster, host or storage unit URN; status; name fuzzy; paging)."""
    site_check(engine, req)
    scope = req.q("scope")
    status = req.q("status")
    name = nonempty_filter(req, "name")
    out = []
    for ds in engine.all("datastores"):
        hosts = ds.sim.get("hosts", [])
        if scope:
            if ":hosts:" in scope and scope not in hosts:
                continue
            if ":clusters:" in scope and not any(engine.find(h) and engine.find(h).data.get("clusterUrn") == scope
                                                 for h in hosts):
                continue
            if ":storageunits:" in scope and ds.data.get("suUrn") != scope:
                continue
        if status and ds.data["status"] != status:
            continue
        if name is not None and not fuzzy(ds.data["name"], name):
            continue
        out.append(ds)
    res = page(out, req, "datastores")
    res["datastores"] = [engine.render(d, "list") for d in res["datastores"]]
    return res


@route("GET", "/service/sites/{site}/datastores/{id}")
def get_datastore(engine, req):
    """Get a datastore with capacity, used and provisioned space."""
    site_check(engine, req)
    return engine.render(_ds(engine, req))


@route("POST", "/service/sites/{site}/datastores")
def create_datastore(engine, req):
    """Create a datastore from a storage unit, or associate one with another host (task + urn/uri)."""
    site_check(engine, req)
    body = req.json()
    unit = engine.get(body.get("storageUnitUrn") or "", "storageunits")
    host = engine.get(body["hostUrn"], "hosts") if body.get("hostUrn") else None
    if host is not None and host.urn not in unit.sim.get("hosts", []):
        raise VrmError("10410081", "Host %s does not see the storage unit %s; connect it to the storage first." % (
            host.data["name"], unit.data["name"]))
    use_type = as_int(body.get("useType"), "useType", 0, 2)
    if use_type is None:
        raise VrmError("10000001", "useType is required.")
    if unit.data["type"] == "NAS" and use_type != 1:
        raise VrmError("10410059", "A NAS storage unit only supports useType 1 (virtualised).")
    existing = engine.find(unit.sim.get("datastore") or "", "datastores")
    if existing is not None:
        if host is None:
            raise VrmError("10000009", "The storage unit already holds datastore %s." % existing.data["name"])
        if body.get("name") not in (None, existing.data["name"]):
            raise VrmError("10410138", "The storage unit %s already holds datastore %s; a LUN belongs to one "
                                       "datastore." % (unit.data["name"], existing.data["name"]))
        for extent in existing.data.get("storageUnits") or []:
            if host.urn not in (engine.find(extent["urn"], "storageunits") or unit).sim.get("hosts", []):
                raise VrmError("10410081", "Host %s does not see the storage unit %s of datastore %s; connect it "
                               "to the storage first." % (host.data["name"], extent["suName"], existing.data["name"]))
        task = engine.start_task("AddDataStoreTask", existing.urn, existing.data["name"],
                                 done=("ds_associate", {"host": host.urn}), user=req.session["user"])
        return engine.task_ref(task, {"urn": existing.urn, "uri": existing.data["uri"]})
    name = as_str(body.get("name"), "name", 1, 256, required=True)
    if any(d.data["name"] == name for d in engine.all("datastores")):
        raise VrmError("10410025", "A datastore named %s already exists." % name)
    if "clusterSize" in body and as_int(body["clusterSize"], "clusterSize") not in (32, 64, 128, 256, 512, 1024):
        raise VrmError("10000001", "clusterSize must be 32, 64, 128, 256, 512 or 1024.")
    ds = new_datastore(engine, name, unit.data["capacityGB"], STORAGE_TYPE_OF_UNIT.get(unit.data["type"], "LUNPOME"),
                       [], thin=True, su_urn=unit.urn,
                       description=as_str(body.get("description"), "description", 0, 1024, default=""))
    ds.data["status"] = "CREATING"
    ds.data.update(suName=unit.data["name"], storageUnits=[{"urn": unit.urn, "suName": unit.data["name"],
                                                            "sdName": unit.data["sdName"], "type": unit.data["type"]}])
    if "thinRate" in body:
        ds.data["thinRate"] = as_int(body["thinRate"], "thinRate", 100, 300)
    unit.sim["datastore"] = ds.urn
    engine.touch(unit)
    engine.touch(ds)
    task = engine.start_task("AddDataStoreTask", ds.urn, name,
                             done=("ds_associate", {"host": host.urn if host else None, "created": True}),
                             fail=("ds_drop", {}), user=req.session["user"])
    return engine.task_ref(task, {"urn": ds.urn, "uri": ds.data["uri"]})


@handler("ds_associate")
def _ds_associate(engine, task, host, created=False):
    ds = engine.find(task.data["entityUrn"], "datastores")
    if ds is None:
        return
    if host and host not in ds.sim["hosts"]:
        ds.sim["hosts"].append(host)
    ds.data["status"] = "NORMAL"
    engine.touch(ds)


@handler("ds_drop")
def _ds_drop(engine, task):
    ds = engine.find(task.data["entityUrn"], "datastores")
    if ds is None:
        return
    for u in [ds.data.get("suUrn")] + [e.get("urn") for e in ds.data.get("storageUnits") or []]:
        unit = engine.find(u or "", "storageunits")
        if unit is not None and unit.sim.get("datastore") == ds.urn:
            unit.sim["datastore"] = None
            engine.touch(unit)
    engine.remove(ds.urn)


@route("PUT", "/service/sites/{site}/datastores/{id}")
def modify_datastore(engine, req):
    """Rename or describe a datastore (synchronous, 200 without a body)."""
    site_check(engine, req)
    ds = _ds(engine, req)
    body = req.json()
    if "name" in body:
        name = as_str(body["name"], "name", 1, 256)
        if any(d.data["name"] == name and d.urn != ds.urn for d in engine.all("datastores")):
            raise VrmError("10410025", "A datastore named %s already exists." % name)
        ds.data["name"] = name
        for v in engine.all("volumes"):
            if v.data["datastoreUrn"] == ds.urn:
                v.data["datastoreName"] = name
                engine.touch(v)
    if "description" in body:
        ds.data["description"] = as_str(body["description"], "description", 0, 1024)
    if "thinRate" in body:
        ds.data["thinRate"] = as_int(body["thinRate"], "thinRate", 100, 300)
    engine.touch(ds)
    return None


@route("DELETE", "/service/sites/{site}/datastores/{id}")
def delete_datastore(engine, req):
    """Dissociate a host (hostUrn=) or delete the datastore (task); refused while in use."""
    site_check(engine, req)
    ds = _ds(engine, req)
    host = req.q("hostUrn")
    vols = [v for v in engine.all("volumes") if v.data["datastoreUrn"] == ds.urn]
    if host:
        engine.get(host, "hosts")
        if host not in ds.sim["hosts"]:
            raise VrmError("10410055", "The datastore is not associated with host %s." % host)
        users = {v.sim.get("vm") for v in vols if v.sim.get("vm")}
        running = [engine.find(u) for u in users if engine.find(u) and engine.find(u).sim.get("host") == host and
                   engine.find(u).data["status"] in ("running", "pause", "migrating")]
        if running:
            raise VrmError("10410243", "VMs on host %s use the datastore: %s." % (
                host, ", ".join(sorted(v.data["name"] for v in running))))
        task = engine.start_task("DeleteDataStoreTask", ds.urn, ds.data["name"],
                                 done=("ds_dissociate", {"host": host}), user=req.session["user"])
        return engine.task_ref(task)
    if vols:
        raise VrmError("10410017", "The datastore %s still holds %d volume(s); delete or move them first." % (
            ds.data["name"], len(vols)))
    ds.data["status"] = "DELETING"
    engine.touch(ds)
    task = engine.start_task("DeleteDataStoreTask", ds.urn, ds.data["name"], done=("ds_drop", {}),
                             user=req.session["user"])
    return engine.task_ref(task)


@handler("ds_dissociate")
def _ds_dissociate(engine, task, host):
    ds = engine.find(task.data["entityUrn"], "datastores")
    if ds is not None:
        ds.sim["hosts"] = [h for h in ds.sim["hosts"] if h != host]
        engine.touch(ds)


@route("POST", "/service/sites/{site}/datastores/action/refresh")
def refresh_datastores(engine, req):
    """Refresh the real free space of datastores (task RefreshDataStoreActualValueTask)."""
    site_check(engine, req)
    urns = lst(req.json().get("datastoreUrns"), "datastoreUrns")
    if len(urns) > 100:
        raise VrmError("10000001", "At most 100 datastores per refresh.")
    for u in urns:
        engine.get(u, "datastores")
    now = engine.now()
    from vrmsim.engine import fmt_time
    for u in urns:
        ds = engine.get(u, "datastores")
        ds.data["refreshTime"] = fmt_time(now)
        engine.touch(ds)
    task = engine.start_task("RefreshDataStoreActualValueTask", engine.site_urn, "", user=req.session["user"])
    return engine.task_ref(task)


def nas_file_exists(engine, ip, path):
    """Whether ``ip:path`` names a file of a known NFS export: under one of the export's declared files
    when files were declared for it, anywhere under the export otherwise."""
    exports = list(NAS_EXPORTS.get(ip, [])) + [tuple(e) for e in engine.store.meta.get("nas_exports", {}).get(ip, [])]
    for export, _cap in exports:
        root = export.rstrip("/") + "/"
        if not path.startswith(root) or len(path) == len(root):
            continue
        declared = engine.store.meta.get("nas_files", {}).get("%s:%s" % (ip, export))
        return declared is None or path[len(root):] in declared
    return False


def register_nas_export(engine, ip, path, capacity_gb=DEFAULT_NAS_CAPACITY, files=None):
    """Tell vrmsim's simulated storage network that ``ip`` exports ``path`` (control API); ``files``
    (names relative to the export) are then the only files an import can read from it."""
    if files is not None:
        declared = dict(engine.store.meta.get("nas_files", {}))
        declared["%s:%s" % (ip, path)] = sorted(set(str(f).lstrip("/") for f in files))
        engine.store.set_meta("nas_files", declared)
    exports = dict(engine.store.meta.get("nas_exports", {}))
    items = [e for e in exports.get(ip, []) if e[0] != path]
    items.append([path, int(capacity_gb)])
    exports[ip] = items
    engine.store.set_meta("nas_exports", exports)
    for sres in engine.all("storageresources"):
        if sres.data["storageType"] == "NAS" and (sres.data.get("dataChannel") or [{}])[0].get("ip") == ip \
                and sres.sim.get("hosts"):
            _sres_connect(engine, type("T", (), {"data": {"entityUrn": sres.urn}})(), list(sres.sim["hosts"]))
