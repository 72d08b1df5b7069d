#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_snapshot
short_description: Create and delete snapshots of FusionCompute VMs
version_added: 0.1.0
description:
  - O(state=present) makes sure the VM has a snapshot named O(name) (names are unique per VM unless
    O(allow_duplicate_names=true)); a description that differs is updated.
  - O(state=absent) deletes the snapshot given by O(snapshot_urn) or O(name), or every snapshot with O(remove_all).
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
  vm:
    description: The VM (exact name or URN).
    type: str
    required: true
  name:
    aliases: [snapshot_name]
    description: Name of the snapshot.
    type: str
  snapshot_urn:
    description: URN of the snapshot (for O(state=absent)).
    type: str
  description:
    description: Description of the snapshot.
    type: str
  memory:
    aliases: [memory_dump]
    description: Include the VM's memory (the VM must be running).
    type: bool
    default: false
  consistent:
    aliases: [quiesce]
    description: Ask VM Tools to quiesce the guest file systems first.
    type: bool
    default: false
  state:
    description: V(present) or V(absent).
    type: str
    choices: [present, absent]
    default: present
  remove_all:
    description: With O(state=absent), delete every snapshot of the VM.
    type: bool
    default: false
  allow_duplicate_names:
    description: Create a new snapshot even when one with O(name) exists.
    type: bool
    default: false
seealso:
  - module: fusioncompute.core.fc_snapshot_info
  - module: fusioncompute.core.fc_snapshot_revert
  - module: fusioncompute.core.fc_vm
"""

EXAMPLES = r"""
- name: A VM to work with, deployed from a template of the site
  fusioncompute.core.fc_vm:
    name: web01
    template: tpl-centos7
    cluster: cluster-prod
    power_state: powered-on

- name: Snapshot before the upgrade, with memory
  fusioncompute.core.fc_snapshot:
    vm: web01
    name: before-upgrade
    memory: true

- name: Delete it
  fusioncompute.core.fc_snapshot:
    vm: web01
    name: before-upgrade
    state: absent
"""

RETURN = r"""
snapshot:
  description: The snapshot (urn, name, description, create_time, status, type).
  returned: state is present
  type: dict
  sample:
    core_num: 2
    create_time: '2026-12-06 20:37:55'
    description: Before the upgrade
    including_memory_snapshot: false
    memory_size: 0
    name: before-upgrade
    params: {}
    snap_provision_size: 409
    status: ready
    type: normal
    uri: /service/sites/4D6B0918/vms/i-00000003/snapshots/1
    urn: urn:sites:4D6B0918:vms:i-00000003:snapshots:1
    volsnapshots:
    - chg_id: ''
      datastore_urn: urn:sites:4D6B0918:datastores:3
      sd_uri: ''
      sd_urn: ''
      snap_iscsi: ''
      snap_name_on_dev: snap-4b136572
      snap_uuid: a9843c79-aed3-49bf-8167-77e7cd78b1c9
      storage_type: NAS
      vol_cbt_create_time: ''
      volume_uri: /service/sites/4D6B0918/volumes/3
      volume_urn: urn:sites:4D6B0918:volumes:3
    volume_size_sum: 40960
race:
  description:
    - Another run took a snapshot of the same name of the same VM at the same time, and this run's was not the
      oldest; this run removed the one it had taken and returns the oldest (docs/races.md in the collection).
  returned: when this run lost a create race
  type: dict
  sample: {"kept": "urn:sites:4D6B0918:vms:i-00000003:snapshots:4", "removed": ["urn:sites:4D6B0918:vms:i-00000003:snapshots:5"]}
  contains:
    kept:
      description: URN of the oldest snapshot, the one that stays and that RV(snapshot) describes.
      type: str
    removed:
      description: URN of the snapshot this run took and removed.
      type: list
      elements: str
removed:
  description: URNs of deleted snapshots.
  returned: state is absent
  type: list
  elements: str
  sample:
  - urn:sites:4D6B0918:vms:i-00000003:snapshots:1
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

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup, fc_race
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcApiError, FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import AmbiguousName, is_urn, urn_to_uri
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_naming import snake_keys
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_views import flatten


def main():
    fc = FcModule(dict(
        vm=dict(type="str", required=True), name=dict(type="str", aliases=["snapshot_name"]), snapshot_urn=dict(type="str"),
        description=dict(type="str"), memory=dict(type="bool", aliases=["memory_dump"], default=False),
        consistent=dict(type="bool", aliases=["quiesce"], default=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        remove_all=dict(type="bool", default=False), allow_duplicate_names=dict(type="bool", default=False),
    ))
    fc.run(lambda: run(fc))


def run(fc):
    p = fc.params
    vm = fc_lookup.vm(fc, name=None if is_urn(p["vm"]) else p["vm"], urn=p["vm"] if is_urn(p["vm"]) else None,
                      required=True)
    snaps = flatten(fc.client.get(vm["uri"] + "/snapshots") or {})
    if p["state"] == "absent":
        if p["remove_all"]:
            targets = snaps
        elif p["snapshot_urn"]:
            targets = [s for s in snaps if s["urn"] == p["snapshot_urn"]]
        elif p["name"]:
            targets = [s for s in snaps if s["name"] == p["name"]]
        else:
            raise FcError("Give name, snapshot_urn or remove_all=true to delete snapshots.")
        if len(targets) > 1 and not p["remove_all"] and not p["snapshot_urn"]:
            raise AmbiguousName("snapshots", p["name"], sorted(s["urn"] for s in targets), first_option=False)
        if not targets:
            return {"changed": False, "removed": [], "diff": {"before": {}, "after": {}}}
        result = {"changed": True, "removed": [s["urn"] for s in targets],
                  "plan": ["delete snapshot %s (%s)" % (s["name"], s["urn"]) for s in targets],
                  "diff": {"before": {"snapshots": [s["name"] for s in snaps]},
                           "after": {"snapshots": [s["name"] for s in snaps if s not in targets]}}}
        if not fc.check_mode:
            # children first, so that each deletion merges into an existing parent
            for s in reversed(targets):
                fc.call("DELETE", s["uri"])
        return result
    if not p["name"]:
        raise FcError("name is required with state=present.")
    same = [s for s in snaps if s["name"] == p["name"]]
    if same and not p["allow_duplicate_names"]:
        if len(same) > 1:
            raise AmbiguousName("snapshots", p["name"], sorted(s["urn"] for s in same), first_option=False)
        snap = same[0]
        if p["description"] is not None and snap.get("description") != p["description"]:
            result = {"changed": True, "plan": ["update the description of snapshot %s" % snap["name"]],
                      "diff": {"before": {"description": snap.get("description")},
                               "after": {"description": p["description"]}}}
            if not fc.check_mode:
                fc.call("PUT", snap["uri"], body={"description": p["description"]})
                snap = fc.client.get(snap["uri"])
            else:
                snap = dict(snap, description=p["description"])
            result["snapshot"] = snake_keys(snap)
            return result
        return {"changed": False, "snapshot": snake_keys(snap), "diff": {"before": {}, "after": {}}}
    if p["memory"] and vm.get("status") != "running":
        raise FcError("A memory snapshot needs a running VM; %s is %s." % (vm["name"], vm.get("status")))
    if vm.get("isTemplate"):
        raise FcError("%s is a template; templates cannot have snapshots." % vm["name"])
    body = {"name": p["name"], "needMemoryShot": p["memory"], "isConsistent": p["consistent"]}
    if p["description"] is not None:
        body["description"] = p["description"]
    result = {"changed": True, "plan": ["snapshot %s as %s%s" % (vm["name"], p["name"],
                                                                 " with memory" if p["memory"] else "")],
              "diff": {"before": {}, "after": {"name": p["name"], "description": p["description"],
                                               "memory": p["memory"]}}}
    if fc.check_mode:
        result["snapshot"] = {"name": p["name"], "description": p["description"] or ""}
        return result
    # runs of this controller snapshotting the same VM with the same name take turns: the second finds the first's
    lock = fc_race.hold(fc, "snapshot of %s" % vm["urn"], p["name"])
    try:
        taken = not p["allow_duplicate_names"] and any(
            s["name"] == p["name"] for s in flatten(fc.client.get(vm["uri"] + "/snapshots") or {}))
        answer = None if taken else _take(fc, vm, body)
    finally:
        lock.release()
    if taken or answer is None:
        return run(fc)       # made meanwhile by another run: converge to it
    uri = answer.get("uri") or urn_to_uri(answer["urn"])
    if not p["allow_duplicate_names"]:
        race = _twins(fc, vm, answer["urn"], uri)
        if race:
            result.update(race=race)
            uri = urn_to_uri(race["kept"])
    result["snapshot"] = snake_keys(fc.client.get(uri))
    return result


def _take(fc, vm, body):
    """POST the snapshot; None when VRM refuses it because another run's snapshot of the VM is being taken
    (10300112): once that task has ended, the caller looks again."""
    try:
        return fc.call("POST", vm["uri"] + "/snapshots", body=body)
    except FcApiError as exc:
        if exc.code != "10300112" or fc.wrote:
            raise
    fc.waiter().settle(fc.site_uri, vm["urn"])
    return None


def _twins(fc, vm, ours, uri):
    """Another controller took a snapshot of the same name at the same time: every run keeps the oldest and
    removes only its own. Returns the ``race`` result when this run's snapshot was removed."""
    twins = [s for s in flatten(fc.client.get(vm["uri"] + "/snapshots") or {}) if s["name"] == fc.params["name"]]
    if len(twins) < 2:
        return None
    kept = fc_race.oldest(twins)
    if kept["urn"] == ours:
        fc.warn("Another run took snapshot %r of %s at the same time as this one; this run's, %s, is the oldest "
                "and stays, the other run removes its own." % (fc.params["name"], vm["name"], ours))
        return None
    fc.waiter().settle(fc.site_uri, vm["urn"])
    fc.call("DELETE", uri)
    fc.warn("Another run took snapshot %r of %s at the same time as this one; the oldest, %s, stays. This run "
            "removed the one it had taken, %s." % (fc.params["name"], vm["name"], kept["urn"], ours))
    return {"kept": kept["urn"], "removed": [ours]}


if __name__ == "__main__":
    main()
