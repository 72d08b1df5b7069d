"""Host devices a VM can take over: PCI devices (GPUs, SSDs, SR-IOV virtual functions) and USB devices.

FC8DOC ch3 "设备资源管理" (``<site>/pcis``, ``<site>/pci-products``, ``<site>/usbs``), "虚拟机PCI设备绑定、解绑定"
(``<vm>/pcis``), "查询虚拟机绑定的PCI设备信息" and "添加/移除USB设备" (``<vm>/action/attachusb|detachusb``).
A device serves one VM at a time; a VM holding one is bound to the device's host (no live migration, DRS
leaves it, HA does not restart it elsewhere). The choices vrmsim makes where the record is silent are in
docs/vrmsim-fidelity.md ("Passthrough devices").
"""

from vrmsim.common import as_str, page, site_check
from vrmsim.engine import handler, renderer
from vrmsim.errors import VrmError
from vrmsim.routes import route

# PCI device types (product.deviceType). FC8DOC lists GPU and SSD for <site>/pcis; SRIOV_VF is vrmsim's.
GPU, SSD, VF = "GPU", "SSD", "SRIOV_VF"
USB_CONTROLLERS = ("EHCI+UHCI", "xHCI")
MAX_USB_PER_VM = 4                 # FC8DOC 10300317
STOPPED = ("stopped",)             # the states in which a PCI device may be bound or unbound

PCI_MISSING = "10380003"
PCI_IN_USE = "10380004"
PCI_NOT_BOUND = "10380005"
PCI_NEEDS_RESERVATION = "10321056"
VM_MUST_STOP = "10300320"
VF_RUNNING_ATTACH = "10301022"
VF_RUNNING_DETACH = "10301021"
USB_NO_CONTROLLER = "10300054"
USB_IN_USE = "10300055"
USB_NOT_BOUND = "10300056"
USB_OTHER_HOST = "10300159"
USB_ONE_HOST = "10300049"
USB_TOO_MANY = "10300317"
MIGRATE_USB = "10300059"
MIGRATE_VF = "10300931"
MIGRATE_PCI = "10321016"
BOUND_ELSEWHERE = "11400052"

PRODUCTS = {
    "1eb8": {"productNo": "1eb8", "productName": "Tesla T4", "vendorNo": "10de", "vendorName": "NVIDIA Corporation",
             "controllerType": "VGA", "deviceType": GPU},
    "0a54": {"productNo": "0a54", "productName": "NVMe SSD DC P4510", "vendorNo": "8086",
             "vendorName": "Intel Corporation", "controllerType": "NVMe", "deviceType": SSD},
    "10ed": {"productNo": "10ed", "productName": "82599 Ethernet Controller Virtual Function", "vendorNo": "8086",
             "vendorName": "Intel Corporation", "controllerType": "Ethernet", "deviceType": VF},
}


# -- records ---------------------------------------------------------------------------------------

def new_pci(engine, host, product_no, bus, slot=0, func=0, physical_nic=None):
    """A PCI device of ``host`` (a product of PRODUCTS); ``physical_nic`` names the NIC of a virtual function."""
    urn = engine.new_urn("pcis")
    host_rec = engine.get(host, "hosts") if isinstance(host, str) else host
    alias = "%s VF %d" % (physical_nic, func) if physical_nic else PRODUCTS[product_no]["productName"]
    data = {"urn": urn, "uri": engine.uri_of(urn), "hostUrn": host_rec.urn, "hostUri": host_rec.data["uri"],
            "domain": 0, "bus": bus, "slot": slot, "func": func, "productNo": product_no, "alias": alias}
    if physical_nic:
        data["physicalNic"] = physical_nic
    return engine.add("pcis", urn, data, {"consumer": None})


def new_usb(engine, host, product_id, description, version="2.0"):
    urn = engine.new_urn("usbs")
    host_rec = engine.get(host, "hosts") if isinstance(host, str) else host
    data = {"urn": urn, "uri": engine.uri_of(urn), "hostUrn": host_rec.urn, "productId": product_id,
            "description": description, "version": version}
    return engine.add("usbs", urn, data, {"consumer": None})


def consumer(engine, dev):
    """The VM record that holds (or is being given) ``dev``, or None."""
    urn = dev.sim.get("consumer")
    return engine.find(urn, "vms") if urn else None


def is_passthrough(vm):
    """Whether a VM holds a passthrough device (PCI or USB): it is then bound to its host."""
    cfg = vm.data.get("vmConfig", {})
    return bool(cfg.get("pcis") or cfg.get("gpuGroups")) or any(c.get("device") for c in cfg.get("usb") or [])


def migrate_refusal(engine, vm):
    """The documented refusal of a live migration of a VM holding passthrough devices, or None."""
    cfg = vm.data.get("vmConfig", {})
    if any(c.get("device") for c in cfg.get("usb") or []):
        return VrmError(MIGRATE_USB, "A VM with USB devices cannot migrate; detach them first.")
    kinds = {_product(engine.find(u, "pcis"))["deviceType"] for u in cfg.get("pcis") or [] if engine.find(u, "pcis")}
    if VF in kinds:
        return VrmError(MIGRATE_VF, "A VM with SR-IOV NICs does not allow this operation.")
    if cfg.get("gpuGroups"):
        kinds.add("GPU resource group")
    if kinds:
        return VrmError(MIGRATE_PCI, "The bound PCI devices (%s) do not allow this operation." %
                        ", ".join(sorted(kinds)))
    return None


def _product(dev):
    return PRODUCTS.get((dev.data if dev else {}).get("productNo"), {"deviceType": ""})


@renderer("pcis")
def render_pci(engine, rec, view):
    d = rec.data
    vm = consumer(engine, rec)
    prod = dict(_product(rec), alias=d["alias"])
    out = {k: d[k] for k in ("uri", "urn", "hostUri", "hostUrn", "domain", "bus", "slot", "func")}
    out["consumer"] = {"uri": vm.data["uri"], "urn": vm.urn} if vm else None
    out["product"] = prod
    if d.get("physicalNic"):
        out["physicalNic"] = d["physicalNic"]
    return out


@renderer("usbs")
def render_usb(engine, rec, view):
    d = rec.data
    vm = consumer(engine, rec)
    host = engine.find(d["hostUrn"], "hosts")
    ctl = ""
    if vm is not None:      # the controller the device hangs on
        ctl = next((c["controllerType"] for c in vm.data["vmConfig"].get("usb") or []
                    if any(x["usbUrn"] == rec.urn for x in c.get("device") or [])), "")
    return {"uri": d["uri"], "urn": rec.urn, "hostUrn": d["hostUrn"], "hostName": host.data["name"] if host else "",
            "productId": d["productId"], "description": d["description"],
            "workStatus": "Working" if vm else "Ready", "allocateStatus": "Allocated" if vm else "UnAllocated",
            "vmUrn": vm.urn if vm else "", "vmName": vm.data["name"] if vm else "", "usbControllerType": ctl,
            "version": d["version"]}


# -- site-wide device lists -------------------------------------------------------------------------

@route("GET", "/service/sites/{site}/pci-products")
def list_pci_products(engine, req):
    """PCI product models (filters vendor, device)."""
    site_check(engine, req)
    vendor, device = req.q("vendor"), req.q("device")
    items = [dict(p) for _k, p in sorted(PRODUCTS.items())
             if (not vendor or p["vendorNo"] == vendor) and (not device or p["deviceType"] == device)]
    return page(items, req, "products")


@route("GET", "/service/sites/{site}/pcis")
def list_pcis(engine, req):
    """PCI devices (filters product, vendor, device, consumer; consumer=null: the unused ones)."""
    site_check(engine, req)
    want = {k: req.q(k) for k in ("product", "vendor", "device", "consumer")}
    items = []
    for rec in sorted(engine.all("pcis"), key=lambda r: (r.data["hostUrn"], r.data["bus"], r.data["func"])):
        prod, vm = _product(rec), consumer(engine, rec)
        if (want["product"] and prod.get("productNo") != want["product"]) or \
                (want["vendor"] and prod.get("vendorNo") != want["vendor"]) or \
                (want["device"] and prod.get("deviceType") != want["device"]):
            continue
        if want["consumer"] == "null" and vm is not None:
            continue
        if want["consumer"] not in (None, "", "null") and (vm is None or vm.urn != want["consumer"]):
            continue
        items.append(engine.render(rec))
    return page(items, req, "pcis", all_when_absent=False)


@route("GET", "/service/sites/{site}/pcis/{pci}")
def get_pci(engine, req):
    """One PCI device."""
    site_check(engine, req)
    return {"pci": engine.render(_pci(engine, req.params["pci"]))}


def _pci(engine, ident, code=PCI_MISSING):
    ident = ident.rsplit(":", 1)[-1].rsplit("/", 1)[-1] if isinstance(ident, str) else ident
    rec = engine.find("%s:pcis:%s" % (engine.site_urn, ident), "pcis")
    if rec is None:
        raise VrmError(code, "The PCI device %s does not exist." % ident)
    return rec


@route("GET", "/service/sites/{site}/usbs")
def list_usbs(engine, req):
    """USB devices of a cluster, host or VM (scope required; workStatus, allocateStatus, vmName, vmId)."""
    site_check(engine, req)
    scope = req.q("scope")
    if not scope:
        raise VrmError("10000001", "The parameter scope (a cluster, host or VM URN) is required.")
    target = engine.find(scope)
    if target is None or target.kind not in ("clusters", "hosts", "vms"):
        raise VrmError("10000008", "The scope %s is not a cluster, host or VM." % scope)
    items = []
    for rec in sorted(engine.all("usbs"), key=lambda r: r.urn):
        view = engine.render(rec)
        host = engine.find(rec.data["hostUrn"], "hosts")
        if target.kind == "hosts" and rec.data["hostUrn"] != target.urn:
            continue
        if target.kind == "clusters" and (host is None or host.data.get("clusterUrn") != target.urn):
            continue
        if target.kind == "vms" and view["vmUrn"] != target.urn:
            continue
        if any(req.q(k) and view[k] != req.q(k) for k in ("workStatus", "allocateStatus")):
            continue
        if req.q("vmName") and req.q("vmName").lower() not in view["vmName"].lower():
            continue
        if req.q("vmId") and not view["vmUrn"].endswith(":" + req.q("vmId")):
            continue
        items.append(view)
    return page(items, req, "usbs", fallback_over_limit=True)


@route("GET", "/service/sites/{site}/usbs/{usb}")
def get_usb(engine, req):
    """One USB device."""
    site_check(engine, req)
    return engine.render(_usb(engine, req.params["usb"], "10000008"))


def _usb(engine, ident, code):
    if not isinstance(ident, str) or not ident:
        raise VrmError("10000001", "usbUrn must be a USB device URN.")
    rec = engine.find(ident if ident.startswith("urn:") else "%s:usbs:%s" % (engine.site_urn, ident), "usbs")
    if rec is None:
        raise VrmError(code, "The USB device %s does not exist." % ident)
    return rec


# -- a VM's devices ----------------------------------------------------------------------------------

def _vm_of(engine, req):
    from vrmsim.vms import _busy, _vm
    site_check(engine, req)
    vm = _vm(engine, req)
    if vm.data.get("isTemplate"):
        raise VrmError("10300019", "A template does not allow this operation.")
    _busy(engine, vm)
    return vm


def _bind_to(engine, vm, host_urn):
    """A VM taking a device of ``host_urn`` is bound to that host (FC8DOC 11400052: a PCI passthrough VM must be
    bound to its host); one bound elsewhere or running elsewhere is refused with ``code``."""
    here = vm.sim.get("host") if vm.data["status"] != "stopped" else None
    if vm.data.get("isBindingHost") and vm.sim.get("pinned") not in (None, host_urn):
        return "bound"
    if here and here != host_urn:
        return "elsewhere"
    return None


def _pin(engine, vm, host_urn):
    if not vm.data.get("isBindingHost"):
        vm.sim["bound_by_device"] = True
    vm.data["isBindingHost"] = True
    vm.sim["pinned"] = host_urn
    host = engine.find(host_urn, "hosts")
    if vm.data["status"] == "stopped" and host is not None:
        vm.sim["host"] = host_urn
        vm.data.update(hostUrn=host_urn, hostName=host.data["name"])


def _unpin_if_free(vm):
    if not is_passthrough(vm) and vm.sim.pop("bound_by_device", False):
        vm.data["isBindingHost"] = False


def _start(engine, req, vm, task_type, done, dev):
    task = engine.start_task(task_type, vm.urn, vm.data["name"], done=done,
                             fail=("device_unclaimed", {"dev": dev.urn, "vm": vm.urn}), user=req.session["user"])
    vm.sim["busy"] = task.urn
    engine.touch(vm)
    engine.touch(dev)
    return engine.task_ref(task)


@route("POST", "/service/sites/{site}/vms/{vm}/pcis")
def bind_pci(engine, req):
    """Bind a PCI device (GPU, SSD, SR-IOV VF) to a stopped VM (task BindPciDevTask)."""
    vm = _vm_of(engine, req)
    body = req.json()
    urn = as_str(body.get("pciUrn"), "pciUrn", 1, 256, required=True)
    dev = _pci(engine, urn)
    kind = _product(dev)["deviceType"]
    other = consumer(engine, dev)
    if other is not None:
        raise VrmError(PCI_IN_USE, "The PCI device %s is already used by %s." % (dev.urn, other.data["name"]))
    if dev.sim.get("gpu_group"):
        raise VrmError(PCI_IN_USE, "The PCI device %s belongs to a GPU resource group." % dev.urn)
    if vm.data["status"] not in STOPPED:
        if kind == VF:
            raise VrmError(VF_RUNNING_ATTACH, "A running VM cannot take an SR-IOV NIC; stop it first.")
        raise VrmError(VM_MUST_STOP, "The VM's state does not allow this operation; stop the VM and retry.")
    mem = vm.data["vmConfig"]["memory"]
    if mem.get("reservation", 0) < mem["quantityMB"]:
        raise VrmError(PCI_NEEDS_RESERVATION, "A VM with PCI devices needs 100%% of its memory reserved "
                                              "(memory.reservation %d MB of %d MB)." %
                       (mem.get("reservation", 0), mem["quantityMB"]))
    if _bind_to(engine, vm, dev.data["hostUrn"]):
        raise VrmError(BOUND_ELSEWHERE, "The VM is bound to another host than the PCI device's; a PCI passthrough "
                                        "VM must be bound to the device's host.")
    dev.sim["consumer"] = vm.urn
    return _start(engine, req, vm, "BindPciDevTask", ("pci_bound", {"dev": dev.urn}), dev)


@route("DELETE", "/service/sites/{site}/vms/{vm}/pcis/{pci}")
def unbind_pci(engine, req):
    """Unbind a PCI device from a stopped VM (task UnbindPciDevTask; format is accepted and ignored)."""
    vm = _vm_of(engine, req)
    dev = _pci(engine, req.params["pci"])
    if dev.urn not in vm.data["vmConfig"].get("pcis", []):
        raise VrmError(PCI_NOT_BOUND, "The PCI device %s is not bound to this VM." % dev.urn)
    if vm.data["status"] not in STOPPED:
        if _product(dev)["deviceType"] == VF:
            raise VrmError(VF_RUNNING_DETACH, "A running VM cannot give up an SR-IOV NIC; stop it first.")
        raise VrmError(VM_MUST_STOP, "The VM's state does not allow this operation; stop the VM and retry.")
    return _start(engine, req, vm, "UnbindPciDevTask", ("pci_unbound", {"dev": dev.urn}), dev)


@route("GET", "/service/sites/{site}/vms/{vm}/pcis")
def vm_pcis(engine, req):
    """The PCI devices a VM holds (filters vendor, product, device)."""
    from vrmsim.vms import _vm
    site_check(engine, req)
    vm = _vm(engine, req)
    items = []
    for urn in vm.data["vmConfig"].get("pcis", []):
        rec = engine.find(urn, "pcis")
        if rec is None:
            continue
        view = engine.render(rec)
        prod = view["product"]
        if any(req.q(q) and prod.get(f) != req.q(q) for q, f in (("vendor", "vendorNo"), ("product", "productNo"),
                                                                   ("device", "deviceType"))):
            continue
        view.pop("consumer")
        view["consumer"] = {"urn": vm.urn, "uri": vm.data["uri"]}
        items.append(view)
    size = req.qint("page", 200, lo=1)
    index = req.qint("size", 0, lo=0)
    return {"pcis": items[index * size:(index + 1) * size],
            "pagination": {"page": index, "size": size, "count": (len(items) + size - 1) // size,
                           "totalCount": len(items)}}


@route("POST", "/service/sites/{site}/vms/{vm}/action/attachusb")
def attach_usb(engine, req):
    """Give a VM a USB device of its host, adding the controller when it has none (task BindUsbDevTask)."""
    vm = _vm_of(engine, req)
    body = req.json()
    ctl_type = as_str(body.get("type"), "type", 1, 32) or "EHCI+UHCI"
    if ctl_type not in USB_CONTROLLERS:
        raise VrmError(USB_NO_CONTROLLER, "The USB controller type must be EHCI+UHCI or xHCI.")
    dev = _usb(engine, body.get("usbUrn"), "10000008")
    if consumer(engine, dev) is not None:
        raise VrmError(USB_IN_USE, "The USB device is already bound to %s." % consumer(engine, dev).data["name"])
    ctls = vm.data["vmConfig"].get("usb") or []
    held = [x for c in ctls for x in c.get("device") or []]
    if ctls and "type" in body and ctls[0]["controllerType"] != ctl_type:
        raise VrmError(USB_NO_CONTROLLER, "The VM has no %s USB controller (it has %s)." %
                       (ctl_type, ctls[0]["controllerType"]))
    if len(held) >= MAX_USB_PER_VM:
        raise VrmError(USB_TOO_MANY, "The VM already has %d USB devices." % MAX_USB_PER_VM)
    hosts = {engine.get(x["usbUrn"], "usbs").data["hostUrn"] for x in held if engine.find(x["usbUrn"], "usbs")}
    if hosts and hosts != {dev.data["hostUrn"]}:
        raise VrmError(USB_ONE_HOST, "The USB devices of one VM must all be on one host.")
    where = _bind_to(engine, vm, dev.data["hostUrn"])
    if where:
        raise VrmError(USB_OTHER_HOST, "The VM and the USB device are not on the same host.")
    dev.sim["consumer"] = vm.urn
    return _start(engine, req, vm, "BindUsbDevTask",
                  ("usb_bound", {"dev": dev.urn, "ctl": ctls[0]["controllerType"] if ctls else ctl_type}), dev)


@route("POST", "/service/sites/{site}/vms/{vm}/action/detachusb")
def detach_usb(engine, req):
    """Take a USB device from a VM (task UnbindUsbDevTask)."""
    vm = _vm_of(engine, req)
    dev = _usb(engine, req.json().get("usbUrn"), "10000008")
    held = [x["usbUrn"] for c in vm.data["vmConfig"].get("usb") or [] for x in c.get("device") or []]
    if dev.urn not in held:
        raise VrmError(USB_NOT_BOUND, "The USB device is not bound to this VM.")
    return _start(engine, req, vm, "UnbindUsbDevTask", ("usb_unbound", {"dev": dev.urn}), dev)


# -- task ends -------------------------------------------------------------------------------------

def _ended(engine, task):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is not None:
        vm.sim["busy"] = None
    return vm


@handler("pci_bound")
def _pci_bound(engine, task, dev):
    vm = _ended(engine, task)
    rec = engine.find(dev, "pcis")
    if vm is None or rec is None:
        return
    vm.data["vmConfig"].setdefault("pcis", []).append(dev)
    _pin(engine, vm, rec.data["hostUrn"])
    engine.touch(vm)


def _unbound(engine, task, dev, kind, drop):
    """An unbind task ended: the device is free, ``drop(vmConfig)`` takes it out of the VM's configuration."""
    vm = _ended(engine, task)
    rec = engine.find(dev, kind)
    if rec is not None:
        rec.sim["consumer"] = None
        engine.touch(rec)
    if vm is not None:
        drop(vm.data["vmConfig"])
        _unpin_if_free(vm)
        engine.touch(vm)


@handler("pci_unbound")
def _pci_unbound(engine, task, dev):
    def drop(cfg):
        cfg["pcis"] = [u for u in cfg.get("pcis", []) if u != dev]
    _unbound(engine, task, dev, "pcis", drop)


@handler("usb_bound")
def _usb_bound(engine, task, dev, ctl):
    vm = _ended(engine, task)
    rec = engine.find(dev, "usbs")
    if vm is None or rec is None:
        return
    host = engine.find(rec.data["hostUrn"], "hosts")
    ctls = vm.data["vmConfig"].setdefault("usb", [])
    if not ctls:
        ctls.append({"controllerType": ctl, "device": []})
    ctls[0]["device"].append({"usbUrn": dev, "usbHostName": host.data["name"] if host else ""})
    _pin(engine, vm, rec.data["hostUrn"])
    engine.touch(vm)


@handler("usb_unbound")
def _usb_unbound(engine, task, dev):
    def drop(cfg):
        for c in cfg.get("usb") or []:
            c["device"] = [x for x in c.get("device") or [] if x["usbUrn"] != dev]
    _unbound(engine, task, dev, "usbs", drop)


@handler("device_unclaimed")
def _device_unclaimed(engine, task, dev, vm):
    """A bind or unbind task failed: the device stays where it was."""
    rec = engine.find(dev)
    owner = engine.find(vm, "vms")
    if owner is not None:
        owner.sim["busy"] = None
        engine.touch(owner)
    if rec is None:
        return
    held = owner is not None and (dev in owner.data["vmConfig"].get("pcis", []) or any(
        x["usbUrn"] == dev for c in owner.data["vmConfig"].get("usb") or [] for x in c.get("device") or []))
    rec.sim["consumer"] = vm if held else None
    engine.touch(rec)


def release_all(engine, vm):
    """A VM that goes away gives its devices back."""
    for kind in ("pcis", "usbs"):
        for rec in engine.all(kind):
            held = rec.sim.get("consumer") == vm.urn
            shared = rec.sim.get("allocations", {}).pop(vm.urn, None) is not None   # GPU resource groups
            if held:
                rec.sim["consumer"] = None
            if held or shared:
                engine.touch(rec)


# -- demo seed ----------------------------------------------------------------------------------------

def seed_demo(engine, hosts):
    """A GPU on the first two production hosts, an SR-IOV NIC with four VFs and an NVMe SSD on the second, a USB
    key on the first production host and on the first development host."""
    by_name = {h.data["name"]: h for h in hosts}
    prod1, prod2, dev1 = by_name["cna-prod-01"], by_name["cna-prod-02"], by_name["cna-dev-01"]
    new_pci(engine, prod1, "1eb8", bus=0x3b)
    new_pci(engine, prod2, "1eb8", bus=0x3b)
    new_pci(engine, prod2, "0a54", bus=0x5e)
    for vf in range(4):
        new_pci(engine, prod2, "10ed", bus=0x18, slot=0x10, func=vf, physical_nic="eth4")
    new_usb(engine, prod1, "0529:0620", "SafeNet Token JC (USB key)")
    new_usb(engine, dev1, "096e:0006", "Feitian ePass USB key")
