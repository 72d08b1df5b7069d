#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_event_info
short_description: List FusionCompute VRM events or its operation log
version_added: 0.2.0
description:
  - Lists VRM's events (a host failed or recovered, HA restarted a VM, a task failed, an alarm was acknowledged),
    newest first, filtered by object, event id, name and time.
  - With O(source=operation_log), lists VRM's operation log instead - every write a user made through the
    interface, with its user, result and failure reason.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  source:
    description: V(events) lists events; V(operation_log) lists the operation log.
    type: str
    default: events
    choices: [events, operation_log]
  object_urn:
    description: Only events about this object (O(source=events)).
    type: str
  object_type:
    description: Only events about objects of this type (O(source=events)).
    type: str
    choices: [host, vm, vrm]
  event_id:
    description: Only events with this id (O(source=events)).
    type: str
  name:
    description: Only events whose name contains this text, or operations whose name contains it.
    type: str
  operator:
    description: Only operations of this user (O(source=operation_log)).
    type: str
  result:
    description: Only operations that succeeded or failed (O(source=operation_log)).
    type: str
    choices: [success, failure]
  since:
    description: Only records from this time on; seconds since 1970 or a UTC date C(YYYY-MM-DD HH:MM:SS).
    type: str
  until:
    description: Only records up to this time (same forms as O(since)).
    type: str
  limit:
    description: At most this many records (newest first).
    type: int
    default: 100
seealso:
  - module: fusioncompute.core.fc_alarm_info
"""

EXAMPLES = r"""
- name: Events since the first of December
  fusioncompute.core.fc_event_info:
    since: "2026-12-01 00:00:00"
  register: recent

- name: Failed operations of the admin user
  fusioncompute.core.fc_event_info:
    source: operation_log
    operator: admin
    result: failure
  register: failed_writes
"""

RETURN = r"""
events:
  description: The events, newest first.
  returned: when O(source=events)
  type: list
  elements: dict
  contains:
    event_id:
      description: The event's id (the kind of event).
      type: str
    name:
      description: The event's name.
      type: str
    object_urn:
      description: URN of the object the event is about.
      type: str
    object_name:
      description: Name of that object.
      type: str
    object_type:
      description: Type of that object (for example C(hosts)).
      type: str
    occur_time:
      description: When it happened, in milliseconds since 1970.
      type: int
    additional_info:
      description: Additional information.
      type: str
  sample:
    - event_id: '7001'
      name: Host fault
      object_urn: urn:sites:4D6B0918:hosts:2
      object_name: cna-prod-02
      object_type: hosts
      occur_time: 1796589478219
      additional_info: ''
operations:
  description: The operation log, newest first.
  returned: when O(source=operation_log)
  type: list
  elements: dict
  contains:
    user:
      description: Who made the request.
      type: str
    name:
      description: The operation (in vrmsim, the method and path of the request).
      type: str
    success:
      description: Whether it succeeded.
      type: bool
    failure_reason:
      description: VRM's error code and description when it failed.
      type: str
    start_time:
      description: Start, in milliseconds since 1970.
      type: int
    stop_time:
      description: End, in milliseconds since 1970.
      type: int
    level:
      description: VRM's operation level (0 high risk, 1 risky, 2 normal, 3 informational).
      type: str
    user_ip:
      description: Address the request came from.
      type: str
    detail:
      description: Details VRM records.
      type: str
  sample:
    - user: admin
      name: PUT /service/sites/4D6B0918/hosts/1
      success: true
      failure_reason: ''
      start_time: 1796589478219
      stop_time: 1796589478225
      level: '3'
      user_ip: 127.0.0.1
      detail: PUT /service/sites/4D6B0918/hosts/1
"""

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_alarms import ms_text, query_all, time_range
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule

EVENT_TYPES = {"host": "hosts", "vm": "vms", "vrm": "vrms"}
EVENT_ONLY = ("object_urn", "object_type", "event_id")
LOG_ONLY = ("operator", "result")


def main():
    fc = FcModule(dict(
        source=dict(type="str", default="events", choices=["events", "operation_log"]),
        object_urn=dict(type="str"), object_type=dict(type="str", choices=sorted(EVENT_TYPES)),
        event_id=dict(type="str"), name=dict(type="str"), operator=dict(type="str"),
        result=dict(type="str", choices=["success", "failure"]), since=dict(type="str"), until=dict(type="str"),
        limit=dict(type="int", default=100)), wait=False)
    fc.run(lambda: run(fc))


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def run(fc):
    p = fc.params
    if p["limit"] < 1:
        raise FcError("limit must be at least 1.")
    since, until = time_range(p)
    wrong = [k for k in (LOG_ONLY if p["source"] == "events" else EVENT_ONLY) if p[k]]
    if wrong:
        raise FcError("%s do%s not apply to source=%s." % (", ".join(wrong), "es" if len(wrong) == 1 else "",
                                                           p["source"]))
    if p["source"] == "operation_log":
        return {"changed": False, "operations": operations(fc, since, until)}
    body = {"order": ["occurtime DESC"]}
    for opt, key in (("object_urn", "objectUrn"), ("event_id", "eventId"), ("name", "eventName")):
        if p[opt]:
            body[key] = p[opt]
    if p["object_type"]:
        body["MOC"] = EVENT_TYPES[p["object_type"]]
    if since is not None:
        body["occurStartTime"] = ms_text(since)
    if until is not None:
        body["occurStopTime"] = ms_text(until)
    events = [{"event_id": e.get("eventID"), "name": e.get("eventName"), "object_urn": e.get("objectUrn"),
               "object_name": e.get("urnByName"), "object_type": e.get("objectType"),
               "occur_time": _int(e.get("occurTime")), "additional_info": e.get("additionalInfo")}
              for e in query_all(fc, "/alarms/events", body, p["limit"])]
    return {"changed": False, "events": events}


def operations(fc, since, until):
    p = fc.params
    params = {"order[]": "opStartTime DESC"}
    if p["operator"]:
        params["opUser"] = p["operator"]
    if p["result"]:
        params["opResult"] = "0" if p["result"] == "success" else "1"
    if p["name"]:
        params["opName"] = p["name"]
    if since is not None:
        params["opStartTime"] = ms_text(since)
    if until is not None:
        params["opStopTime"] = ms_text(until)
    out = []
    offset = 0
    while len(out) < p["limit"]:
        answer = fc.client.get(fc.site_uri + "/olm/operaterLog/list", params=dict(params, limit=100, offset=offset))
        items = (answer or {}).get("items") or []
        out.extend({"user": o.get("opUser"), "name": o.get("opName"), "success": str(o.get("opResult")) == "0",
                    "failure_reason": o.get("opFailReason") or "", "start_time": _int(o.get("opStartTime")),
                    "stop_time": _int(o.get("opStopTime")), "level": o.get("opLogLevel"),
                    "user_ip": o.get("userIp"), "detail": o.get("detailInfo")} for o in items)
        offset += 100
        if len(items) < 100 or offset >= int((answer or {}).get("total") or 0):
            break
    return out[:p["limit"]]


if __name__ == "__main__":
    main()
