"""Users, roles and rights (FC8DOC ch6 6.2 "用户与角色管理"): add, list, modify and delete users; set a user's
roles; change and reset passwords; lock and unlock; the rights tree; add, modify, delete, list and query roles. Logins of
the users made here go through ``engine.AUTHENTICATORS``. The choices vrmsim makes where the record is silent are
in docs/vrmsim-fidelity.md ("Users, roles and rights")."""

import hashlib
import re

from vrmsim.common import as_int, as_str, lst
from vrmsim.engine import AUTHENTICATORS, fmt_time, renderer
from vrmsim.errors import VrmError
from vrmsim.routes import route

MAX_USERS = 1000           # FC8DOC has the code (10100359), not the number
_USER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_ROLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{5,19}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTACT = re.compile(r"^[0-9]{0,25}$")
_SPECIAL = "~!@#$%^&*()-_=+|[{}];:'\",<.>/\\?` "
PASSWORD_MIN, PASSWORD_MAX = 8, 32
RECENT_PASSWORDS = 5       # the policy's default repeatTime
USER_TYPES = ("0", "1", "2")    # local, domain, interface (machine) account

# The rights tree of getRights (a choice: FC8DOC documents the shape, not the catalogue). Leaves are what a role
# may hold; a group's own ID is not a right (FC8DOC: "non-leaf rightIds do not take effect").
RIGHTS = (
    ("vm", "Virtual machines", (
        ("vm.query", "Query VMs"), ("vm.create", "Create VMs"), ("vm.delete", "Delete VMs"),
        ("vm.modify", "Modify VMs"), ("vm.power", "Start, stop and restart VMs"), ("vm.migrate", "Migrate VMs"),
        ("vm.snapshot", "Manage VM snapshots"), ("vm.template", "Manage templates"))),
    ("storage", "Storage", (
        ("storage.query", "Query datastores and volumes"), ("storage.volume", "Create, attach and delete volumes"),
        ("storage.datastore", "Manage datastores"))),
    ("network", "Network", (
        ("network.query", "Query DVSs and port groups"), ("network.manage", "Manage DVSs and port groups"),
        ("network.secgroup", "Manage security groups"))),
    ("resource", "Sites, clusters and hosts", (
        ("resource.query", "Query sites, clusters and hosts"), ("resource.cluster", "Manage clusters"),
        ("resource.host", "Manage hosts"), ("resource.folder", "Manage folders"))),
    ("system", "System", (
        ("system.task", "Query tasks"), ("system.alarm", "Query and handle alarms"),
        ("system.user", "Manage users and roles"), ("system.log", "Query the operation log"))),
)
LEAVES = {rid: name for _g, _n, leaves in RIGHTS for rid, name in leaves}
GROUPS = {g for g, _n, _l in RIGHTS}
# Built-in roles (FC8DOC names administrator; the other two are vrmsim's choice) and the built-in user.
BUILTIN_ROLES = {
    "administrator": ("Built-in: every right", sorted(LEAVES)),
    "operator": ("Built-in: operate VMs", ["vm.query", "vm.power", "storage.query", "network.query",
                                           "resource.query", "system.task"]),
    "auditor": ("Built-in: read only", sorted(r for r in LEAVES if r.endswith(".query")) + ["system.log"]),
}


def _hash(password):
    return hashlib.sha256(password.encode("utf-8")).hexdigest()


# -- records ---------------------------------------------------------------------------------------

def _role_urn(engine, name):
    return next((r.urn for r in engine.all("roles") if r.data["roleName"] == name), None)


def roles_of(engine):
    """Every role by name: the built-ins, then those made through the API."""
    out = {name: {"roleName": name, "rightType": 1, "description": desc, "createTime": "", "popedom": list(rights),
                  "builtin": True} for name, (desc, rights) in BUILTIN_ROLES.items()}
    for r in engine.all("roles"):
        out[r.data["roleName"]] = dict(r.data, builtin=False)
    return out


def _admin(engine):
    """The built-in administrator (the account vrmsim was started with), as a user."""
    return {"userId": "1", "userType": "2", "userName": engine.username, "roles": ["administrator"], "email": "",
            "contact": "", "description": "Built-in administrator", "createTime": "", "connectNum": 0,
            "rightType": 1, "manageStatus": 0}


def _users(engine):
    return [_admin(engine)] + [dict(u.data) for u in engine.all("users")]


@renderer("users")
@renderer("roles")
def render_account(engine, rec, view):
    """A user or role as VRM shows it (roles with their rights: the control API's view)."""
    return {k: v for k, v in rec.data.items() if k not in ("urn", "uri")}


def _user(engine, user_id):
    if not user_id:
        raise VrmError("10100301", "The user ID is empty.")
    if str(user_id) == "1":
        return None         # the built-in administrator
    rec = engine.find("urn:users:%s" % user_id, "users")
    if rec is None:
        raise VrmError("10100307", "The user %s does not exist." % user_id)
    return rec


def _self(req, user_id):
    return req.session is not None and str(req.session.get("userId", "1")) == str(user_id)


# -- checks ----------------------------------------------------------------------------------------

def check_password(password, user_name):
    """The default password policy (FC8DOC 查询密码策略 defaults; vrmsim does not model changing it)."""
    if password is None or password == "":
        raise VrmError("10100120", "The password is empty.")
    if not isinstance(password, str):
        raise VrmError("10100106", "The password must be a string.")
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise VrmError("10100335", "The password must be %d to %d characters long." % (PASSWORD_MIN, PASSWORD_MAX))
    if any(not (c.isascii() and (c.isalnum() or c in _SPECIAL)) for c in password):
        raise VrmError("10100122", "The password may contain only letters, digits, spaces and %s" % _SPECIAL.strip())
    if not (re.search("[0-9]", password) and re.search("[a-z]", password) and re.search("[A-Z]", password)):
        raise VrmError("10100123", "The password must contain digits and upper and lower case letters.")
    low = password.lower()
    if user_name and (user_name.lower() in low or user_name.lower()[::-1] in low):
        raise VrmError("10100126", "The password must not contain the user name, forwards or backwards.")
    return password


def _role_names(engine, raw, empty_code="10100505"):
    names = lst(raw, "roles")
    if not names:
        raise VrmError(empty_code, "The role list is empty.")
    known = roles_of(engine)
    out = []
    for n in names:
        if not isinstance(n, str):
            raise VrmError("10100106", "roles must be role names.")
        if n.startswith("urn:roles:"):      # the add-user sample names roles by URN
            n = next((r.data["roleName"] for r in engine.all("roles") if r.urn == n), n)
        if n not in known:
            raise VrmError("10100306", "The role %s does not exist." % n)
        if n not in out:
            out.append(n)
    return out


def _right_type(body, required=False):
    value = as_int(body.get("rightType"), "rightType", code="10100058")
    if value is None:
        if required:
            raise VrmError("10100058", "rightType is required.")
        return 1
    if value not in (1, 2, 3, 4):
        raise VrmError("10100058", "rightType must be 1, 2, 3 or 4.")
    if value != 1:
        raise VrmError("10100422", "The system runs in normal mode; rightType %d belongs to high-security mode."
                       % value)
    return value


def _profile(body, fields, creating):
    """email, contact, description and connectNum of an add or modify request."""
    if creating or "email" in body:
        email = as_str(body.get("email"), "email", 1, 256, required=True, code="10100303")
        if not _EMAIL.match(email):
            raise VrmError("10100303", "The email address %r is not valid." % email)
        fields["email"] = email
    if creating or "contact" in body:
        contact = body.get("contact")
        if isinstance(contact, int) and not isinstance(contact, bool):
            contact = str(contact)
        if not isinstance(contact, str) or not _CONTACT.match(contact) or not contact:
            raise VrmError("10100302", "The contact must be a telephone number of at most 25 digits.")
        fields["contact"] = contact
    if "description" in body or creating:
        desc = as_str(body.get("description"), "description", 0, 1024, default="", code="10100304")
        if "\n" in desc or "\r" in desc:
            raise VrmError("10100304", "The description must not contain line breaks.")
        fields["description"] = desc
    if "connectNum" in body or creating:
        fields["connectNum"] = as_int(body.get("connectNum"), "connectNum", 0, 10000, default=0, code="10100055")
    return fields


# -- users -----------------------------------------------------------------------------------------

@route("POST", "/service/users")
def add_user(engine, req):
    """Add a user (userType, userName, password, roles, email, contact...; answers {userId, userName})."""
    body = req.json()
    user_type = str(body.get("userType") if body.get("userType") is not None else "")
    if user_type not in USER_TYPES:
        raise VrmError("10100337", "userType must be 0 (local), 1 (domain) or 2 (interface account).")
    name = body.get("userName")
    if not isinstance(name, str) or not 1 <= len(name) <= 20:
        raise VrmError("10100309", "The user name must be 1 to 20 characters long.")
    if not _USER_NAME.match(name):
        raise VrmError("10100310", "The user name must start with a letter and hold only letters, digits, - and _.")
    if any(u["userName"] == name and u["userType"] == user_type for u in _users(engine)) or name == engine.username:
        raise VrmError("10100305", "The user name %s already exists." % name)
    if len(engine.all("users")) >= MAX_USERS:
        raise VrmError("10100359", "The number of users is at its limit (%d)." % MAX_USERS)
    password = None if user_type == "1" else check_password(body.get("password"), name)
    roles = _role_names(engine, body.get("roles"))
    fields = _profile(body, {}, True)
    right_type = _right_type(body)
    uid = str(engine.next_id("users", start=2))
    urn = "urn:users:%s" % uid
    fields.update(userId=uid, userType=user_type, userName=name, roles=roles, rightType=right_type, manageStatus=0,
                  createTime=fmt_time(engine.now()))
    engine.add("users", urn, fields, {"password": _hash(password) if password else None,
                                      "history": [_hash(password)] if password else []})
    return {"userId": uid, "userName": name}


@route("GET", "/service/users")
def list_users(engine, req):
    """List users (offset/limit, -1 for all; userType, userName fuzzy, manageStatus, creation time)."""
    user_type = req.q("userType")
    if user_type not in (None, "") and user_type not in USER_TYPES:
        raise VrmError("10100337", "userType must be 0, 1 or 2.")
    name = req.q("userName")
    status = req.qint("manageStatus", code="10100106")
    users = [u for u in _users(engine)
             if (not user_type or u["userType"] == user_type) and (not name or name.lower() in u["userName"].lower())
             and (status is None or u["manageStatus"] == status)]
    items = _page(req, users)
    return {"total": len(users), "itemSize": len(items), "users": items}


def _page(req, items):
    """offset/limit of the user and role lists: -1 (or absent) means all; a limit above 100 answers 11000096."""
    limit = req.qint("limit", -1, code="10100106")
    offset = req.qint("offset", -1, code="10100106")
    if limit > 100:
        raise VrmError("11000096", "At most 100 objects can be queried at once.")
    if limit == -1 or offset == -1:
        return items
    if limit < 1 or offset < 0:
        raise VrmError("10100106", "limit must be 1-100 (or -1) and offset 0 or more (or -1).")
    return items[offset:offset + limit]


@route("GET", "/service/users/{id}")
def get_user(engine, req):
    """Get one user."""
    rec = _user(engine, req.params["id"])
    return _admin(engine) if rec is None else render_account(engine, rec, "detail")


@route("PUT", "/service/users/{id}")
def modify_user(engine, req):
    """Modify a user's roles, email, contact, description and connectNum (answers {userId, userName})."""
    rec = _user(engine, req.params["id"])
    if rec is None:
        raise VrmError("10100346", "The built-in account cannot be modified.")
    body = req.json()
    roles = _role_names(engine, body.get("roles"))
    if roles != rec.data["roles"] and _self(req, rec.data["userId"]):
        raise VrmError("10100351", "A user cannot change its own roles.")
    fields = _profile(body, {}, False)
    rec.data.update(fields, roles=roles)
    engine.touch(rec)
    return {"userId": rec.data["userId"], "userName": rec.data["userName"]}


@route("POST", "/service/users/{id}/setRoles")
def set_roles(engine, req):
    """Set a user's roles and rightType (200, no body)."""
    rec = _user(engine, req.params["id"])
    if rec is None:
        raise VrmError("10100350", "The built-in account's roles cannot be changed.")
    body = req.json()
    _right_type(body, required=True)
    roles = _role_names(engine, body.get("roles"), empty_code="10100306")
    if roles != rec.data["roles"] and _self(req, rec.data["userId"]):
        raise VrmError("10100351", "A user cannot change its own roles.")
    rec.data["roles"] = roles
    engine.touch(rec)
    return None


@route("DELETE", "/service/users/{id}")
def delete_user(engine, req):
    """Delete a user (200, no body); not the built-in administrator (10100314) nor oneself (10100312)."""
    rec = _user(engine, req.params["id"])
    if rec is None:
        raise VrmError("10100314", "The built-in administrator cannot be deleted.")
    if _self(req, rec.data["userId"]):
        raise VrmError("10100312", "A user cannot delete itself.")
    engine.remove(rec.urn)
    for token, sess in list(engine.sessions.items()):      # its sessions end with it
        if sess.get("userId") == rec.data["userId"]:
            engine.expire_token(token)
    return None


def _set_password(rec, password):
    history = rec.sim.get("history", [])
    if _hash(password) in history[-RECENT_PASSWORDS:]:
        raise VrmError("10100322", "The password was used recently; choose another.")
    rec.sim["password"] = _hash(password)
    rec.sim["history"] = (history + [_hash(password)])[-RECENT_PASSWORDS:]


@route("POST", "/service/users/password/modify")
def modify_password(engine, req):
    """Change one's own password (userId, oldPassword, password; 200, no body)."""
    body = req.json()
    rec = _user(engine, body.get("userId"))
    if rec is None or not _self(req, rec.data["userId"]):
        raise VrmError("10100107", "A user can change only its own password; an administrator resets others'.")
    if rec.data["userType"] == "1":
        raise VrmError("10100320", "A domain user's password cannot be changed here.")
    old = body.get("oldPassword")
    if not isinstance(old, str) or _hash(old) != rec.sim.get("password"):
        raise VrmError("10100318", "The old password is not correct.")
    _set_password(rec, check_password(body.get("password"), rec.data["userName"]))
    engine.touch(rec)
    return None


@route("POST", "/service/users/password/reset")
def reset_password(engine, req):
    """Reset a user's password (userId, password; 200, no body)."""
    body = req.json()
    rec = _user(engine, body.get("userId"))
    if rec is None:
        raise VrmError("10100323", "The built-in administrator's password is not reset through the API.")
    if rec.data["userType"] == "1":
        raise VrmError("10100320", "A domain user's password cannot be changed here.")
    _set_password(rec, check_password(body.get("password"), rec.data["userName"]))
    engine.touch(rec)
    return None


@route("POST", "/service/users/lockUser")
def lock_user(engine, req):
    """Lock a user by hand (manageStatus 2; userId)."""
    body = req.json()
    rec = _user(engine, body.get("userId"))
    if rec is None:
        raise VrmError("10100063", "The built-in account cannot be locked by hand.")
    if _self(req, rec.data["userId"]):
        raise VrmError("10100059", "A user cannot lock itself.")
    rec.data["manageStatus"] = 2
    engine.touch(rec)
    return {}


@route("POST", "/service/users/unLockUser")
def unlock_user(engine, req):
    """Unlock a user (manageStatus 0; userId, password)."""
    body = req.json()
    rec = _user(engine, body.get("userId"))
    if rec is None or _self(req, rec.data["userId"]):
        raise VrmError("10100065", "This user cannot be unlocked here.")
    rec.data["manageStatus"] = 0
    engine.touch(rec)
    return {}


def authenticate(engine, user, key, plain, user_type):
    """A login of a user made through the API: the user of that name and type with that password."""
    for rec in engine.all("users"):
        d = rec.data
        if d["userName"] != user or d["userType"] != user_type or not rec.sim.get("password"):
            continue
        if plain:
            ok = isinstance(key, str) and _hash(key) == rec.sim["password"]
        else:
            ok = (key or "").lower() == rec.sim["password"]
        if not ok:
            return None
        if d["manageStatus"] == 2:
            raise VrmError("10100117", "The user has been locked by an administrator and cannot log in.")
        held = {r for n in d["roles"] for r in roles_of(engine).get(n, {}).get("popedom", [])}
        return {"userId": d["userId"], "roleList": list(d["roles"]),
                "privilegeIds": sorted(r for r in LEAVES if r not in held)}
    return None


AUTHENTICATORS.append(authenticate)


# -- rights and roles ------------------------------------------------------------------------------

@route("GET", "/service/roles/getRights")
def get_rights(engine, req):
    """The rights tree (rightType 1-4; items of rightId, rightName, subitems)."""
    right_type = req.qint("rightType", 1, code="10100511")
    if right_type not in (1, 2, 3, 4):
        raise VrmError("10100511", "rightType must be 1, 2, 3 or 4.")
    items = [{"rightId": g, "rightName": n, "subitems": [{"rightId": r, "rightName": rn, "subitems": []}
                                                         for r, rn in leaves]} for g, n, leaves in RIGHTS]
    return {"total": len(items), "itemSize": len(items), "items": items}


def _popedom(raw):
    ids = lst(raw, "popedom")
    out = []
    for rid in ids:
        if not isinstance(rid, str) or (rid not in LEAVES and rid not in GROUPS):
            raise VrmError("10100504", "The right %r does not exist." % (rid,))
        if rid in LEAVES and rid not in out:    # a group's own ID takes no effect (FC8DOC)
            out.append(rid)
    if not out:
        raise VrmError("10100507", "The role's list of rights is empty.")
    return sorted(out)


def _role_desc(body):
    desc = body.get("description")
    if desc is None:
        return None
    if not isinstance(desc, str) or len(desc) > 1024 or "\n" in desc or "\r" in desc:
        raise VrmError("10100509", "The role description must be at most 1024 characters, without line breaks.")
    return desc


def _role_name(body):
    name = body.get("roleName")
    if name is None or name == "":
        raise VrmError("10100505", "The role name is empty.")
    if not isinstance(name, str):
        raise VrmError("10100508", "The role name is not valid.")
    return name


@route("POST", "/service/roles/add")
def add_role(engine, req):
    """Add a role (roleName 6-20, rightType, description, popedom; 200, no body)."""
    body = req.json()
    name = _role_name(body)
    if not _ROLE_NAME.match(name):
        raise VrmError("10100508", "A role name is 6 to 20 letters, digits or _, starting with a letter.")
    if name in roles_of(engine):
        raise VrmError("10100501", "The role %s already exists." % name)
    right_type = _right_type(body)
    desc = _role_desc(body) or ""
    rights = _popedom(body.get("popedom"))
    urn = "urn:roles:%d" % engine.next_id("roles", start=len(BUILTIN_ROLES) + 1)
    engine.add("roles", urn, {"roleName": name, "rightType": right_type, "description": desc, "popedom": rights,
                              "createTime": str(int(engine.now()))})
    return None


def _custom_role(engine, body, builtin_code):
    name = _role_name(body)
    roles = roles_of(engine)
    if name not in roles:
        raise VrmError("10100502", "The role %s does not exist." % name)
    if roles[name]["builtin"]:
        raise VrmError(builtin_code, "The built-in role %s cannot be changed." % name)
    return engine.get(_role_urn(engine, name), "roles")


@route("POST", "/service/roles/mod")
def modify_role(engine, req):
    """Modify a role's rights and description (roleName, popedom, description; 200, no body)."""
    body = req.json()
    rec = _custom_role(engine, body, "10100348")
    if "popedom" in body:
        rec.data["popedom"] = _popedom(body.get("popedom"))
    desc = _role_desc(body)
    if desc is not None:
        rec.data["description"] = desc
    engine.touch(rec)
    return None


@route("POST", "/service/roles/rmv")
def remove_role(engine, req):
    """Delete a role (roleName; 200, no body); refused while a user has it (10100503)."""
    body = req.json()
    rec = _custom_role(engine, body, "10100347")
    users = [u["userName"] for u in _users(engine) if rec.data["roleName"] in u["roles"]]
    if users:
        raise VrmError("10100503", "The role %s is in use by %s." % (rec.data["roleName"], ", ".join(users)))
    engine.remove(rec.urn)
    return None


@route("GET", "/service/roles/list")
def list_roles(engine, req):
    """List roles (offset/limit, roleName[] exact, rightType)."""
    names = req.qlist("roleName[]") + req.qlist("roleName")
    right_type = req.qint("rightType", code="10100511")
    if right_type is not None and right_type not in (1, 2, 3, 4):
        raise VrmError("10100511", "rightType must be 1, 2, 3 or 4.")
    roles = [r for r in roles_of(engine).values() if not names or r["roleName"] in names]
    items = [{k: r[k] for k in ("roleName", "rightType", "description", "createTime")} for r in _page(req, roles)]
    return {"total": len(roles), "itemSize": len(items), "items": items}


@route("GET", "/service/roles/query/{name}")
def query_role(engine, req):
    """One role with its rights (popedom) and its users (userNum, userInfo)."""
    role = roles_of(engine).get(req.params["name"])
    if role is None:
        raise VrmError("10100502", "The role %s does not exist." % req.params["name"])
    users = [u for u in _users(engine) if role["roleName"] in u["roles"]]
    return {"roleName": role["roleName"], "rightType": role["rightType"], "description": role["description"],
            "createTime": role["createTime"],
            "popedom": [{"rightId": r, "rightName": LEAVES[r]} for r in role["popedom"]],
            "userNum": str(len(users)),
            "userInfo": [{k: u[k] for k in ("userId", "userName", "userType", "contact", "email")} for u in users]}
