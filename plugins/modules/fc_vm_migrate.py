#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_vm_migrate
short_description: Put a FusionCompute VM on a host and its disks on a datastore (live migration)
version_added: 0.1.0
description:
  - Declarative placement, the VM ends up on O(target_host) and/or its disks on O(target_datastore).
  - A running VM is live-migrated; storage migration moves the disks while the VM runs.
  - A VM holding passthrough devices (GPUs, PCI devices, SR-IOV virtual functions, USB devices; see
    M(fusioncompute.core.fc_vm)'s O(fusioncompute.core.fc_vm#module:gpus)) is bound to their host and is refused
    a move to another host before anything is sent.
  - A VM already there reports no change. A target without capacity, without the VM's datastores or without
    its DVS fails with the VRM error code before anything moves.
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
  name:
    aliases: [vm_name]
    description: Exact name of the VM.
    type: str
  urn:
    description: URN of the VM.
    type: str
  target_host:
    aliases: [destination_host]
    description: Host (name, IP or URN) the VM should run on.
    type: str
  target_datastore:
    aliases: [destination_datastore]
    description: Datastore (name or URN) all the VM's disks should be on.
    type: str
  disk_provisioning:
    description: Provisioning of the moved disks; V(keep) leaves each disk as it is.
    type: str
    choices: [keep, thin, thick, thick_lazy]
    default: keep
  speed:
    description: Storage migration speed in MB/s (at least 20).
    type: int
    default: 100
seealso:
  - module: fusioncompute.core.fc_vm
  - module: fusioncompute.core.fc_host_info
  - module: fusioncompute.core.fc_datastore_info
"""

EXAMPLES = r"""
- name: A VM to work with, deployed from a template of the site
  fusioncompute.core.fc_vm:
    name: web01
    template: tpl-centos7
    cluster: cluster-prod
    power_state: powered-on

- name: Move web01 to another host
  fusioncompute.core.fc_vm_migrate:
    name: web01
    target_host: cna-prod-02

- name: Move its disks to the NFS datastore as thin disks
  fusioncompute.core.fc_vm_migrate:
    name: web01
    target_datastore: nfs-images
    disk_provisioning: thin
"""

RETURN = r"""
vm:
  description: The VM after the migration, with the fields of M(fusioncompute.core.fc_vm_info) with
    O(fusioncompute.core.fc_vm_info#module:details) (without C(uri), C(create_time), C(ips) and C(statistics), and
    without C(bandwidth) in its NICs).
  returned: always
  type: dict
  sample:
    urn: urn:sites:4D6B0918:vms:i-00000001
    uuid: ef7aa5e4-2c23-486f-a98e-5c24a95e46f7
    name: tpl-centos7
    description: ''
    status: stopped
    power_state: powered-off
    is_template: true
    cluster: cluster-prod
    cluster_urn: urn:sites:4D6B0918:clusters:1
    host: null
    host_urn: null
    cpu:
      count: 2
      cores_per_socket: 1
      reservation: 0
      limit: 0
      weight: 1000
      hotplug: true
    memory:
      size_mb: 4096
      reservation: 0
      limit: 4096
      weight: 40960
      hotplug: true
    disks:
    - size_gb: 40
      datastore: nfs-images
      datastore_urn: urn:sites:4D6B0918:datastores:3
      thin: true
      bus: virtio
      slot: 1
      volume_urn: urn:sites:4D6B0918:volumes:1
    nics:
    - portgroup: VM-Network
      portgroup_urn: urn:sites:4D6B0918:dvswitchs:1:portgroups:1
      mac: 28:6e:d4:00:00:01
      name: Network Adapter 0
      slot: 0
      urn: urn:sites:4D6B0918:vms:i-00000001:nics:0
      ips: []
    os:
      type: Linux
      version: 10115
      hostname: null
    tools_running: false
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
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_common import vm_view
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_passthrough import refuse_migration

MIGRATE_TYPES = {"thin": 1, "thick": 2, "thick_lazy": 0}


def main():
    fc = FcModule(dict(
        name=dict(type="str", aliases=["vm_name"]), urn=dict(type="str"), target_host=dict(type="str", aliases=["destination_host"]),
        target_datastore=dict(type="str", aliases=["destination_datastore"]),
        disk_provisioning=dict(type="str", default="keep", choices=["keep", "thin", "thick", "thick_lazy"]),
        speed=dict(type="int", default=100),
    ), required_one_of=[("name", "urn"), ("target_host", "target_datastore")])
    fc.run(lambda: run(fc))


def run(fc):
    p = fc.params
    if p["speed"] < 20:
        raise FcError("speed must be at least 20 MB/s.")
    vm = fc_lookup.vm(fc, name=None if p["urn"] else p["name"], urn=p["urn"], required=True, templates=False)
    view = vm_view(vm)
    before, after, plan, actions = {}, {}, [], []
    if p["target_host"]:
        host = fc_lookup.host(fc, p["target_host"])
        if vm.get("hostUrn") != host["urn"]:
            if vm.get("status") != "running":
                raise FcError("%s is %s; only a running VM can be live-migrated to a host." % (vm["name"],
                                                                                               vm.get("status")))
            refuse_migration(vm)
            before["host"] = view["host"]
            after["host"] = host["name"]
            plan.append("live-migrate %s from %s to %s" % (vm["name"], view["host"], host["name"]))
            actions.append(("POST", vm["uri"] + "/action/migrate", {"location": host["urn"]}))
    if p["target_datastore"]:
        ds = fc_lookup.datastore(fc, p["target_datastore"])
        moves = []
        for d in view["disks"]:
            wrong_type = p["disk_provisioning"] == "thin" and not d["thin"] or \
                p["disk_provisioning"] in ("thick", "thick_lazy") and d["thin"]
            if d["datastore_urn"] != ds["urn"] or wrong_type:
                move = {"volumeUrn": d["volume_urn"], "datastoreUrn": ds["urn"]}
                if p["disk_provisioning"] != "keep":
                    move["migrateType"] = MIGRATE_TYPES[p["disk_provisioning"]]
                moves.append(move)
        same_place = [m for m in moves if any(d["volume_urn"] == m["volumeUrn"] and d["datastore_urn"] == ds["urn"]
                                              for d in view["disks"])]
        if same_place:
            raise FcError("Changing the provisioning of a disk already on %s needs a move through another "
                          "datastore; VRM migrates disks between datastores only." % ds["name"])
        if moves:
            before["datastores"] = sorted({d["datastore"] for d in view["disks"]})
            after["datastores"] = [ds["name"]]
            plan.append("move %d disk(s) of %s to %s" % (len(moves), vm["name"], ds["name"]))
            actions.append(("POST", vm["uri"] + "/action/migratevol", {"disks": moves, "speed": p["speed"]}))
    if not actions:
        return {"changed": False, "vm": view, "diff": {"before": {}, "after": {}}}
    result = {"changed": True, "plan": plan, "diff": {"before": before, "after": after}}
    if fc.check_mode:
        result["vm"] = view
        return result
    for method, path, body in actions:
        fc.call(method, path, body=body)
    result["vm"] = vm_view(fc.client.get(vm["uri"]))
    return result


if __name__ == "__main__":
    main()
