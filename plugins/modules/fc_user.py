#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_user
short_description: Manage FusionCompute VRM user accounts
version_added: 0.1.0
description:
  - Creates, updates and deletes a VRM user, which is a local account, a domain account, or an interface
    (machine) account such as the one the nova-compute driver logs in with.
  - "Passwords: VRM never shows a password, so the module cannot read it to compare. With
    O(update_password=always) it finds out whether O(user_password) is the user's password by logging in as the
    user (one login, logged out at once): when the login is refused as a wrong password, the password is reset
    to O(user_password); when it succeeds, nothing changes. With O(update_password=on_create) the password is set
    only when the user is created."
  - The check login counts as a failed login on VRM when the password differs; VRM locks an account after
    several failed logins in a row (its password policy, 3 to 5 by default), which a run never reaches (one
    check, then the reset). A locked account is not checked (a warning says so).
  - The administrator account the module runs as is needed to reset another user's password.
  - In check mode the check login still happens (a login changes nothing), so the diff says whether the password
    would be reset.
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
    details: A password change shows as C(password) with masked values, never the password.
options:
  name:
    description:
      - User name (1-20 letters, digits, C(-) and C(_), starting with a letter). VRM keeps names unique per user
        type.
    type: str
    required: true
    aliases: [user_name]
  user_type:
    description:
      - V(local) (portal and API), V(domain) (authenticated by the domain server; no password) or V(interface)
        (an account for other systems, which cannot log in to the portal).
    type: str
    choices: [local, domain, interface]
    default: local
  state:
    description: V(present) or V(absent).
    type: str
    choices: [present, absent]
    default: present
  user_password:
    description:
      - The user's password, required to create a local or interface user. VRM's default policy wants 8 to 32
        characters with digits, upper and lower case letters, and not the user name forwards or backwards.
    type: str
  update_password:
    description:
      - V(always) checks O(user_password) on every run (a login as the user) and resets it when it differs;
        V(on_create) sets it only when the user is created.
    type: str
    choices: [always, on_create]
    default: always
  roles:
    description: Names of the roles the user has (compared without regard to order). Required to create a user.
    type: list
    elements: str
  email:
    description: E-mail address. Required to create a user.
    type: str
  contact:
    description: Telephone number, at most 25 digits. Required to create a user.
    type: str
  description:
    description: Description (at most 1024 characters, no line breaks).
    type: str
  max_connections:
    description: Most sessions the user may hold at once; V(0) for no limit.
    type: int
  locked:
    description: Lock (V(true)) or unlock (V(false)) the account. Omit to leave it as it is.
    type: bool
seealso:
  - module: fusioncompute.core.fc_role
notes:
  - "VRM calls: C(GET/POST /service/users), C(PUT/DELETE /service/users/<id>), C(POST
    /service/users/password/reset), C(POST /service/users/lockUser|unLockUser), and C(POST /service/session)
    as the user for the password check."
"""

EXAMPLES = r"""
- name: The interface account of the nova-compute driver
  fusioncompute.core.fc_user:
    name: nova-fc
    user_type: interface
    user_password: "{{ nova_vrm_password }}"
    roles: [administrator]
    email: cloud-team@example.com
    contact: "0123456789"
    description: nova-compute driver
  vars:
    nova_vrm_password: Nova@Secret2026

- name: An operator whose password is set once and then left to the operator
  fusioncompute.core.fc_user:
    name: ops-anna
    user_password: Initial@Pass2026
    update_password: on_create
    roles: [operator]
    email: anna@example.com
    contact: "0123456780"

- name: Lock the operator's account
  fusioncompute.core.fc_user:
    name: ops-anna
    locked: true

- name: Remove the operator
  fusioncompute.core.fc_user:
    name: ops-anna
    state: absent
"""

RETURN = r"""
user:
  description: The user after the run (what it would be in check mode; empty when absent). Never the password.
  returned: always
  type: dict
  sample:
    id: "2"
    name: nova-fc
    type: interface
    roles: [administrator]
    email: cloud-team@example.com
    contact: "0123456789"
    description: nova-compute driver
    max_connections: 0
    locked: false
    status: normal
    create_time: "2026-12-06 23:50:00"
  contains:
    id:
      description: VRM's user ID (absent in check mode before the user exists).
      type: str
    name:
      description: User name.
      type: str
    type:
      description: V(local), V(domain) or V(interface).
      type: str
    roles:
      description: Role names, sorted.
      type: list
      elements: str
    email:
      description: E-mail address.
      type: str
    contact:
      description: Telephone number.
      type: str
    description:
      description: Description.
      type: str
    max_connections:
      description: Most sessions at once (0 = no limit).
      type: int
    locked:
      description: Whether the account is locked (by hand or after failed logins).
      type: bool
    status:
      description: V(normal), V(auto-locked), V(locked) or V(inactive).
      type: str
    create_time:
      description: When VRM created the user.
      type: str
plan:
  description: The changes made (or, in check mode, that would be made), one sentence each, in order.
  returned: when changed
  type: list
  elements: str
  sample: ["create interface user nova-fc with roles administrator"]
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_accounts as acc
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule, Resource, Step

MASK = "********"


class User(Resource):
    kind = "user"

    def validate(self):
        p = self.params
        acc.check_user_name(p["name"])
        self.type_code = acc.USER_TYPES[p["user_type"]]
        if p["user_type"] == "domain" and p["user_password"]:
            raise FcError("A domain user has no VRM password (the domain server checks it); leave out "
                          "user_password.")
        if p["contact"] is not None and not (p["contact"].isdigit() and len(p["contact"]) <= 25):
            raise FcError("contact %r: VRM takes a telephone number of at most 25 digits." % p["contact"])
        if p["description"] and ("\n" in p["description"] or "\r" in p["description"]):
            raise FcError("description: VRM does not take line breaks in a user's description.")
        if p["max_connections"] is not None and p["max_connections"] < 0:
            raise FcError("max_connections must be 0 (no limit) or more, not %d." % p["max_connections"])
        self._reset = False

    def find(self):
        return acc.find_user(self.client, self.params["name"], self.type_code)

    def view(self, obj):
        return acc.user_view(obj)

    def returned(self, obj):
        return acc.user_returned(obj)

    def desired(self):
        p = self.params
        return {"roles": sorted(set(p["roles"])) if p["roles"] is not None else None, "email": p["email"],
                "contact": p["contact"], "description": p["description"], "max_connections": p["max_connections"],
                "locked": p["locked"]}

    def compare(self, current, desired):
        changes = super(User, self).compare(current, desired)
        p = self.params
        if p["user_password"] and p["update_password"] == "always" and p["user_type"] != "domain":
            if current["locked"]:
                self.fc.warn("User %s is locked: its password was not checked. Unlock it (locked: false) to have "
                             "it checked." % p["name"])
            elif acc.password_works(p, p["name"], self.type_code, p["user_password"]) is False:
                self._reset = True
                changes["password"] = MASK + " (changed)"
        return changes

    def diff_update(self, current, changes):
        before, after = super(User, self).diff_update(current, changes)
        if "password" in changes:
            before["password"] = MASK
        return before, after

    def plan_create(self, desired):
        p = self.params
        missing = [k for k in ("roles", "email", "contact") if not p[k]]
        if p["user_type"] != "domain" and not p["user_password"]:
            missing.insert(0, "user_password")
        if missing:
            raise FcError("User %s does not exist; creating it needs %s (VRM requires them)." % (
                p["name"], ", ".join(missing)))
        body = {"userType": self.type_code, "userName": p["name"], "roles": desired["roles"], "email": p["email"],
                "contact": p["contact"], "description": p["description"] or "",
                "connectNum": p["max_connections"] or 0, "rightType": 1}
        if p["user_password"]:
            body["password"] = p["user_password"]
        steps = [Step("create %s user %s with roles %s" % (p["user_type"], p["name"], ", ".join(desired["roles"])),
                      lambda: self.fc.call("POST", "/service/users", body=body))]
        if p["locked"]:
            steps.append(Step("lock user %s" % p["name"], lambda: self._lock(self.find(), True)))
        return steps

    def diff_create(self, desired):
        after = dict(super(User, self).diff_create(desired), name=self.params["name"], type=self.params["user_type"])
        if self.params["user_password"]:
            after["password"] = MASK
        return after

    def _lock(self, obj, lock):
        body = {"userId": obj["userId"]}
        if not lock:
            body["password"] = self.params["user_password"] or ""
        self.fc.call("POST", "/service/users/%s" % ("lockUser" if lock else "unLockUser"), body=body)

    def plan_update(self, obj, current, changes):
        p = self.params
        steps = []
        profile = [k for k in ("roles", "email", "contact", "description", "max_connections") if k in changes]
        if profile:
            merged = dict(current, **{k: changes[k] for k in profile})
            body = {"roles": merged["roles"], "email": merged["email"], "contact": merged["contact"],
                    "description": merged["description"], "connectNum": merged["max_connections"]}
            steps.append(Step("set %s of user %s" % (", ".join(profile), p["name"]),
                              lambda: self.fc.call("PUT", "/service/users/%s" % obj["userId"], body=body)))
        if self._reset:
            reset = {"userId": obj["userId"], "password": p["user_password"]}
            steps.append(Step("reset the password of user %s" % p["name"], lambda: self.fc.call(
                "POST", "/service/users/password/reset", body=reset)))
        if "locked" in changes:
            steps.append(Step("%s user %s" % ("lock" if changes["locked"] else "unlock", p["name"]),
                              lambda: self._lock(obj, changes["locked"])))
        return steps

    def plan_delete(self, obj):
        return [Step("delete %s user %s" % (self.params["user_type"], self.params["name"]),
                     lambda: self.fc.call("DELETE", "/service/users/%s" % obj["userId"]))]


def main():
    fc = FcModule(dict(
        name=dict(type="str", required=True, aliases=["user_name"]),
        user_type=dict(type="str", default="local", choices=["local", "domain", "interface"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        user_password=dict(type="str", no_log=True),
        update_password=dict(type="str", default="always", choices=["always", "on_create"], no_log=False),
        roles=dict(type="list", elements="str"),
        email=dict(type="str"),
        contact=dict(type="str"),
        description=dict(type="str"),
        max_connections=dict(type="int"),
        locked=dict(type="bool"),
    ), wait=False)
    fc.run(lambda: User(fc).run())


if __name__ == "__main__":
    main()
