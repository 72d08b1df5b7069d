#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_drs_group
short_description: Manage DRS VM groups and host groups of a FusionCompute cluster
version_added: 0.1.0
description:
  - Creates, changes and deletes a VM group or a host group of a cluster (VRM's DRS resource groups). VM-to-host
    rules of M(fusioncompute.core.fc_drs_rule) tie a VM group to a host group.
  - O(members) is the whole membership; members are compared by URN, whatever their order, so a second run reports
    no change. Every member is looked up before anything is sent; a VM or host outside the cluster fails without
    a change.
  - VRM refuses to delete a group that a DRS rule uses (error 10300219); the module says which rule before it sends
    anything.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT_UNUSED
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
    description: Name of the group (unique in the site, 1-256 characters).
    type: str
    required: true
  type:
    description:
      - V(vm) for a VM group, V(host) for a host group. Required to create a group; a group's type cannot change.
    type: str
    choices: [vm, host]
  members:
    description:
      - The group's members; VM names or URNs for a VM group, host names, IPs or URNs for a host group. Omit to
        leave the membership alone. Required to create a group (VRM refuses an empty group a rule uses).
    type: list
    elements: str
  state:
    description: V(present) or V(absent).
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: fusioncompute.core.fc_drs_rule
  - module: fusioncompute.core.fc_drs_rule_info
"""

EXAMPLES = r"""
- name: Hosts of rack A
  fusioncompute.core.fc_drs_group:
    cluster: cluster-prod
    name: rack-a
    type: host
    members: [cna-prod-01, cna-prod-02]

- name: The database VMs (none yet in the demo site, so the group starts empty)
  fusioncompute.core.fc_drs_group:
    cluster: cluster-prod
    name: db-vms
    type: vm
    members: []

- name: Remove the groups
  fusioncompute.core.fc_drs_group:
    cluster: cluster-prod
    name: "{{ item }}"
    state: absent
  loop: [db-vms, rack-a]
"""

RETURN = r"""
group:
  description: The group after the run (what it would be in check mode; empty when absent), with the fields of a
    group of M(fusioncompute.core.fc_drs_rule_info).
  returned: always
  type: dict
  sample:
    name: rack-a
    urn: urn:sites:4D6B0918:clusters:1:resourcegroups:1
    type: host
    members: [cna-prod-01, cna-prod-02]
plan:
  description: The changes made (or, in check mode, that would be made), one sentence each, in order.
  returned: when changed
  type: list
  elements: str
  sample: ["add cna-prod-02 to host group rack-a"]
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_drs, fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule, Resource, Step


class DrsGroup(Resource):
    kind = "group"

    def __init__(self, fc):
        super(DrsGroup, self).__init__(fc)
        self.cluster = fc_lookup.cluster(fc, self.params["cluster"])
        self._wanted = None
        self._obj = None

    def validate(self):
        p = self.params
        if p["state"] == "present" and p["members"] is not None:
            gtype = p["type"] or (self.find() or {}).get("type")
            if isinstance(gtype, int):
                gtype = "vm" if gtype == 0 else "host"
            if gtype is None:
                raise FcError("type is required to create group %s: vm or host." % p["name"])
            look = fc_drs.cluster_vm if gtype == "vm" else fc_drs.cluster_host
            self._wanted = []
            for ref in p["members"]:
                m = look(self.fc, self.cluster, ref)
                if m["urn"] not in [x["urn"] for x in self._wanted]:
                    self._wanted.append(m)

    def find(self):
        for g in self.fc.client.list_all(self.cluster["uri"] + "/resourcegroups", "groups", {"name": self.params["name"]}):
            if g.get("name") == self.params["name"]:
                return self.fc.client.get(g["uri"])
        return None

    def view(self, obj):
        return {"type": fc_drs.group_view(obj)["type"],
                "members": sorted(m["urn"] for m in obj.get("groupMembers") or [])}

    def returned(self, obj):
        return fc_drs.group_view(obj)

    def desired(self):
        return {"type": self.params["type"],
                "members": sorted(m["urn"] for m in self._wanted) if self._wanted is not None else None}

    def check_create_only(self, obj):
        have = fc_drs.group_view(obj)["type"]
        if self.params["type"] and self.params["type"] != have:
            raise FcError("Group %s is a %s group; VRM cannot change a group's type (error 10300206). Remove it "
                          "(state=absent) and create it again, or use another name." % (obj["name"], have))

    def compare(self, current, desired):
        changes = {}
        if desired["members"] is not None and desired["members"] != current["members"]:
            changes["members"] = desired["members"]
        return changes

    def diff_create(self, desired):
        return {"name": self.params["name"], "type": self.params["type"],
                "members": sorted(m["name"] for m in self._wanted or [])}

    def diff_update(self, current, changes):
        names = dict((m["urn"], m["name"]) for m in self._wanted or [])
        names.update((m["urn"], m["name"]) for m in (self._obj or {}).get("groupMembers") or [])
        return ({"members": sorted(names.get(u, u) for u in current["members"])},
                {"members": sorted(names.get(u, u) for u in changes["members"])})

    def plan_create(self, desired):
        p = self.params
        if p["type"] is None:
            raise FcError("type is required to create group %s: vm or host." % p["name"])
        if p["members"] is None:
            raise FcError("members is required to create group %s (an empty list is allowed)." % p["name"])
        body = {"name": p["name"], "type": fc_drs.GROUP_TYPES[p["type"]], "useType": 0,
                "groupMembers": [{"urn": m["urn"]} for m in self._wanted]}
        what = "create %s group %s with %s" % (p["type"], p["name"],
                                               ", ".join(m["name"] for m in self._wanted) or "no members")
        return [Step(what, lambda: self.fc.call("POST", self.cluster["uri"] + "/resourcegroups", body=body))]

    def plan_update(self, obj, current, changes):
        self._obj = obj
        have = dict((m["urn"], m["name"]) for m in obj.get("groupMembers") or [])
        want = dict((m["urn"], m["name"]) for m in self._wanted)
        add = [u for u in want if u not in have]
        drop = [u for u in have if u not in want]
        if not want and self._rules_using(obj):
            raise FcError("Group %s is used by the DRS rule %s and cannot be emptied (VRM error 10300212); change or "
                          "remove the rule first." % (obj["name"], ", ".join(self._rules_using(obj))))
        body = {"groupMembers": [{"urn": u, "operationType": 1} for u in add] +
                                [{"urn": u, "operationType": 0} for u in drop]}
        parts = []
        if add:
            parts.append("add %s to" % ", ".join(sorted(want[u] for u in add)))
        if drop:
            parts.append("remove %s from" % ", ".join(sorted(have[u] for u in drop)))
        what = "%s %s group %s" % (" and ".join(parts), self.view(obj)["type"], obj["name"])
        return [Step(what, lambda: self.fc.call("PUT", obj["uri"], body=body))]

    def _rules_using(self, obj):
        return [r.get("ruleName") for r in fc_drs.rules_of(self.cluster)
                if obj["urn"] in (r.get("vmGroupUrn"), r.get("hostGroupUrn"))]

    def plan_delete(self, obj):
        users = self._rules_using(obj)
        if users:
            raise FcError("Group %s is used by the DRS rule %s; remove the rule first (fc_drs_rule state=absent) "
                          "(VRM error 10300219)." % (obj["name"], ", ".join(users)))
        return [Step("delete %s group %s" % (self.view(obj)["type"], obj["name"]),
                     lambda: self.fc.call("DELETE", obj["uri"]))]

    def reread(self, obj):
        return self.find()


def main():
    fc = FcModule(dict(
        cluster=dict(type="str", required=True),
        name=dict(type="str", required=True),
        type=dict(type="str", choices=["vm", "host"]),
        members=dict(type="list", elements="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    ))
    fc.run(lambda: DrsGroup(fc).run())


if __name__ == "__main__":
    main()
