#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_alarm
short_description: Acknowledge or clear FusionCompute VRM alarms
version_added: 0.2.0
description:
  - Acknowledges (O(state=acknowledged)) or clears by hand (O(state=cleared)) the alarms named by O(serials), or
    every active alarm the filters select.
  - An alarm already acknowledged, or already cleared, is left as it is, so a second run reports no change.
  - "The FusionCompute 8.0 interface reference documents no call for either action; this module sends
    C(POST <site>/alarms/action/acknowledge) and C(POST <site>/alarms/action/clear) with C({\"serialNos\": [...]}),
    as vrmsim serves them (docs/vrmsim-fidelity.md in the collection)."
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
  state:
    description: V(acknowledged) acknowledges the alarms; V(cleared) clears them (they move to the history).
    type: str
    required: true
    choices: [acknowledged, cleared]
  serials:
    description:
      - Serial numbers of the alarms (RV(fusioncompute.core.fc_alarm_info#module:alarms[].serial)), active or
        cleared. An unknown serial number fails the module before anything is changed.
      - Without it, the filters select among the active alarms; at least one filter is then required.
    type: list
    elements: int
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
seealso:
  - module: fusioncompute.core.fc_alarm_info
"""

EXAMPLES = r"""
- name: Find the critical host alarms
  fusioncompute.core.fc_alarm_info:
    object_type: host
    severity: [critical]
  register: critical

- name: Acknowledge them
  fusioncompute.core.fc_alarm:
    serials: "{{ critical.alarms | map(attribute='serial') | list }}"
    state: acknowledged
  when: critical.alarms | length > 0

- name: Clear every active task failure alarm by hand
  fusioncompute.core.fc_alarm:
    alarm_id: "15.1000021"
    state: cleared
"""

RETURN = r"""
alarms:
  description:
    - The alarms selected, as they are after the run (in check mode, as they would be); the keys are those of
      RV(fusioncompute.core.fc_alarm_info#module:alarms).
  returned: always
  type: list
  elements: dict
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
changed_serials:
  description: Serial numbers of the alarms this run acknowledged or cleared (or would, in check mode).
  returned: always
  type: list
  elements: int
  sample: [3]
"""

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_alarms import FILTER_SPEC, alarms
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule

ACTION = {"acknowledged": "acknowledge", "cleared": "clear"}


def main():
    fc = FcModule(dict(FILTER_SPEC, state=dict(type="str", required=True, choices=sorted(ACTION)),
                       serials=dict(type="list", elements="int")), wait=False)
    fc.run(lambda: run(fc))


def select(fc):
    p = fc.params
    if p["serials"] is None:
        if not any(p[k] for k in FILTER_SPEC):
            raise FcError("Give serials, or at least one filter (%s) to select active alarms." % ", ".join(
                sorted(FILTER_SPEC)))
        return alarms(fc, p)
    wanted = set(p["serials"])
    if any(s < 1 for s in wanted):
        raise FcError("Alarm serial numbers are whole numbers of 1 or more.")
    found = {}
    for history in (False, True):
        if wanted - set(found):
            found.update((a["serial"], a) for a in alarms(fc, {}, history) if a["serial"] in wanted)
    missing = sorted(wanted - set(found))
    if missing:
        raise FcError("No alarm with serial number %s on the VRM (active or history): nothing was changed." % ", ".join(
            str(s) for s in missing))
    return [found[s] for s in sorted(wanted)]


def done(alarm, state):
    return alarm["acknowledged"] if state == "acknowledged" else alarm["cleared"]


def run(fc):
    state = fc.params["state"]
    selected = select(fc)
    todo = [a["serial"] for a in selected if not done(a, state)]
    result = {"changed": bool(todo), "changed_serials": todo}
    if fc.module._diff:
        result["diff"] = {"before": {str(a["serial"]): {state: done(a, state)} for a in selected},
                          "after": {str(a["serial"]): {state: True} for a in selected}}
    if todo and not fc.check_mode:
        fc.call("POST", fc.site_uri + "/alarms/action/" + ACTION[state], body={"serialNos": todo})
        after = {}
        for history in (False, True):
            after.update((a["serial"], a) for a in alarms(fc, {}, history) if a["serial"] in set(todo))
        selected = [after.get(a["serial"], a) for a in selected]
    elif todo:
        user = fc.params["username"] or ""
        key, by = ("acknowledged", "acknowledged_by") if state == "acknowledged" else ("cleared", "cleared_by")
        selected = [dict(a, **{key: True, by: user}) if a["serial"] in todo else a for a in selected]
    result["alarms"] = selected
    return result


if __name__ == "__main__":
    main()
