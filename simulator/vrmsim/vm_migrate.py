"""VM and volume migration, and real-time metrics."""

from vrmsim import host_devices, placement, storage
from vrmsim.common import as_bool, as_int, as_str, lst, obj, site_check
from vrmsim.drs_rules import MIGRATE_REFUSED, NO_RULE_HOST
from vrmsim.engine import handler
from vrmsim.errors import VrmError
from vrmsim.vm_guest import check_pinned_migration
from vrmsim.routes import route
from vrmsim.vm_spec import _check_space
from vrmsim.vms import _busy, _vm, compute_move


@route("POST", "/service/sites/{site}/vms/{vm}/action/migrate")
def migrate_vm(engine, req):
    """Live-migrate a running VM to a host (or a cluster) (task MigrateVmTask)."""
    site_check(engine, req)
    vm = _vm(engine, req)
    _busy(engine, vm)
    if vm.data["status"] not in ("running", "stopped"):
        raise VrmError("10300015", "The VM does not allow migration in state %s." % vm.data["status"])
    check_pinned_migration(vm)
    refusal = host_devices.migrate_refusal(engine, vm)     # a passthrough VM stays with its devices
    if refusal is not None:
        raise refusal
    body = req.json()
    loc = as_str(body.get("location"), "location", hi=1024, code="10300067") or ""
    if ":hosts:" in loc:
        target = engine.get(loc, "hosts")
        if target.urn == vm.sim.get("host"):        # FC8DOC codes: 10300024 same host, 10300434 same cluster
            raise VrmError("10300024", "The VM already runs on the destination host.")
        hosts, reason = placement.rank(engine, vm, target.urn)
        if not hosts and reason == NO_RULE_HOST:     # FC8DOC: the migration's own code for a DRS rule
            raise VrmError(MIGRATE_REFUSED, "A DRS rule of the cluster forbids the VM on that host.")
        if not hosts:
            raise VrmError(reason, placement.MESSAGES[reason])
    elif ":clusters:" in loc:
        engine.get(loc, "clusters")
        if loc == vm.data.get("clusterUrn"):
            raise VrmError("10300434", "The VM is already in the cluster %s; name a host of it instead." % loc)
        hosts, reason = placement.rank(engine, vm, loc, exclude_hosts=(vm.sim.get("host"),))
        if not hosts:
            raise VrmError("10300378", "No host in the cluster can run the VM: " + placement.MESSAGES[reason])
        target = hosts[0]
    else:
        raise VrmError("10300067", "location must be a host or cluster URN.")
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
    if speed is not None and as_int(speed, "speed", 20, 10 ** 6, code="10300337") < 20:
        raise VrmError("10300337", "speed must be at least 20 MB/s.")
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
            raise VrmError("10420166", "The volume %s is already on datastore %s." % (vol.urn, ds.data["name"]))
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

