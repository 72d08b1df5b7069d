# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A host's network planes: its NICs, bonds (UplinkPortAggr) and system interfaces (SystemIntf) read into one
normalised view, and the offline checks of what a play asks for (FC8DOC ch5 5.1-5.3)."""

from __future__ import annotations

import ipaddress

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcApiError, FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_network import mbit

# bond modes of normal (kernel-driven) NICs, VRM's strategy numbers (FC8DOC 5.2.1)
BOND_MODES = {"xor": 0, "active-backup": 1, "round-robin": 6, "xor-layer34": 7, "lacp-layer2": 8,
              "lacp-layer3": 9, "lacp-layer34": 13}
BOND_MODE_NAMES = dict((v, k) for k, v in BOND_MODES.items())
PLANES = {"management": 0, "storage": 1, "service": 2}
PLANE_NAMES = dict((v, k) for k, v in PLANES.items())
TRAFFIC = {"migration": "migrate", "ha": "ha", "dr": "dr", "vims": "vims"}
TRAFFIC_NAMES = dict((v, k) for k, v in TRAFFIC.items())
MAX_PLANE_MBIT = 10000          # a system interface's rates go up to the NIC's 10 * 1000 Mbit/s (FC8DOC 5.3.1)
MAX_BOND_PORTS = 8


def refuse(code, message):
    """A request VRM would refuse with ``code``, refused here before anything is sent (the result carries the
    code and its hint)."""
    return FcApiError("%s Nothing was changed." % message, code=code)


def read(client, host):
    """The host's NICs, bonds and system interfaces as VRM answers them."""
    uri = host["uri"]
    return {
        "ports": (client.get(uri + "/uplinkports") or {}).get("uplinkPorts", []),
        "bonds": (client.get(uri + "/uplinkportaggrs") or {}).get("uplinkPortAggrs", []),
        "interfaces": (client.get(uri + "/systemintfs") or {}).get("systemIntfs", []),
    }


def bond_view(b):
    return {"name": b.get("name"), "urn": b.get("urn"), "description": b.get("description") or "",
            "mode": BOND_MODE_NAMES.get(b.get("strategy"), str(b.get("strategy"))),
            "ports": sorted(p.get("name") for p in b.get("uplinkPorts") or []),
            "dvs_urn": b.get("dvSwitchUrn") or "", "status": "up" if b.get("status") in (0, "0", "up") else "down"}


def interface_view(i):
    limit = i.get("txLimit") or 0
    routes = i.get("routeInfo") or []
    if isinstance(routes, dict):
        routes = [routes]
    return {"name": i.get("name"), "urn": i.get("urn"), "plane": PLANE_NAMES.get(i.get("type"), str(i.get("type"))),
            "description": i.get("description") or "", "port": i.get("portName"), "port_urn": i.get("portUrn"),
            "vlan": i.get("vlanId") or 0, "ip": i.get("netAddr") or "", "prefix": i.get("netMask"),
            "gateway": i.get("gateway") or "",
            "routes": [{"destination": r.get("destination"), "prefix": r.get("genmask"),
                        "gateway": r.get("routeGateway")} for r in routes],
            "bandwidth": {"limit": limit, "peak": i.get("txPeakLimit") or 0 if limit else 0,
                          "burst": i.get("txBurstSize") or 0 if limit else 0},
            "traffic": sorted(TRAFFIC_NAMES.get(str(o).strip(), str(o).strip()) for o in i.get("option") or [])}


def nic_view(p):
    return {"name": p.get("name"), "urn": p.get("urn"), "mac": p.get("mac"), "speed_mbit": p.get("speed"),
            "status": "up" if p.get("status") in (0, "0") else "down", "bond_urn": p.get("uplinkPortAggrUrn") or "",
            "dvs_urn": p.get("dvSwitchUrn") or ""}


def view(host, raw):
    return {"host": host.get("name"), "host_urn": host.get("urn"), "host_ip": host.get("ip"),
            "nics": sorted((nic_view(p) for p in raw["ports"]), key=lambda n: n["name"]),
            "bonds": sorted((bond_view(b) for b in raw["bonds"]), key=lambda b: b["name"]),
            "interfaces": sorted((interface_view(i) for i in raw["interfaces"]), key=lambda i: i["name"])}


# -- the options, normalised and checked -----------------------------------------------------------

def bandwidth(value, where):
    """``{limit, peak, burst}`` in Mbit/s (peak and burst default to the limit as VRM does); 0 removes the limit."""
    if value is None:
        return None
    limit = mbit(value.get("limit"), where + ".limit")
    peak = mbit(value.get("peak"), where + ".peak")
    burst = mbit(value.get("burst"), where + ".burst")
    if not limit:
        if peak or burst:
            raise refuse("10504027", "%s: peak and burst need a limit (the average rate)." % where)
        return {"limit": 0, "peak": 0, "burst": 0}
    if limit > MAX_PLANE_MBIT:
        raise refuse("10540520", "%s.limit %d Mbit/s is out of range: a plane's limit is 1 to %d Mbit/s." % (
            where, limit, MAX_PLANE_MBIT))
    peak = limit if peak is None else peak
    if not limit <= peak <= MAX_PLANE_MBIT:
        raise refuse("10504021", "%s.peak %d Mbit/s is out of range: from the limit (%d) to %d Mbit/s." % (
            where, peak, limit, MAX_PLANE_MBIT))
    burst = peak if burst is None else burst
    if not 1 <= burst <= MAX_PLANE_MBIT:
        raise refuse("10504022", "%s.burst %d Mbit is out of range: 1 to %d Mbit." % (where, burst, MAX_PLANE_MBIT))
    return {"limit": limit, "peak": peak, "burst": burst}


def check_bonds(bonds, current):
    """The wanted bonds, checked against each other and the host's NICs (codes of FC8DOC 5.2.1)."""
    nics = dict((n["name"], n) for n in current["nics"])
    by_urn = dict((b["urn"], b["name"]) for b in current["bonds"])
    seen = {}
    for b in bonds:
        if not 1 <= len(b["ports"]) <= MAX_BOND_PORTS:
            raise refuse("10540404", "Bond %s lists %d NICs; a bond has 1 to %d." % (
                b["name"], len(b["ports"]), MAX_BOND_PORTS))
        if len(set(b["ports"])) != len(b["ports"]):
            raise refuse("10540406", "Bond %s lists a NIC twice." % b["name"])
        for port in b["ports"]:
            nic = nics.get(port)
            if nic is None:
                raise refuse("10540013", "Host %s has no NIC %s (it has %s)." % (
                    current["host"], port, ", ".join(sorted(nics))))
            if port in seen:
                raise refuse("10540014", "NIC %s is listed in the bonds %s and %s." % (port, seen[port], b["name"]))
            seen[port] = b["name"]
            owner = by_urn.get(nic["bond_urn"])
            if owner and owner != b["name"]:
                raise refuse("10540014", "NIC %s is already bonded in %s; remove it from that bond first." % (
                    port, owner))
            if nic["dvs_urn"]:
                raise refuse("10540014", "NIC %s is an uplink of a DVS; remove it from the DVS (fc_dvs) first." % port)
        if len({nics[p]["speed_mbit"] for p in b["ports"]}) > 1:
            raise refuse("10540411", "Bond %s mixes NICs of different speeds." % b["name"])


def _net(ip, prefix):
    return ipaddress.IPv4Network("%s/%d" % (ip, prefix), strict=False)


def check_interfaces(wanted, current, bond_names, host_ips, claimed=None):
    """The wanted interfaces against the host's other interfaces and the site's management addresses
    (codes of FC8DOC 5.3.1 and 5.3.4); ``claimed`` maps the NICs the wanted bonds take to their bond."""
    claimed = claimed or {}
    have = dict((i["name"], i) for i in current["interfaces"])
    nics = dict((n["name"], n) for n in current["nics"])
    final = dict(have)
    for w in wanted:
        cur = have.get(w["name"])
        if cur is not None and cur["plane"] != w["plane"]:
            raise FcError("Interface %s is a %s interface, not %s; remove it (state=absent) and create it again."
                          % (w["name"], cur["plane"], w["plane"]))
        if cur is not None and w["port"] is not None and cur["port"] != w["port"]:
            raise FcError("Interface %s is on %s; VRM cannot move an interface to %s: remove it (state=absent) "
                          "and create it again." % (w["name"], cur["port"], w["port"]))
        if cur is None and w["plane"] == "management":
            raise refuse("10000001", "Host %s has no management interface %s; VRM makes the management interface "
                                     "with the host (it has: %s)." % (current["host"], w["name"], ", ".join(
                                         i["name"] for i in current["interfaces"] if i["plane"] == "management")))
        if cur is None:
            if w["port"] is None or w["ip"] is None or w["prefix"] is None:
                raise FcError("Interface %s is new: give its port, ip and prefix." % w["name"])
            if w["port"] not in bond_names:
                nic = nics.get(w["port"])
                if nic is None:
                    raise refuse("10540013", "Host %s has neither a NIC nor a bond %s." % (current["host"], w["port"]))
                if w["port"] in claimed:
                    raise refuse("10540014", "NIC %s goes into bond %s; put interface %s on the bond." % (
                        w["port"], claimed[w["port"]], w["name"]))
                if nic["bond_urn"] or nic["dvs_urn"]:
                    raise refuse("10540014", "NIC %s is %s; put interface %s on %s." % (
                        w["port"], "bonded" if nic["bond_urn"] else "a DVS uplink", w["name"],
                        "its bond" if nic["bond_urn"] else "another NIC or a bond"))
        if cur is not None and cur["plane"] == "management":
            if w["vlan"] is not None and w["vlan"] != cur["vlan"]:
                raise refuse("10506040", "The VLAN of management interface %s cannot be changed here." % w["name"])
            if w["ip"] is not None and w["ip"] != cur["ip"]:
                raise FcError("The address of management interface %s is changed by VRM's management network "
                              "operation, not by this module." % w["name"])
        if w["plane"] == "storage" and w["traffic"]:
            raise refuse("10506002", "Storage interface %s cannot carry %s traffic; use a service interface." % (
                w["name"], ", ".join(w["traffic"])))
        if w["plane"] != "management" and w["gateway"]:
            raise refuse("10506009" if w["plane"] == "service" else "10540431",
                         "Interface %s is a %s interface: only the management interface has a gateway." % (
                             w["name"], w["plane"]))
        if w["plane"] == "service" and w["routes"]:
            raise refuse("10506010", "Service interface %s has no routes." % w["name"])
        merged = dict(cur or {}, **dict((k, v) for k, v in w.items() if v is not None))
        merged.setdefault("vlan", 0)
        final[w["name"]] = merged
    _check_together(final, current, host_ips)


def _check_together(final, current, host_ips):
    items = sorted(final.values(), key=lambda i: i["name"])
    migration = [i["name"] for i in items if "migration" in i.get("traffic", [])]
    if len(migration) > 1:
        raise refuse("10506013", "Only one interface of a host carries migration traffic, not %s." %
                     ", ".join(migration))
    for a in items:
        if a.get("ip") and a["plane"] != "management" and a["ip"] in host_ips:
            raise refuse("10506008", "Address %s of interface %s is the management address of host %s." % (
                a["ip"], a["name"], host_ips[a["ip"]]))
    for n, a in enumerate(items):
        for b in items[n + 1:]:
            if a["vlan"] and a["vlan"] == b["vlan"]:
                raise refuse("10540509", "Interfaces %s and %s of host %s both use VLAN %d." % (
                    a["name"], b["name"], current["host"], a["vlan"]))
            if a.get("ip") and b.get("ip"):
                if a["ip"] == b["ip"]:
                    raise refuse("10506008", "Interfaces %s and %s both have the address %s." % (
                        a["name"], b["name"], a["ip"]))
                if a.get("prefix") and b.get("prefix") and _net(a["ip"], a["prefix"]).overlaps(
                        _net(b["ip"], b["prefix"])):
                    raise refuse("10506044", "Interfaces %s (%s/%s) and %s (%s/%s) of host %s are in the same "
                                             "subnet; each plane has its own." % (
                                                 a["name"], a["ip"], a["prefix"], b["name"], b["ip"], b["prefix"],
                                                 current["host"]))


def interface_body(w, cur=None):
    """The SystemIntf body of a create (``cur`` None) or of the fields of an update that differ from ``cur``."""
    body = {}
    fields = (("name", "name"), ("description", "description"), ("vlan", "vlanId"), ("ip", "netAddr"),
              ("prefix", "netMask"), ("gateway", "gateway"))
    for opt, field in fields:
        if w.get(opt) is not None and (cur is None or w[opt] != cur.get(opt)):
            body[field] = w[opt]
    if w.get("traffic") is not None and (cur is None or w["traffic"] != cur["traffic"]):
        body["option"] = [TRAFFIC[t] for t in w["traffic"]]
    if w.get("routes") is not None and (cur is None or w["routes"] != cur["routes"]):
        r = w["routes"][0] if w["routes"] else None
        body["routeInfo"] = {"destination": r["destination"], "genmask": r["prefix"], "routeGateway": r["gateway"]} \
            if r else {"destination": "", "genmask": 0, "routeGateway": ""}
    bw = w.get("bandwidth")
    if bw is not None and (cur is None or bw != cur["bandwidth"]):
        if bw["limit"] or cur is not None:
            body["txLimit"] = bw["limit"]
        if bw["limit"]:
            body.update(txPeakLimit=bw["peak"], txBurstSize=bw["burst"])
    return body


def compare_interface(w, cur):
    """The wanted values of ``w`` that differ from the current interface ``cur``."""
    out = {}
    for k in ("description", "vlan", "ip", "prefix", "gateway", "traffic", "routes", "bandwidth"):
        if w.get(k) is not None and w[k] != cur.get(k):
            out[k] = w[k]
    return out
