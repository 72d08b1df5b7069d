"""VM snapshots: tree, create with or without memory, revert, delete, delta space."""

import copy

from vrmsim.common import as_bool, as_str, site_check
from vrmsim.engine import fmt_time, handler, renderer
from vrmsim.errors import VrmError
from vrmsim.routes import route
from vrmsim.vms import _busy, _set_status, _vm

MAX_NORMAL = 32
MAX_BACKUP = 32
# A snapshot's delta: the share of each volume's written data it starts with (choice,
# docs/vrmsim-fidelity.md); it is charged on the volume's datastore until the snapshot is deleted.
DELTA_RATIO = 0.1


def _vm_snaps(engine, vm_urn):
    return [s for s in engine.all("snapshots") if s.sim.get("vm") == vm_urn]


@renderer("snapshots")
def render_snapshot(engine, rec, view):
    node = {k: rec.data[k] for k in ("urn", "uri", "name", "description", "createTime", "type", "status")}
    if view == "node":
        node["childSnapshots"] = [render_snapshot(engine, c, "node") for c in _vm_snaps(engine, rec.sim["vm"])
                                  if c.sim.get("parent") == rec.urn]
        return node
    out = dict(rec.data)
    return out


def _snap(engine, req):
    urn = "%s:vms:%s:snapshots:%s" % (engine.site_urn, req.params["vm"], req.params["id"])
    rec = engine.find(urn, "snapshots")
    if rec is None:
        raise VrmError("10300109", "The snapshot %s does not exist." % urn)
    return rec


@route("GET", "/service/sites/{site}/vms/{vm}/snapshots")
def snapshot_tree(engine, req):
    """The snapshot tree of a VM ({currentSnapshot, rootSnapshots[childSnapshots]})."""
    site_check(engine, req)
    vm = _vm(engine, req)
    snaps = _vm_snaps(engine, vm.urn)
    out = {"rootSnapshots": [render_snapshot(engine, s, "node") for s in snaps if not s.sim.get("parent")]}
    cur = engine.find(vm.sim.get("current_snapshot") or "", "snapshots")
    if cur is not None:
        out["currentSnapshot"] = {"urn": cur.urn, "uri": cur.data["uri"], "name": cur.data["name"]}
    return out


def _flag(body, field, code):
    """A boolean of the snapshot body; FC8DOC gives each its own code."""
    try:
        return as_bool(body.get(field), field, False)
    except VrmError as err:
        raise VrmError(code, err.des)


@route("POST", "/service/sites/{site}/vms/{vm}/snapshots")
def create_snapshot(engine, req):
    """Create a snapshot, optionally with memory (task CreateVMSnapshotTask + urn/uri)."""
    site_check(engine, req)
    vm = _vm(engine, req)
    body = req.json()
    name = as_str(body.get("name"), "name", 1, 256, required=True)
    desc = as_str(body.get("description"), "description", 0, 1024, default="")
    stype = body.get("type", "normal")
    if stype not in ("normal", "backup", "CBTbackup"):
        raise VrmError("10000001", "type must be normal, backup or CBTbackup.")
    memory = _flag(body, "needMemoryShot", "10000019")
    _flag(body, "isConsistent", "10000020")
    if vm.data.get("isTemplate"):
        raise VrmError("10300141", "Templates cannot have snapshots.")
    if vm.data.get("isLinkClone"):
        raise VrmError("10300142", "A linked clone cannot have snapshots.")
    if any(s.data["status"] in ("creating", "deleting", "resuming") for s in _vm_snaps(engine, vm.urn)):
        raise VrmError("10300112", "A snapshot task is already running for this VM.")
    _busy(engine, vm)
    if memory and vm.data["status"] != "running":
        raise VrmError("10300119", "A memory snapshot needs a running VM.")
    if vm.data["status"] == "hibernated" and not memory:
        raise VrmError("10300116", "A hibernated VM needs a memory snapshot.")
    kinds = [s for s in _vm_snaps(engine, vm.urn) if (s.data["type"] == "normal") == (stype == "normal")]
    if len(kinds) >= (MAX_NORMAL if stype == "normal" else MAX_BACKUP):
        raise VrmError("10300111", "The VM has reached its limit of %d %s snapshots." % (MAX_NORMAL, stype))
    urn = engine.new_urn("snapshots", parent=vm.urn)
    cfg = vm.data["vmConfig"]
    now = engine.now()
    vols = []
    total_mb = 0
    for d in cfg["disks"]:
        vol = engine.find(d["volumeUrn"], "volumes")
        if vol is None or vol.data.get("indepDisk"):
            continue
        total_mb += vol.data["quantityGB"] * 1024
        vols.append({"volumeUrn": vol.urn, "volumeUri": vol.data["uri"], "storageType": vol.data["storageType"],
                     "datastoreUrn": vol.data["datastoreUrn"], "snapUuid": engine.new_uuid(),
                     "snapNameOnDev": "snap-%s" % engine.new_uuid()[:8], "snapIscsi": "", "sdUrn": "",
                     "sdUri": "", "volCBTCreateTime": "", "chgID": ""})
    data = {"urn": urn, "uri": engine.uri_of(urn), "name": name, "description": desc,
            "createTime": fmt_time(now), "type": stype, "status": "creating", "snapProvisionSize": 0,
            "coreNum": cfg["cpu"]["quantity"], "memorySize": cfg["memory"]["quantityMB"],
            "volumeSizeSum": total_mb, "includingMemorySnapshot": memory, "params": {}, "volsnapshots": vols}
    sim = {"vm": vm.urn, "parent": vm.sim.get("current_snapshot"),
           "state": {"vmConfig": copy.deepcopy({k: cfg[k] for k in ("cpu", "memory")}),
                     "status": vm.data["status"] if memory else "stopped"},
           "deltas": {}, "memory_mb": 0, "memory_datastore": None}
    rec = engine.add("snapshots", urn, data, sim)
    task = engine.start_task("CreateVMSnapshotTask", vm.urn, vm.data["name"],
                             done=("snapshot_created", {"snap": urn}), fail=("snapshot_drop", {"snap": urn}),
                             user=req.session["user"])
    return engine.task_ref(task, {"urn": rec.urn, "uri": rec.data["uri"]})


@handler("snapshot_created")
def _snapshot_created(engine, task, snap):
    rec = engine.find(snap, "snapshots")
    vm = engine.find(task.data["entityUrn"], "vms")
    if rec is None or vm is None:
        return
    prov = 0
    for vs in rec.data["volsnapshots"]:
        vol = engine.find(vs["volumeUrn"], "volumes")
        if vol is None:
            continue
        delta = int(max(vol.sim.get("written_mb", 0), 0) * DELTA_RATIO) or 1
        rec.sim["deltas"][vol.urn] = delta
        vol.sim["snapshot_delta_mb"] = int(vol.sim.get("snapshot_delta_mb", 0)) + delta
        prov += delta
        engine.touch(vol)
    if rec.data["includingMemorySnapshot"]:
        disks = vm.data["vmConfig"]["disks"]
        rec.sim["memory_mb"] = rec.data["memorySize"]
        rec.sim["memory_datastore"] = disks[0]["datastoreUrn"] if disks else None
        prov += rec.data["memorySize"]
    rec.data["snapProvisionSize"] = prov
    rec.data["status"] = "ready"
    vm.sim["current_snapshot"] = rec.urn
    vm.data["params"]["snapshotNum"] = str(len(_vm_snaps(engine, vm.urn)))
    engine.touch(rec)
    engine.touch(vm)


@handler("snapshot_drop")
def _snapshot_drop(engine, task, snap):
    engine.remove(snap)


@route("GET", "/service/sites/{site}/vms/{vm}/snapshots/{id}")
def get_snapshot(engine, req):
    """Get a snapshot with its sizes and volume snapshots."""
    site_check(engine, req)
    _vm(engine, req)
    return engine.render(_snap(engine, req))


@route("PUT", "/service/sites/{site}/vms/{vm}/snapshots/{id}")
def modify_snapshot(engine, req):
    """Rename or describe a snapshot (synchronous, 200 without a body)."""
    site_check(engine, req)
    _vm(engine, req)
    rec = _snap(engine, req)
    body = req.json()
    if "name" in body:
        rec.data["name"] = as_str(body["name"], "name", 1, 256)
    if "description" in body:
        rec.data["description"] = as_str(body["description"], "description", 0, 1024)
    engine.touch(rec)
    return None


@route("DELETE", "/service/sites/{site}/vms/{vm}/snapshots/{id}")
def delete_snapshot(engine, req):
    """Delete a snapshot; its children move to its parent (task DeleteVMSnapshotTask)."""
    site_check(engine, req)
    vm = _vm(engine, req)
    rec = _snap(engine, req)
    if rec.data["status"] != "ready" and rec.data["status"] != "failed":
        raise VrmError("10300110", "The snapshot is %s; it cannot be deleted now." % rec.data["status"])
    if any(s.data["status"] in ("creating", "deleting", "resuming") for s in _vm_snaps(engine, vm.urn)):
        raise VrmError("10300318", "A snapshot task is already running for this VM.")
    rec.data["status"] = "deleting"
    engine.touch(rec)
    task = engine.start_task("DeleteVMSnapshotTask", vm.urn, vm.data["name"],
                             done=("snapshot_deleted", {"snap": rec.urn}),
                             fail=("snapshot_status", {"snap": rec.urn, "status": "failed"}), user=req.session["user"])
    return engine.task_ref(task)


@handler("snapshot_status")
def _snapshot_status(engine, task, snap, status):
    rec = engine.find(snap, "snapshots")
    if rec is not None:
        rec.data["status"] = status
        engine.touch(rec)


@handler("snapshot_deleted")
def _snapshot_deleted(engine, task, snap):
    rec = engine.find(snap, "snapshots")
    if rec is None:
        return
    vm = engine.find(rec.sim["vm"], "vms")
    for child in _vm_snaps(engine, rec.sim["vm"]):
        if child.sim.get("parent") == rec.urn:
            child.sim["parent"] = rec.sim.get("parent")
            engine.touch(child)
    for vol_urn, delta in rec.sim.get("deltas", {}).items():
        vol = engine.find(vol_urn, "volumes")
        if vol is not None:
            vol.sim["snapshot_delta_mb"] = max(0, int(vol.sim.get("snapshot_delta_mb", 0)) - delta)
            # the delta merges into the volume: thin volumes keep the written data
            if vol.data["isThin"]:
                vol.sim["written_mb"] = min(vol.data["quantityGB"] * 1024, int(vol.sim.get("written_mb", 0)) + delta)
            engine.touch(vol)
    engine.remove(rec.urn)
    if vm is not None:
        if vm.sim.get("current_snapshot") == rec.urn:
            vm.sim["current_snapshot"] = rec.sim.get("parent")
        vm.data["params"]["snapshotNum"] = str(len(_vm_snaps(engine, vm.urn)))
        engine.touch(vm)


@route("POST", "/service/sites/{site}/vms/{vm}/snapshots/{id}/action/resumevm")
def revert_snapshot(engine, req):
    """Revert the VM to a snapshot (task SnapshotResumeVmTask)."""
    site_check(engine, req)
    vm = _vm(engine, req)
    rec = _snap(engine, req)
    if rec.data["type"] == "CBTbackup":
        raise VrmError("10301045", "A CBT backup snapshot cannot be used to revert the VM.")
    if rec.data["status"] != "ready":
        raise VrmError("10300110", "The snapshot is %s; the VM cannot be reverted to it." % rec.data["status"])
    _busy(engine, vm)
    rec.data["status"] = "resuming"
    engine.touch(rec)
    task = engine.start_task("SnapshotResumeVmTask", vm.urn, vm.data["name"],
                             done=("snapshot_reverted", {"snap": rec.urn}),
                             fail=("snapshot_status", {"snap": rec.urn, "status": "ready"}), user=req.session["user"])
    return engine.task_ref(task)


@handler("snapshot_reverted")
def _snapshot_reverted(engine, task, snap):
    rec = engine.find(snap, "snapshots")
    vm = engine.find(task.data["entityUrn"], "vms")
    if rec is None or vm is None:
        return
    state = rec.sim["state"]
    vm.data["vmConfig"]["cpu"].update(state["vmConfig"]["cpu"])
    vm.data["vmConfig"]["memory"].update(state["vmConfig"]["memory"])
    target = state["status"]
    if target == "running" and vm.data["status"] != "running":
        from vrmsim import placement
        from vrmsim.vms import compute_move
        host = placement.choose(engine, vm, vm.data["clusterUrn"])
        compute_move(engine, vm, host)
    _set_status(engine, vm, target if target in ("running", "stopped") else "stopped")
    vm.sim["current_snapshot"] = rec.urn
    rec.data["status"] = "ready"
    engine.touch(rec)
    engine.touch(vm)
