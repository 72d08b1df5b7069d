"""Network security and addressing: security groups and their rules, a NIC's security group, IP/MAC
binding of a NIC, and the site's MAC address segments (FC8DOC ch5 5.8, ch3 "配置安全组", "查询/设置mac段";
the binding calls from the eSDK's VSPResource). The choices vrmsim makes where the record is silent are in
docs/vrmsim-fidelity.md ("Security groups, IP/MAC binding, MAC segments")."""

import ipaddress
import re

from vrmsim.common import as_bool, as_int, lst, obj, page, site_check
from vrmsim.engine import handler, renderer
from vrmsim.errors import VrmError
from vrmsim.network import _dvs_type_of
from vrmsim.routes import route

MAX_GROUPS = 1000          # per site; FC8DOC has the error (10520004), not the number
MAX_RULES = 100            # per group (10520015)
PROTOCOLS = {"tcp": "TCP", "udp": "UDP", "icmp": "ICMP", "any": "Any"}
MAX_MAC_SEGMENTS = 5       # FC8DOC: "上限为5个"
DEFAULT_MAC_SEGMENT = {"begin": "28:6e:d4:00:00:00", "end": "28:6e:d4:ff:ff:ff"}
_MAC = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
NO_SG_DVS_TYPES = (2, 4)   # SR-IOV passthrough and user-mode switching: no security groups, no IP/MAC binding

RULE_INVALID = "10500053"
SG_ID_INVALID = "10520001"
SG_MISSING = "10520010"


# -- security groups ------------------------------------------------------------------------------

def _sg_id(raw):
    """A security group ID as VRM takes it (a long, in the path or a body); 10520001 when it is not one."""
    if isinstance(raw, bool):
        raise VrmError(SG_ID_INVALID, "The security group ID %r is not valid." % (raw,))
    try:
        val = int(str(raw))
    except (TypeError, ValueError):
        raise VrmError(SG_ID_INVALID, "The security group ID %r is not valid." % (raw,))
    if val < 1:
        raise VrmError(SG_ID_INVALID, "The security group ID %r is not valid." % (raw,))
    return val


def find_group(engine, raw, code=SG_MISSING):
    sg_id = _sg_id(raw)
    rec = engine.find("%s:securitygroups:%d" % (engine.site_urn, sg_id), "securitygroups")
    if rec is None:
        raise VrmError(code, "The security group %d does not exist." % sg_id)
    return rec


def _members(engine, sg_id):
    """(vm, nic) pairs whose NIC has the group switched on."""
    out = []
    for vm in engine.all("vms"):
        for n in vm.data["vmConfig"]["nics"]:
            if n.get("enableSecurityGroup") and n.get("securityGroupId") == sg_id:
                out.append((vm, n))
    return out


@renderer("securitygroups")
def render_group(engine, rec, view):
    vms = {}
    for vm, _n in _members(engine, rec.data["sgId"]):
        vms[vm.urn] = {"vmId": vm.urn.rsplit(":", 1)[1], "vmName": vm.data["name"], "vmUri": vm.data["uri"],
                       "vmUrn": vm.urn}
    out = {"sgId": rec.data["sgId"], "sgName": rec.data["sgName"], "sgDesc": rec.data["sgDesc"],
           "rules": len(rec.data["ruleSet"]), "vmNum": len(vms), "vmList": list(vms.values())}
    if view != "list":      # the control API's view (VRM has no single-group GET): the rules themselves too
        out["ruleSet"] = [dict(r) for r in rec.data["ruleSet"]]
    return out


def _address(text):
    try:
        return ipaddress.IPv4Address(text)
    except (ipaddress.AddressValueError, ValueError):
        raise VrmError(RULE_INVALID, "%r is not an IPv4 address." % text)


def _ip_ranges(text):
    """``net/mask`` (dotted mask or prefix length) or ``first-last``; the normal form for duplicate checks."""
    if not isinstance(text, str) or not text.strip():
        raise VrmError(RULE_INVALID, "ipRanges must be a subnet (address/mask) or a range (first-last).")
    text = text.strip()
    if "/" in text:
        addr, _, mask = text.partition("/")
        _address(addr)
        try:
            prefix = int(mask) if mask.isdigit() else ipaddress.IPv4Network("0.0.0.0/" + mask).prefixlen
        except (ValueError, ipaddress.NetmaskValueError):
            raise VrmError("10500006", "The subnet mask %r is not valid; it must be 1-31." % mask)
        if not 1 <= prefix <= 31:
            raise VrmError("10500006", "The subnet mask %r is not valid; it must be 1-31." % mask)
        try:
            net = ipaddress.IPv4Network("%s/%d" % (addr, prefix))
        except ValueError:
            raise VrmError("10500038", "The subnet address %s does not match the mask %s." % (addr, mask))
        return "%s/%d" % (net.network_address, prefix)
    first, sep, last = text.partition("-")
    if not sep:
        return "%s-%s" % (_address(text), _address(text))
    a, b = _address(first.strip()), _address(last.strip())
    if a > b:
        raise VrmError(RULE_INVALID, "The range %s starts after it ends." % text)
    return "%s-%s" % (a, b)


def _port(value, field, proto):
    hi = 255 if proto == "ICMP" else 65535
    if value is None:
        raise VrmError(RULE_INVALID, "%s is required for %s rules." % (field, proto))
    return as_int(value, field, 0, hi, code=RULE_INVALID)


def check_rule(engine, raw):
    """A rule of a request, checked; returns the stored form (without IDs)."""
    r = obj(raw, "rules[]")
    proto = PROTOCOLS.get(str(r.get("ipProtocol") or "").lower())
    if proto is None:
        raise VrmError(RULE_INVALID, "ipProtocol must be TCP, UDP, ICMP or Any, not %r." % r.get("ipProtocol"))
    direction = as_int(r.get("direction"), "direction", 0, 1, default=0, code=RULE_INVALID)
    if proto == "Any":
        lo, hi = (as_int(r.get(f), f, 0, 65535, default=d, code=RULE_INVALID)
                  for f, d in (("fromPort", 0), ("toPort", 65535)))
    else:
        lo, hi = _port(r.get("fromPort"), "fromPort", proto), _port(r.get("toPort"), "toPort", proto)
        if proto != "ICMP" and hi < lo:
            raise VrmError(RULE_INVALID, "toPort %d is below fromPort %d." % (hi, lo))
    allowed = r.get("allowedSGID")
    rule = {"ipProtocol": proto, "fromPort": lo, "toPort": hi, "direction": direction, "ipVersion": 4}
    if allowed not in (None, ""):
        rule["allowedSGID"] = find_group(engine, allowed).data["sgId"]
        if r.get("ipRanges"):
            raise VrmError(RULE_INVALID, "A rule takes ipRanges or allowedSGID, not both.")
        rule["ipRanges"] = ""
    else:
        rule["ipRanges"] = r.get("ipRanges", "").strip() if isinstance(r.get("ipRanges"), str) else r.get("ipRanges")
        _ip_ranges(rule["ipRanges"])
    return rule


def _rule_key(rule):
    ranges = _ip_ranges(rule["ipRanges"]) if rule.get("ipRanges") else ""
    return (rule["ipProtocol"], ranges, rule["fromPort"], rule["toPort"], rule["direction"],
            rule.get("allowedSGID"))


def _check_new_rules(engine, group, raws):
    rules = [check_rule(engine, r) for r in lst(raws, "rules")]
    seen = {_rule_key(r) for r in (group.data["ruleSet"] if group else [])}
    for r in rules:
        key = _rule_key(r)
        if key in seen:
            raise VrmError("10520013", "The security group rule %s %s %d-%d already exists." % (
                r["ipProtocol"], r["ipRanges"] or "group %s" % r.get("allowedSGID"), r["fromPort"], r["toPort"]))
        seen.add(key)
    if len(seen) > MAX_RULES:
        raise VrmError("10520015", "A security group holds at most %d rules." % MAX_RULES)
    return rules


def _store_rules(engine, group, rules):
    ids = []
    for r in rules:
        rid = engine.next_id("sgrules")
        group.data["ruleSet"].append(dict(r, rulesId=rid, securityGroupId=group.data["sgId"]))
        ids.append(rid)
    engine.touch(group)
    return ids


def _desc(body):
    desc = body.get("sgDescription")
    if desc is None:
        return None
    if not isinstance(desc, str):
        raise VrmError("10000001", "sgDescription must be a string.")
    if len(desc) > 1024:
        raise VrmError("10520026", "The security group description cannot exceed 1024 characters.")
    return desc


def _checked_name(engine, body, group=None):
    name = body.get("sgName")
    if not isinstance(name, str) or not 1 <= len(name) <= 256:
        raise VrmError("10000012", "sgName must be 1 to 256 characters.")
    if any(g.data["sgName"] == name and g.urn != getattr(group, "urn", None) for g in engine.all("securitygroups")):
        raise VrmError("10520031", "A security group named %s already exists." % name)
    return name


@route("POST", "/service/sites/{site}/securitygroups/addsecuritygroup")
def add_group(engine, req):
    """Add a security group with optional rules (synchronous {sgId})."""
    site_check(engine, req)
    body = req.json()
    name = _checked_name(engine, body)
    desc = _desc(body) or ""
    if len(engine.all("securitygroups")) >= MAX_GROUPS:
        raise VrmError("10520004", "The site has the most security groups it can hold (%d)." % MAX_GROUPS)
    rules = _check_new_rules(engine, None, body.get("rules"))
    sg_id = engine.next_id("securitygroups")
    urn = "%s:securitygroups:%d" % (engine.site_urn, sg_id)
    group = engine.add("securitygroups", urn, {"name": name, "sgId": sg_id, "sgName": name, "sgDesc": desc,
                                               "ruleSet": []})
    _store_rules(engine, group, rules)
    return {"sgId": sg_id}


@route("PUT", "/service/sites/{site}/securitygroups/{id}")
def modify_group(engine, req):
    """Rename a security group or change its description (synchronous, 200 without a body)."""
    site_check(engine, req)
    group = find_group(engine, req.params["id"])
    body = req.json()
    name = _checked_name(engine, body, group)
    desc = _desc(body)
    group.data["sgName"] = group.data["name"] = name
    if desc is not None:
        group.data["sgDesc"] = desc
    engine.touch(group)
    return None


@route("GET", "/service/sites/{site}/securitygroups")
def list_groups(engine, req):
    """List security groups ({total, securityGroups}; limit at most 100)."""
    site_check(engine, req)
    groups = sorted(engine.all("securitygroups"), key=lambda g: g.data["sgId"])
    res = page(groups, req, "securityGroups", all_when_absent=False)
    res["securityGroups"] = [engine.render(g, "list") for g in res["securityGroups"]]
    return res


@route("POST", "/service/sites/{site}/securitygroups/deletesecuritygroup")
def delete_groups(engine, req):
    """Delete security groups by ID (synchronous); refused while they hold rules or VM NICs."""
    site_check(engine, req)
    raw = req.json().get("sgIds")
    if not raw:
        raise VrmError("10520027", "The list of security group IDs (sgIds) cannot be empty.")
    ids = [_sg_id(x) for x in lst(raw, "sgIds")]
    if len(set(ids)) != len(ids):
        raise VrmError("10520028", "The security group IDs repeat.")
    groups = [find_group(engine, i) for i in ids]
    for g in groups:
        if g.data["ruleSet"]:
            raise VrmError("10520029", "The security group %s holds rules; delete them first." % g.data["sgName"])
        if _members(engine, g.data["sgId"]):
            raise VrmError("10520032", "VM NICs use the security group %s." % g.data["sgName"])
    for g in groups:
        engine.remove(g.urn)
    return None


def _no_moving_members(engine, group):
    for vm, _n in _members(engine, group.data["sgId"]):
        if vm.data["status"] in ("migrating", "fault-resuming"):
            raise VrmError("10321084", "The VM %s of the security group is migrating or recovering." %
                           vm.data["name"])


@route("PUT", "/service/sites/{site}/securitygroups/{id}/action/addrules")
def add_rules(engine, req):
    """Add rules to a security group (task AddSecurityGroupRulesTask)."""
    site_check(engine, req)
    group = find_group(engine, req.params["id"])
    _no_moving_members(engine, group)
    raws = req.json().get("rules")
    if not raws:
        raise VrmError(RULE_INVALID, "rules must list at least one rule.")
    ids = _store_rules(engine, group, _check_new_rules(engine, group, raws))
    task = engine.start_task("AddSecurityGroupRulesTask", group.urn, group.data["sgName"],
                             fail=("sg_rules_drop", {"ids": ids}), user=req.session["user"])
    return engine.task_ref(task)


@handler("sg_rules_drop")
def _rules_drop(engine, task, ids):
    group = engine.find(task.data["entityUrn"], "securitygroups")
    if group is not None:
        group.data["ruleSet"] = [r for r in group.data["ruleSet"] if r["rulesId"] not in ids]
        engine.touch(group)


def _list_rules(engine, req):
    site_check(engine, req)
    group = find_group(engine, req.params["id"])
    rules = [{k: r[k] for k in ("securityGroupId", "rulesId", "ipProtocol", "ipRanges", "fromPort", "toPort",
                                "direction", "ipVersion")} for r in group.data["ruleSet"]]
    for item, r in zip(rules, group.data["ruleSet"]):
        if r.get("allowedSGID"):
            item["allowedSGID"] = r["allowedSGID"]
    return page(rules, req, "securityGroupRules", all_when_absent=False)


@route("PUT", "/service/sites/{site}/securitygroups/{id}/action/rules")
def query_rules(engine, req):
    """The rules of a security group ({total, securityGroupRules}; FC8DOC writes the query as a PUT)."""
    return _list_rules(engine, req)


@route("GET", "/service/sites/{site}/securitygroups/{id}/action/rules")
def get_rules(engine, req):
    """The rules of a security group, read with GET (vrmsim also answers the documented PUT)."""
    return _list_rules(engine, req)


@route("PUT", "/service/sites/{site}/securitygroups/{id}/action/delrules")
def del_rules(engine, req):
    """Delete rules of a security group by ID (task DelSecurityGroupRulesTask)."""
    site_check(engine, req)
    group = find_group(engine, req.params["id"])
    _no_moving_members(engine, group)
    raw = req.json().get("ruleIds")
    if not raw:
        raise VrmError(RULE_INVALID, "ruleIds must list at least one rule ID.")
    ids = [as_int(x, "ruleIds[]", 1, code=RULE_INVALID) for x in lst(raw, "ruleIds")]
    have = {r["rulesId"] for r in group.data["ruleSet"]}
    for i in ids:
        if i not in have:
            raise VrmError("10520014", "The security group rule %d does not exist." % i)
    group.data["ruleSet"] = [r for r in group.data["ruleSet"] if r["rulesId"] not in ids]
    engine.touch(group)
    task = engine.start_task("DelSecurityGroupRulesTask", group.urn, group.data["sgName"], user=req.session["user"])
    return engine.task_ref(task)


# -- a NIC's security group ------------------------------------------------------------------------

def nic_group_fields(engine, body, pg_urn):
    """``enableSecurityGroup``/``securityGroupId`` of a NIC request (create VM, add NIC, set group) checked;
    returns the NIC fields to store, or {} when the request gives neither."""
    if "enableSecurityGroup" not in body and "securityGroupId" not in body:
        return {}
    enable = as_bool(body.get("enableSecurityGroup"), "enableSecurityGroup", False)
    raw = body.get("securityGroupId")
    if not enable:
        if raw not in (None, ""):
            raise VrmError("10321074", "The NIC's security group switch is off; turn it on to set a group.")
        return {"enableSecurityGroup": False, "securityGroupId": None, "securityGroupName": ""}
    if raw in (None, ""):
        raise VrmError("10000001", "securityGroupId is required when enableSecurityGroup is true.")
    group = find_group(engine, raw)
    if _dvs_type_of(engine, pg_urn) in NO_SG_DVS_TYPES:
        raise VrmError("10520024", "The NIC's DVS is SR-IOV passthrough or user-mode switching; it takes no "
                                   "security group.")
    return {"enableSecurityGroup": True, "securityGroupId": group.data["sgId"],
            "securityGroupName": group.data["sgName"]}


def _vm_nic(engine, req):
    from vrmsim.vms import _vm
    vm = _vm(engine, req)
    for n in vm.data["vmConfig"]["nics"]:
        if n["urn"].rsplit(":", 1)[1] == req.params["nic"]:
            return vm, n
    raise VrmError("10000008", "The virtual NIC %s does not exist." % req.params["nic"])


def _odd_task_answer(task):
    """The answer of the NIC calls FC8DOC gives as {error, result, returnValue, taskId, uri, urn} (the task's)."""
    return {"error": {}, "result": True, "returnValue": True, "taskId": int(task.data["taskId"]),
            "uri": task.data["uri"], "urn": task.urn}


@route("PUT", "/service/sites/{site}/vms/{vm}/nics/{nic}/securitygroup")
def set_nic_group(engine, req):
    """Switch a NIC's security group on or off (task; the odd {error, result, returnValue, taskId, uri, urn})."""
    site_check(engine, req)
    vm, nic = _vm_nic(engine, req)
    if vm.data["status"] in ("migrating", "fault-resuming"):
        raise VrmError("10000009", "The VM is migrating or recovering; retry when it has finished.")
    fields = nic_group_fields(engine, req.json(), nic["portGroupUrn"])
    if not fields:
        raise VrmError("10000001", "Give enableSecurityGroup (and securityGroupId when it is true).")
    task = engine.start_task("UpdateVNic", vm.urn, vm.data["name"],
                             done=("nic_fields", {"nic": nic["urn"], "fields": fields}), user=req.session["user"])
    return _odd_task_answer(task)


@handler("nic_fields")
def _nic_fields(engine, task, nic, fields):
    vm = engine.find(task.data["entityUrn"], "vms")
    for n in (vm.data["vmConfig"]["nics"] if vm else []):
        if n["urn"] == nic:
            n.update(fields)
            engine.touch(vm)


# -- IP/MAC binding ------------------------------------------------------------------------------------

def binding(vm, nic_urn):
    """The address bound to a NIC ('' when none)."""
    return vm.sim.get("ip_bindings", {}).get(nic_urn, "")


def all_bindings(engine):
    return {addr: (vm, urn) for vm in engine.all("vms") for urn, addr in vm.sim.get("ip_bindings", {}).items()}


@route("POST", "/service/sites/{site}/vms/{vm}/nics/{nic}/bindipmac")
def bind_ip_mac(engine, req):
    """Bind an IPv4 address to a NIC's MAC (task BindIPMac; the switch port then carries it as netAddr)."""
    site_check(engine, req)
    vm, nic = _vm_nic(engine, req)
    raw = req.json().get("netAddr")
    try:
        addr = str(ipaddress.IPv4Address(raw if isinstance(raw, str) else ""))
    except ValueError:
        raise VrmError("10000001", "netAddr must be an IPv4 address, not %r." % (raw,))
    if binding(vm, nic["urn"]):
        raise VrmError("10512004", "The NIC already has an IP-MAC binding (%s); unbind it first." %
                       binding(vm, nic["urn"]))
    if _dvs_type_of(engine, nic["portGroupUrn"]) in NO_SG_DVS_TYPES:
        raise VrmError("10504042", "The NIC's port group does not allow IP-MAC binding.")
    other = all_bindings(engine).get(addr)
    if other is not None:
        raise VrmError("10000009", "The address %s is already bound to a NIC of %s." % (addr, other[0].data["name"]))
    task = engine.start_task("BindIPMac", vm.urn, vm.data["name"],
                             done=("ip_binding", {"nic": nic["urn"], "addr": addr}), user=req.session["user"])
    return engine.task_ref(task)


@route("POST", "/service/sites/{site}/vms/{vm}/nics/{nic}/unbindipmac")
def unbind_ip_mac(engine, req):
    """Remove a NIC's IP-MAC binding (task UnbindIPMac)."""
    site_check(engine, req)
    vm, nic = _vm_nic(engine, req)
    if not binding(vm, nic["urn"]):
        raise VrmError("10000009", "The NIC has no IP-MAC binding.")
    task = engine.start_task("UnbindIPMac", vm.urn, vm.data["name"],
                             done=("ip_binding", {"nic": nic["urn"], "addr": ""}), user=req.session["user"])
    return engine.task_ref(task)


@handler("ip_binding")
def _ip_binding(engine, task, nic, addr):
    vm = engine.find(task.data["entityUrn"], "vms")
    if vm is None:
        return
    bindings = vm.sim.setdefault("ip_bindings", {})
    if addr:
        bindings[nic] = addr
    else:
        bindings.pop(nic, None)
    if vm.data["status"] == "running":
        from vrmsim.vms import _assign_ips
        _assign_ips(engine, vm)
    engine.touch(vm)


# -- MAC address segments ----------------------------------------------------------------------------------

def mac_segments(engine):
    return list(engine.store.meta.get("macsegments") or [DEFAULT_MAC_SEGMENT])


def _mac_int(text):
    if not isinstance(text, str) or not _MAC.match(text.lower()):
        raise VrmError("10300066", "The MAC address %r is not valid." % (text,))
    return int(text.replace(":", ""), 16)


def mac_at(engine, n):
    """The n-th address (0-based) of the MAC pool, walking the segments in order; None when beyond it."""
    for seg in mac_segments(engine):
        a, b = _mac_int(seg["begin"]), _mac_int(seg["end"])
        if n <= b - a:
            v = a + n
            return ":".join("%02x" % ((v >> s) & 0xFF) for s in range(40, -8, -8))
        n -= b - a + 1
    return None


@route("GET", "/service/sites/{site}/macsegments")
def get_mac_segments(engine, req):
    """The MAC address segments VRM allocates NIC MACs from ({macSegments: [{begin, end}]})."""
    site_check(engine, req)
    return {"macSegments": mac_segments(engine)}


@route("PUT", "/service/sites/{site}/macsegments")
def set_mac_segments(engine, req):
    """Replace the MAC address segments (synchronous, 200 without a body; at most 5, no overlaps)."""
    site_check(engine, req)
    raw = lst(req.json().get("macSegments"), "macSegments")
    if not raw:
        raise VrmError("10300196", "At least one MAC address segment must remain.")
    if len(raw) > MAX_MAC_SEGMENTS:
        raise VrmError("10300191", "At most %d MAC address segments are allowed." % MAX_MAC_SEGMENTS)
    segs = []
    for s in raw:
        s = obj(s, "macSegments[]")
        a, b = _mac_int(s.get("begin")), _mac_int(s.get("end"))
        if a > b:
            raise VrmError("10300195", "The segment %s-%s starts after it ends." % (s["begin"], s["end"]))
        if (a >> 40) & 1 or b == 0xFFFFFFFFFFFF or a == 0:
            raise VrmError("10300193", "The segment %s-%s is reserved (multicast, broadcast or zero)." % (
                s["begin"], s["end"]))
        if a >> 40 == 0xFE or b >> 40 == 0xFE:
            raise VrmError("10301045", "The segment %s-%s starts like the MACs of VM tap devices (fe:)." % (
                s["begin"], s["end"]))
        if (a, b) in [(x, y) for x, y, _s in segs]:
            raise VrmError("10300194", "The segment %s-%s is given twice." % (s["begin"], s["end"]))
        if any(a <= y and x <= b for x, y, _s in segs):
            raise VrmError("10300192", "The segment %s-%s overlaps another." % (s["begin"], s["end"]))
        segs.append((a, b, {"begin": s["begin"].lower(), "end": s["end"].lower()}))
    engine.store.set_meta("macsegments", [s for _a, _b, s in segs])
    return None
