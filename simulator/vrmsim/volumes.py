"""Volumes: listing, creation, modification, deletion, expansion, migration and I/O properties."""

from vrmsim.common import as_bool, as_int, as_str, disk_size, fuzzy, new_size_mb, page, site_check
from vrmsim.engine import handler, renderer
from vrmsim.errors import VrmError
from vrmsim.routes import route
from vrmsim.storage import GB, _vol, check_space, new_volume, volume_footprint_mb

# -- volumes ------------------------------------------------------------------------------------

@renderer("volumes")
def render_volume(engine, rec, view):
    out = dict(rec.data)
    out["volProvisionSize"] = volume_footprint_mb(rec)
    out["userUsedSize"] = int(rec.sim.get("written_mb", 0))
    if view == "list":
        out["bindToVm"] = 3 if rec.sim.get("vm") else 2
    return out


@route("POST", "/service/sites/{site}/volumes")
def create_volume(engine, req):
    """Create a volume (task CreateVolumeTask + urn/uri; thick volumes need their full size free)."""
    site_check(engine, req)
    body = req.json()
    size = disk_size(body.get("quantityGB"), "quantityGB", "10420006")
    ds = engine.get(body.get("datastoreUrn") or "", "datastores")
    vtype = body.get("type")
    if vtype not in ("normal", "share"):
        raise VrmError("10000001", "type (normal or share) is required.")
    thin = as_bool(body.get("isThin"), "isThin", False)
    vol_type = as_int(body.get("volType"), "volType", 0, 2, default=0)
    if thin and vol_type:
        raise VrmError("10000001", "volType applies to thick volumes only.")
    if not thin:
        check_space(engine, ds, size * GB)
    name = as_str(body.get("name"), "name", 0, 256, default="") or None
    vol = new_volume(engine, name or "", size, ds.urn, thin=thin, vtype=vtype, written_mb=0, vol_type=vol_type)
    if not name:
        vol.data["name"] = "volume-%s" % vol.urn.rsplit(":", 1)[1]
    vol.data["indepDisk"] = as_bool(body.get("indepDisk"), "indepDisk", False)
    vol.data["persistentDisk"] = as_bool(body.get("persistentDisk"), "persistentDisk", True)
    if body.get("uuid"):
        vol.data["uuid"] = body["uuid"]
    vol.data["status"] = "CREATING"
    engine.touch(vol)
    task = engine.start_task("CreateVolumeTask", vol.urn, vol.data["name"], done=("vol_status", {"status": "USE"}),
                             fail=("drop", {"urn": vol.urn}), user=req.session["user"])
    return engine.task_ref(task, {"urn": vol.urn, "uri": vol.data["uri"]})


@handler("vol_status")
def _vol_status(engine, task, status, fields=None):
    vol = engine.find(task.data["entityUrn"], "volumes")
    if vol is not None:
        vol.data["status"] = status
        vol.data.update(fields or {})
        engine.touch(vol)


@route("GET", "/service/sites/{site}/volumes")
def list_volumes(engine, req):
    """List volumes (limit and offset required; scope, name, attachstatus, uuid)."""
    site_check(engine, req)
    scope = req.q("scope")
    name = req.q("name")
    uuid = req.q("uuid")
    attach = req.q("attachstatus")
    out = []
    for v in engine.all("volumes"):
        if scope:
            if ":datastores:" in scope and v.data["datastoreUrn"] != scope:
                continue
            if ":hosts:" in scope:
                ds = engine.find(v.data["datastoreUrn"], "datastores")
                if ds is None or scope not in ds.sim.get("hosts", []):
                    continue
            if ":clusters:" in scope:
                ds = engine.find(v.data["datastoreUrn"], "datastores")
                if ds is None or not any(engine.find(h) and engine.find(h).data.get("clusterUrn") == scope
                                         for h in ds.sim.get("hosts", [])):
                    continue
        if name and not fuzzy(v.data["name"], name):
            continue
        if uuid and v.data["uuid"] != uuid:
            continue
        if attach == "1" and v.sim.get("vm") and v.data["type"] != "share":
            continue
        out.append(v)
    res = page(out, req, "volumes", required=True)
    res["volumes"] = [engine.render(v, "list") for v in res["volumes"]]
    return res


@route("GET", "/service/sites/{site}/volumes/querydatastorevolumes")
def ds_volumes(engine, req):
    """Volumes of a datastore with their VM (limit, offset, dsUrn)."""
    site_check(engine, req)
    ds = engine.get(req.q("dsUrn") or "", "datastores")
    items = []
    for v in engine.all("volumes"):
        if v.data["datastoreUrn"] != ds.urn:
            continue
        vm = engine.find(v.sim.get("vm") or "", "vms")
        cl = engine.find(vm.data["clusterUrn"], "clusters") if vm else None
        items.append({"urn": v.urn, "uri": v.data["uri"], "name": v.data["name"], "quantityGB": v.data["quantityGB"],
                      "status": v.data["status"], "isThin": v.data["isThin"], "type": v.data["type"],
                      "vmName": vm.data["name"] if vm else "", "vmUrn": vm.urn if vm else "",
                      "vmStatus": vm.data["status"] if vm else "", "clusterName": cl.data["name"] if cl else "",
                      "clusterUrn": cl.urn if cl else ""})
    return page(items, req, "volumes", required=True)


@route("GET", "/service/sites/{site}/volumes/{id}")
def get_volume(engine, req):
    """Get a volume."""
    site_check(engine, req)
    return engine.render(_vol(engine, req))


@route("PUT", "/service/sites/{site}/volumes/{id}")
def modify_volume(engine, req):
    """Modify name, independence, persistence, type (synchronous, 200 without a body)."""
    site_check(engine, req)
    vol = _vol(engine, req)
    body = req.json()
    if "name" in body:
        vol.data["name"] = as_str(body["name"], "name", 1, 256)
    for f in ("indepDisk", "persistentDisk"):
        if f in body:
            vol.data[f] = as_bool(body[f], f)
    if "type" in body:
        if body["type"] not in ("normal", "share"):
            raise VrmError("10000001", "type must be normal or share.")
        vol.data["type"] = body["type"]
        if body["type"] == "share":
            vol.data.update(indepDisk=True, persistentDisk=True)
    engine.touch(vol)
    return None


@route("DELETE", "/service/sites/{site}/volumes/{id}")
def delete_volume(engine, req):
    """Delete a volume (task DeleteVolumeTask; 10420009 while attached)."""
    site_check(engine, req)
    vol = _vol(engine, req)
    if vol.sim.get("vm") and engine.find(vol.sim["vm"]):
        raise VrmError("10420009", "The volume is attached to VM %s; detach it first." % engine.find(
            vol.sim["vm"]).data["name"])
    vol.data["status"] = "DELETING"
    engine.touch(vol)
    task = engine.start_task("DeleteVolumeTask", vol.urn, vol.data["name"], done=("drop", {"urn": vol.urn}),
                             fail=("vol_status", {"status": "USE"}), user=req.session["user"])
    return engine.task_ref(task)


@route("POST", "/service/sites/{site}/volumes/{id}/action/expandVol")
def expand_volume(engine, req):
    """Grow a volume; size is the new total in MB, a multiple of 1024 (task ResizeVolumeTask)."""
    site_check(engine, req)
    vol = _vol(engine, req)
    size = new_size_mb(req.json().get("size"), vol.data["quantityGB"], "10420038", "10420080")
    if not vol.data["isThin"]:
        check_space(engine, engine.get(vol.data["datastoreUrn"], "datastores"), size - vol.data["quantityGB"] * GB)
    vol.data["status"] = "RESIZING"
    engine.touch(vol)
    task = engine.start_task("ResizeVolumeTask", vol.urn, vol.data["name"], done=("vol_resized", {"gb": size // GB}),
                             fail=("vol_status", {"status": "USE"}), user=req.session["user"])
    return engine.task_ref(task)


@handler("vol_resized")
def _vol_resized(engine, task, gb):
    vol = engine.find(task.data["entityUrn"], "volumes")
    if vol is None:
        return
    vol.data["quantityGB"] = gb
    vol.data["status"] = "USE"
    if not vol.data["isThin"]:
        vol.sim["written_mb"] = gb * GB
    engine.touch(vol)
    for vm in engine.all("vms"):
        for d in vm.data["vmConfig"]["disks"]:
            if d["volumeUrn"] == vol.urn:
                d["quantityGB"] = gb
                engine.touch(vm)


@route("POST", "/service/sites/{site}/volumes/{id}/action/migratevol")
def migrate_volume(engine, req):
    """Move a volume to another datastore (task MigrateVolumeTask; speed >= 20 MB/s)."""
    site_check(engine, req)
    vol = _vol(engine, req)
    body = req.json()
    ds = engine.get(body.get("datastoreUrn") or "", "datastores")
    speed = as_int(body.get("speed"), "speed", 20, 10 ** 6)
    if speed is None:
        raise VrmError("10000001", "speed (at least 20 MB/s) is required.")
    mtype = as_int(body.get("migrateType"), "migrateType", 0, 2, default=None)
    thin = vol.data["isThin"] if mtype is None else mtype == 1
    if ds.urn == vol.data["datastoreUrn"]:
        raise VrmError("10420166", "The volume is already on datastore %s." % ds.data["name"])
    check_space(engine, ds, volume_footprint_mb(vol) if thin else vol.data["quantityGB"] * GB)
    vol.data["status"] = "MAGRATING"
    engine.touch(vol)
    task = engine.start_task("MigrateVolumeTask", vol.urn, vol.data["name"],
                             done=("vol_status", {"status": "USE", "fields": {
                                 "datastoreUrn": ds.urn, "datastoreName": ds.data["name"], "isThin": thin,
                                 "storageType": ds.data["storageType"]}}),
                             fail=("vol_status", {"status": "USE"}), user=req.session["user"])
    return engine.task_ref(task)


@route("PUT", "/service/sites/{site}/volumes/{id}/modifyIOpropertyOfVolume")
def volume_io(engine, req):
    """Disk QoS limits (task ModifyIOpropertyTask); the VM's disk shows them too (vm_guest.check_io)."""
    from vrmsim.vm_guest import check_io
    site_check(engine, req)
    vol = _vol(engine, req)
    body = req.json()
    fields = {}
    for f, lo, hi in (("maxReadBytes", 8, 976562500000), ("maxWriteBytes", 8, 976562500000),
                      ("maxReadRequest", 16, 4294967295), ("maxWriteRequest", 16, 4294967295),
                      ("totalRWBytes", 8, 976562500000), ("totalRWRequest", 16, 4294967295)):
        if f not in body:
            if f.startswith("total"):
                continue
            raise VrmError("10000001", "%s is required (0 = unlimited)." % f)
        val = as_int(body[f], f, 0, hi, code="10420163")
        if val and val < lo:
            raise VrmError("10420163", "%s is 0 (unlimited) or %d to %d." % (f, lo, hi))
        fields[f] = val
    check_io(engine, vol, fields)
    task = engine.start_task("ModifyIOpropertyTask", vol.urn, vol.data["name"],
                             done=("vol_io_set", {"fields": fields}), fail=("vol_status", {"status": "USE"}),
                             user=req.session["user"])
    return engine.task_ref(task)
