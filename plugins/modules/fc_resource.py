#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_resource
short_description: Manage any FusionCompute VRM object idempotently, or send a raw request
version_added: 0.1.0
description:
  - A generic module for the parts of the VRM REST API that have no dedicated module.
  - With O(state=present) it finds the object (by O(urn) or by exact O(name) in the collection O(path)),
    creates it from O(body) when it is missing, or updates only the fields of O(body) that differ.
  - With O(state=absent) it deletes the object when it exists.
  - With O(state=action) it runs C(POST <object uri>/action/<action>) with O(body).
  - With O(state=request) it sends one raw request (O(method), O(path), O(params), O(body)).
  - Every VRM task the VRM answers with (C(taskUri)) is waited for, unless O(wait=false).
  - Check mode and diff come from the same plan as the real run; in check mode no write request is sent.
  - With O(state=present) and O(state=absent), an object with VRM tasks still running on it is waited for (O(timeout))
    before it is compared, and one the VRM shows as C(creating) with no task fails as not ready.
  - Races and lost answers are handled as by the dedicated modules (docs/races.md in the collection). Creates by
    O(name) on one controller take turns; when two controllers create the same O(name) at once in a collection
    that allows duplicate names, the newer object is removed by the run that made it and both runs converge to the
    oldest (RV(race)). A write whose answer is lost is not sent again; the module re-reads the object and says
    whether the write took effect.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT
  - fusioncompute.core.attributes
attributes:
  check_mode:
    support: full
    description: Nothing is sent but GET requests; C(changed), C(diff) and C(plan) show what would happen.
  diff_mode:
    support: full
options:
  state:
    description:
      - V(present) creates or updates, V(absent) deletes, V(action) runs an action on the object,
        V(request) sends a raw request.
    type: str
    choices: [present, absent, action, request]
    default: present
  path:
    description:
      - For V(present) and V(absent) with O(name), the collection the object lives in, relative to the site
        (for example V(clusters) or V(dvswitchs/1/portgroups)) or absolute (starting with V(/service/)).
      - For V(request), the path to call, relative to the site or absolute.
      - A path alone - query parameters go in O(params); V(.) and V(..) segments and white space are refused.
    type: str
  urn:
    description: URN of the object (identifies it without a lookup).
    type: str
  name:
    description:
      - Exact name of the object in O(path). VRM's name filter is fuzzy; the module keeps exact matches only.
    type: str
  name_match:
    description:
      - What to do when several objects have O(name). V(exact) fails listing their URNs; V(first) takes the
        first by URN order.
    type: str
    choices: [exact, first]
    default: exact
  list_key:
    description:
      - Key of the list in the collection's answer. Defaults to the last segment of O(path)
        (V(dvSwitchs) for V(dvswitchs), V(portGroups) for V(portgroups)).
    type: str
  name_param:
    description: Query parameter of the collection's name filter.
    type: str
    default: name
  body:
    description:
      - For V(present), the fields of the object; on update only these fields are compared and sent.
      - For V(action) and V(request), the request body.
    type: dict
  compare_exclude:
    description:
      - Fields of O(body) that are sent but never compared (write-only fields such as passwords).
    type: list
    elements: str
    default: []
  update_method:
    description: HTTP method that updates the object.
    type: str
    choices: [PUT, POST]
    default: PUT
  action:
    description: Name of the action for O(state=action), for example V(start) or V(enterMaintenanceMode).
    type: str
  method:
    description: HTTP method for O(state=request).
    type: str
    choices: [GET, POST, PUT, DELETE]
    default: GET
  params:
    description: Query parameters for O(state=request) and for the name lookup.
    type: dict
  follow_up_tasks:
    description: After a task ends, also wait for the tasks VRM started for the same object (guest customization).
    type: bool
    default: false
notes:
  - O(state=action) and non-GET O(state=request) are not idempotent; they always report a change.
seealso:
  - module: fusioncompute.core.fc_task_info
  - module: fusioncompute.core.fc_session
"""

EXAMPLES = r"""
- name: Make sure a cluster exists with DRS on (generic form)
  fusioncompute.core.fc_resource:
    path: clusters
    name: cluster-batch
    body:
      name: cluster-batch
      description: Batch jobs
      isEnableDrs: true

- name: Put a host into maintenance mode
  fusioncompute.core.fc_resource:
    path: hosts
    name: cna-dev-03
    state: action
    action: enterMaintenanceMode

- name: Read the OS catalogue
  fusioncompute.core.fc_resource:
    state: request
    method: GET
    path: vms/osversions
  register: osversions

- name: Remove the cluster
  fusioncompute.core.fc_resource:
    path: clusters
    name: cluster-batch
    state: absent
"""

RETURN = r"""
object:
  description: The object after the change (as the VRM returns it), or what it would be in check mode.
  returned: state is present
  type: dict
  sample:
    urn: urn:sites:4D6B0918:clusters:1
    uri: /service/sites/4D6B0918/clusters/1
    name: cluster-prod
    description: Production workloads
    isEnableHa: true
    isEnableDrs: true
    isMemOvercommit: false
urn:
  description: URN of the object.
  returned: when an object was found or created
  type: str
  sample: urn:sites:4D6B0918:clusters:1
response:
  description: The VRM's answer to the last write (or to the raw request).
  returned: when a request was sent
  type: raw
race:
  description:
    - Another run created an object of the same name at the same time, and this run's was not the oldest;
      this run removed the one it had made and used the oldest.
  returned: when this run lost a create race
  type: dict
  sample: {"kept": "urn:sites:4D6B0918:volumes:4", "removed": ["urn:sites:4D6B0918:volumes:5"]}
  contains:
    kept:
      description: URN of the oldest object, the one that stays and that this result describes.
      type: str
    removed:
      description: URN of the object this run made and removed.
      type: list
      elements: str
plan:
  description: The changes made (or, in check mode, that would be made), one sentence each, in order.
  returned: when changed
  type: list
  elements: str
tasks:
  description: The VRM tasks the module started, in order.
  returned: when tasks were started
  type: list
  elements: dict
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

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_race
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_client import FcAnswerLost
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcApiError, FcError, is_not_found
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import exact, is_urn, urn_to_uri
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule, answer_lost, same

LIST_KEYS = {"dvswitchs": "dvSwitchs", "portgroups": "portGroups", "storageresources": "storageResources",
             "storageunits": "storageUnits", "uplinkports": "uplinkPorts", "vmcustomizations": "vmCustomizations"}
UNPAGED = ("clusters", "dvswitchs", "sites")


def _check_inputs(p):
    """Refuse a path or action that would address something other than what it names, before any request."""
    path = p["path"]
    if path is not None:
        if not path.strip("/"):
            raise FcError("path is empty; give a collection such as clusters, or an absolute /service/... path.")
        if any(c in path for c in "?#") or any(c.isspace() for c in path):
            raise FcError("path %r must be a path alone: put query parameters in params, and no spaces." % path)
        if any(seg in (".", "..") for seg in path.split("/")):
            raise FcError("path %r must not contain '.' or '..' segments." % path)
        if path.startswith("/") and not (path == "/service" or path.startswith("/service/")):
            raise FcError("path %r starts with '/' but not with /service/; VRM's paths are under /service, "
                          "or give a path relative to the site." % path)
    action = p["action"]
    if action is not None and (not action or "/" in action or action in (".", "..") or any(c in action for c in "?# ")):
        raise FcError("action %r must be the name of one VRM action, such as start." % action)


def _abs(fc, path):
    if path.startswith("/service"):
        return path
    return fc.site_uri + "/" + path.strip("/")


def _find(fc):
    p = fc.params
    obj = _lookup(fc)
    if obj is not None and obj.get("urn") and fc.waiter().settle(fc.site_uri, obj["urn"]):
        obj = _lookup(fc)       # tasks were running on it (an earlier run that timed out, another client)
    if obj is not None and p["state"] == "present" and str(obj.get("status") or "").lower() == "creating":
        raise FcError("%s is not ready: the VRM shows it as creating and no task runs on it (a create that stopped "
                      "half way, or whose task was lost in a VRM restart). Check it in FusionCompute and remove it "
                      "(state=absent) if it stays so." % (obj.get("urn") or p["name"]))
    return obj


def _listed(fc):
    """The items of ``path`` that VRM's name filter returns, and the collection's last segment."""
    p = fc.params
    coll = _abs(fc, p["path"])
    last = coll.rstrip("/").rsplit("/", 1)[-1]
    key = p["list_key"] or LIST_KEYS.get(last, last)
    params = dict(p["params"] or {})
    if p["name_param"]:
        params[p["name_param"]] = p["name"]
    if last in UNPAGED:
        return (fc.client.get(coll, params=params) or {}).get(key, []), last
    return fc.client.list_all(coll, key, params), last


def _same_name(fc):
    """Every object of ``path`` named exactly ``name``: more than one after a create race."""
    items, _last = _listed(fc)
    return [fc.client.get(i["uri"]) if i.get("uri") else i for i in items if i.get("name") == fc.params["name"]]


def _lookup(fc):
    p = fc.params
    if p["urn"]:
        if not is_urn(p["urn"]):
            raise FcError("urn must start with urn:sites:, got %r." % p["urn"])
        try:
            return fc.client.get(urn_to_uri(p["urn"]))
        except FcApiError as exc:
            if is_not_found(exc):
                return None
            raise
    if not p["path"] or not p["name"]:
        raise FcError("Give urn, or path and name, to identify the object.")
    items, last = _listed(fc)
    found = exact(items, p["name"], last, p["name_match"])
    if found is None:
        return None
    # list items are often a subset: read the object itself
    return fc.client.get(found["uri"]) if found.get("uri") else found


def _subset(obj, body, exclude):
    return {k: obj.get(k) for k in body if k not in exclude}


def main():
    fc = FcModule(dict(
        state=dict(type="str", default="present", choices=["present", "absent", "action", "request"]),
        path=dict(type="str"), urn=dict(type="str"), name=dict(type="str"),
        name_match=dict(type="str", default="exact", choices=["exact", "first"]),
        list_key=dict(type="str", no_log=False), name_param=dict(type="str", default="name"),
        body=dict(type="dict"), compare_exclude=dict(type="list", elements="str", default=[]),
        update_method=dict(type="str", default="PUT", choices=["PUT", "POST"]),
        action=dict(type="str"), method=dict(type="str", default="GET", choices=["GET", "POST", "PUT", "DELETE"]),
        params=dict(type="dict"), follow_up_tasks=dict(type="bool", default=False),
    ), required_if=[("state", "action", ["action"]), ("state", "request", ["path"])])
    fc.run(lambda: run(fc))


def run(fc):
    p = fc.params
    _check_inputs(p)
    state = p["state"]
    follow = p["follow_up_tasks"]
    if state == "request":
        path = _abs(fc, p["path"])
        if p["method"] == "GET":
            return {"changed": False, "response": fc.client.get(path, params=p["params"])}
        result = {"changed": True, "plan": ["%s %s" % (p["method"], path)]}
        if not fc.check_mode:
            result["response"] = fc.call(p["method"], path, body=p["body"], params=p["params"], follow_up=follow)
        return result
    obj = _find(fc)
    if state == "action":
        if obj is None:
            raise FcError("The object to run %s on does not exist." % p["action"])
        path = obj["uri"] + "/action/" + p["action"]
        result = {"changed": True, "urn": obj.get("urn"), "plan": ["POST " + path]}
        if not fc.check_mode:
            result["response"] = fc.call("POST", path, body=p["body"], follow_up=follow)
        return result
    if state == "absent":
        if obj is None:
            return {"changed": False, "diff": {"before": {}, "after": {}}}
        result = {"changed": True, "urn": obj.get("urn"), "plan": ["DELETE " + obj["uri"]],
                  "diff": {"before": obj, "after": {}}}
        if not fc.check_mode:
            try:
                result["response"] = fc.call("DELETE", obj["uri"], params=p["params"], follow_up=follow)
            except FcAnswerLost as exc:
                gone = _lookup(fc) is None
                raise answer_lost(fc, exc, gone, "%s is %s" % (obj.get("urn") or p["name"],
                                                               "gone" if gone else "still there"))
        return result
    if obj is None and p["name"] and p["path"] and not fc.check_mode:
        # runs of this controller creating the same name take turns: the second finds the first's object
        lock = fc_race.hold(fc, p["path"], p["name"])
        try:
            return _present(fc, _find(fc))
        finally:
            lock.release()
    return _present(fc, obj)


def _present(fc, obj):
    """state=present: create ``obj`` when it is None, else update what differs."""
    p = fc.params
    body = p["body"] or {}
    follow = p["follow_up_tasks"]
    exclude = set(p["compare_exclude"])
    if obj is None:
        if not p["path"]:
            raise FcError("The object %s does not exist; give path (and body) to create it." % p["urn"])
        coll = _abs(fc, p["path"])
        create = dict(body)
        if p["name"] and "name" not in create:
            create["name"] = p["name"]
        result = {"changed": True, "plan": ["POST " + coll],
                  "diff": {"before": {}, "after": {k: v for k, v in create.items() if k not in exclude}}}
        if fc.check_mode:
            result["object"] = create
            return result
        try:
            answer = fc.call("POST", coll, body=create, follow_up=follow)
        except FcAnswerLost as exc:
            if not p["name"]:
                raise answer_lost(fc, exc, None, "without a name there is nothing to look for; check %s" % coll)
            found = _same_name(fc)
            raise answer_lost(fc, exc, bool(found), "%s exists now (%s); rerun to finish" % (
                p["name"], ", ".join(o.get("urn", "?") for o in found)) if found else "nothing named %s exists" % p["name"])
        result["response"] = answer
        urn = (answer or {}).get("urn")
        race = _twins(fc, urn) if urn and p["name"] else None
        if race is not None:
            out = _present(fc, race["kept"])
            out.update(changed=True, race={"kept": race["kept"]["urn"], "removed": [urn]})
            return out
        if urn:
            result["urn"] = urn
            result["object"] = fc.client.get(urn_to_uri(urn))
        else:
            found = _find(fc) if p["name"] else None
            result["object"] = found or create
            result["urn"] = (found or {}).get("urn")
        return result
    wanted = {k: v for k, v in body.items() if k not in exclude}
    differing = {k: v for k, v in wanted.items() if not same(obj.get(k), v)}
    if not differing:
        return {"changed": False, "urn": obj.get("urn"), "object": obj, "diff": {"before": {}, "after": {}}}
    send = {k: v for k, v in body.items() if k in differing or k in exclude}
    plan = "%s %s %s" % (p["update_method"], obj["uri"], ", ".join(sorted(differing)))
    result = {"changed": True, "urn": obj.get("urn"), "plan": [plan],
              "diff": {"before": _subset(obj, differing, exclude), "after": differing}}
    if fc.check_mode:
        merged = dict(obj)
        merged.update(differing)
        result["object"] = merged
        return result
    try:
        result["response"] = fc.call(p["update_method"], obj["uri"], body=send, follow_up=follow)
    except FcAnswerLost as exc:
        now = fc.client.get(obj["uri"])
        left = sorted(k for k, v in wanted.items() if not same(now.get(k), v))
        raise answer_lost(fc, exc, left != sorted(differing), "%s %s" % (
            obj.get("urn"), "now has the fields of body" if not left else "still differs in %s" % ", ".join(left)))
    result["object"] = fc.client.get(obj["uri"])
    return result


def _twins(fc, urn):
    """Right after a create: a same-name twin made by another controller at the same time?

    Every run keeps the oldest and removes only its own object when that is not the oldest; returns
    ``{"kept": object}`` when this run's object lost and was removed, else None.
    """
    twins = _same_name(fc)
    if len(twins) < 2 or urn not in [t.get("urn") for t in twins]:
        return None
    kept = fc_race.oldest(twins)
    others = ", ".join(t["urn"] for t in twins if t["urn"] != urn)
    if kept["urn"] == urn:
        fc.warn("Another run created %s %r at the same time as this one (%s). This run's, %s, is the oldest and "
                "stays; the other run removes its own." % (fc.params["path"], fc.params["name"], others, urn))
        return None
    fc.waiter().settle(fc.site_uri, urn)        # ours must finish being created before it can go
    fc.call("DELETE", urn_to_uri(urn), follow_up=fc.params["follow_up_tasks"])
    fc.warn("Another run created %s %r at the same time as this one; the oldest, %s, stays. This run removed the "
            "one it had made, %s." % (fc.params["path"], fc.params["name"], kept["urn"], urn))
    return {"kept": kept}


if __name__ == "__main__":
    main()
