#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_snapshot_revert
short_description: Revert a FusionCompute VM to a snapshot
version_added: 0.1.0
description:
  - Reverts the VM to the snapshot given by O(snapshot_urn) or O(name) (which must be unique on the VM).
  - Reverting always changes the VM (its disks go back to the snapshot), so the module always reports a change.
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
    description: URN of the snapshot.
    type: str
seealso:
  - module: fusioncompute.core.fc_snapshot
  - module: fusioncompute.core.fc_snapshot_info
"""

EXAMPLES = r"""
- name: A VM to work with, deployed from a template of the site
  fusioncompute.core.fc_vm:
    name: web01
    template: tpl-centos7
    cluster: cluster-prod
    power_state: powered-on

- name: A snapshot to go back to
  fusioncompute.core.fc_snapshot:
    vm: web01
    name: before-upgrade

- name: Roll web01 back
  fusioncompute.core.fc_snapshot_revert:
    vm: web01
    name: before-upgrade
"""

RETURN = r"""
snapshot_urn:
  description: URN of the snapshot the VM was reverted to.
  returned: always
  type: str
  sample: urn:sites:4D6B0918:vms:i-00000003:snapshots:1
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

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import AmbiguousName, is_urn
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_views import flatten


def main():
    fc = FcModule(dict(vm=dict(type="str", required=True), name=dict(type="str", aliases=["snapshot_name"]),
                       snapshot_urn=dict(type="str")),
                  required_one_of=[("name", "snapshot_urn")])
    fc.run(lambda: run(fc))


def run(fc):
    p = fc.params
    vm = fc_lookup.vm(fc, name=None if is_urn(p["vm"]) else p["vm"], urn=p["vm"] if is_urn(p["vm"]) else None,
                      required=True)
    snaps = flatten(fc.client.get(vm["uri"] + "/snapshots") or {})
    if p["snapshot_urn"]:
        found = [s for s in snaps if s["urn"] == p["snapshot_urn"]]
    else:
        found = [s for s in snaps if s["name"] == p["name"]]
        if len(found) > 1:
            raise AmbiguousName("snapshots", p["name"], sorted(s["urn"] for s in found), first_option=False)
    if not found:
        raise FcError("The VM %s has no snapshot %s; it has: %s." % (
            vm["name"], p["snapshot_urn"] or p["name"], ", ".join(s["name"] for s in snaps) or "none"))
    snap = found[0]
    result = {"changed": True, "snapshot_urn": snap["urn"], "plan": ["revert %s to %s" % (vm["name"], snap["name"])],
              "diff": {"before": {"snapshot": None}, "after": {"snapshot": snap["name"]}}}
    if not fc.check_mode:
        fc.call("POST", snap["uri"] + "/action/resumevm")
    return result


if __name__ == "__main__":
    main()
