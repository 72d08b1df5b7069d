# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Passthrough devices: a site's GPUs, PCI devices (SSDs, SR-IOV virtual functions) and USB devices in one normal
form (for fc_host_device_info and fc_vm_info), and fc_vm's O(gpus), O(pci_devices) and O(usb_devices): their
argument spec, the choice of devices, the checks made before any write, the plan and the diff."""

from __future__ import annotations

import re

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import urn_to_uri
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import Step

PCI_TYPES = {"GPU": "gpu", "SSD": "ssd", "SRIOV_VF": "sriov_vf"}
USB_CONTROLLERS = ["EHCI+UHCI", "xHCI"]
_PCI_ENTRY = dict(urn=dict(type="str"), host=dict(type="str"), address=dict(type="str"), model=dict(type="str"))

# fc_vm merges this into its argument spec; doc_fragments/fc_vm_passthrough.py documents it.
PASSTHROUGH_ARGSPEC = dict(
    gpus=dict(type="list", elements="dict", options=dict(_PCI_ENTRY)),
    gpus_remove_unmanaged=dict(type="bool", default=False),
    pci_devices=dict(type="list", elements="dict", options=dict(_PCI_ENTRY, sriov_nic=dict(type="str"))),
    pci_devices_remove_unmanaged=dict(type="bool", default=False),
    usb_devices=dict(type="list", elements="dict", options=dict(
        urn=dict(type="str"), host=dict(type="str"), product_id=dict(type="str"),
        controller=dict(type="str", choices=USB_CONTROLLERS))),
    usb_devices_remove_unmanaged=dict(type="bool", default=False),
)
# option -> (what one device is called in messages, device types it manages)
OPTIONS = {"gpus": ("GPU", ("gpu",)), "pci_devices": ("PCI device", ("ssd", "sriov_vf", "pci")),
           "usb_devices": ("USB device", ("usb",))}
_ADDRESS = re.compile(r"^(?:([0-9a-f]{1,4}):)?([0-9a-f]{1,2}):([0-9a-f]{1,2})\.([0-7])$")


def pci_address(text):
    """``[domain:]bus:slot.func`` in the long form lspci shows (``0000:3b:00.0``); FcError when it is not one."""
    m = _ADDRESS.match((text or "").strip().lower())
    if not m:
        raise FcError("%r is not a PCI address (domain:bus:slot.function, for example 0000:3b:00.0)." % text)
    return "%04x:%02x:%02x.%x" % (int(m.group(1) or "0", 16), int(m.group(2), 16), int(m.group(3), 16),
                                  int(m.group(4), 16))


class DeviceIndex:
    """The site's passthrough devices, read once: PCI devices from ``<site>/pcis``, USB devices from ``<site>/usbs``
    per cluster (VRM lists USB devices only by cluster, host or VM)."""

    def __init__(self, fc):
        self.fc = fc
        self._hosts = None
        self._devices = None
        self._vm_names = {}

    def hosts(self):
        if self._hosts is None:
            self._hosts = {h["urn"]: h for h in self.fc.client.list_all(self.fc.site_uri + "/hosts", "hosts")}
        return self._hosts

    def host_name(self, urn):
        return (self.hosts().get(urn) or {}).get("name") or urn

    def vm_name(self, urn):
        if urn and urn not in self._vm_names:
            self._vm_names[urn] = (self.fc.client.get(urn_to_uri(urn)) or {}).get("name") or urn
        return self._vm_names.get(urn)

    def devices(self):
        if self._devices is None:
            client, site = self.fc.client, self.fc.site_uri
            out = [self._pci(d) for d in client.list_all(site + "/pcis", "pcis")]
            clusters = (client.get(site + "/clusters") or {}).get("clusters", [])
            for cl in clusters:
                out += [self._usb(u) for u in client.list_all(site + "/usbs", "usbs", {"scope": cl["urn"]})]
            self._devices = out
        return self._devices

    def _pci(self, d):
        prod = d.get("product") or {}
        return {"urn": d["urn"], "type": PCI_TYPES.get(prod.get("deviceType"), "pci"),
                "host": self.host_name(d.get("hostUrn")), "host_urn": d.get("hostUrn"),
                "address": "%04x:%02x:%02x.%x" % (d.get("domain") or 0, d.get("bus") or 0, d.get("slot") or 0,
                                                  d.get("func") or 0),
                "model": prod.get("productName"), "vendor": prod.get("vendorName"),
                "sriov_nic": d.get("physicalNic"), "vm_urn": (d.get("consumer") or {}).get("urn") or None}

    def _usb(self, u):
        return {"urn": u["urn"], "type": "usb", "host": u.get("hostName") or self.host_name(u.get("hostUrn")),
                "host_urn": u.get("hostUrn"), "product_id": u.get("productId"),
                "description": u.get("description") or u.get("desciption"), "vm_urn": u.get("vmUrn") or None,
                "controller": u.get("usbControllerType") or None}

    def group_names(self):
        if getattr(self, "_groups", None) is None:
            self._groups = {g["urn"]: g.get("name") for g in
                            self.fc.client.list_all(self.fc.site_uri + "/gpu-groups", "gpuGroups")}
        return self._groups

    def with_users(self, devices):
        """``devices`` with the name of the VM that uses each (``vm``)."""
        return [dict(d, vm=self.vm_name(d["vm_urn"]) if d["vm_urn"] else None) for d in devices]


def brief(dev):
    """A device as fc_vm's diff and fc_vm_info show it."""
    keys = ("urn", "host", "product_id", "description") if dev["type"] == "usb" else \
        ("urn", "host", "address", "model") + (("sriov_nic",) if dev["sriov_nic"] else ())
    return {k: dev[k] for k in keys}


def bound(vm):
    """URNs of the PCI and USB devices bound to ``vm`` itself (GPUs a GPU resource group gives it are not)."""
    cfg = vm.get("vmConfig") or {}
    return set(cfg.get("pcis") or []) | {x.get("usbUrn") for c in cfg.get("usb") or [] for x in c.get("device") or []}


def vm_devices(index, vm):
    """The devices bound to a VM, by option: {gpus: [...], pci_devices: [...], usb_devices: [...]}."""
    mine = bound(vm)
    held = [d for d in index.devices() if d["urn"] in mine]
    out = {opt: [brief(d) for d in held if d["type"] in types] for opt, (_w, types) in OPTIONS.items()}
    groups = (vm.get("vmConfig") or {}).get("gpuGroups") or []
    out["gpu_groups"] = [{"urn": g.get("gpuGroup"), "name": index.group_names().get(g.get("gpuGroup")),
                          "count": g.get("count")} for g in groups]
    return out


def _describe(entry):
    return ", ".join("%s=%s" % (k, v) for k, v in entry.items() if v is not None and k != "controller") or "any"


def _matches(entry, dev):
    for key, want in entry.items():
        if want is None or key == "controller":
            continue
        if key == "host":
            ok = want in (dev["host"], dev["host_urn"])
        elif key == "model":
            ok = want.lower() in ((dev.get("model") or "").lower(), (dev.get("vendor") or "").lower() + " " +
                                  (dev.get("model") or "").lower())
        elif key == "address":
            ok = pci_address(want) == dev.get("address")
        else:
            ok = dev.get(key) == want
        if not ok:
            return False
    return True


class VmPassthrough:
    """Mixed into fc_vm's resource class: needs ``self.fc``, ``self.client`` and ``self.params``."""

    _pt = None             # the resolved plan: option -> (kept, added, removed)
    _pt_obj = None

    def _pt_index(self):
        if getattr(self, "_pt_devices", None) is None:
            self._pt_devices = DeviceIndex(self.fc)
        return self._pt_devices

    def _pt_given(self):
        return [opt for opt in OPTIONS if self.params.get(opt) is not None]

    def passthrough_validate(self):
        p = self.params
        for opt in ("gpus", "pci_devices"):
            for i, e in enumerate(p.get(opt) or []):
                if e.get("address"):
                    try:
                        pci_address(e["address"])
                    except FcError as exc:
                        raise FcError("%s[%d].address: %s" % (opt, i, exc))
        kinds = {e["controller"] for e in p.get("usb_devices") or [] if e.get("controller")}
        if len(kinds) > 1:
            raise FcError("usb_devices name two USB controllers (%s); a VM has one." % ", ".join(sorted(kinds)))
        if p.get("gpus") or p.get("pci_devices"):
            mem = p.get("memory") or {}
            if mem.get("reservation") is not None and mem.get("size_mb") and mem["reservation"] < mem["size_mb"]:
                raise FcError("gpus and pci_devices need the VM's memory fully reserved: memory.reservation must "
                              "be memory.size_mb (%d MB), not %d; VRM refuses PCI passthrough otherwise (10321056)."
                              % (mem["size_mb"], mem["reservation"]))

    def passthrough_view(self, obj):
        """The devices ``obj`` holds, for the options given (nothing is read when none is)."""
        self._pt_obj = obj
        self._pt_devices = None          # read afresh (a re-read after a lost answer must see the new state)
        if not self._pt_given():
            return {}
        held = vm_devices(self._pt_index(), dict(obj, vmConfig=dict(obj.get("vmConfig") or {}, gpuGroups=[])))
        return {opt: held[opt] for opt in self._pt_given()}

    def passthrough_desired(self):
        return {opt: [{k: v for k, v in e.items() if v is not None} for e in self.params[opt]]
                for opt in self._pt_given()}

    def passthrough_compare(self, current, desired):
        """The device lists that change ({option: the devices after}); the choice is kept for the plan."""
        self._pt = self._pt_resolve(self._pt_obj or {})
        changes = {}
        for opt, (kept, added, removed, left) in self._pt.items():
            if added or removed:
                changes[opt] = [brief(d) for d in kept + left + added]
        return changes

    def _pt_resolve(self, obj):
        """option -> (kept, added, removed, left alone) devices; FcError (before any write) when an entry matches no
        device, only devices that other VMs use, or devices of more than one host."""
        index = self._pt_index()
        devices = index.devices()
        vm_urn = obj.get("urn")
        direct = bound(obj)
        plan = {}
        held = [d for d in devices if vm_urn and d["vm_urn"] == vm_urn]
        prefer = held[0]["host_urn"] if held else obj.get("hostUrn") or None
        for opt in self._pt_given():
            word, types = OPTIONS[opt]
            pool = [d for d in devices if d["type"] in types]
            spare = [d for d in pool if d["urn"] in direct]
            kept, added = [], []
            for i, entry in enumerate(self.params[opt]):
                mine = next((d for d in spare if _matches(entry, d)), None)
                if mine is not None:
                    spare.remove(mine)
                    kept.append(mine)
                    continue
                found = [d for d in pool if _matches(entry, d)]
                if not found:
                    raise FcError("%s[%d] (%s) matches no %s of the site; fusioncompute.core.fc_host_device_info "
                                  "lists them." % (opt, i, _describe(entry), word))
                free = [d for d in found if not d["vm_urn"] and d not in added]
                if not free:
                    users = "; ".join("%s on %s is used by VM %s" % (d["urn"], d["host"], index.vm_name(d["vm_urn"]))
                                      for d in found if d["vm_urn"] and d["vm_urn"] != vm_urn)
                    raise FcError("%s[%d] (%s): no free %s: %s. A passthrough device serves one VM at a time; take "
                                  "it from that VM first." % (opt, i, _describe(entry), word, users or
                                                              "this VM's own are taken by other entries"))
                free.sort(key=lambda d: d["host_urn"] != prefer)
                added.append(free[0])
                prefer = prefer or free[0]["host_urn"]
            unmanaged = self.params[opt + "_remove_unmanaged"]
            plan[opt] = (kept, added, spare if unmanaged else [], [] if unmanaged else spare)
        removed = [d for _k, _a, r, _l in plan.values() for d in r]
        still = [d for d in devices if vm_urn and d["vm_urn"] == vm_urn and d not in removed]
        new_hosts = {d["host_urn"] for _k, a, _r, _l in plan.values() for d in a}
        hosts = new_hosts | {d["host_urn"] for d in still}
        if len(hosts) > 1:
            raise FcError("The passthrough devices of a VM must all be on one host (the VM is bound to it); these "
                          "are on %s." % ", ".join(sorted(index.host_name(h) for h in hosts)))
        if obj.get("isBindingHost") and obj.get("hostUrn") and not held and new_hosts - {obj["hostUrn"]}:
            raise FcError("%s is bound to host %s, and its new devices are on %s; unbind it first." % (
                obj.get("name"), obj.get("hostName"), ", ".join(index.host_name(h) for h in new_hosts)))
        self._pt_check_reservation(obj, plan)
        return plan

    def _pt_check_reservation(self, obj, plan):
        if not any(plan[o][1] for o in ("gpus", "pci_devices") if o in plan):
            return
        mem = dict(((obj.get("vmConfig") or {}).get("memory") or {}))
        wanted = self.params.get("memory") or {}
        size = wanted.get("size_mb") or mem.get("quantityMB")
        reserved = wanted.get("reservation") if wanted.get("reservation") is not None else mem.get("reservation")
        if size is None or (reserved or 0) < size:
            raise FcError("gpus and pci_devices need the VM's memory fully reserved: set memory.reservation to %s "
                          "(the memory size); VRM refuses PCI passthrough otherwise (10321056)." % (size or
                                                                                                    "memory.size_mb"))

    def passthrough_needs_off(self, obj, changes):
        """Why the device changes need the VM powered off (empty when they do not)."""
        if obj.get("status") not in ("running", "pause") or not self._pt:
            return []
        out = []
        for opt in ("gpus", "pci_devices"):
            if opt in changes:
                out.append("%s (PCI devices are attached to and detached from a stopped VM only)" % opt)
        if "usb_devices" in changes:
            away = [d for d in self._pt["usb_devices"][1] if d["host_urn"] != obj.get("hostUrn")]
            if away:
                out.append("usb_devices (%s is on host %s; the VM runs on %s)" % (away[0]["urn"], away[0]["host"],
                                                                                  obj.get("hostName")))
        return out

    def passthrough_steps(self, obj):
        """Detach, then attach, as the resolved plan says."""
        uri = obj["uri"] if obj else None
        steps = []
        name = obj.get("name") if obj else self.params["name"]
        for opt, (_kept, _added, removed, _left) in (self._pt or {}).items():
            for d in removed:
                steps.append(Step("detach %s %s from %s" % (OPTIONS[opt][0], _label(d), name),
                                  lambda d=d: self._pt_detach(uri or self._created_uri(), d)))
        for opt, (_kept, added, _removed, _left) in (self._pt or {}).items():
            for d in added:
                steps.append(Step("attach %s %s to %s" % (OPTIONS[opt][0], _label(d), name),
                                  lambda d=d: self._pt_attach(uri or self._created_uri(), d)))
        return steps

    def passthrough_after_create(self):
        """For a VM being created: the devices are chosen now (so that bad input fails before the create) and
        attached after it; PCI devices to the new VM stopped, then it is started again if it was running."""
        if not self._pt_given():
            return []
        self._pt = self._pt_resolve({})
        steps = self.passthrough_steps({})
        if not steps:
            return []
        pci = any(self._pt[o][1] for o in ("gpus", "pci_devices") if o in self._pt)

        def run():
            uri = self._created_uri()
            vm = self.client.get(uri)
            cycle = pci and vm.get("status") == "running"
            if cycle:
                self._power(uri, "stop", force=True)
            for step in steps:
                step.fn()
            if cycle:
                self._power(uri, "start")
        return [Step("; ".join(s.description for s in steps), run)]

    def _created_uri(self):
        return urn_to_uri(self._created_urn)

    def _pt_attach(self, uri, dev):
        if dev["type"] == "usb":
            body = {"usbUrn": dev["urn"]}
            ctl = next((e["controller"] for e in self.params["usb_devices"] or [] if e.get("controller")), None)
            if ctl:
                body["type"] = ctl
            return self.fc.call("POST", uri + "/action/attachusb", body=body)
        return self.fc.call("POST", uri + "/pcis", body={"pciUrn": dev["urn"]})

    def _pt_detach(self, uri, dev):
        if dev["type"] == "usb":
            return self.fc.call("POST", uri + "/action/detachusb", body={"usbUrn": dev["urn"]})
        return self.fc.call("DELETE", uri + "/pcis/" + dev["urn"].rsplit(":", 1)[-1])


def _label(dev):
    where = dev.get("address") or dev.get("product_id")
    return "%s (%s on %s)" % (dev["urn"], where, dev["host"])


def refuse_migration(vm):
    """FcError when ``vm`` holds passthrough devices: VRM refuses to move it (10300059 with USB devices, 10300931
    with SR-IOV NICs, 10321016 with other PCI devices). Read from the VM alone, before anything is sent."""
    cfg = vm.get("vmConfig") or {}
    pcis = list(cfg.get("pcis") or []) + [g.get("gpuGroup") for g in cfg.get("gpuGroups") or []]
    usbs = [x.get("usbUrn") for c in cfg.get("usb") or [] for x in c.get("device") or []]
    if pcis or usbs:
        raise FcError("%s holds passthrough devices (%s) and is bound to host %s; VRM does not migrate it "
                      "(10321016, 10300059 or 10300931). Detach them with fusioncompute.core.fc_vm (gpus, "
                      "pci_devices, usb_devices) and power it off first, or leave it where it is." % (
                          vm.get("name"), ", ".join(pcis + usbs), vm.get("hostName") or "?"))
