# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""fc_vm's guest options - boot order, vCPU pinning, NUMA binding, per-disk I/O limits and weight - and the
VM Tools status: their argument spec, the normal form of each, the plan that changes them, and the view
fc_vm_info returns."""

from __future__ import annotations

import re
import time

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError, FcTimeout
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import urn_to_uri
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import Step
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_common import BUS_ORDER

# The option names of a disk's I/O settings and the volume fields that hold them (FC8DOC ch4, KB/s and I/O/s).
IO_KEYS = (("read_kbps", "maxReadBytes"), ("write_kbps", "maxWriteBytes"), ("total_kbps", "totalRWBytes"),
           ("read_iops", "maxReadRequest"), ("write_iops", "maxWriteRequest"), ("total_iops", "totalRWRequest"))
IO_RANGES = {"kbps": (8, 976562500000), "iops": (16, 4294967295)}
BOOT_FIRST = {"disk": "disk", "cdrom": "cdrom", "pxe": "network"}
PIN_MODES = {"none": "nobind", "range": "range", "exact": "exact", "numa": "numa"}

# A disk's I/O options (fc_vm's disk_io entries, fc_volume's io).
IO_OPTIONS = dict({k: dict(type="int") for k, _f in IO_KEYS}, weight=dict(type="int"))
GUEST_OPTIONS = dict(
    boot_order=dict(type="list", elements="str"),
    cpu_pinning=dict(type="dict", options=dict(
        mode=dict(type="str", required=True, choices=list(PIN_MODES)),
        cpus=dict(type="str"),
        vcpus=dict(type="list", elements="dict", options=dict(
            vcpu=dict(type="int", required=True), cpus=dict(type="str", required=True))),
        numa_nodes=dict(type="list", elements="dict", options=dict(
            node=dict(type="int", required=True), vcpus=dict(type="str", required=True))))),
    numa=dict(type="dict", options=dict(auto_adjust=dict(type="bool"), host_nodes=dict(type="list", elements="int"))),
    disk_io=dict(type="list", elements="dict", options=dict(disk=dict(type="int", required=True), **IO_OPTIONS)),
)


# -- normal forms ----------------------------------------------------------------------------------

def parse_cpus(text, option):
    """'0,2,5-7' -> [0, 2, 5, 6, 7] (sorted, distinct); FcError naming ``option`` otherwise."""
    out = set()
    for part in str(text).replace(" ", "").split(","):
        m = re.match(r"^(\d+)(?:-(\d+))?$", part)
        if not m or int(m.group(2) or m.group(1)) < int(m.group(1)):
            raise FcError("%s: %r is not a CPU list such as 0,2,5-7." % (option, text))
        out.update(range(int(m.group(1)), int(m.group(2) or m.group(1)) + 1))
    return sorted(out)


def cpus_text(cpus):
    """[0, 1, 2, 5] -> '0-2,5'."""
    parts = []
    for c in sorted(set(cpus)):
        if parts and parts[-1][1] == c - 1:
            parts[-1][1] = c
        else:
            parts.append([c, c])
    return ",".join(str(a) if a == b else "%d-%d" % (a, b) for a, b in parts)


def _ordered_disks(vm):
    disks = (vm.get("vmConfig") or {}).get("disks") or []
    return sorted(disks, key=lambda d: (d.get("sequenceNum", 0), BUS_ORDER.get(d.get("pciType") or "VIRTIO", 3)))


def _ordered_nics(vm):
    return sorted((vm.get("vmConfig") or {}).get("nics") or [], key=lambda n: n.get("sequenceNum", 0))


def boot_view(vm):
    cfg = vm.get("vmConfig") or {}
    props = cfg.get("properties") or {}
    option = props.get("bootOption") or "disk"
    if option != "exact":
        first = BOOT_FIRST.get(option, option)
        return [first] if first == "disk" else [first, "disk"]
    devices = []
    if (props.get("cdRomBootOrder") or -1) > 0:
        devices.append((props["cdRomBootOrder"], "cdrom"))
    for prefix, entries in (("disk", _ordered_disks(vm)), ("nic", _ordered_nics(vm))):
        for i, e in enumerate(entries, start=1):
            if (e.get("bootOrder") or -1) > 0:
                devices.append((e["bootOrder"], "%s%d" % (prefix, i)))
    return [name for _o, name in sorted(devices)]


def boot_normal(items):
    """The boot order the options ask for, in the form boot_view gives."""
    items = [str(i).strip().lower() for i in items]
    if items in (["disk"], ["cdrom"], ["network"], ["cdrom", "disk"], ["network", "disk"]):
        return items if items == ["disk"] else [items[0], "disk"]
    return [{"disk": "disk1", "network": "nic1"}.get(i, i) for i in items]


def pinning_view(vm):
    cpu = (vm.get("vmConfig") or {}).get("cpu") or {}
    mode = {v: k for k, v in PIN_MODES.items()}.get(cpu.get("cpuBindType") or "nobind", cpu.get("cpuBindType"))
    out = {"mode": mode, "cpus": None, "vcpus": None, "numa_nodes": None}
    if mode == "range":
        out["cpus"] = cpus_text(cpu.get("affinitySet") or [])
    elif mode == "exact":
        out["vcpus"] = sorted(({"vcpu": int(e["vcpuScope"]), "cpus": cpus_text(parse_cpus(e["pcpuScope"], "vcpus"))}
                               for e in cpu.get("exactCpuAffinityList") or []), key=lambda e: e["vcpu"])
    elif mode == "numa":
        out["numa_nodes"] = sorted(({"node": int(e["nodeId"]), "vcpus": cpus_text(parse_cpus(e["vcpus"], "vcpus"))}
                                    for e in cpu.get("numaBinds") or []), key=lambda e: e["node"])
    return out


def pinning_normal(p):
    out = {"mode": p["mode"], "cpus": None, "vcpus": None, "numa_nodes": None}
    if p["mode"] == "range":
        out["cpus"] = cpus_text(parse_cpus(p.get("cpus"), "cpu_pinning.cpus"))
    elif p["mode"] == "exact":
        out["vcpus"] = sorted(({"vcpu": e["vcpu"], "cpus": cpus_text(parse_cpus(e["cpus"], "cpu_pinning.vcpus[].cpus"))}
                               for e in p["vcpus"]), key=lambda e: e["vcpu"])
    elif p["mode"] == "numa":
        out["numa_nodes"] = sorted(({"node": e["node"], "vcpus": cpus_text(
            parse_cpus(e["vcpus"], "cpu_pinning.numa_nodes[].vcpus"))} for e in p["numa_nodes"]),
            key=lambda e: e["node"])
    return out


def numa_view(vm):
    props = (vm.get("vmConfig") or {}).get("properties") or {}
    return {"auto_adjust": bool(props.get("isAutoAdjustNuma")), "host_nodes": sorted(props.get("numaAffinity") or [])}


def io_view(vm):
    return [dict(volume_io(d), disk=i) for i, d in enumerate(_ordered_disks(vm), start=1)]


def tools_view(vm):
    props = (vm.get("vmConfig") or {}).get("properties") or {}
    return {"status": vm.get("pvDriverStatus"), "install_status": vm.get("toolInstallStatus"),
            "version": vm.get("toolsVersion") or None, "auto_upgrade": props.get("isAutoUpgrade")}


def version_key(text):
    """'3.0.1.012' -> (3, 0, 1, 12), for comparing Tools versions."""
    return tuple(int(x) for x in re.findall(r"\d+", text or ""))


def tools_ok(vm, min_version=None):
    """Whether the guest reports running VM Tools (of at least ``min_version``)."""
    return vm.get("pvDriverStatus") == "running" and (
        not min_version or version_key(vm.get("toolsVersion")) >= version_key(min_version))


def wait_for_tools(client, vm_uri, timeout, min_version=None, sleep=time.sleep, clock=time.monotonic):
    """Poll the VM until the guest reports running Tools (of at least ``min_version``); return the VM."""
    deadline = clock() + timeout
    delay = 0.2
    while True:
        vm = client.get(vm_uri)
        if tools_ok(vm, min_version):
            return vm
        if clock() >= deadline:
            raise FcTimeout("The guest of %s did not report VM Tools%s within %s seconds: it reports %s, version %s. "
                            "Check that the guest runs an operating system that installs them from the Tools ISO%s."
                            % (vm.get("name"), " %s or later" % min_version if min_version else "", timeout,
                               vm.get("pvDriverStatus"), vm.get("toolsVersion") or "none",
                               " and that the VRM's Tools are that recent" if min_version else ""))
        sleep(delay)
        delay = min(5.0, delay * 2)


def guest_view(vm):
    """What fc_vm compares and fc_vm_info returns of a VM's guest settings."""
    return {"boot_order": boot_view(vm), "cpu_pinning": pinning_view(vm), "numa": numa_view(vm),
            "disk_io": io_view(vm), "tools": tools_view(vm)}


# -- checks before anything is read ------------------------------------------------------------------

def check_guest_options(p):
    for i, item in enumerate(p.get("boot_order") or []):
        if not re.match(r"^(cdrom|network|disk|disk[1-9]\d*|nic[1-9]\d*)$", str(item).strip().lower()):
            raise FcError("boot_order[%d]: %r is not cdrom, network, disk, diskN or nicN." % (i, item))
    if p.get("boot_order") is not None:
        order = boot_normal(p["boot_order"])
        if not order or len(set(order)) != len(order):
            raise FcError("boot_order must list each device once (disk stands for disk1, network for nic1).")
    pin = p.get("cpu_pinning")
    if pin:
        need = {"range": "cpus", "exact": "vcpus", "numa": "numa_nodes"}.get(pin["mode"])
        extra = [k for k in ("cpus", "vcpus", "numa_nodes") if pin.get(k) and k != need]
        if (need and not pin.get(need)) or extra:
            raise FcError("cpu_pinning.mode=%s takes %s and nothing else of cpus, vcpus, numa_nodes." % (
                pin["mode"], "cpu_pinning.%s" % need if need else "none"))
        norm = pinning_normal(pin)
        for key, field in (("vcpus", "vcpu"), ("numa_nodes", "node")):
            ids = [e[field] for e in norm[key] or []]
            if len(set(ids)) != len(ids) or any(x < 0 for x in ids):
                raise FcError("cpu_pinning.%s: each %s once, numbered from 0." % (key, field))
        if norm["numa_nodes"]:
            listed = [v for e in norm["numa_nodes"] for v in parse_cpus(e["vcpus"], "")]
            if len(set(listed)) != len(listed):
                raise FcError("cpu_pinning.numa_nodes: a vCPU is bound to two NUMA nodes.")
    numa = p.get("numa") or {}
    if numa.get("host_nodes") and (len(set(numa["host_nodes"])) != len(numa["host_nodes"]) or
                                   min(numa["host_nodes"]) < 0):
        raise FcError("numa.host_nodes must list distinct NUMA node numbers from 0.")
    if numa.get("host_nodes") and numa.get("auto_adjust"):
        raise FcError("numa.auto_adjust and numa.host_nodes exclude each other: VRM adjusts the NUMA nodes itself "
                      "or binds the ones given.")
    seen = set()
    for i, e in enumerate(p.get("disk_io") or []):
        where = "disk_io[%d]" % i
        if e["disk"] < 1 or e["disk"] in seen:
            raise FcError("%s.disk must be a disk position (1 = the first entry of disks), each once." % where)
        seen.add(e["disk"])
        check_io(e, where)


def check_io(e, where):
    """The ranges of one disk's I/O options, and the limits VRM takes only one of."""
    if e:
        for key, _f in IO_KEYS:
            low, high = IO_RANGES[key.rsplit("_", 1)[1]]
            if e.get(key) and not low <= e[key] <= high:
                raise FcError("%s.%s must be 0 (unlimited) or %d to %d, not %d." % (where, key, low, high, e[key]))
        for unit, code in (("kbps", "10420164"), ("iops", "10420165")):
            if e.get("total_" + unit) and (e.get("read_" + unit) or e.get("write_" + unit)):
                raise FcError("%s: total_%s cannot be set with read_%s or write_%s (VRM refuses both, %s)."
                              % (where, unit, unit, unit, code))
        if e.get("weight") is not None and not 10 <= e["weight"] <= 1000:
            raise FcError("%s.weight must be between 10 and 1000, not %d." % (where, e["weight"]))


def merge_io(current, wanted):
    """A disk's I/O settings after ``wanted`` (a disk_io entry): a total limit clears the read and write
    limits of its unit and the other way round, as VRM takes only one of them."""
    out = dict(current)
    for unit in ("kbps", "iops"):
        if wanted.get("total_" + unit):
            out["read_" + unit] = out["write_" + unit] = 0
        elif wanted.get("read_" + unit) or wanted.get("write_" + unit):
            out["total_" + unit] = 0
    out.update({k: v for k, v in wanted.items() if v is not None})
    return out


class VmGuest:
    """Mixed into fc_vm's resource class (needs ``self.fc``, ``self.client``, ``self.params``)."""

    def guest_desired(self):
        p = self.params
        out = {}
        if p["boot_order"] is not None:
            out["boot_order"] = boot_normal(p["boot_order"])
        if p["cpu_pinning"]:
            out["cpu_pinning"] = pinning_normal(p["cpu_pinning"])
        if p["numa"] and any(v is not None for v in p["numa"].values()):
            out["numa"] = {k: (sorted(v) if isinstance(v, list) else v) for k, v in p["numa"].items()}
        if p["disk_io"]:
            out["disk_io"] = [{k: v for k, v in e.items() if v is not None} for e in p["disk_io"]]
        return out

    def guest_compare(self, current, desired):
        changes = {}
        for key in ("boot_order", "cpu_pinning"):
            if key in desired and desired[key] != current[key]:
                changes[key] = desired[key]
        if "numa" in desired:
            want = dict(current["numa"], **{k: v for k, v in desired["numa"].items() if v is not None})
            if want != current["numa"]:
                changes["numa"] = want
        if "disk_io" in desired:
            after = [dict(d) for d in current["disk_io"]]
            for e in desired["disk_io"]:
                if e["disk"] > len(after):
                    raise FcError("disk_io names disk %d but the VM has %d disks." % (e["disk"], len(after)))
                after[e["disk"] - 1] = merge_io(after[e["disk"] - 1], e)
            if after != current["disk_io"]:
                changes["disk_io"] = after
        return changes

    # -- the plan ------------------------------------------------------------------------------------
    def guest_steps(self, obj, changes, steps):
        """``steps`` (fc_vm's plan) with the guest changes in it: before the final power-on, and a NUMA change
        of a running VM after the power-off the task asks for (it needs the VM stopped)."""
        mine = []
        uri = obj["uri"]
        name = obj["name"]
        if "boot_order" in changes:
            boot = self._boot_body(obj, changes["boot_order"])
            mine.append(Step("set the boot order of %s: %s" % (name, ", ".join(changes["boot_order"])),
                             lambda: self.fc.call("PUT", uri, body=boot)))
        if "cpu_pinning" in changes:
            pin = self._pin_body(obj, changes["cpu_pinning"])
            mine.append(Step("pin the vCPUs of %s: %s" % (name, changes["cpu_pinning"]["mode"]),
                             lambda: self.fc.call("PUT", uri + "/action/vcpupin", body=pin)))
        mine += self._io_steps(obj, changes.get("disk_io"))
        tail = 1 if steps and steps[-1].description.startswith("power ") else 0
        if "numa" in changes:
            numa = changes["numa"]
            props = {"isAutoAdjustNuma": numa["auto_adjust"], "numaAffinity": numa["host_nodes"]}
            step = Step("set the NUMA binding of %s: auto_adjust=%s, host_nodes=%s" % (
                name, numa["auto_adjust"], numa["host_nodes"]),
                lambda: self.fc.call("PUT", uri, body={"properties": props}))
            self._check_numa(obj, numa)
            if obj.get("status") == "stopped":
                mine.insert(0, step)
            elif self.params["power_state"] == "powered-off":
                return steps + mine + [step]
            else:
                raise FcError("The VM %s is %s and numa changes need it stopped (VRM 10300641). Power it off first, "
                              "or add power_state: powered-off to this task." % (name, obj.get("status")))
        return steps[:len(steps) - tail] + mine + steps[len(steps) - tail:]

    def plan_create(self, desired):
        """A new VM gets its guest settings right after it is created (VRM takes them on an existing VM)."""
        steps = super().plan_create(desired)
        wanted = self.guest_desired()
        if not wanted:
            return steps
        if "numa" in wanted and self.params["power_state"] != "powered-off":
            raise FcError("numa needs the VM stopped: create it with power_state: powered-off, then power it on.")

        def apply():
            vm = self.client.get(urn_to_uri(self._created_urn))
            for step in self.guest_steps(vm, self.guest_compare(guest_view(vm), wanted), []):
                step.fn()
        return steps + [Step("apply %s to the new VM" % ", ".join(sorted(wanted)), apply)]

    def _boot_body(self, vm, order):
        if order[-1:] == ["disk"] and len(order) <= 2:
            return {"properties": {"bootOption": {"cdrom": "cdrom", "network": "pxe", "disk": "disk"}[order[0]]}}
        disks, nics = _ordered_disks(vm), _ordered_nics(vm)
        for item in order:
            m = re.match(r"^(disk|nic)(\d+)$", item)
            if m and int(m.group(2)) > len(disks if m.group(1) == "disk" else nics):
                raise FcError("boot_order names %s but the VM has %d %ss." % (
                    item, len(disks if m.group(1) == "disk" else nics), m.group(1)))
        pos = {item: i for i, item in enumerate(order, start=1)}
        return {"properties": {"bootOption": "exact", "cdRomBootOrder": pos.get("cdrom", -1)},
                "disk": [{"volumeUrn": d["volumeUrn"], "bootOrder": pos.get("disk%d" % i, -1)}
                         for i, d in enumerate(disks, start=1)],
                "nic": [{"nicUrn": n["urn"], "bootOrder": pos.get("nic%d" % i, -1)} for i, n in enumerate(nics, start=1)]}

    def _host_of(self, vm, option):
        if not vm.get("isBindingHost") or not vm.get("hostUrn"):
            raise FcError("%s needs the VM bound to its host (VRM 10300516/10300552): create it on a cna_host with "
                          "bind_to_host: true." % option)
        return self.client.get(urn_to_uri(vm["hostUrn"]))

    def _pin_body(self, vm, pin):
        if pin["mode"] == "none":
            return {"cpuBindType": "nobind"}
        host = self._host_of(vm, "cpu_pinning")
        pcpus = int(host.get("cpuQuantity") or 0)
        nodes = max(1, int(host.get("physicalCpuQuantity") or 1))
        vcpus = int(((vm.get("vmConfig") or {}).get("cpu") or {}).get("quantity") or 0)
        where = "host %s" % host.get("name")
        if pin["mode"] == "range":
            cpus = parse_cpus(pin["cpus"], "cpu_pinning.cpus")
            if cpus[-1] >= pcpus:
                raise FcError("cpu_pinning.cpus: %s has physical CPUs 0-%d." % (where, pcpus - 1))
            if len(cpus) < vcpus:
                raise FcError("cpu_pinning.cpus gives %d physical CPUs for the VM's %d vCPUs (VRM 10300536)."
                              % (len(cpus), vcpus))
            return {"cpuBindType": "range", "affinitySet": cpus}
        if pin["mode"] == "exact":
            for e in pin["vcpus"]:
                if e["vcpu"] >= vcpus or parse_cpus(e["cpus"], "")[-1] >= pcpus:
                    raise FcError("cpu_pinning.vcpus: the VM has vCPUs 0-%d and %s physical CPUs 0-%d."
                                  % (vcpus - 1, where, pcpus - 1))
            return {"cpuBindType": "exact", "exactCpuAffinityList": [
                {"vcpuScope": e["vcpu"], "pcpuScope": e["cpus"]} for e in pin["vcpus"]]}
        per_node = max(1, pcpus // nodes)
        for e in pin["numa_nodes"]:
            listed = parse_cpus(e["vcpus"], "")
            if e["node"] >= nodes or listed[-1] >= vcpus or len(listed) > per_node:
                raise FcError("cpu_pinning.numa_nodes: %s has NUMA nodes 0-%d of %d CPUs each, and the VM vCPUs "
                              "0-%d." % (where, nodes - 1, per_node, vcpus - 1))
        return {"cpuBindType": "numa", "numaBinds": [{"nodeId": e["node"], "vcpus": e["vcpus"]}
                                                     for e in pin["numa_nodes"]]}

    def _check_numa(self, vm, numa):
        if not numa["host_nodes"]:
            return
        host = self._host_of(vm, "numa.host_nodes")
        nodes = max(1, int(host.get("physicalCpuQuantity") or 1))
        vcpus = int(((vm.get("vmConfig") or {}).get("cpu") or {}).get("quantity") or 0)
        if max(numa["host_nodes"]) >= nodes:
            raise FcError("numa.host_nodes: host %s has NUMA nodes 0-%d." % (host.get("name"), nodes - 1))
        if vcpus % len(numa["host_nodes"]):
            raise FcError("numa.host_nodes: the VM's %d vCPUs cannot be split evenly over %d NUMA nodes (VRM "
                          "10300554)." % (vcpus, len(numa["host_nodes"])))

    def _io_steps(self, vm, after):
        if after is None:
            return []
        steps = []
        for disk, cur, want in zip(_ordered_disks(vm), io_view(vm), after):
            steps += io_steps(self.fc, disk, urn_to_uri(disk["volumeUrn"]), cur, want,
                              "disk %d of %s" % (want["disk"], vm["name"]))
        return steps


def volume_io(vol):
    """A volume's (or a VM disk's) I/O settings in the option names (0 = unlimited, weight 0 = not set)."""
    return dict({k: vol.get(f) or 0 for k, f in IO_KEYS}, weight=vol.get("ioWeight") or 0)


def io_steps(fc, vol, uri, cur, want, which):
    """The requests that take the volume ``vol`` (at ``uri``) from the I/O settings ``cur`` to ``want``,
    refusing before anything is sent what VRM refuses."""
    if want == cur:
        return []
    if (vol.get("pciType") or "").upper() == "IDE":
        raise FcError("%s is on the IDE bus, which has no I/O limits (VRM 10300798)." % which)
    if vol.get("type") == "share":
        raise FcError("%s is a shared disk, whose I/O settings VRM does not change (10420100)." % which)
    if want["weight"] != cur["weight"] and vol.get("storageType") == "NAS":
        raise FcError("%s is on the NAS datastore %s, where disks have no I/O weight (VRM 10420120)."
                      % (which, vol.get("datastoreName")))
    steps = []
    if any(want[k] != cur[k] for k, _f in IO_KEYS):
        body = {f: want[k] for k, f in IO_KEYS}
        steps.append(Step("set the I/O limits of %s" % which,
                          lambda: fc.call("PUT", uri + "/modifyIOpropertyOfVolume", body=body)))
    if want["weight"] != cur["weight"]:
        steps.append(Step("set the I/O weight of %s to %d" % (which, want["weight"]),
                          lambda: fc.call("PUT", uri + "/modifyIOWeightOfVolume", body={"ioWeight": want["weight"]})))
    return steps
