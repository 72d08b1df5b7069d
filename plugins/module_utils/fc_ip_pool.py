# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An IPv4 address pool declared in a playbook (networks, ranges, exclusions) whose used addresses are read from
VRM, never from a local file: what the VMs' guests report on their NICs and the NICs' IP-MAC bindings (the
switch ports' ``netAddr``). Needs ``netaddr``; ``HAS_NETADDR`` says whether it is there."""

from __future__ import annotations

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError

try:
    import netaddr
    HAS_NETADDR = True
    NETADDR_ERROR = None
except ImportError as exc:   # the module fails with missing_required_lib
    HAS_NETADDR = False
    NETADDR_ERROR = exc


def _block(text, field):
    """One CIDR (``10.0.0.0/24``), range (``10.0.0.10-10.0.0.20``) or address -> a netaddr.IPSet."""
    text = str(text).strip()
    try:
        if "-" in text:
            first, last = (p.strip() for p in text.split("-", 1))
            a, b = netaddr.IPAddress(first, version=4), netaddr.IPAddress(last, version=4)
            if a > b:
                raise FcError("%s %r starts after it ends." % (field, text))
            return netaddr.IPSet(netaddr.IPRange(a, b))
        if "/" in text:
            net = netaddr.IPNetwork(text, version=4)
            if net.ip != net.network:
                raise FcError("%s %r has host bits set; write %s." % (field, text, net.cidr))
            return netaddr.IPSet([net])
        return netaddr.IPSet([netaddr.IPAddress(text, version=4)])
    except (netaddr.AddrFormatError, ValueError, TypeError) as exc:
        raise FcError("%s %r is not an IPv4 CIDR, range (a-b) or address: %s." % (field, text, exc))


class Pool(object):
    """The addresses a pool may give: its networks (without their network and broadcast addresses when the
    prefix is /30 or shorter) and ranges, minus the exclusions. Overlapping networks or ranges are refused: a
    pool declared twice over is a mistake, not a larger pool."""

    def __init__(self, networks=None, ranges=None, exclude=None):
        if not (networks or ranges):
            raise FcError("Give the pool's networks or ranges (or both).")
        blocks = []
        for field, items in (("networks", networks or []), ("ranges", ranges or [])):
            for i, text in enumerate(items):
                if field == "networks" and "/" not in str(text):
                    raise FcError("networks[%d] %r is not a CIDR like 192.0.2.0/24 (use ranges for a-b)." % (
                        i, text))
                if field == "ranges" and "/" in str(text):
                    raise FcError("ranges[%d] %r is a CIDR; list it under networks." % (i, text))
                block = _block(text, "%s[%d]" % (field, i))
                for other_text, other in blocks:
                    if block & other:
                        raise FcError("%s[%d] %s overlaps %s; a pool's networks and ranges must not overlap." % (
                            field, i, text, other_text))
                blocks.append(("%s (%s[%d])" % (text, field, i), block))
                if field == "networks":
                    net = netaddr.IPNetwork(str(text).strip(), version=4)
                    if net.prefixlen <= 30:
                        block.remove(net.network)
                        block.remove(net.broadcast)
        self.addresses = netaddr.IPSet()
        for _t, block in blocks:
            self.addresses |= block
        for i, text in enumerate(exclude or []):
            self.addresses -= _block(text, "exclude[%d]" % i)
        if not self.addresses.size:
            raise FcError("The pool has no address left after its exclusions.")

    def __contains__(self, address):
        try:
            return netaddr.IPAddress(address, version=4) in self.addresses
        except (netaddr.AddrFormatError, ValueError, TypeError):
            return False

    @property
    def size(self):
        return int(self.addresses.size)

    def free(self, used, count):
        """The ``count`` lowest addresses of the pool not in ``used`` (a set of strings)."""
        out = []
        if count <= 0:
            return out
        for cidr in self.addresses.iter_cidrs():
            for ip in cidr:
                if str(ip) not in used:
                    out.append(str(ip))
                    if len(out) == count:
                        return out
        return out


def used_addresses(client, site_uri):
    """Every IPv4 address VRM knows to be in use: {address: {"vm": name, "source": "binding"|"guest"}}.

    Bindings come from the switch ports (GET <site>/vsps, ``netAddr``), guest addresses from every VM's and
    template's NICs (GET <site>/vms?detail=2, ``ip`` and ``ipList``). A binding wins over a guest report."""
    used = {}
    for vm in client.list_all(site_uri + "/vms", "vms", {"detail": 2}):
        for nic in (vm.get("vmConfig") or {}).get("nics") or []:
            for addr in [nic.get("ip")] + (nic.get("ipList") or "").split(";"):
                if addr and addr != "0.0.0.0" and ":" not in addr:
                    used.setdefault(addr, {"vm": vm.get("name"), "source": "guest"})
    for vsp in client.list_all(site_uri + "/vsps", "vsps"):
        if vsp.get("netAddr"):
            used[vsp["netAddr"]] = {"vm": vsp.get("vmName"), "source": "binding"}
    return used


def assign(pool, used, vms, count):
    """Addresses for ``vms`` (names) and ``count`` more: a VM that already has an address of the pool keeps it
    (its lowest; a binding before a guest report), the others get the lowest free ones, each once."""
    held = {}

    def order(item):
        return item[1]["source"] != "binding", netaddr.IPAddress(item[0]).value
    for addr, who in sorted(used.items(), key=order):
        if who["vm"] in vms and who["vm"] not in held and addr in pool:
            held[who["vm"]] = addr
    taken = set(used)
    missing = [v for v in vms if v not in held]
    fresh = pool.free(taken, len(missing) + count)
    if len(fresh) < len(missing) + count:
        raise FcError("The pool has %d free address%s; %d are needed (%d VM%s without one%s)." % (
            len(fresh), "" if len(fresh) == 1 else "es", len(missing) + count, len(missing),
            "" if len(missing) == 1 else "s", " and count=%d" % count if count else ""))
    assignments = dict(held)
    for vm, addr in zip(missing, fresh):
        assignments[vm] = addr
    return assignments, fresh[len(missing):]
