# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DRS rules, VM/host groups and recommendations of a cluster: reading them and their user-facing views.

VRM keeps the rules in the cluster's ``drsSetting.drsRules`` (changed through ``PUT <cluster>`` with an
``operationType`` per rule) and the groups at ``<cluster>/resourcegroups`` (FC8DOC ch3, DRS management).
"""

from __future__ import annotations

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError

RULE_TYPES = {"affinity": 1, "anti_affinity": 2, "vm_host": 3}
HOST_RULES = {"must": 1, "should": 2, "must_not": 3, "should_not": 4}
GROUP_TYPES = {"vm": 0, "host": 1}
RULE_OPS = {"delete": 0, "modify": 1, "create": 2}


def _back(table, value):
    for k, v in table.items():
        if v == value:
            return k
    return None


def rules_of(cluster):
    return list((cluster.get("drsSetting") or {}).get("drsRules") or [])


def groups_of(fc, cluster):
    """Every resource group of the cluster, with its members (one detail read per group)."""
    out = []
    for g in fc.client.list_all(cluster["uri"] + "/resourcegroups", "groups"):
        out.append(fc.client.get(g["uri"]))
    return out


def group_view(group):
    return {"name": group.get("name"), "urn": group.get("urn"),
            "type": _back(GROUP_TYPES, group.get("type")),
            "members": sorted(m.get("name") for m in group.get("groupMembers") or [])}


def rule_view(rule, groups):
    """``groups``: URN -> group, to name the groups a VM-to-host rule uses."""
    def name_of(urn):
        return (groups.get(urn) or {}).get("name") if urn else None

    kind = _back(RULE_TYPES, rule.get("ruleType"))
    return {"name": rule.get("ruleName"), "index": rule.get("ruleIndex"), "type": kind,
            "vms": sorted(v.get("name") for v in rule.get("vms") or []) if kind != "vm_host" else [],
            "vm_group": name_of(rule.get("vmGroupUrn")), "host_group": name_of(rule.get("hostGroupUrn")),
            "host_rule": _back(HOST_RULES, rule.get("vm2HostRuleType")) if kind == "vm_host" else None,
            "created": rule.get("createTime"), "updated": rule.get("updateTime")}


def recommendation_view(rec):
    vmr = rec.get("vmRecommendation") or {}
    return {"urn": rec.get("urn"), "type": rec.get("type"), "reason": rec.get("reason"),
            "created": rec.get("createTime"), "vm": vmr.get("vmName"), "vm_urn": vmr.get("vmUrn"),
            "source_host": vmr.get("sourceHostName"), "destination_host": vmr.get("destinationHostName"),
            "depends_on": list(rec.get("dependences") or [])}


def recommendations_of(fc, cluster):
    return (fc.client.get(cluster["uri"] + "/drsrecommendations") or {}).get("recommendations") or []


def drs_view(fc, cluster):
    """The rules, groups and open recommendations of ``cluster`` (fc_drs_rule_info, fc_cluster_info)."""
    groups = groups_of(fc, cluster)
    by_urn = {g["urn"]: g for g in groups}
    return {"rules": sorted((rule_view(r, by_urn) for r in rules_of(cluster)), key=lambda r: r["name"] or ""),
            "groups": sorted((group_view(g) for g in groups), key=lambda g: g["name"] or ""),
            "recommendations": [recommendation_view(r) for r in recommendations_of(fc, cluster)]}


def cluster_vm(fc, cluster, ref):
    """``{urn, name}`` of a VM of the cluster named by name or URN; fails (no write made) otherwise."""
    vm = fc_lookup.vm(fc, urn=ref if ref.startswith("urn:") else None, name=None if ref.startswith("urn:") else ref,
                      templates=False)
    if vm is None:
        raise FcError("VM %r not found; DRS rules and VM groups take VMs of the cluster %s." % (ref, cluster["name"]))
    if vm.get("clusterUrn") != cluster["urn"]:
        raise FcError("VM %r is in %s, not in the cluster %s; DRS rules and groups only hold the cluster's own VMs "
                      "(VRM error 10300129)." % (ref, vm.get("clusterName") or "no cluster", cluster["name"]))
    return {"urn": vm["urn"], "name": vm["name"]}


def cluster_host(fc, cluster, ref):
    host = fc_lookup.host(fc, ref, required=False)
    if host is None:
        raise FcError("Host %r not found (give its name, IP or URN)." % ref)
    if host.get("clusterUrn") != cluster["urn"]:
        raise FcError("Host %r is not in the cluster %s; a host group only holds the cluster's hosts (VRM error "
                      "10300205)." % (ref, cluster["name"]))
    return {"urn": host["urn"], "name": host["name"]}


def group_named(groups, name, gtype=None):
    for g in groups:
        if g.get("name") == name and (gtype is None or g.get("type") == GROUP_TYPES[gtype]):
            return g
    return None


def ordered(recs):
    """Recommendations with each one after those of ``recs`` it depends on (a cycle keeps the given order)."""
    out, done = [], set()
    pending = list(recs)
    while pending:
        waiting = set(r["urn"] for r in pending)
        ready = [r for r in pending if not any(d in waiting and d not in done for d in r.get("dependences") or [])]
        for r in ready or pending[:1]:
            out.append(r)
            done.add(r["urn"])
        pending = [r for r in pending if r["urn"] not in done]
    return out
