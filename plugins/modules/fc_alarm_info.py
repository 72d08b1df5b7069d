#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_alarm_info
short_description: List the active or the historical alarms of FusionCompute VRM
version_added: 0.2.0
description:
  - Lists the alarms that are active now (the default) or, with O(history=true), the cleared ones, newest first.
  - Filters by alarm id, name, object, object type, severity and time are applied by the VRM.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  history:
    description: V(true) lists the cleared alarms (VRM's history) instead of the active ones.
    type: bool
    default: false
  alarm_id:
    description: Only alarms with this id (the kind of alarm).
    type: str
  name:
    description: Only alarms whose name contains this text.
    type: str
  object_urn:
    description: Only alarms about this object.
    type: str
  object_type:
    description: Only alarms about objects of this type.
    type: str
    choices: [cluster, datastore, host, site, vm, vrm]
  severity:
    description: Only alarms of these severities.
    type: list
    elements: str
    choices: [critical, major, minor, warning]
  since:
    description:
      - Only alarms raised at or after this time; seconds since 1970 or a UTC date C(YYYY-MM-DD HH:MM:SS).
    type: str
  until:
    description: Only alarms raised at or before this time (same forms as O(since)).
    type: str
  limit:
    description: At most this many alarms (newest first).
    type: int
    default: 100
seealso:
  - module: fusioncompute.core.fc_alarm
  - module: fusioncompute.core.fc_event_info
"""

EXAMPLES = r"""
- name: Critical and major alarms of the hosts
  fusioncompute.core.fc_alarm_info:
    object_type: host
    severity: [critical, major]
  register: host_alarms

- name: Alarms cleared since the first of December
  fusioncompute.core.fc_alarm_info:
    history: true
    since: "2026-12-01 00:00:00"
  register: cleared
"""

RETURN = r"""
alarms:
  description: The alarms, newest first.
  returned: always
  type: list
  elements: dict
  contains:
    serial:
      description: The alarm's serial number (VRM C(iSerialNo)); what M(fusioncompute.core.fc_alarm) takes.
      type: int
    sync_no:
      description: VRM's synchronisation number (C(iSyncNo)), raised at every change of any alarm.
      type: int
    alarm_id:
      description: The alarm's id (the kind of alarm, for example C(15.1007003) for a host fault in vrmsim).
      type: str
    name:
      description: The alarm's name.
      type: str
    severity:
      description: V(critical), V(major), V(minor) or V(warning).
      type: str
    object_urn:
      description: URN of the object the alarm is about.
      type: str
    object_name:
      description: Name of that object.
      type: str
    object_type:
      description: Type of that object (VRM C(svMoc)), for example C(hosts) or C(DATASTORE).
      type: str
    event_type:
      description: VRM's event type of the alarm (for example C(equipment)).
      type: str
    cause:
      description: Why the alarm was raised.
      type: str
    additional_info:
      description: Additional information VRM gives.
      type: str
    occur_time:
      description: When it was raised, in milliseconds since 1970.
      type: int
    update_time:
      description: When it last changed, in milliseconds since 1970.
      type: int
    cleared:
      description: Whether the alarm is cleared (history).
      type: bool
    clear_time:
      description: When it was cleared, in milliseconds since 1970 (null while active).
      type: int
    cleared_by:
      description: User who cleared it by hand (empty when it cleared by itself or is active).
      type: str
    acknowledged:
      description: Whether a user acknowledged it.
      type: bool
    acknowledged_by:
      description: User who acknowledged it.
      type: str
    auto_clear:
      description: Whether VRM clears the alarm by itself when its cause goes away.
      type: bool
  sample:
    - serial: 3
      sync_no: 7
      alarm_id: '15.1007003'
      name: Host fault
      severity: critical
      object_urn: urn:sites:4D6B0918:hosts:2
      object_name: cna-prod-02
      object_type: hosts
      event_type: equipment
      cause: The host stopped answering the VRM.
      additional_info: ''
      occur_time: 1796589478219
      update_time: 1796589478219
      cleared: false
      clear_time: null
      cleared_by: ''
      acknowledged: false
      acknowledged_by: ''
      auto_clear: true
"""

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_alarms import FILTER_SPEC, alarms
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule


def main():
    fc = FcModule(dict(FILTER_SPEC, history=dict(type="bool", default=False), limit=dict(type="int", default=100)),
                  wait=False)
    fc.run(lambda: run(fc))


def run(fc):
    if fc.params["limit"] < 1:
        raise FcError("limit must be at least 1.")
    return {"changed": False, "alarms": alarms(fc, fc.params, fc.params["history"], fc.params["limit"])}


if __name__ == "__main__":
    main()
