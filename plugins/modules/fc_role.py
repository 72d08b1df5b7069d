#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_role
short_description: Manage FusionCompute VRM roles and their rights
version_added: 0.1.0
description:
  - Creates, updates and deletes a VRM role, that is a name, a description and the rights its users get.
  - Rights are the IDs of the leaves of VRM's rights tree (C(GET /service/roles/getRights)); they are compared
    as a set. Every right is checked against that tree before anything changes, and an unknown one fails with
    the list of known rights.
  - VRM's built-in roles (such as C(administrator)) cannot be changed or deleted (VRM error 10100348,
    10100347); a role that users still have cannot be deleted, and the module names them before it sends
    anything.
  - Give the role to users with M(fusioncompute.core.fc_user).
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
options:
  name:
    description: Role name (6-20 letters, digits and C(_), starting with a letter; unique).
    type: str
    required: true
  state:
    description: V(present) or V(absent).
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description (at most 1024 characters, no line breaks).
    type: str
  rights:
    description:
      - IDs of the rights the role holds (VRM C(popedom)). Required to create a role; omit to leave them alone.
    type: list
    elements: str
seealso:
  - module: fusioncompute.core.fc_user
notes:
  - "VRM calls: C(GET /service/roles/getRights), C(GET /service/roles/query/<name>), C(POST
    /service/roles/add|mod|rmv)."
"""

EXAMPLES = r"""
- name: The rights the nova-compute driver needs
  fusioncompute.core.fc_role:
    name: nova_compute
    description: nova-compute driver
    rights: [vm.query, vm.create, vm.delete, vm.modify, vm.power, vm.migrate, vm.snapshot, storage.query,
             storage.volume, network.query, resource.query, system.task]

- name: Remove the role (no user may have it)
  fusioncompute.core.fc_role:
    name: nova_compute
    state: absent
"""

RETURN = r"""
role:
  description: The role after the run (what it would be in check mode; empty when absent).
  returned: always
  type: dict
  sample:
    name: nova_compute
    description: nova-compute driver
    rights: [resource.query, vm.create, vm.query]
    right_type: 1
    users: [nova-fc]
    user_count: 1
    create_time: "1765065000"
  contains:
    name:
      description: Role name.
      type: str
    description:
      description: Description.
      type: str
    rights:
      description: IDs of the rights the role holds, sorted.
      type: list
      elements: str
    right_type:
      description: VRM's role type (1 for a normal-mode role).
      type: int
    users:
      description: Names of the users that have the role.
      type: list
      elements: str
    user_count:
      description: How many users have the role.
      type: int
    create_time:
      description: When VRM created the role.
      type: str
plan:
  description: The changes made (or, in check mode, that would be made), one sentence each, in order.
  returned: when changed
  type: list
  elements: str
  sample: ["create role nova_compute with 3 rights"]
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_accounts as acc
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule, Resource, Step


class Role(Resource):
    kind = "role"

    def validate(self):
        p = self.params
        acc.check_role_name(p["name"])
        if p["description"] and ("\n" in p["description"] or "\r" in p["description"]):
            raise FcError("description: VRM does not take line breaks in a role's description.")
        if p["rights"] is not None:
            if not p["rights"]:
                raise FcError("rights is empty; VRM wants at least one right in a role (error 10100507).")
            known = acc.rights(self.client)
            unknown = sorted(set(p["rights"]) - set(known))
            if unknown:
                raise FcError("Unknown right%s %s; VRM's rights are: %s." % (
                    "s" if len(unknown) > 1 else "", ", ".join(unknown), ", ".join(sorted(known))))

    def find(self):
        return acc.find_role(self.client, self.params["name"])

    def view(self, obj):
        return acc.role_view(obj)

    def returned(self, obj):
        return acc.role_returned(obj)

    def desired(self):
        rights = self.params["rights"]
        return {"description": self.params["description"], "rights": sorted(set(rights)) if rights else None}

    def _body(self, desired):
        body = {"roleName": self.params["name"]}
        if desired.get("description") is not None:
            body["description"] = desired["description"]
        if desired.get("rights") is not None:
            body["popedom"] = desired["rights"]
        return body

    def plan_create(self, desired):
        if not desired["rights"]:
            raise FcError("Role %s does not exist; creating it needs rights." % self.params["name"])
        body = dict(self._body(desired), rightType=1)
        return [Step("create role %s with %d rights" % (self.params["name"], len(desired["rights"])),
                     lambda: self.fc.call("POST", "/service/roles/add", body=body))]

    def diff_create(self, desired):
        return dict(super(Role, self).diff_create(desired), name=self.params["name"])

    def plan_update(self, obj, current, changes):
        body = self._body(changes)
        return [Step("set %s of role %s" % (" and ".join(sorted(changes)), self.params["name"]),
                     lambda: self.fc.call("POST", "/service/roles/mod", body=body))]

    def plan_delete(self, obj):
        users = sorted(u.get("userName") for u in obj.get("userInfo") or [])
        if users:
            raise FcError("Role %s is held by %s; take it from them first (fc_user roles) (VRM error 10100503)."
                          % (self.params["name"], ", ".join(users)))
        return [Step("delete role %s" % self.params["name"],
                     lambda: self.fc.call("POST", "/service/roles/rmv", body={"roleName": self.params["name"]}))]


def main():
    fc = FcModule(dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        description=dict(type="str"),
        rights=dict(type="list", elements="str"),
    ), wait=False)
    fc.run(lambda: Role(fc).run())


if __name__ == "__main__":
    main()
