# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the VM modules share: the user-facing view of a VM, power states, IP selection."""

from __future__ import annotations

import ipaddress
import time

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError, FcTimeout

# VRM VM status -> the power_state the modules speak.
POWER_STATES = {"running": "powered-on", "stopped": "powered-off", "hibernated": "suspended", "pause": "paused"}
BUSES = {"virtio": "VIRTIO", "scsi": "SCSI", "ide": "IDE"}
# VRM numbers disk slots per bus (FC8DOC ch3: IDE 1-3, VIRTIO 1-25, SCSI 1-60). The modules list a VM's disks by
# slot number, and on the same number in this bus order; a disk they add takes the number after the highest one
# in use, whatever its bus, so that it comes last and entry N of fc_vm's disks stays the same disk.
BUS_SLOTS = {"virtio": 25, "scsi": 60, "ide": 3}
BUS_ORDER = {"VIRTIO": 0, "SCSI": 1, "IDE": 2}
# The largest disk any VRM storage type takes (255 TB on advanced SAN v3, vrm-api.md); the smaller limits of
# the other storage types are VRM's to enforce.
MAX_DISK_GB = 255 * 1024


def check_disk_size(size_gb, option):
    """Refuse a disk size no VRM storage accepts, before anything is sent."""
    if size_gb is not None and not 1 <= size_gb <= MAX_DISK_GB:
        raise FcError("%s must be between 1 and %d GB (255 TB, the most any VRM storage type takes), not %s." % (
            option, MAX_DISK_GB, size_gb))


def next_slot(used, bus, option):
    """The slot of a disk added after the disks whose slot numbers are ``used``: the next number, which its bus
    must have (FcError naming ``option`` otherwise)."""
    slot = max(used or [0]) + 1
    bus = bus or "virtio"
    if slot > BUS_SLOTS[bus]:
        raise FcError("%s: a new disk comes after the disks before it, in slot %d, and the %s bus has slots 1-%d "
                      "only; list the %s disks earlier or choose another bus."
                      % (option, slot, bus, BUS_SLOTS[bus], bus))
    return slot


def power_state(vm):
    return POWER_STATES.get(vm.get("status"), vm.get("status"))


def disk_view(d):
    return {"size_gb": d.get("quantityGB"), "datastore": d.get("datastoreName"),
            "datastore_urn": d.get("datastoreUrn"), "thin": bool(d.get("isThin")),
            "bus": (d.get("pciType") or "VIRTIO").lower(), "slot": d.get("sequenceNum"),
            "volume_urn": d.get("volumeUrn")}


def nic_view(n):
    ips = [a for a in (n.get("ipList") or "").split(";") if a]
    if n.get("ip") and n.get("ip") != "0.0.0.0" and n["ip"] not in ips:
        ips.insert(0, n["ip"])
    ips += [a for a in (n.get("ips6") or []) if a not in ips]
    return {"portgroup": n.get("portGroupName"), "portgroup_urn": n.get("portGroupUrn"), "mac": n.get("mac"),
            "name": n.get("name"), "slot": n.get("sequenceNum"), "urn": n.get("urn"), "ips": ips,
            "security_group": (n.get("securityGroupName") or str(n.get("securityGroupId")))
            if n.get("enableSecurityGroup") else None}


def vm_view(vm):
    """The normalised, user-facing fields of a VM (what diff shows and modules compare)."""
    cfg = vm.get("vmConfig") or {}
    cpu = cfg.get("cpu") or {}
    mem = cfg.get("memory") or {}
    disks = sorted(cfg.get("disks") or [], key=lambda d: (d.get("sequenceNum", 0),
                                                          BUS_ORDER.get(d.get("pciType") or "VIRTIO", 3)))
    nics = sorted(cfg.get("nics") or [], key=lambda n: n.get("sequenceNum", 0))
    return {
        "name": vm.get("name"), "urn": vm.get("urn"), "uuid": vm.get("uuid"),
        "description": vm.get("description", ""), "cluster": vm.get("clusterName"),
        "cluster_urn": vm.get("clusterUrn"), "host": vm.get("hostName") or None,
        "host_urn": vm.get("hostUrn") or None, "is_template": bool(vm.get("isTemplate")),
        "power_state": power_state(vm), "status": vm.get("status"),
        "cpu": {"count": cpu.get("quantity"), "cores_per_socket": cpu.get("coresPerSocket"),
                "reservation": cpu.get("reservation"), "limit": cpu.get("limit"), "weight": cpu.get("weight"),
                "hotplug": bool(cpu.get("cpuHotPlug"))},
        "memory": {"size_mb": mem.get("quantityMB"), "reservation": mem.get("reservation"),
                   "limit": mem.get("limit"), "weight": mem.get("weight"), "hotplug": bool(mem.get("memHotPlug"))},
        "disks": [disk_view(d) for d in disks],
        "nics": [nic_view(n) for n in nics],
        "os": {"type": (vm.get("osOptions") or {}).get("osType"), "version": (vm.get("osOptions") or {}).get("osVersion"),
               "hostname": (vm.get("osOptions") or {}).get("hostname") or None},
        "tools_running": vm.get("pvDriverStatus") == "running",
    }


def parse_networks(values, field):
    """CIDR strings -> ip_network objects; FcError naming ``field`` for one that is not a network."""
    nets = []
    for n in values or []:
        try:
            nets.append(ipaddress.ip_network(n, strict=False))
        except (TypeError, ValueError):
            raise FcError("%s: %r is not a network in CIDR form." % (field, n))
    return nets


def pick_address(addresses, networks=None, version=4):
    """The first usable address of ``version`` in the first of ``networks`` (ip_network list) holding one, or,
    without networks, the first usable one; None if there is none. Unspecified and link-local addresses
    (0.0.0.0, fe80::/10, 169.254/16) never reach the guest from outside, so they are skipped."""
    addrs = []
    for a in addresses or []:
        try:
            ip = ipaddress.ip_address(a)
        except ValueError:
            continue
        if ip.version == version and not ip.is_unspecified and not ip.is_link_local:
            addrs.append(ip)
    if networks:
        for net in networks:
            for ip in addrs:
                if ip.version == net.version and ip in net:
                    return str(ip)
        return None
    return str(addrs[0]) if addrs else None


def choose_ip(nics, networks=None, version=4):
    """The first guest address of ``version`` on the VM's NICs in the preferred ``networks`` (CIDR list), or any."""
    return pick_address([a for nic in nics for a in nic.get("ips") or []],
                        parse_networks(networks, "ip_networks"), version)


def wait_for_ip(client, vm_uri, timeout, networks=None, version=4, sleep=time.sleep, clock=time.monotonic):
    """Poll the VM until a guest address (of ``version``, in ``networks``) shows; return (ip, vm)."""
    deadline = clock() + timeout
    delay = 0.2
    while True:
        vm = client.get(vm_uri)
        view = vm_view(vm)
        ip = choose_ip(view["nics"], networks, version)
        if ip:
            return ip, vm
        if clock() >= deadline:
            raise FcTimeout("The VM %s reported no IPv%d address%s within %s seconds (VM Tools must run in the "
                            "guest)." % (vm.get("name"), version, " in %s" % ", ".join(networks) if networks else "",
                                         timeout))
        sleep(delay)
        delay = min(2.0, delay * 2)
