#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_drs_rule
short_description: Manage DRS affinity, anti-affinity and VM-to-host rules of a FusionCompute cluster
version_added: 0.1.0
description:
  - Creates, changes and deletes one DRS rule of a cluster, found by name.
  - V(affinity) keeps the rule's VMs on one host, V(anti_affinity) keeps them on different hosts, and V(vm_host)
    ties the VMs of a VM group to the hosts of a host group (both made with M(fusioncompute.core.fc_drs_group)) as
    O(host_rule) says. VRM honours V(affinity), V(anti_affinity), V(must) and V(must_not) when it places, starts,
    migrates and restarts (HA) VMs and when DRS balances the cluster; V(should) and V(should_not) are preferences.
    A live migration that would break a rule fails with VRM error 10300226.
  - A VM already placed against a new rule is moved by the next DRS cycle when DRS is automatic, or shows up as
    a recommendation (reason V(RULES)) to apply with M(fusioncompute.core.fc_drs_recommendation) when it is manual.
  - VMs are compared by URN, whatever their order, so a second run reports no change. Every VM and group is
    looked up before anything is sent; a VM outside the cluster, a missing group or a group of the wrong type fails
    without a change. VRM cannot change a rule's type; changing O(type) fails and says so.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT
  - fusioncompute.core.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
options:
  cluster:
    description: Name or URN of the cluster.
    type: str
    required: true
  name:
    description: Name of the rule (unique in the cluster, 1-255 characters, no C(:)).
    type: str
    required: true
  type:
    description: The kind of rule. Required to create one; a rule's type cannot change.
    type: str
    choices: [affinity, anti_affinity, vm_host]
  vms:
    description:
      - The VMs (names or URNs, at least two) of an V(affinity) or V(anti_affinity) rule. Omit to leave them alone.
    type: list
    elements: str
  vm_group:
    description: The VM group of a V(vm_host) rule.
    type: str
  host_group:
    description: The host group of a V(vm_host) rule (a host group can be in one rule only).
    type: str
  host_rule:
    description:
      - How a V(vm_host) rule ties the VM group to the host group. V(must) and V(must_not) are hard rules, V(should)
        and V(should_not) preferences.
    type: str
    choices: [must, should, must_not, should_not]
  state:
    description: V(present) or V(absent).
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: fusioncompute.core.fc_drs_group
  - module: fusioncompute.core.fc_drs_rule_info
  - module: fusioncompute.core.fc_drs_recommendation
  - module: fusioncompute.core.fc_cluster
"""

EXAMPLES = r"""
- name: Two web VMs
  fusioncompute.core.fc_vm:
    name: "{{ item }}"
    template: tpl-centos7
    cluster: cluster-prod
  loop: [web-a, web-b]

- name: Keep the web VMs on different hosts
  fusioncompute.core.fc_drs_rule:
    cluster: cluster-prod
    name: web-apart
    type: anti_affinity
    vms: [web-a, web-b]

- name: The web VMs and the hosts of rack A
  fusioncompute.core.fc_drs_group:
    cluster: cluster-prod
    name: "{{ item.name }}"
    type: "{{ item.type }}"
    members: "{{ item.members }}"
  loop:
    - {name: web-vms, type: vm, members: [web-a, web-b]}
    - {name: rack-a, type: host, members: [cna-prod-01, cna-prod-02, cna-prod-03]}

- name: Prefer rack A for the web VMs
  fusioncompute.core.fc_drs_rule:
    cluster: cluster-prod
    name: web-on-rack-a
    type: vm_host
    vm_group: web-vms
    host_group: rack-a
    host_rule: should

- name: Remove the rules
  fusioncompute.core.fc_drs_rule:
    cluster: cluster-prod
    name: "{{ item }}"
    state: absent
  loop: [web-apart, web-on-rack-a]

- name: Remove the groups
  fusioncompute.core.fc_drs_group:
    cluster: cluster-prod
    name: "{{ item }}"
    state: absent
  loop: [web-vms, rack-a]

- name: Remove the web VMs
  fusioncompute.core.fc_vm:
    name: "{{ item }}"
    state: absent
  loop: [web-a, web-b]
"""

RETURN = r"""
rule:
  description: The rule after the run (what it would be in check mode; empty when absent), with the fields of a rule
    of M(fusioncompute.core.fc_drs_rule_info).
  returned: always
  type: dict
  sample:
    name: web-apart
    index: 1
    type: anti_affinity
    vms: [web-a, web-b]
    vm_group: null
    host_group: null
    host_rule: null
    created: "2026-12-06T23:40:00Z"
    updated: "2026-12-06T23:40:00Z"
plan:
  description: The changes made (or, in check mode, that would be made), one sentence each, in order.
  returned: when changed
  type: list
  elements: str
  sample: ["create anti_affinity rule web-apart of cluster cluster-prod: web-a, web-b"]
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_drs, fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule, Resource, Step


class DrsRule(Resource):
    kind = "rule"

    def __init__(self, fc):
        super(DrsRule, self).__init__(fc)
        self.cluster = None
        self._groups = None
        self._names = {}
        self._vms = None
        self._type = None

    def _read(self):
        self.cluster = fc_lookup.cluster(self.fc, self.params["cluster"])
        return self.cluster

    def groups(self):
        if self._groups is None:
            self._groups = fc_drs.groups_of(self.fc, self.cluster)
        return self._groups

    def _group(self, field, gtype):
        name = self.params[field]
        g = fc_drs.group_named(self.groups(), name)
        if g is None:
            raise FcError("%s %r: the cluster %s has no such group; create it with fc_drs_group first." % (
                field, name, self.cluster["name"]))
        if g.get("type") != fc_drs.GROUP_TYPES[gtype]:
            raise FcError("%s %r is not a %s group (VRM error 10300206)." % (field, name, gtype))
        self._names[g["urn"]] = name
        return g["urn"]

    def validate(self):
        p = self.params
        if ":" in p["name"]:
            raise FcError("name %r: DRS rule names cannot contain ':' (VRM error 10300126)." % p["name"])
        if len(p["name"]) > 255:
            raise FcError("name has %d characters; DRS rule names are 1 to 255 (VRM error 10300126)." % len(p["name"]))
        if p["state"] == "absent":
            return
        current = self.find()
        rtype = p["type"]
        if rtype is None and current is not None:
            rtype = fc_drs.rule_view(current, {})["type"]
        if rtype is None:
            raise FcError("type is required to create rule %s: affinity, anti_affinity or vm_host." % p["name"])
        if rtype == "vm_host":
            if p["vms"] is not None:
                raise FcError("vms is for affinity and anti_affinity rules; a vm_host rule takes vm_group and "
                              "host_group.")
            if current is None and not (p["vm_group"] and p["host_group"] and p["host_rule"]):
                raise FcError("A vm_host rule needs vm_group, host_group and host_rule.")
        else:
            if p["vm_group"] or p["host_group"] or p["host_rule"]:
                raise FcError("vm_group, host_group and host_rule are for vm_host rules only.")
            if current is None and p["vms"] is None:
                raise FcError("An %s rule needs vms (at least two)." % rtype)
            if p["vms"] is not None:
                wanted = []
                for ref in p["vms"]:
                    vm = fc_drs.cluster_vm(self.fc, self.cluster, ref)
                    if vm["urn"] not in [w["urn"] for w in wanted]:
                        wanted.append(vm)
                if len(wanted) < 2:
                    raise FcError("An %s rule needs at least two different VMs; vms names %d." % (rtype, len(wanted)))
                self._vms = wanted
                self._names.update((v["urn"], v["name"]) for v in wanted)
        self._type = rtype

    def find(self):
        self._read()        # the rules are part of the cluster: read it again each time (another run may add one)
        for r in fc_drs.rules_of(self.cluster):
            if r.get("ruleName") == self.params["name"]:
                return r
        return None

    def reread(self, obj):
        return self.find()

    def view(self, obj):
        for v in obj.get("vms") or []:
            self._names[v["urn"]] = v.get("name")
        kind = fc_drs.rule_view(obj, {})
        return {"type": kind["type"], "vms": sorted(v["urn"] for v in obj.get("vms") or []) or None,
                "vm_group": obj.get("vmGroupUrn"), "host_group": obj.get("hostGroupUrn"),
                "host_rule": kind["host_rule"]}

    def returned(self, obj):
        return fc_drs.rule_view(obj, dict((g["urn"], g) for g in self.groups()))

    def desired(self):
        p = self.params
        out = {"type": p["type"], "vms": sorted(v["urn"] for v in self._vms) if self._vms else None,
               "vm_group": None, "host_group": None, "host_rule": p["host_rule"]}
        if p["vm_group"]:
            out["vm_group"] = self._group("vm_group", "vm")
        if p["host_group"]:
            out["host_group"] = self._group("host_group", "host")
        return out

    def check_create_only(self, obj):
        have = fc_drs.rule_view(obj, {})["type"]
        if self.params["type"] and self.params["type"] != have:
            raise FcError("Rule %s is an %s rule; VRM cannot change a rule's type. Remove it (state=absent) and "
                          "create it again, or use another name." % (obj["ruleName"], have))

    def _named(self, value):
        if isinstance(value, list):
            return sorted(self._names.get(u, u) for u in value)
        return self._names.get(value, value)

    def diff_create(self, desired):
        return dict((k, self._named(v)) for k, v in desired.items() if v is not None)

    def diff_update(self, current, changes):
        return (dict((k, self._named(current.get(k))) for k in changes),
                dict((k, self._named(v)) for k, v in changes.items()))

    def _body(self, values):
        body = {}
        if values.get("vms") is not None:
            body["vms"] = [{"urn": u} for u in values["vms"]]
        if values.get("host_rule") is not None:
            body["vm2HostRuleType"] = fc_drs.HOST_RULES[values["host_rule"]]
        if values.get("vm_group") is not None:
            body["vmGroupUrn"] = values["vm_group"]
        if values.get("host_group") is not None:
            body["hostGroupUrn"] = values["host_group"]
        return body

    def _put(self, rule):
        return self.fc.call("PUT", self.cluster["uri"], body={"drsSetting": {"drsRules": [rule]}})

    def plan_create(self, desired):
        rule = dict(self._body(desired), operationType=fc_drs.RULE_OPS["create"], ruleName=self.params["name"],
                    ruleType=fc_drs.RULE_TYPES[self._type])
        if self._type == "vm_host":
            what = "create vm_host rule %s of cluster %s: VM group %s %s run on host group %s" % (
                self.params["name"], self.cluster["name"], self.params["vm_group"],
                self.params["host_rule"].replace("_", " "), self.params["host_group"])
        else:
            what = "create %s rule %s of cluster %s: %s" % (
                self._type, self.params["name"], self.cluster["name"], ", ".join(self._named(desired["vms"])))
        return [Step(what, lambda: self._put(rule))]

    def plan_update(self, obj, current, changes):
        rule = dict(self._body(changes), operationType=fc_drs.RULE_OPS["modify"], ruleIndex=obj["ruleIndex"])
        what = "change %s of rule %s of cluster %s" % (
            ", ".join(sorted(changes)), obj["ruleName"], self.cluster["name"])
        return [Step(what, lambda: self._put(rule))]

    def plan_delete(self, obj):
        rule = {"operationType": fc_drs.RULE_OPS["delete"], "ruleIndex": obj["ruleIndex"]}
        return [Step("delete rule %s of cluster %s" % (obj["ruleName"], self.cluster["name"]),
                     lambda: self._put(rule))]


def main():
    fc = FcModule(dict(
        cluster=dict(type="str", required=True),
        name=dict(type="str", required=True),
        type=dict(type="str", choices=list(fc_drs.RULE_TYPES)),
        vms=dict(type="list", elements="str"),
        vm_group=dict(type="str"),
        host_group=dict(type="str"),
        host_rule=dict(type="str", choices=list(fc_drs.HOST_RULES)),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    ))
    fc.run(lambda: DrsRule(fc).run())


if __name__ == "__main__":
    main()
