"""GPU resource groups (FC8DOC ch3 "GPU资源组管理"): a group gathers GPUs (PCI devices) of one product, used whole
(``gpuMode`` 0, passthrough) or shared as vGPUs of one virtualization mode (``gpuMode`` 1); a VM is bound to a
group with a ``count`` of GPUs or vGPUs, which the group gives from one host. The choices vrmsim makes are in
docs/vrmsim-fidelity.md ("Passthrough devices")."""

from vrmsim import host_devices
from vrmsim.common import as_int, as_str, page, site_check
from vrmsim.engine import handler, renderer
from vrmsim.errors import VrmError
from vrmsim.routes import route

GROUP_MISSING = "10390001"
BAD_DEVICE_TYPE = "10390002"
OTHER_PRODUCT = "10390011"
NAME_EMPTY = "10390004"
NAME_TAKEN = "10390017"
BAD_MODE = "10390018"
NOT_A_GPU = "10390023"
NO_PRODUCT = "10390009"
HAS_PCIS = "10390003"
HAS_VMS = "10390005"
PCI_BUSY = "10390012"
BAD_COUNT = "10390013"
NO_CAPACITY = "10390022"
OVER_VM_LIMIT = "10390006"
CONFLICT = "10390024"
NOT_BOUND = "10390008"
MAX_PER_VM = 4             # maxVmAllotCount: FC8DOC names the field and the error, not the number

# The vGPU modes of a GPU product (FC8DOC GpuVirtualizationMode); the Tesla T4's profiles.
VIRTUAL_MODES = {"1eb8": [{"name": "T4-%dQ" % mem, "productNo": "1eb8", "maxMonitorCount": 4 if mem > 1 else 2,
                           "maxFrameRate": 60, "graphicsMemory": "%d GB" % mem, "maxResolution": "7680x4320",
                           "maxInstanceCount": 16 // mem} for mem in (1, 2, 4, 8, 16)]}


def _gpu_product(product_no):
    prod = host_devices.PRODUCTS.get(product_no)
    if prod is None:
        raise VrmError(NO_PRODUCT, "The product %s does not exist." % product_no)
    if prod["deviceType"] != host_devices.GPU:
        raise VrmError(NOT_A_GPU, "The PCI product %s is not a GPU." % product_no)
    return prod


def _mode(group):
    return next((m for m in VIRTUAL_MODES.get(group.data["productNo"], [])
                 if m["name"] == group.data.get("virtualMode")), None)


def _slots(group):
    """How many VMs (passthrough) or vGPUs one GPU of the group gives."""
    mode = _mode(group)
    return mode["maxInstanceCount"] if mode else 1


def _members(engine, group):
    return [r for r in engine.all("pcis") if r.sim.get("gpu_group") == group.urn]


def _used(dev):
    return sum(dev.sim.get("allocations", {}).values())


@renderer("gpu-groups")
def render_group(engine, rec, view):
    d = rec.data
    return {"uri": d["uri"], "urn": rec.urn, "name": d["name"], "productNo": d["productNo"],
            "gpuMode": d["gpuMode"], "virtualMode": _mode(rec),
            "pcis": [{"urn": p.urn, "uri": p.data["uri"]} for p in sorted(_members(engine, rec), key=lambda r: r.urn)],
            "maxVmAllotCount": MAX_PER_VM}


def _group(engine, ident, code=GROUP_MISSING):
    rec = engine.find("%s:gpu-groups:%s" % (engine.site_urn, ident), "gpu-groups")
    if rec is None:
        raise VrmError(code, "The GPU resource group %s does not exist." % ident)
    return rec


def _task(engine, req, task_type, entity, done):
    task = engine.start_task(task_type, entity.urn, entity.data["name"], done=done, user=req.session["user"])
    return engine.task_ref(task)


@route("GET", "/service/sites/{site}/gpu-products/{product}/virtual-modes")
def virtual_modes(engine, req):
    """The vGPU modes of a GPU product."""
    site_check(engine, req)
    _gpu_product(req.params["product"])
    return page([dict(m) for m in VIRTUAL_MODES.get(req.params["product"], [])], req, "virtualModes")


@route("POST", "/service/sites/{site}/gpu-groups")
def create_group(engine, req):
    """Create a GPU resource group (passthrough, or vGPU of one virtualization mode)."""
    site_check(engine, req)
    body = req.json()
    name = as_str(body.get("name"), "name", 0, 256)
    if not name:
        raise VrmError(NAME_EMPTY, "The GPU resource group needs a name.")
    if any(g.data["name"] == name for g in engine.all("gpu-groups")):
        raise VrmError(NAME_TAKEN, "A GPU resource group named %s exists; names are unique." % name)
    product = as_str(body.get("productNo"), "productNo", 1, 64, required=True)
    _gpu_product(product)
    mode = as_int(body.get("gpuMode"), "gpuMode", default=0, code=BAD_MODE)
    if mode not in (0, 1):
        raise VrmError(BAD_MODE, "gpuMode must be 0 (passthrough) or 1 (virtualized).")
    virtual = as_str(body.get("virtualMode"), "virtualMode", 0, 64) or None
    names = [m["name"] for m in VIRTUAL_MODES.get(product, [])]
    if (mode == 1) != bool(virtual) or (virtual and virtual not in names):
        raise VrmError(BAD_MODE, "A virtualized group needs one of the product's virtual modes (%s); a passthrough "
                                 "group none." % ", ".join(names))
    urn = engine.new_urn("gpu-groups")
    rec = engine.add("gpu-groups", urn, {"name": name, "productNo": product, "gpuMode": mode,
                                         "virtualMode": virtual})
    return dict(_task(engine, req, "CreateGpuGroupTask", rec, None), uri=rec.data["uri"], urn=urn)


@route("GET", "/service/sites/{site}/gpu-groups")
def list_groups(engine, req):
    """GPU resource groups (filters scope: a cluster or host; product; gpuMode)."""
    site_check(engine, req)
    scope, product, mode = req.q("scope"), req.q("product"), req.q("gpuMode")
    items = []
    for rec in sorted(engine.all("gpu-groups"), key=lambda r: r.urn):
        if product and rec.data["productNo"] != product or mode not in (None, "") and str(rec.data["gpuMode"]) != mode:
            continue
        if scope:
            hosts = {p.data["hostUrn"] for p in _members(engine, rec)}
            clusters = {(engine.find(h, "hosts") or rec).data.get("clusterUrn") for h in hosts}
            if scope not in hosts | clusters:
                continue
        items.append(engine.render(rec))
    return page(items, req, "gpuGroups", all_when_absent=False)


@route("GET", "/service/sites/{site}/gpu-groups/{id}")
def get_group(engine, req):
    """One GPU resource group."""
    site_check(engine, req)
    return {"gpuGroup": engine.render(_group(engine, req.params["id"], "10000008"))}


@route("DELETE", "/service/sites/{site}/gpu-groups/{id}")
def delete_group(engine, req):
    """Delete an empty GPU resource group."""
    site_check(engine, req)
    rec = _group(engine, req.params["id"])
    if _bound_vms(engine, rec):
        raise VrmError(HAS_VMS, "VMs are bound to the GPU resource group; unbind them first.")
    if _members(engine, rec):
        raise VrmError(HAS_PCIS, "The GPU resource group has PCI devices; remove them first.")
    engine.remove(rec.urn)
    return _task(engine, req, "DeleteGpuGroupTask", rec, None)


@route("GET", "/service/sites/{site}/gpu-groups/{id}/allocations")
def allocations(engine, req):
    """What the group's GPUs give to which VM (one entry per GPU and VM, or an idle GPU)."""
    site_check(engine, req)
    rec = _group(engine, req.params["id"], "10000008")
    out = []
    for dev in sorted(_members(engine, rec), key=lambda r: r.urn):
        given = dev.sim.get("allocations", {})
        for vm_urn in sorted(given) or [None]:
            vm = engine.find(vm_urn or "", "vms")
            out.append({"gpuDevice": dev.sim.setdefault("uuid", engine.new_uuid()), "pciUrn": dev.urn,
                        "pciUri": dev.data["uri"], "vmUrn": vm_urn or "", "vmUri": vm.data["uri"] if vm else "",
                        "status": "working" if vm is not None and vm.data["status"] == "running" else "idle"})
    return {"allocations": out}


@route("POST", "/service/sites/{site}/gpu-groups/{id}/pcis/{pci}")
def add_pci(engine, req):
    """Put a GPU (a free PCI device of the group's product) into the group."""
    site_check(engine, req)
    rec = _group(engine, req.params["id"])
    dev = host_devices._pci(engine, req.params["pci"])
    prod = host_devices.PRODUCTS.get(dev.data["productNo"], {})
    if prod.get("deviceType") != host_devices.GPU:
        raise VrmError(BAD_DEVICE_TYPE, "The PCI device %s is not a GPU." % dev.urn)
    if dev.data["productNo"] != rec.data["productNo"]:
        raise VrmError(OTHER_PRODUCT, "The GPU %s is a %s; the group takes %s." % (
            dev.urn, prod.get("productName"), host_devices.PRODUCTS[rec.data["productNo"]]["productName"]))
    if dev.sim.get("consumer") or dev.sim.get("gpu_group"):
        raise VrmError(host_devices.PCI_IN_USE, "The PCI device %s is already used." % dev.urn)
    dev.sim["gpu_group"] = rec.urn
    engine.touch(dev)
    return _task(engine, req, "AddGpuToGroupTask", rec, None)


@route("DELETE", "/service/sites/{site}/gpu-groups/{id}/pcis/{pci}")
def remove_pci(engine, req):
    """Take a GPU no VM uses out of the group."""
    site_check(engine, req)
    rec = _group(engine, req.params["id"])
    dev = host_devices._pci(engine, req.params["pci"])
    if dev.sim.get("gpu_group") != rec.urn:
        raise VrmError(host_devices.PCI_NOT_BOUND, "The PCI device %s is not in this group." % dev.urn)
    if _used(dev):
        raise VrmError(PCI_BUSY, "The GPU %s is in use by a VM of the group." % dev.urn)
    dev.sim.pop("gpu_group", None)
    engine.touch(dev)
    return _task(engine, req, "RemoveGpuFromGroupTask", rec, None)


# -- VMs ---------------------------------------------------------------------------------------------------

def _bound_vms(engine, group):
    return [vm for vm in engine.all("vms") for g in vm.data["vmConfig"].get("gpuGroups") or []
            if g["gpuGroup"] == group.urn]


def _vm_and_group(engine, req):
    from vrmsim.vms import _busy, _vm
    site_check(engine, req)
    group = _group(engine, req.params["group"])
    try:
        vm = _vm(engine, req)
    except VrmError:
        raise VrmError("10390007", "The VM does not exist.")
    if vm.data.get("isTemplate"):
        raise VrmError("10300019", "A template does not allow this operation.")
    _busy(engine, vm)
    if vm.data["status"] != "stopped":
        raise VrmError(host_devices.VM_MUST_STOP, "The VM's state does not allow this operation; stop the VM and "
                                                  "retry.")
    return vm, group


@route("POST", "/service/sites/{site}/vms/{vm}/gpu-groups/{group}")
def bind_group(engine, req):
    """Bind a stopped VM to a GPU resource group with a count of GPUs or vGPUs (task BindGpuGroupTask)."""
    vm, group = _vm_and_group(engine, req)
    count = as_int(req.json().get("count"), "count", default=1, code=BAD_COUNT)
    if count < 1:
        raise VrmError(BAD_COUNT, "count must be at least 1.")
    cfg = vm.data["vmConfig"]
    if any(g["gpuGroup"] == group.urn for g in cfg.get("gpuGroups") or []) or (
            cfg.get("gpuGroups") and group.data["gpuMode"] != _group_of(engine, cfg["gpuGroups"][0])):
        raise VrmError(CONFLICT, "The VM is already bound to a conflicting GPU resource.")
    if any(host_devices._product(engine.find(u, "pcis"))["deviceType"] == host_devices.GPU
           for u in cfg.get("pcis") or []):
        raise VrmError(CONFLICT, "The VM already has a passthrough GPU.")
    if count > MAX_PER_VM:
        raise VrmError(OVER_VM_LIMIT, "A VM takes at most %d GPU resources." % MAX_PER_VM)
    mem = cfg["memory"]
    if group.data["gpuMode"] == 0 and mem.get("reservation", 0) < mem["quantityMB"]:
        raise VrmError(host_devices.PCI_NEEDS_RESERVATION, "A VM with passthrough GPUs needs 100% of its memory "
                                                           "reserved.")
    picks = _allocate(engine, vm, group, count)
    for dev in picks:
        dev.sim.setdefault("allocations", {})[vm.urn] = dev.sim.get("allocations", {}).get(vm.urn, 0) + 1
        if group.data["gpuMode"] == 0:
            dev.sim["consumer"] = vm.urn
        engine.touch(dev)
    task = engine.start_task("BindGpuGroupTask", vm.urn, vm.data["name"],
                             done=("gpu_group_bound", {"group": group.urn, "count": count,
                                                       "host": picks[0].data["hostUrn"]}),
                             user=req.session["user"])
    return engine.task_ref(task)


def _group_of(engine, binding):
    rec = engine.find(binding["gpuGroup"], "gpu-groups")
    return rec.data["gpuMode"] if rec else None


def _allocate(engine, vm, group, count):
    """``count`` slots (whole GPUs or vGPUs) of one host, the VM's own host first; 10390022 when no host has them."""
    by_host = {}
    for dev in sorted(_members(engine, group), key=lambda r: r.urn):
        free = _slots(group) - _used(dev)
        if free > 0 and not (group.data["gpuMode"] == 0 and dev.sim.get("consumer")):
            by_host.setdefault(dev.data["hostUrn"], []).extend([dev] * free)
    pinned = vm.sim.get("pinned") if vm.data.get("isBindingHost") else None
    order = sorted(by_host, key=lambda h: (h != pinned, -len(by_host[h]), h))
    if pinned:
        order = [h for h in order if h == pinned]
    for host in order:
        if len(by_host[host]) >= count:
            return by_host[host][:count]
    raise VrmError(NO_CAPACITY, "The VM asks for %d GPU resources; the group has at most %d free on one host." % (
        count, max([len(v) for h, v in by_host.items() if not pinned or h == pinned] or [0])))


@handler("gpu_group_bound")
def _gpu_group_bound(engine, task, group, count, host):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is None:
        return
    vm.data["vmConfig"].setdefault("gpuGroups", []).append({"gpuGroup": group, "count": count})
    host_devices._pin(engine, vm, host)
    engine.touch(vm)


@route("DELETE", "/service/sites/{site}/vms/{vm}/gpu-groups/{group}")
def unbind_group(engine, req):
    """Unbind a stopped VM from a GPU resource group (task UnbindGpuGroupTask)."""
    vm, group = _vm_and_group(engine, req)
    if not any(g["gpuGroup"] == group.urn for g in vm.data["vmConfig"].get("gpuGroups") or []):
        raise VrmError(NOT_BOUND, "The VM is not bound to the GPU resource group.")
    release(engine, vm, group.urn)
    vm.data["vmConfig"]["gpuGroups"] = [g for g in vm.data["vmConfig"]["gpuGroups"] if g["gpuGroup"] != group.urn]
    host_devices._unpin_if_free(vm)
    engine.touch(vm)
    task = engine.start_task("UnbindGpuGroupTask", vm.urn, vm.data["name"], user=req.session["user"])
    return engine.task_ref(task)


def release(engine, vm, group_urn=None):
    """Give back what the groups (or one group) allocated to ``vm``."""
    for dev in engine.all("pcis"):
        if dev.sim.get("gpu_group") and (group_urn is None or dev.sim["gpu_group"] == group_urn) and \
                vm.urn in dev.sim.get("allocations", {}):
            dev.sim["allocations"].pop(vm.urn)
            if dev.sim.get("consumer") == vm.urn:
                dev.sim["consumer"] = None
            engine.touch(dev)


@route("GET", "/service/sites/{site}/vms/{vm}/gpu-groups")
def vm_groups(engine, req):
    """The GPU resource groups a VM is bound to."""
    from vrmsim.vms import _vm
    site_check(engine, req)
    vm = _vm(engine, req)
    groups = [engine.find(g["gpuGroup"], "gpu-groups") for g in vm.data["vmConfig"].get("gpuGroups") or []]
    return page([engine.render(g) for g in groups if g is not None], req, "gpuGroups")
