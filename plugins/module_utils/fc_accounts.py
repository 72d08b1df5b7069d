# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""VRM users, roles and rights (FC8DOC ch6 6.2): reading them, their user-facing views, and the check of a
password by a login as the user (VRM never shows a password)."""

from __future__ import annotations

import re

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_client import FcClient
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcApiError, FcError

USER_TYPES = {"local": "0", "domain": "1", "interface": "2"}
USER_TYPE_NAMES = {v: k for k, v in USER_TYPES.items()}
STATUS = {0: "normal", 1: "auto-locked", 2: "locked", 3: "inactive"}
USER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,19}$")
ROLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{5,19}$")
BAD_PASSWORD = "10100103"
LOCKED = ("10100113", "10100116", "10100117", "10100118")


def check_user_name(name):
    if not USER_NAME.match(name or ""):
        raise FcError("User name %r: VRM takes 1 to 20 letters, digits, '-' and '_', starting with a letter." % name)


def check_role_name(name):
    if not ROLE_NAME.match(name or ""):
        raise FcError("Role name %r: VRM takes 6 to 20 letters, digits and '_', starting with a letter." % name)


def find_user(client, name, user_type):
    """The user ``name`` of ``user_type`` (0/1/2), or None."""
    answer = client.get("/service/users", params={"userName": name, "userType": user_type, "limit": 100,
                                                  "offset": 0}) or {}
    match = [u for u in answer.get("users") or [] if u.get("userName") == name
             and str(u.get("userType")) == user_type]
    return match[0] if match else None


def user_view(user):
    return {"name": user.get("userName"), "type": USER_TYPE_NAMES.get(str(user.get("userType")), "?"),
            "roles": sorted(user.get("roles") or []), "email": user.get("email") or "",
            "contact": user.get("contact") or "", "description": user.get("description") or "",
            "max_connections": int(user.get("connectNum") or 0),
            "locked": int(user.get("manageStatus") or 0) in (1, 2)}


def user_returned(user):
    out = user_view(user)
    out.update(id=str(user.get("userId")), status=STATUS.get(int(user.get("manageStatus") or 0), "unknown"),
               create_time=user.get("createTime") or "")
    return out


def password_works(params, user_name, user_type, password):
    """Whether ``password`` is ``user_name``'s password, by a login as that user (logged out at once).

    True or False; None when the login cannot tell (the account is locked)."""
    probe = FcClient(host=params["host"], port=params["port"], username=user_name, password=password,
                     validate_certs=params["validate_certs"], ca_path=params["ca_path"],
                     proxy_url=params["proxy_url"], api_timeout=params["api_timeout"], user_type=user_type, retries=1)
    try:
        probe.login()
    except FcApiError as exc:
        if exc.code == BAD_PASSWORD:
            return False
        if exc.code in LOCKED:
            return None
        raise
    finally:
        probe.logout()
    return True


def rights(client):
    """Every right a role may hold: ``{rightId: rightName}`` of the leaves of VRM's rights tree."""
    out = {}
    todo = list((client.get("/service/roles/getRights", params={"rightType": 1}) or {}).get("items") or [])
    while todo:
        item = todo.pop(0)
        subs = item.get("subitems") or []
        if subs:
            todo[:0] = subs
        elif item.get("rightId"):
            out[item["rightId"]] = item.get("rightName") or ""
    return out


def find_role(client, name):
    """The role ``name`` with its rights and users, or None."""
    try:
        return client.get("/service/roles/query/%s" % name)
    except FcApiError as exc:
        if exc.code == "10100502":
            return None
        raise


def role_view(role):
    return {"description": role.get("description") or "",
            "rights": sorted(p.get("rightId") for p in role.get("popedom") or [] if p.get("rightId"))}


def role_returned(role):
    out = role_view(role)
    users = role.get("userInfo") or []
    out.update(name=role.get("roleName"), right_type=role.get("rightType"), create_time=role.get("createTime") or "",
               users=sorted(u.get("userName") for u in users), user_count=int(role.get("userNum") or len(users)))
    return out
