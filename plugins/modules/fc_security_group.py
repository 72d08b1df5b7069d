#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_security_group
short_description: Manage FusionCompute security groups and their rules
version_added: 0.1.0
description:
  - Creates, updates and deletes a security group of the site, with its rules given as a declarative list.
  - Rules are compared in one normal form (protocol, remote CIDR or range, ports, direction), whatever their order
    or spelling (V(10.0.0.0/24) and V(10.0.0.0/255.255.255.0) are the same rule), so a second run reports no change.
  - Rules in O(rules) that the group lacks are added; rules the group has beyond O(rules) are kept unless
    O(rules_remove_unmanaged=true). VRM cannot change a rule in place, so a changed rule is a new rule (and, with
    O(rules_remove_unmanaged=true), the removal of the old one).
  - Every rule is checked before anything is sent; an unknown protocol, a port outside 0-65535, a reversed range,
    a bad CIDR or the same rule twice fail without a change.
  - VRM refuses to delete a group that VM NICs use; the module says which VMs before it sends anything. The
    group's rules are deleted first (VRM refuses to delete a group that still holds rules).
  - Bind a group to a VM NIC with M(fusioncompute.core.fc_vm) (O(fusioncompute.core.fc_vm#module:nics[].security_group)).
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
  name:
    description: Name of the security group (unique in the site, case-sensitive, 1-256 characters).
    type: str
    required: true
  state:
    description: V(present) or V(absent).
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description (at most 1024 characters).
    type: str
  rules:
    description:
      - The rules the group must have. Omit to leave the rules alone.
      - Each rule allows traffic of one protocol from O(rules[].remote) addresses or from the members of
        O(rules[].remote_group).
    type: list
    elements: dict
    suboptions:
      protocol:
        description: Protocol.
        type: str
        required: true
        choices: [tcp, udp, icmp, any]
      ports:
        description:
          - TCP or UDP port or port range, as V(443), V("8000-8080"). Omit for every port (0-65535).
          - Not for V(icmp) or V(any).
        type: raw
      icmp_type:
        description: ICMP type (0-255), required for V(icmp) (V(8) echo request).
        type: int
      icmp_code:
        description: ICMP code (0-255), required for V(icmp).
        type: int
      remote:
        description:
          - Addresses the rule allows, as a CIDR (V(10.0.0.0/24), prefix /1 to /31, or a dotted mask), a range
            (V(10.0.0.1-10.0.0.9)) or one address. Any address is V(0.0.0.0-255.255.255.255).
          - Exactly one of O(rules[].remote) and O(rules[].remote_group).
        type: str
      remote_group:
        description: Name of a security group whose members the rule allows (VRM C(allowedSGID)).
        type: str
      direction:
        description: V(ingress) (traffic into the NIC) or V(egress) (reserved by VRM 8.0).
        type: str
        choices: [ingress, egress]
        default: ingress
  rules_remove_unmanaged:
    description: Delete the group's rules that O(rules) does not list. The diff shows them first.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Web servers take HTTPS from the office and ping from the monitoring range
  fusioncompute.core.fc_security_group:
    name: sg-web
    description: Web tier
    rules:
      - protocol: tcp
        ports: 443
        remote: 192.0.2.0/24
      - protocol: icmp
        icmp_type: 8
        icmp_code: 0
        remote: 198.51.100.10-198.51.100.20
    rules_remove_unmanaged: true

- name: The database takes connections from the web tier's members only
  fusioncompute.core.fc_security_group:
    name: sg-db
    rules:
      - protocol: tcp
        ports: 5432
        remote_group: sg-web

- name: Remove the database group (its rules first)
  fusioncompute.core.fc_security_group:
    name: sg-db
    state: absent
"""

RETURN = r"""
security_group:
  description: The security group after the run (what it would be in check mode; empty when absent), with the
    fields of M(fusioncompute.core.fc_security_group_info).
  returned: always
  type: dict
  sample:
    name: sg-web
    id: 3
    description: Web tier
    rules:
      - {protocol: tcp, ports: "443", remote: 192.0.2.0/24, direction: ingress, id: 7}
    vm_count: 0
    vms: []
plan:
  description: The changes made (or, in check mode, that would be made), one sentence each, in order.
  returned: when changed
  type: list
  elements: str
  sample: ["add 1 rule to security group sg-web: tcp 443 from 192.0.2.0/24"]
tasks:
  description: The VRM tasks the module started, in order (rule changes run as tasks).
  returned: when tasks were started
  type: list
  elements: dict
  sample:
    - task_urn: "urn:sites:4D6B0918:tasks:1042"
      method: PUT
      path: /service/sites/4D6B0918/securitygroups/3/action/addrules
      status: success
      duration: 0.1
  contains:
    task_urn:
      description: URN of the task.
      type: str
    method:
      description: HTTP method of the request that started it.
      type: str
    path:
      description: Path of that request.
      type: str
    status:
      description: V(success) when the module waited for it, V(running) with O(wait=false).
      type: str
    duration:
      description: Seconds the task took (absent with O(wait=false)).
      type: float
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_secgroup as sg
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule, Resource, Step


def _describe(rule):
    pub = sg.public_rule(rule)
    what = pub.get("ports") or ("type %s code %s" % (pub["icmp_type"], pub["icmp_code"]) if "icmp_type" in pub
                                else "all ports")
    return "%s %s from %s" % (rule["protocol"], what, pub.get("remote") or "group " + str(pub.get("remote_group")))


class SecurityGroup(Resource):
    kind = "security_group"

    def validate(self):
        sg.check_rules(self.params["rules"])
        self._groups = None
        self._current = []
        self._add = []
        self._remove = []

    def groups(self):
        if self._groups is None:
            self._groups = sg.groups(self.client, self.fc.site_uri)
        return self._groups

    def names(self):
        return {g.get("sgId"): g.get("sgName") for g in self.groups()}

    def find(self):
        for g in self.groups():
            if g.get("sgName") == self.params["name"]:
                return g
        return None

    def reread(self, obj):
        self._groups = None
        return self.find()

    def rules(self, obj):
        return sg.rules_of(self.client, self.fc.site_uri, obj["sgId"], self.names())

    def view(self, obj):
        self._current = self.rules(obj)
        return {"description": obj.get("sgDesc") or "",
                "rules": [sg.public_rule(dict(r, id=None)) for r in sg.sort_rules(self._current)]}

    def returned(self, obj):
        return sg.group_view(obj, self.rules(obj))

    def _wanted_rules(self):
        ids = {v: k for k, v in self.names().items()}
        out = []
        for i, r in enumerate(self.params["rules"]):
            rule = sg.wanted_rule(i, r, ids)
            if rule["remote_group"] and rule["remote_group_id"] is None:
                raise FcError("rules[%d].remote_group %r: no security group has that name; create it first."
                              % (i, rule["remote_group"]))
            out.append(rule)
        return out

    def desired(self):
        d = {"description": self.params["description"], "rules": None}
        if self.params["rules"] is not None:
            self._wanted = self._wanted_rules()
            d["rules"] = [sg.public_rule(r) for r in sg.sort_rules(self._wanted)]
        return d

    def compare(self, current, desired):
        changes = {}
        if desired["description"] is not None and desired["description"] != current["description"]:
            changes["description"] = desired["description"]
        if desired["rules"] is not None:
            have = {sg.rule_key(r): r for r in self._current}
            want = {sg.rule_key(r): r for r in self._wanted}
            self._add = [r for k, r in want.items() if k not in have]
            self._remove = [r for k, r in have.items() if k not in want] if self.params["rules_remove_unmanaged"] \
                else []
            if self._add or self._remove:
                keep = [r for k, r in have.items() if k in want or not self.params["rules_remove_unmanaged"]]
                changes["rules"] = [sg.public_rule(dict(r, id=None)) for r in sg.sort_rules(keep + self._add)]
        return changes

    def plan_create(self, desired):
        p = self.params
        body = {"sgName": p["name"], "sgDescription": p["description"] or ""}
        rules = getattr(self, "_wanted", [])
        if rules:
            body["rules"] = [sg.rule_body(r) for r in rules]
        what = "create security group %s" % p["name"]
        if rules:
            listed = "; ".join(_describe(r) for r in sg.sort_rules(rules))
            what += " with %d rule%s: %s" % (len(rules), "" if len(rules) == 1 else "s", listed)
        return [Step(what, lambda: self.fc.call("POST", self.fc.site_uri + "/securitygroups/addsecuritygroup",
                                                body=body))]

    def plan_update(self, obj, current, changes):
        uri = "%s/securitygroups/%s" % (self.fc.site_uri, obj["sgId"])
        name = obj["sgName"]
        steps = []
        if "description" in changes:
            body = {"sgName": name, "sgDescription": changes["description"]}
            steps.append(Step("set the description of security group %s" % name,
                              lambda: self.fc.call("PUT", uri, body=body)))
        if self._add:
            add = {"rules": [sg.rule_body(r) for r in self._add]}
            steps.append(Step("add %d rule%s to security group %s: %s" % (
                len(self._add), "" if len(self._add) == 1 else "s", name,
                "; ".join(_describe(r) for r in sg.sort_rules(self._add))),
                lambda: self.fc.call("PUT", uri + "/action/addrules", body=add)))
        if self._remove:
            ids = {"ruleIds": [r["id"] for r in self._remove]}
            steps.append(Step("delete %d unmanaged rule%s of security group %s: %s" % (
                len(self._remove), "" if len(self._remove) == 1 else "s", name,
                "; ".join(_describe(r) for r in sg.sort_rules(self._remove))),
                lambda: self.fc.call("PUT", uri + "/action/delrules", body=ids)))
        return steps

    def plan_delete(self, obj):
        name = obj["sgName"]
        users = sorted(v.get("vmName") for v in obj.get("vmList") or [])
        if users or int(obj.get("vmNum") or 0):
            raise FcError("Security group %s is used by NICs of %s; take it off those NICs first (fc_vm "
                          "nics[].security_group: '') (VRM error 10520032)." % (name, ", ".join(users) or "VMs"))
        uri = "%s/securitygroups/%s" % (self.fc.site_uri, obj["sgId"])
        steps = []
        rules = self.rules(obj)
        if rules:
            ids = {"ruleIds": [r["id"] for r in rules]}
            steps.append(Step("delete the %d rule%s of security group %s" % (
                len(rules), "" if len(rules) == 1 else "s", name),
                lambda: self.fc.call("PUT", uri + "/action/delrules", body=ids)))
        steps.append(Step("delete security group %s" % name, lambda: self.fc.call(
            "POST", self.fc.site_uri + "/securitygroups/deletesecuritygroup", body={"sgIds": [obj["sgId"]]})))
        return steps


def main():
    fc = FcModule(dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        description=dict(type="str"),
        rules=dict(type="list", elements="dict", options=dict(
            protocol=dict(type="str", required=True, choices=["tcp", "udp", "icmp", "any"]),
            ports=dict(type="raw"), icmp_type=dict(type="int"), icmp_code=dict(type="int"),
            remote=dict(type="str"), remote_group=dict(type="str"),
            direction=dict(type="str", default="ingress", choices=["ingress", "egress"]))),
        rules_remove_unmanaged=dict(type="bool", default=False),
    ))
    fc.run(lambda: SecurityGroup(fc).run())


if __name__ == "__main__":
    main()
