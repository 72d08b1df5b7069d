#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_snapshot_info
short_description: Read the snapshot tree of a FusionCompute VM
version_added: 0.1.0
description:
  - Returns the VM's snapshots as a tree (as VRM gives it) and as a flat list with each snapshot's parent,
    and the current snapshot.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT_UNUSED
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  vm:
    description: The VM (exact name or URN).
    type: str
    required: true
  details:
    description: Read each snapshot's sizes (memory, provisioned space, volumes).
    type: bool
    default: false
seealso:
  - module: fusioncompute.core.fc_snapshot
  - module: fusioncompute.core.fc_snapshot_revert
"""

EXAMPLES = r"""
- name: A VM to work with, deployed from a template of the site
  fusioncompute.core.fc_vm:
    name: web01
    template: tpl-centos7
    cluster: cluster-prod
    power_state: powered-on

- name: Snapshots of web01
  fusioncompute.core.fc_snapshot_info:
    vm: web01
  register: snaps

- name: Names, oldest first
  ansible.builtin.debug:
    msg: "{{ snaps.snapshots | map(attribute='name') | list }}"
"""

RETURN = r"""
vm_urn:
  description: URN of the VM the snapshots belong to.
  returned: always
  type: str
  sample: urn:sites:4D6B0918:vms:i-00000003
tree:
  description: Root snapshots with their child_snapshots, snake_case.
  returned: always
  type: list
  elements: dict
  contains:
    child_snapshots:
      description: Its child snapshots, each with the same keys (and their own C(child_snapshots)).
      type: list
      elements: dict
    create_time:
      description: When it was taken (VRM's time).
      type: str
    description:
      description: Description.
      type: str
    name:
      description: Name of the snapshot.
      type: str
    status:
      description: VRM status (V(ready), V(creating), ...).
      type: str
    type:
      description: VRM snapshot type (V(normal), V(backup), ...).
      type: str
    uri:
      description: Path of the snapshot in VRM's API.
      type: str
    urn:
      description: URN of the snapshot.
      type: str
  sample:
    - child_snapshots:
      - child_snapshots: []
        create_time: '2026-12-06 20:37:58'
        description: ''
        name: after-upgrade
        status: ready
        type: normal
        uri: /service/sites/4D6B0918/vms/i-00000003/snapshots/2
        urn: urn:sites:4D6B0918:vms:i-00000003:snapshots:2
      create_time: '2026-12-06 20:37:55'
      description: Before the upgrade
      name: before-upgrade
      status: ready
      type: normal
      uri: /service/sites/4D6B0918/vms/i-00000003/snapshots/1
      urn: urn:sites:4D6B0918:vms:i-00000003:snapshots:1
snapshots:
  description: Every snapshot, with parent_urn, in tree order.
  returned: always
  type: list
  elements: dict
  contains:
    create_time:
      description: When it was taken (VRM's time).
      type: str
    description:
      description: Description.
      type: str
    name:
      description: Name of the snapshot.
      type: str
    parent_urn:
      description: URN of its parent snapshot (null for a root).
      type: str
    status:
      description: VRM status (V(ready), V(creating), ...).
      type: str
    type:
      description: VRM snapshot type (V(normal), V(backup), ...).
      type: str
    uri:
      description: Path of the snapshot in VRM's API.
      type: str
    urn:
      description: URN of the snapshot.
      type: str
  sample:
    - create_time: '2026-12-06 20:37:55'
      description: Before the upgrade
      name: before-upgrade
      parent_urn: null
      status: ready
      type: normal
      uri: /service/sites/4D6B0918/vms/i-00000003/snapshots/1
      urn: urn:sites:4D6B0918:vms:i-00000003:snapshots:1
    - create_time: '2026-12-06 20:37:58'
      description: ''
      name: after-upgrade
      parent_urn: urn:sites:4D6B0918:vms:i-00000003:snapshots:1
      status: ready
      type: normal
      uri: /service/sites/4D6B0918/vms/i-00000003/snapshots/2
      urn: urn:sites:4D6B0918:vms:i-00000003:snapshots:2
current:
  description: The current snapshot (urn, uri, name), or null.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the snapshot.
      type: str
    uri:
      description: Path of the snapshot in VRM's API.
      type: str
    urn:
      description: URN of the snapshot.
      type: str
  sample:
    name: after-upgrade
    uri: /service/sites/4D6B0918/vms/i-00000003/snapshots/2
    urn: urn:sites:4D6B0918:vms:i-00000003:snapshots:2
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import is_urn
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_naming import snake_keys
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_views import flatten


def main():
    fc = FcModule(dict(vm=dict(type="str", required=True), details=dict(type="bool", default=False)))
    fc.run(lambda: run(fc))


def run(fc):
    p = fc.params
    vm = fc_lookup.vm(fc, name=None if is_urn(p["vm"]) else p["vm"], urn=p["vm"] if is_urn(p["vm"]) else None,
                      required=True)
    tree = fc.client.get(vm["uri"] + "/snapshots") or {}
    flat = flatten(tree)
    if p["details"]:
        flat = [dict(fc.client.get(s["uri"]), parent_urn=s["parent_urn"]) for s in flat]
    return {"changed": False, "vm_urn": vm["urn"], "tree": snake_keys(tree.get("rootSnapshots", [])),
            "snapshots": snake_keys(flat), "current": snake_keys(tree.get("currentSnapshot"))}


if __name__ == "__main__":
    main()
