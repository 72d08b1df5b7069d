"""DRS rules and resource groups (FC8DOC ch3 "资源调度(DRS)管理"), and the DRS recommendations.

Rules live in the cluster's ``drsSetting.drsRules`` and are changed through ``PUT <cluster>`` with an
``operationType`` per rule (0 delete, 1 modify, 2 create). VM groups and host groups are the cluster's
``resourcegroups``. Placement, DRS, migration and HA honour the rules through the host filter this unit
registers with :mod:`vrmsim.placement`: "keep together" (1), "keep apart" (2) and the VM-to-host rules
(3) with ``vm2HostRuleType`` 1 "must" and 3 "must not" are hard; 2 "should" and 4 "should not" only
order the candidates. The choices are recorded in docs/vrmsim-fidelity.md ("DRS rules").
"""

from vrmsim import placement
from vrmsim.common import as_int, lst, obj, page, site_check
from vrmsim.errors import VrmError
from vrmsim.routes import route

MAX_RULES = 20              # FC8DOC ch7 10300137
RULE_TYPES = (1, 2, 3)      # keep together, keep apart, VM to host
VM_HOST_TYPES = (1, 2, 3, 4)   # must, should, must not, should not
NO_RULE_HOST = "10321049"   # FC8DOC: no host of the location satisfies the VM's DRS rules
MIGRATE_REFUSED = "10300226"   # FC8DOC: DRS rules forbid the migration


def _cluster(engine, req):
    site_check(engine, req)
    return engine.get("%s:clusters:%s" % (engine.site_urn, req.params["id"]), "clusters")


def rules_of(cluster):
    return list((cluster.data.get("drsSetting") or {}).get("drsRules") or [])


def _utc(ts):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


# -- resource groups ----------------------------------------------------------------------------
def _groups(engine, cluster):
    return [g for g in engine.all("resourcegroups") if g.sim.get("cluster") == cluster.urn]


def _group_name(engine, name, exclude=None):
    if not isinstance(name, str) or not 1 <= len(name) <= 256:
        raise VrmError("10300203", "The resource group name must be 1 to 256 characters long.")
    for g in engine.all("resourcegroups"):      # FC8DOC: names are unique across the system
        if g.data["name"] == name and g.urn != exclude:
            raise VrmError("10300207", "A resource group named %s already exists." % name)
    return name


def _member(engine, cluster, gtype, urn):
    """The ``{urn, name}`` of a VM (type 0) or host (type 1) of ``cluster``."""
    kind = "vms" if gtype == 0 else "hosts"
    rec = engine.find(urn, kind) if isinstance(urn, str) else None
    if gtype == 0 and (rec is None or rec.data.get("clusterUrn") != cluster.urn or rec.data.get("isTemplate")):
        raise VrmError("10300204", "%s is not a VM of the cluster %s." % (urn, cluster.data["name"]))
    if gtype == 1 and (rec is None or rec.data.get("clusterUrn") != cluster.urn):
        raise VrmError("10300205", "%s is not a host of the cluster %s." % (urn, cluster.data["name"]))
    return {"urn": rec.urn, "name": rec.data["name"]}


def _group_type(value):
    if value is None:
        raise VrmError("10300201", "The field type is required: 0 for a VM group, 1 for a host group.")
    if isinstance(value, bool) or value not in (0, 1):
        raise VrmError("10300202", "The field type must be 0 (VM group) or 1 (host group).")
    return value


def _use_type(body):
    use = body.get("useType", 0)
    if isinstance(use, bool) or use not in (0, 1):
        raise VrmError("10300822", "The field useType must be 0 (server virtualization) or 1 (OpenStack).")
    policies = body.get("policies")
    if use == 0 and policies is not None:
        raise VrmError("10300834", "policies can only be given with useType 1 (OpenStack).")
    if use == 1:
        if not policies:
            raise VrmError("10300823", "policies is required with useType 1: affinity or anti-affinity.")
        if not isinstance(policies, list) or any(p not in ("affinity", "anti-affinity") for p in policies):
            raise VrmError("10300824", "policies may hold affinity and anti-affinity only.")
        if len(set(policies)) > 1:
            raise VrmError("10300830", "policies cannot hold both affinity and anti-affinity.")
    return use, policies or []


def _dup_member(gtype, urn):
    if gtype == 0:
        raise VrmError("10321081", "The VM %s is already in the group." % urn)
    raise VrmError("10300211", "The host %s is already in the group." % urn)


@route("POST", "/service/sites/{site}/clusters/{id}/resourcegroups")
def create_group(engine, req):
    """Create a DRS VM group (type 0) or host group (type 1); synchronous {urn, uri}."""
    cluster = _cluster(engine, req)
    body = req.json()
    gtype = _group_type(body.get("type"))
    name = _group_name(engine, body.get("name"))
    use, policies = _use_type(body)
    members = []
    for m in lst(body.get("groupMembers"), "groupMembers"):
        m = obj(m, "groupMembers[]")
        item = _member(engine, cluster, gtype, m.get("urn"))
        if any(x["urn"] == item["urn"] for x in members):
            _dup_member(gtype, item["urn"])
        members.append(item)
    urn = engine.new_urn("resourcegroups", parent=cluster.urn)
    rec = engine.add("resourcegroups", urn, {"name": name, "type": gtype, "useType": use, "policies": policies,
                                             "groupMembers": members}, {"cluster": cluster.urn})
    return {"urn": rec.urn, "uri": rec.data["uri"]}


@route("GET", "/service/sites/{site}/clusters/{id}/resourcegroups")
def list_groups(engine, req):
    """The cluster's resource groups (type, useType, name filters; limit/offset)."""
    cluster = _cluster(engine, req)
    items = _groups(engine, cluster)
    gtype = req.q("type")
    if gtype not in (None, ""):
        items = [g for g in items if str(g.data["type"]) == gtype]
    use = req.q("useType")
    if use not in (None, ""):
        if use not in ("0", "1"):
            raise VrmError("10300822", "useType must be 0 or 1.")
        items = [g for g in items if str(g.data["useType"]) == use]
    need_use = req.q("isNeedUseType")
    if need_use not in (None, "", "0", "1", "true", "false"):
        raise VrmError("10300833", "isNeedUseType must be 0 or 1.")
    name = req.q("name")
    if name:
        items = [g for g in items if g.data["name"] == name]
    items.sort(key=lambda g: int(g.urn.rsplit(":", 1)[1]))
    out = []
    for g in items:
        row = {"urn": g.urn, "uri": g.data["uri"], "name": g.data["name"], "type": g.data["type"]}
        if need_use in ("1", "true"):
            row["useType"] = g.data["useType"]
        out.append(row)
    return page(out, req, "groups", fallback_over_limit=True)


def _group(engine, req):
    cluster = _cluster(engine, req)
    urn = "%s:resourcegroups:%s" % (cluster.urn, req.params["gid"])
    rec = engine.find(urn, "resourcegroups")
    if rec is None:
        raise VrmError("10300826", "The resource group %s does not exist." % urn, status=404)
    return cluster, rec


@route("GET", "/service/sites/{site}/clusters/{id}/resourcegroups/{gid}")
def get_group(engine, req):
    """One resource group with its members."""
    _cluster_rec, rec = _group(engine, req)
    return dict(rec.data, groupMembers=[dict(m) for m in rec.data["groupMembers"]])


@route("PUT", "/service/sites/{site}/clusters/{id}/resourcegroups/{gid}")
def modify_group(engine, req):
    """Rename a group or add (operationType 1) / remove (0) members; synchronous, no body."""
    cluster, rec = _group(engine, req)
    body = req.json()
    if "type" in body and body["type"] != rec.data["type"]:
        raise VrmError("10300206", "The type of a resource group cannot be changed.")
    name = _group_name(engine, body["name"], exclude=rec.urn) if "name" in body else None
    members = [dict(m) for m in rec.data["groupMembers"]]
    for m in lst(body.get("groupMembers"), "groupMembers"):
        m = obj(m, "groupMembers[]")
        op = m.get("operationType")
        if op is None:
            raise VrmError("10300208", "Each member change needs an operationType: 0 remove, 1 add.")
        if isinstance(op, bool) or op not in (0, 1):
            raise VrmError("10300209", "operationType must be 0 (remove) or 1 (add).")
        if op == 1:
            item = _member(engine, cluster, rec.data["type"], m.get("urn"))
            if any(x["urn"] == item["urn"] for x in members):
                _dup_member(rec.data["type"], item["urn"])
            members.append(item)
        else:
            if not any(x["urn"] == m.get("urn") for x in members):
                raise VrmError("10300218", "%s is not a member of the group." % m.get("urn"))
            members = [x for x in members if x["urn"] != m.get("urn")]
    if not members and _group_rules(cluster, rec.urn):
        raise VrmError("10300212", "A group that a DRS rule uses cannot be left empty.")
    if name is not None:
        rec.data["name"] = name
    rec.data["groupMembers"] = members
    engine.touch(rec)
    return None


def _group_rules(cluster, urn):
    return [r for r in rules_of(cluster) if urn in (r.get("vmGroupUrn"), r.get("hostGroupUrn"))]


@route("DELETE", "/service/sites/{site}/clusters/{id}/resourcegroups/{gid}")
def delete_group(engine, req):
    """Delete a group no DRS rule uses (10300219 otherwise); synchronous, no body."""
    cluster, rec = _group(engine, req)
    if _group_rules(cluster, rec.urn):
        raise VrmError("10300219", "The group %s is used by a DRS rule; delete the rule first." % rec.data["name"])
    engine.remove(rec.urn)
    return None


# -- rules --------------------------------------------------------------------------------------
def _rule_name(value):
    if not isinstance(value, str) or not 1 <= len(value) <= 255 or ":" in value:
        raise VrmError("10300126", "ruleName must be 1 to 255 characters without ':'.")
    return value


def _rule_vms(engine, cluster, value):
    out = []
    for v in lst(value, "drsRules[].vms"):
        v = obj(v, "drsRules[].vms[]")
        vm = engine.find(v.get("urn"), "vms") if isinstance(v.get("urn"), str) else None
        if vm is None or vm.data.get("clusterUrn") != cluster.urn or vm.data.get("isTemplate"):
            raise VrmError("10300129", "%s is not a VM of the cluster %s." % (v.get("urn"), cluster.data["name"]))
        if vm.urn not in [x["urn"] for x in out]:
            out.append({"urn": vm.urn, "name": vm.data["name"]})
    return out


def _rule_body(engine, cluster, r, current=None):
    """The stored form of a create (``current`` None) or modify request of one rule."""
    rule = dict(current or {})
    if current is None:
        rtype = r.get("ruleType")
        if isinstance(rtype, bool) or rtype not in RULE_TYPES:
            raise VrmError("10300125", "ruleType must be 1 (keep together), 2 (keep apart) or 3 (VM to host).")
        rule["ruleType"] = rtype
        rule["ruleName"] = _rule_name(r.get("ruleName"))
    elif "ruleName" in r:
        rule["ruleName"] = _rule_name(r["ruleName"])
    if rule["ruleType"] in (1, 2):
        if "vms" in r or current is None:
            rule["vms"] = _rule_vms(engine, cluster, r.get("vms"))
            if len(rule["vms"]) < 2:
                raise VrmError("10300125", "A keep-together or keep-apart rule needs at least two VMs.")
        return rule
    if "vm2HostRuleType" in r or current is None:
        v2h = r.get("vm2HostRuleType")
        if isinstance(v2h, bool) or v2h not in VM_HOST_TYPES:
            raise VrmError("10300125", "vm2HostRuleType must be 1 (must), 2 (should), 3 (must not) or 4 "
                                       "(should not).")
        rule["vm2HostRuleType"] = v2h
    for key, gtype in (("vmGroupUrn", 0), ("hostGroupUrn", 1)):
        if key in r or current is None:
            grp = engine.find(r.get(key), "resourcegroups") if isinstance(r.get(key), str) else None
            if grp is None or grp.sim.get("cluster") != cluster.urn:
                raise VrmError("10300826", "%s names no resource group of the cluster." % key)
            if grp.data["type"] != gtype:
                raise VrmError("10300206", "%s must name a %s group." % (key, "VM" if gtype == 0 else "host"))
            rule[key] = grp.urn
    rule["vms"] = []
    return rule


def apply_rule_ops(engine, cluster, ops):
    """Apply ``drsSetting.drsRules`` operations of a modify-cluster request, all or none."""
    rules = [dict(r) for r in rules_of(cluster)]
    now = _utc(engine.now())
    next_index = max([r["ruleIndex"] for r in rules] + [cluster.sim.get("rule_index", 0)]) + 1
    for raw in lst(ops, "drsSetting.drsRules"):
        r = obj(raw, "drsSetting.drsRules[]")
        op = r.get("operationType")
        if isinstance(op, bool) or op not in (0, 1, 2):
            raise VrmError("10300127", "operationType must be 0 (delete), 1 (modify) or 2 (create).")
        if op == 2:
            rule = _rule_body(engine, cluster, r)
            rule.update(ruleIndex=next_index, createTime=now, updateTime=now)
            next_index += 1
            rules.append(rule)
            continue
        if r.get("ruleIndex") in (None, ""):
            raise VrmError("10300135", "ruleIndex is required to modify or delete a rule.")
        index = as_int(r.get("ruleIndex"), "ruleIndex", code="10300130")
        found = [x for x in rules if x["ruleIndex"] == index]
        if not found:
            raise VrmError("10300130", "The DRS rule %s does not exist in this cluster." % index)
        if op == 0:
            rules = [x for x in rules if x["ruleIndex"] != index]
        else:
            rule = _rule_body(engine, cluster, r, current=found[0])
            rule["updateTime"] = now
            rules = [rule if x["ruleIndex"] == index else x for x in rules]
    _check_rules(engine, rules)
    cluster.sim["rule_index"] = next_index - 1
    return rules


def _check_rules(engine, rules):
    if len(rules) > MAX_RULES:
        raise VrmError("10300137", "A cluster holds at most %d DRS rules." % MAX_RULES)
    names = [r["ruleName"] for r in rules]
    for n in names:
        if names.count(n) > 1:
            raise VrmError("10300128", "Two DRS rules of the cluster cannot both be named %s." % n)
    host_groups = [r["hostGroupUrn"] for r in rules if r["ruleType"] == 3]
    for g in host_groups:
        if host_groups.count(g) > 1:
            raise VrmError("10300221", "A host group can be used by one DRS rule only.")
    together = [set(v["urn"] for v in r["vms"]) for r in rules if r["ruleType"] == 1]
    for r in rules:
        if r["ruleType"] == 2:
            apart = set(v["urn"] for v in r["vms"])
            if any(len(apart & t) > 1 for t in together):
                raise VrmError("10300246", "The rule %s keeps apart VMs another rule keeps together." % r["ruleName"])


# -- honouring the rules ------------------------------------------------------------------------
def _running_host(engine, urn):
    vm = engine.find(urn, "vms")
    if vm is None or vm.data.get("status") not in placement.ACTIVE:
        return None
    return vm.sim.get("target_host") if vm.data.get("status") == "migrating" else vm.sim.get("host")


def _vm_rules(engine, vm, host):
    """The rules of the host's cluster that concern the VM, with the group members resolved."""
    cluster = engine.find(host.data.get("clusterUrn") or "", "clusters")
    if cluster is None:
        return []
    out = []
    for r in rules_of(cluster):
        if r["ruleType"] in (1, 2):
            members = [v["urn"] for v in r["vms"]]
            if vm.urn in members:
                out.append((r, [m for m in members if m != vm.urn], None))
        else:
            vg = engine.find(r.get("vmGroupUrn", ""), "resourcegroups")
            hg = engine.find(r.get("hostGroupUrn", ""), "resourcegroups")
            if vg is not None and hg is not None and vm.urn in [m["urn"] for m in vg.data["groupMembers"]]:
                out.append((r, None, set(m["urn"] for m in hg.data["groupMembers"])))
    return out


def rule_filter(engine, vm, host):
    """None when the hard rules let ``vm`` run on ``host``, else the VRM code."""
    if vm is None:
        return None
    for r, others, hosts in _vm_rules(engine, vm, host):
        if r["ruleType"] == 1:
            where = set(filter(None, (_running_host(engine, o) for o in others)))
            if where and host.urn not in where:
                return NO_RULE_HOST
        elif r["ruleType"] == 2:
            if any(_running_host(engine, o) == host.urn for o in others):
                return NO_RULE_HOST
        elif r["vm2HostRuleType"] == 1 and host.urn not in hosts:
            return NO_RULE_HOST
        elif r["vm2HostRuleType"] == 3 and host.urn in hosts:
            return NO_RULE_HOST
    return None


def rule_penalty(engine, vm, host):
    """How many soft (should / should not) rules ``host`` breaks for ``vm``: fewer is better."""
    if vm is None:
        return 0
    n = 0
    for r, _others, hosts in _vm_rules(engine, vm, host):
        if r["ruleType"] == 3 and ((r["vm2HostRuleType"] == 2 and host.urn not in hosts) or
                                   (r["vm2HostRuleType"] == 4 and host.urn in hosts)):
            n += 1
    return n


placement.HOST_FILTERS.append(rule_filter)
placement.HOST_PENALTIES.append(rule_penalty)
placement.MESSAGES[NO_RULE_HOST] = "No host in the target satisfies the VM's DRS rules."


def rule_moves(engine, cluster, hosts):
    """Migrations that repair hard rule violations of running VMs: [(vm, from_host, to_host)]."""
    moves = []
    for vm in engine.all("vms"):
        if vm.data.get("clusterUrn") != cluster.urn or vm.data.get("status") != "running" or vm.sim.get("busy"):
            continue
        if vm.data.get("isBindingHost"):
            continue
        src = engine.find(vm.sim.get("host") or "", "hosts")
        if src is None:
            continue
        # a keep-together pair apart: the second VM (by URN) follows the first one
        violated = rule_filter(engine, vm, src) is not None or rule_penalty(engine, vm, src)
        if not violated:
            continue
        candidates, _reason = placement.rank(engine, vm, cluster.urn, exclude_hosts=(src.urn,))
        candidates = [h for h in candidates if h in hosts or h.urn in [x.urn for x in hosts]]
        if candidates and (rule_filter(engine, vm, src) is not None or
                           rule_penalty(engine, vm, candidates[0]) < rule_penalty(engine, vm, src)):
            moves.append((vm, src, candidates[0]))
            vm.sim["host"] = candidates[0].urn     # tentatively, so later VMs see it
    for vm, src, _dst in moves:
        vm.sim["host"] = src.urn
    return moves


# -- recommendations ----------------------------------------------------------------------------
def publish(engine, cluster, moves, reasons):
    """Replace the cluster's open recommendations by ``moves`` (manual DRS level)."""
    recs = []
    for (vm, src, dst), reason in zip(moves, reasons):
        num = engine.next_id("drsrecommendations")
        urn = "%s:drsrecommendations:%d" % (cluster.urn, num)
        recs.append({"urn": urn, "uri": engine.uri_of(urn), "createTime": _utc(engine.now()), "type": "migrateVm",
                     "rating": 0, "dependences": None, "reason": reason,
                     "vmRecommendation": {
                         "vmUrn": vm.urn, "vmUri": vm.data["uri"], "vmName": vm.data["name"],
                         "sourceHostUrn": src.urn, "sourceHostUri": src.data["uri"], "sourceHostName": src.data["name"],
                         "destinationHostUrn": dst.urn, "destinationHostUri": dst.data["uri"],
                         "destinationHostName": dst.data["name"]},
                     "hostRecommendation": None, "errorCode": None, "errorMsg": None, "status": "new"})
    cluster.sim["recommendations"] = recs
    engine.touch(cluster)


@route("GET", "/service/sites/{site}/clusters/{id}/drsrecommendations")
def drs_recommendations(engine, req):
    """DRS recommendations of a cluster in manual mode (FC8DOC: {recommendations: [...]})."""
    cluster = _cluster(engine, req)
    return {"recommendations": [dict(r) for r in cluster.sim.get("recommendations", [])]}


def _apply(engine, cluster, rec, user):
    vmr = rec["vmRecommendation"]
    vm = engine.find(vmr["vmUrn"], "vms")
    if vm is None or vm.data.get("status") != "running" or vm.sim.get("host") != vmr["sourceHostUrn"]:
        raise VrmError("10300015", "The recommendation no longer applies: the VM %s has changed." % vmr["vmName"])
    dst = engine.get(vmr["destinationHostUrn"], "hosts")
    ok, reason = placement.rank(engine, vm, dst.urn)
    if not ok:
        raise VrmError(reason, placement.MESSAGES[reason])
    vm.data["status"] = "migrating"
    vm.sim["target_host"] = dst.urn
    task = engine.start_task("MigrateVmTask", vm.urn, vm.data["name"], user=user,
                             done=("vm_migrated", {"host": dst.urn, "status": "running"}),
                             fail=("vm_status", {"status": "running"}))
    vm.sim["busy"] = task.urn
    engine.touch(vm)
    cluster.sim["recommendations"] = [r for r in cluster.sim.get("recommendations", []) if r["urn"] != rec["urn"]]
    engine.touch(cluster)
    return task


def _find_rec(engine, cluster, urn):
    for r in cluster.sim.get("recommendations", []):
        if r["urn"] == urn:
            return r
    raise VrmError("10300015", "The recommendation %s does not exist (applied, replaced by a newer DRS cycle, or "
                               "never made)." % urn, status=404)


@route("POST", "/service/sites/{site}/clusters/{id}/drsrecommendations/{rid}/action/apply")
def apply_recommendation(engine, req):
    """Apply one recommendation: the migration task."""
    cluster = _cluster(engine, req)
    rec = _find_rec(engine, cluster, "%s:drsrecommendations:%s" % (cluster.urn, req.params["rid"]))
    return engine.task_ref(_apply(engine, cluster, rec, req.session["user"]))


@route("POST", "/service/sites/{site}/clusters/{id}/drsrecommendations/action/apply")
def apply_recommendations(engine, req):
    """Apply several recommendations (synchronous answer, no body; the migrations run as tasks)."""
    cluster = _cluster(engine, req)
    body = req.json()
    wanted = []
    for item in lst(body.get("recommendations"), "recommendations"):
        wanted.append(_find_rec(engine, cluster, obj(item, "recommendations[]").get("urn")))
    applied = set(r["urn"] for r in wanted)
    for rec in wanted:
        for dep in rec.get("dependences") or []:
            if dep not in applied:
                raise VrmError("10300241", "The recommendation %s depends on %s, which is not applied." % (
                    rec["urn"], dep))
    for rec in wanted:
        _apply(engine, cluster, rec, req.session["user"])
    return None
