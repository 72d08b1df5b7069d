"""Folders of clusters and of VMs (FC8DOC ch3 3.9 "文件夹管理"): create, modify or move, delete, get, list, move
VMs into a folder, the hardware summary of a folder and its path to the site. The choices vrmsim makes where the record
is silent are in docs/vrmsim-fidelity.md ("Folders")."""

from vrmsim.common import as_int, lst, site_check
from vrmsim.engine import renderer
from vrmsim.errors import VrmError
from vrmsim.routes import ROUTES, route

CLUSTER_FOLDER, VM_FOLDER = 0, 1
MAX_DEPTH = 5              # FC8DOC has the code (10300628), not the number
MISSING = "10300621"


@renderer("folders")
def render_folder(engine, rec, view):
    return {k: rec.data[k] for k in ("urn", "uri", "name", "parentObjUrn")}


def _folder(engine, urn_or_id, code=MISSING):
    urn = urn_or_id if str(urn_or_id).startswith("urn:") else "%s:folders:%s" % (engine.site_urn, urn_or_id)
    rec = engine.find(urn, "folders")
    if rec is None:
        raise VrmError(code, "The folder %s does not exist." % urn)
    return rec


def _parent(engine, urn):
    """The parent a request names: the site (None) or a folder record."""
    if urn in (None, "", engine.site_urn):
        return None
    if not isinstance(urn, str) or not urn.startswith(engine.site_urn + ":folders:"):
        raise VrmError("10300624", "parentObjUrn %r is neither the site nor a folder." % (urn,))
    return _folder(engine, urn)


def _depth(engine, rec):
    depth = 0
    while rec is not None:
        depth += 1
        rec = _parent(engine, rec.data["parentObjUrn"])
    return depth


def _subtree_depth(engine, rec):
    kids = _children(engine, rec.urn)
    return 1 + max([_subtree_depth(engine, k) for k in kids] or [0])


def _children(engine, parent_urn, ftype=None):
    return [f for f in engine.all("folders")
            if f.data["parentObjUrn"] == parent_urn and (ftype is None or f.sim["type"] == ftype)]


def _check_place(engine, name, ftype, parent, exclude=None):
    """A folder of ``ftype`` named ``name`` may live under ``parent`` (None: the site)."""
    if parent is not None and (ftype == CLUSTER_FOLDER or parent.sim["type"] != ftype):
        raise VrmError("10300627", "A %s folder cannot be created in the folder %s." % (
            "cluster" if ftype == CLUSTER_FOLDER else "VM", parent.data["name"]))
    parent_urn = parent.urn if parent is not None else engine.site_urn
    if any(f.data["name"] == name and f.urn != exclude for f in _children(engine, parent_urn, ftype)):
        raise VrmError("10300619", "A folder named %s already exists there; choose another name." % name)


def vms_in(engine, folder_urn):
    return [vm for vm in engine.all("vms") if (vm.data.get("params") or {}).get("parentObjUrn") == folder_urn]


def _members(engine, rec):
    if rec.sim["type"] == VM_FOLDER:
        return vms_in(engine, rec.urn)
    return [c for c in engine.all("clusters") if c.data.get("parentObjUrn") == rec.urn]


def _name(body, required):
    name = body.get("name")
    if name is None and not required:
        return None
    if not isinstance(name, str) or not 1 <= len(name) <= 256:
        raise VrmError("10300618", "A folder name is 1 to 256 characters.")
    return name


@route("POST", "/service/sites/{site}/folders")
def create_folder(engine, req):
    """Create a cluster (type 0) or VM (type 1) folder under the site or a VM folder (synchronous {urn, uri})."""
    site_check(engine, req)
    body = req.json()
    name = _name(body, True)
    ftype = as_int(body.get("type"), "type", 0, 1, default=CLUSTER_FOLDER)
    parent = _parent(engine, body.get("parentObjUrn"))
    _check_place(engine, name, ftype, parent)
    if parent is not None and _depth(engine, parent) + 1 > MAX_DEPTH:
        raise VrmError("10300628", "Folders nest at most %d deep." % MAX_DEPTH)
    urn = engine.new_urn("folders")
    engine.add("folders", urn, {"name": name, "parentObjUrn": parent.urn if parent else engine.site_urn},
               {"type": ftype})
    return {"urn": urn, "uri": engine.uri_of(urn)}


@route("PUT", "/service/sites/{site}/folders/{id}")
def modify_folder(engine, req):
    """Rename a folder, or move it under another parent (parentObjUrn; 200, no body)."""
    site_check(engine, req)
    rec = _folder(engine, req.params["id"])
    body = req.json()
    name = _name(body, False) or rec.data["name"]
    parent_urn = body.get("parentObjUrn") or rec.data["parentObjUrn"]
    parent = _parent(engine, parent_urn)
    walk = parent
    while walk is not None:
        if walk.urn == rec.urn:
            raise VrmError("10300629", "A folder cannot move into itself or one of its subfolders.")
        walk = _parent(engine, walk.data["parentObjUrn"])
    _check_place(engine, name, rec.sim["type"], parent, exclude=rec.urn)
    if parent is not None and _depth(engine, parent) + _subtree_depth(engine, rec) > MAX_DEPTH:
        raise VrmError("10300628", "Folders nest at most %d deep." % MAX_DEPTH)
    rec.data.update(name=name, parentObjUrn=parent.urn if parent else engine.site_urn)
    engine.touch(rec)
    for c in _members(engine, rec) if rec.sim["type"] == CLUSTER_FOLDER else []:
        c.data["parentObjName"] = name
        engine.touch(c)
    return None


@route("DELETE", "/service/sites/{site}/folders/{id}")
def delete_folder(engine, req):
    """Delete an empty folder (10300620 while it holds folders, VMs or clusters; 200, no body)."""
    site_check(engine, req)
    rec = _folder(engine, req.params["id"])
    if _children(engine, rec.urn) or _members(engine, rec):
        raise VrmError("10300620", "The folder %s is not empty." % rec.data["name"])
    engine.remove(rec.urn)
    return None


@route("GET", "/service/sites/{site}/folders/{id}")
def get_folder(engine, req):
    """Get a folder (urn, uri, name, parentObjUrn)."""
    site_check(engine, req)
    return engine.render(_folder(engine, req.params["id"]))


@route("GET", "/service/sites/{site}/folders")
def list_folders(engine, req):
    """List the folders directly under parentObjUrn (default the site) of a type (default 0, clusters)."""
    site_check(engine, req)
    parent = _parent(engine, req.q("parentObjUrn"))
    ftype = req.qint("type", CLUSTER_FOLDER, lo=0, hi=1)
    kids = _children(engine, parent.urn if parent else engine.site_urn, None if parent else ftype)
    return {"folders": [engine.render(f) for f in sorted(kids, key=lambda f: f.data["name"])]}


@route("POST", "/service/sites/{site}/folders/action/move-into-folder")
def move_into_folder(engine, req):
    """Move VMs into a VM folder, or back to the site (synchronous; the VMs moved and those that could not be)."""
    site_check(engine, req)
    body = req.json()
    element_type = as_int(body.get("elementType", body.get("elementTypeType")), "elementType", default=1)
    if element_type != 1:
        raise VrmError("10300626", "Only VMs (elementType 1) move into folders.")
    target = body.get("parentFolderUrn")
    folder = _parent(engine, target) if target else None
    if target in (None, ""):
        raise VrmError("10000001", "parentFolderUrn is required.")
    if folder is not None and folder.sim["type"] != VM_FOLDER:
        raise VrmError("10300626", "The folder %s is not a VM folder." % folder.data["name"])
    moved, failed = [], []
    for urn in lst(body.get("elementUrns"), "elementUrns"):
        vm = engine.find(urn, "vms") if isinstance(urn, str) else None
        vm_id = str(urn).rsplit(":", 1)[-1]
        if vm is None:
            failed.append({"vmName": "", "vmId": vm_id, "errorCode": "10000008",
                           "errorDes": "The VM %s does not exist." % urn})
            continue
        vm.data.setdefault("params", {})
        if folder is None:
            vm.data["params"].pop("parentObjUrn", None)
        else:
            vm.data["params"]["parentObjUrn"] = folder.urn
        engine.touch(vm)
        moved.append({"vmName": vm.data["name"], "vmId": vm_id})
    return {"moveVmsSucceededList": moved, "moveVmsFaileddList": failed}


@route("GET", "/service/sites/{site}/folders/{id}/resource")
def folder_resource(engine, req):
    """The hardware of every VM in a folder and its subfolders (totalVMs, runningVMs, cpu, memery, disk)."""
    site_check(engine, req)
    rec = _folder(engine, req.params["id"])
    todo, vms = [rec], []
    while todo:
        f = todo.pop()
        vms += vms_in(engine, f.urn)
        todo += _children(engine, f.urn)
    cfg = [vm.data["vmConfig"] for vm in vms]
    return {"name": rec.data["name"], "totalVMs": len(vms),
            "runningVMs": sum(1 for vm in vms if vm.data["status"] == "running"),
            "cpu": sum(c["cpu"]["quantity"] for c in cfg), "memery": sum(c["memory"]["quantityMB"] for c in cfg),
            "disk": sum(d.get("quantityGB", 0) for c in cfg for d in c["disks"])}


@route("GET", "/service/sites/{site}/folders/{id}/queryFolderTopology")
def folder_topology(engine, req):
    """A folder and its ancestors up to the site, the folder first."""
    site_check(engine, req)
    rec = _folder(engine, req.params["id"])
    out = []
    while rec is not None:
        out.append(engine.render(rec))
        rec = _parent(engine, rec.data["parentObjUrn"])
    return {"folders": out}


def cluster_parent(engine, urn):
    """parentObjUrn/parentObjName of a cluster created or moved under ``urn`` (the site or a cluster folder)."""
    parent = _parent(engine, urn)
    if parent is None:
        return {"parentObjUrn": engine.site_urn, "parentObjName": engine.get(engine.site_urn).data["name"]}
    if parent.sim["type"] != CLUSTER_FOLDER:
        raise VrmError("10300627", "The folder %s is not a cluster folder." % parent.data["name"])
    return {"parentObjUrn": parent.urn, "parentObjName": parent.data["name"]}


def in_folder(engine, vm, folder_urn):
    """A VM's folder is ``folder_urn`` (the VM list's ``scope``)."""
    return (vm.data.get("params") or {}).get("parentObjUrn") == folder_urn


# FC8DOC's URI table names the collection <site>/folder (singular), its samples /folders: vrmsim answers both.
for _r in [r for r in ROUTES if r.template.startswith("/service/sites/{site}/folders")]:
    route(_r.method, _r.template.replace("/folders", "/folder", 1))(_r.fn)
