# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Security groups: rules in one normal form (so order and spelling never make a change), and reading groups
and their rules from VRM (FC8DOC ch5 5.8: ``<site>/securitygroups``)."""

from __future__ import annotations

import ipaddress

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError

PROTOCOLS = {"tcp": "TCP", "udp": "UDP", "icmp": "ICMP", "any": "Any"}
DIRECTIONS = {"ingress": 0, "egress": 1}
PAGE = 100


def _remote(text, field):
    """A rule's remote addresses -> ("10.0.0.0/24" | "10.0.0.1-10.0.0.9"), VRM's two forms in one spelling.

    A CIDR (prefix or dotted mask), a range ``first-last`` or one address (a one-address range: VRM's masks
    stop at /31)."""
    text = str(text).strip()
    try:
        if "/" in text:
            net = ipaddress.IPv4Network(text, strict=False)
            if not 1 <= net.prefixlen <= 31:
                raise FcError("%s %r: VRM takes prefixes /1 to /31; write one address as a range a-a or any "
                              "address as 0.0.0.0-255.255.255.255." % (field, text))
            if str(net.network_address) != text.split("/", maxsplit=1)[0].strip():
                raise FcError("%s %r has host bits set; write the network address (%s/%d)." % (
                    field, text, net.network_address, net.prefixlen))
            return "%s/%d" % (net.network_address, net.prefixlen)
        first, sep, last = text.partition("-")
        a = ipaddress.IPv4Address(first.strip())
        b = ipaddress.IPv4Address(last.strip()) if sep else a
    except ValueError as exc:
        raise FcError("%s %r is not an IPv4 CIDR, range (a-b) or address: %s." % (field, text, exc))
    if a > b:
        raise FcError("%s %r starts after it ends." % (field, text))
    return "%s-%s" % (a, b)


def _ports(value, field, proto):
    """``"443"``, ``"8000-8080"``, 443 -> (from, to); None -> every port."""
    if value is None or str(value).strip() in ("", "any"):
        return 0, 65535
    text = str(value).strip()
    first, sep, last = text.partition("-")
    try:
        lo = int(first)
        hi = int(last) if sep else lo
    except ValueError:
        raise FcError("%s %r is not a port or a range like 8000-8080." % (field, value))
    if not (0 <= lo <= 65535 and 0 <= hi <= 65535):
        raise FcError("%s %r: ports are 0 to 65535." % (field, value))
    if hi < lo:
        raise FcError("%s %r starts after it ends." % (field, value))
    return lo, hi


def rule_key(rule):
    """The tuple rules are compared by: (protocol, remote, from, to, direction, remote group ID)."""
    return (rule["protocol"], rule.get("remote") or "", rule["from_port"], rule["to_port"], rule["direction"],
            rule.get("remote_group_id"))


def wanted_rule(i, r, group_ids):
    """A rule of the module's ``rules`` option, checked and normalised (``group_ids``: name -> sgId)."""
    field = "rules[%d]" % i
    proto = PROTOCOLS.get(str(r.get("protocol") or "").lower())
    if proto is None:
        raise FcError("%s.protocol %r is not one of tcp, udp, icmp, any." % (field, r.get("protocol")))
    if (r.get("remote") is None) == (r.get("remote_group") is None):
        raise FcError("%s needs exactly one of remote (CIDR, range or address) and remote_group." % field)
    if proto == "ICMP":
        if r.get("ports") is not None:
            raise FcError("%s: ICMP rules take icmp_type and icmp_code, not ports." % field)
        lo, hi = r.get("icmp_type"), r.get("icmp_code")
        for name, val in (("icmp_type", lo), ("icmp_code", hi)):
            if val is None or not 0 <= val <= 255:
                raise FcError("%s.%s must be given, 0 to 255 (VRM stores them as the rule's ports)." % (field, name))
    else:
        if r.get("icmp_type") is not None or r.get("icmp_code") is not None:
            raise FcError("%s: icmp_type and icmp_code are for protocol icmp." % field)
        if proto == "Any" and r.get("ports") is not None:
            raise FcError("%s: a rule for any protocol takes no ports." % field)
        lo, hi = _ports(r.get("ports"), field + ".ports", proto)
    out = {"protocol": proto.lower(), "from_port": lo, "to_port": hi,
           "direction": r.get("direction") or "ingress", "remote": None, "remote_group": None,
           "remote_group_id": None}
    if r.get("remote") is not None:
        out["remote"] = _remote(r["remote"], field + ".remote")
    else:
        out["remote_group"] = r["remote_group"]
        out["remote_group_id"] = group_ids.get(r["remote_group"])
    return out


def check_rules(rules):
    """Offline checks of the whole list: each rule, and no rule twice (after normalisation)."""
    seen = {}
    out = []
    for i, r in enumerate(rules or []):
        rule = wanted_rule(i, r, {})
        key = rule_key(dict(rule, remote_group_id=rule["remote_group"]))
        if key in seen:
            raise FcError("rules[%d] is the same rule as rules[%d]." % (i, seen[key]))
        seen[key] = i
        out.append(rule)
    return out


def vrm_rule(rule, names):
    """A rule as VRM lists it -> the module's normal form (``names``: sgId -> name)."""
    proto = PROTOCOLS.get(str(rule.get("ipProtocol") or "").lower(), rule.get("ipProtocol"))
    gid = rule.get("allowedSGID") or None
    out = {"protocol": str(proto).lower(), "from_port": rule.get("fromPort"), "to_port": rule.get("toPort"),
           "direction": "egress" if rule.get("direction") == 1 else "ingress", "remote": None,
           "remote_group": names.get(gid) if gid else None, "remote_group_id": gid, "id": rule.get("rulesId")}
    if rule.get("ipRanges"):
        out["remote"] = _remote(rule["ipRanges"], "ipRanges")
    return out


def rule_body(rule):
    """The normal form -> a rule of VRM's addrules / addsecuritygroup body (subnets with a dotted mask)."""
    body = {"ipProtocol": PROTOCOLS[rule["protocol"]], "fromPort": rule["from_port"], "toPort": rule["to_port"],
            "direction": DIRECTIONS[rule["direction"]]}
    if rule.get("remote_group_id"):
        body["allowedSGID"] = rule["remote_group_id"]
    elif "/" in rule["remote"]:
        net = ipaddress.IPv4Network(rule["remote"])
        body["ipRanges"] = "%s/%s" % (net.network_address, net.netmask)
    else:
        body["ipRanges"] = rule["remote"]
    return body


def public_rule(rule):
    """What the module shows of a rule (diff and return)."""
    out = {"protocol": rule["protocol"], "direction": rule["direction"]}
    if rule["protocol"] == "icmp":
        out.update(icmp_type=rule["from_port"], icmp_code=rule["to_port"])
    elif rule["protocol"] != "any":
        out["ports"] = "%d" % rule["from_port"] if rule["from_port"] == rule["to_port"] else "%d-%d" % (
            rule["from_port"], rule["to_port"])
    if rule.get("remote_group"):
        out["remote_group"] = rule["remote_group"]
    else:
        out["remote"] = rule["remote"]
    if rule.get("id") is not None:
        out["id"] = rule["id"]
    return out


def sort_rules(rules):
    return sorted(rules, key=lambda r: tuple("" if v is None else str(v) for v in rule_key(r)))


# -- reading VRM ----------------------------------------------------------------------------------

def groups(client, site_uri):
    """Every security group of the site (GET <site>/securitygroups, paged by 100)."""
    return client.list_all(site_uri + "/securitygroups", "securityGroups")


def rules_of(client, site_uri, sg_id, names):
    """The rules of group ``sg_id`` in normal form. FC8DOC documents this query as a PUT; it changes nothing,
    so the client sends it in check mode too (``read=True``)."""
    out = []
    offset = 0
    while True:
        answer = client.request("PUT", "%s/securitygroups/%s/action/rules" % (site_uri, sg_id),
                                params={"limit": PAGE, "offset": offset}, read=True) or {}
        items = answer.get("securityGroupRules") or []
        out += [vrm_rule(r, names) for r in items]
        offset += PAGE
        if len(items) < PAGE or offset >= int(answer.get("total") or 0):
            return out


def group_view(group, rules):
    return {"name": group.get("sgName"), "id": group.get("sgId"), "description": group.get("sgDesc") or "",
            "rules": [public_rule(r) for r in sort_rules(rules)],
            "vm_count": int(group.get("vmNum") or 0),
            "vms": sorted(v.get("vmName") for v in group.get("vmList") or [])}
