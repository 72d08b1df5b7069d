#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_volume
short_description: Manage FusionCompute volumes (disks) and their attachment to VMs
version_added: 0.1.0
description:
  - Creates a volume (thin or thick) on a datastore, grows it (never shrinks), attaches it to a VM or detaches
    it, and deletes it.
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
    description: Name of the volume (exact). Required unless O(urn) is given.
    type: str
  urn:
    description: URN of the volume.
    type: str
  state:
    description: V(present) or V(absent). An attached volume is detached before it is deleted.
    type: str
    choices: [present, absent]
    default: present
  size_gb:
    description:
      - Size in GB, 1 to 261120 (255 TB; the datastore's storage type may allow less). A larger size grows the
        volume; a smaller one fails.
    type: int
  datastore:
    description: Datastore (name or URN) of a new volume.
    type: str
  thin:
    description: Thin provisioning of a new volume.
    type: bool
    default: true
  shared:
    description: A shareable volume (VRM type C(share)).
    type: bool
    default: false
  vm:
    description:
      - VM (name or URN) the volume should be attached to; an empty string means detached. Omit to leave the
        attachment alone.
    type: str
  bus:
    description: Bus used when attaching.
    type: str
    choices: [virtio, scsi, ide]
    default: virtio
  io:
    description:
      - I/O limits (0 = unlimited) and weight of the volume (VRM C(modifyIOpropertyOfVolume),
        C(modifyIOWeightOfVolume)); a setting not given is left alone. The same settings as
        O(fusioncompute.core.fc_vm#module:disk_io) for the disks of a VM.
      - A total limit replaces the read and write limits of its unit and the other way round (VRM takes one or
        the other). IDE and shared volumes have no I/O settings; the weight needs the volume attached to a VM and
        not on a NAS datastore. Checked before anything is sent.
    type: dict
    suboptions:
      read_kbps:
        description: Read bandwidth limit in KB/s (0, or 8 to 976562500000).
        type: int
      write_kbps:
        description: Write bandwidth limit in KB/s (0, or 8 to 976562500000).
        type: int
      total_kbps:
        description: Read and write bandwidth limit together, in KB/s (0, or 8 to 976562500000).
        type: int
      read_iops:
        description: Read requests per second (0, or 16 to 4294967295).
        type: int
      write_iops:
        description: Write requests per second (0, or 16 to 4294967295).
        type: int
      total_iops:
        description: Read and write requests per second together (0, or 16 to 4294967295).
        type: int
      weight:
        description: I/O weight against the other disks of the host, 10 to 1000.
        type: int
seealso:
  - module: fusioncompute.core.fc_volume_info
  - module: fusioncompute.core.fc_vm
  - module: fusioncompute.core.fc_datastore
"""

EXAMPLES = r"""
- name: A VM to work with, deployed from a template of the site
  fusioncompute.core.fc_vm:
    name: web01
    template: tpl-centos7
    cluster: cluster-prod
    power_state: powered-on

- name: A 50 GB thin data volume attached to web01
  fusioncompute.core.fc_volume:
    name: web01-data
    size_gb: 50
    datastore: datastore-prod
    vm: web01

- name: Limit it to 500 read and 200 write requests a second, and give it a higher I/O weight
  fusioncompute.core.fc_volume:
    name: web01-data
    io:
      read_iops: 500
      write_iops: 200
      weight: 800

- name: Detach it
  fusioncompute.core.fc_volume:
    name: web01-data
    vm: ""
"""

RETURN = r"""
volume:
  description: The volume (name, urn, size_gb, thin, datastore, status, vm_urn, used_mb, io).
  returned: always
  type: dict
  sample:
    name: web01-data
    urn: urn:sites:4D6B0918:volumes:4
    size_gb: 20
    thin: true
    shared: false
    datastore: datastore-prod
    datastore_urn: urn:sites:4D6B0918:datastores:1
    status: USE
    vm: web01
    vm_urn: urn:sites:4D6B0918:vms:i-00000003
    used_mb: 2048
    io: {read_kbps: 0, write_kbps: 0, total_kbps: 0, read_iops: 500, write_iops: 200, total_iops: 0, weight: 800}
race:
  description:
    - Another run created an object of the same name at the same time, and this run's was not the oldest;
      this run removed the one it had made and used the oldest (docs/races.md in the collection).
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

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import is_urn, urn_to_uri
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule, Resource, Step
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_common import BUSES, check_disk_size
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_guest import (
    IO_OPTIONS, check_io, io_steps, merge_io, volume_io)


class Volume(Resource):
    kind = "volume"

    def __init__(self, fc):
        super(Volume, self).__init__(fc)
        self._attached = None
        self._created = None

    def validate(self):
        p = self.params
        if not p["name"] and not p["urn"]:
            raise FcError("Give name or urn.")
        check_disk_size(p["size_gb"], "size_gb")
        check_io(p["io"], "io")

    def find(self):
        p = self.params
        return fc_lookup.volume(self.fc, p["urn"] or p["name"], required=False)

    def attached_vm(self, vol):
        """The VM a volume is attached to (VRM lists it per datastore)."""
        answer = self.client.get(self.fc.site_uri + "/volumes/querydatastorevolumes",
                                 params={"limit": 100, "offset": 0, "dsUrn": vol["datastoreUrn"]}) or {}
        items = answer.get("volumes", [])
        if answer.get("total", 0) > len(items):
            items = self.client.list_all(self.fc.site_uri + "/volumes/querydatastorevolumes", "volumes",
                                         {"dsUrn": vol["datastoreUrn"]})
        for it in items:
            if it.get("urn") == vol["urn"]:
                return {"urn": it.get("vmUrn"), "name": it.get("vmName")} if it.get("vmUrn") else None
        return None

    def reread(self, obj):
        if obj is None and self._created:
            return self.client.get(urn_to_uri(self._created))
        return self.find()

    def view(self, obj):
        vm = self.attached_vm(obj)
        return {"name": obj.get("name"), "size_gb": obj.get("quantityGB"), "vm": vm["name"] if vm else "",
                "io": volume_io(obj)}

    def returned(self, obj):
        vm = self.attached_vm(obj)
        return {"name": obj.get("name"), "urn": obj.get("urn"), "size_gb": obj.get("quantityGB"),
                "thin": obj.get("isThin"), "shared": obj.get("type") == "share", "datastore": obj.get("datastoreName"),
                "datastore_urn": obj.get("datastoreUrn"), "status": obj.get("status"),
                "vm": vm["name"] if vm else None, "vm_urn": vm["urn"] if vm else None,
                "used_mb": obj.get("volProvisionSize"), "io": volume_io(obj)}

    def _vm(self, ref):
        return fc_lookup.vm(self.fc, name=None if is_urn(ref) else ref, urn=ref if is_urn(ref) else None,
                            required=True, templates=False)

    def desired(self):
        p = self.params
        d = {"size_gb": p["size_gb"]}
        if p["vm"] is not None:
            d["vm"] = self._vm(p["vm"])["name"] if p["vm"] else ""
        if p["io"]:
            d["io"] = merge_io({}, p["io"])    # the settings given, and the limits they replace
        return d

    def plan_create(self, desired):
        p = self.params
        if not p["name"] or not p["size_gb"] or not p["datastore"]:
            raise FcError("name, size_gb and datastore are needed to create a volume.")
        ds = fc_lookup.datastore(self.fc, p["datastore"])
        body = {"name": p["name"], "quantityGB": p["size_gb"], "datastoreUrn": ds["urn"], "isThin": p["thin"],
                "type": "share" if p["shared"] else "normal"}

        def create():
            answer = self.fc.call("POST", self.fc.site_uri + "/volumes", body=body)
            self._created = answer.get("urn")
        steps = [Step("create %s GB %s volume %s on %s" % (p["size_gb"], "thin" if p["thin"] else "thick",
                                                           p["name"], ds["name"]), create)]
        if p["vm"]:
            vm = self._vm(p["vm"])
            steps.append(Step("attach it to %s" % vm["name"], lambda: self.fc.call(
                "POST", vm["uri"] + "/action/attachvol", body={"volUrn": self._created,
                                                               "pciType": BUSES[p["bus"]]})))
        if p["io"]:
            if p["io"].get("weight") and not p["vm"]:
                raise FcError("io.weight needs the volume attached to a VM (VRM 10300330); give vm.")

            def set_io():
                vol = self.client.get(urn_to_uri(self._created))
                for step in io_steps(self.fc, vol, vol["uri"], volume_io(vol), merge_io(volume_io(vol), p["io"]),
                                     "volume %s" % p["name"]):
                    step.fn()
            steps.append(Step("set its I/O settings", set_io))
        return steps

    def plan_update(self, obj, current, changes):
        p = self.params
        steps = []
        if "size_gb" in changes:
            if changes["size_gb"] < current["size_gb"]:
                raise FcError("size_gb %d is smaller than the volume's %d GB; volumes never shrink." % (
                    changes["size_gb"], current["size_gb"]))
            size = changes["size_gb"] * 1024
            steps.append(Step("grow %s from %d to %d GB" % (obj["name"], current["size_gb"], changes["size_gb"]),
                              lambda: self.fc.call("POST", obj["uri"] + "/action/expandVol", body={"size": size})))
        if "vm" in changes:
            old = self.attached_vm(obj)
            if old:
                steps.append(Step("detach %s from %s" % (obj["name"], old["name"]), lambda: self.fc.call(
                    "POST", urn_to_uri(old["urn"]) + "/action/detachvol", body={"volUrn": obj["urn"]})))
            if changes["vm"]:
                vm = self._vm(p["vm"])
                steps.append(Step("attach %s to %s" % (obj["name"], vm["name"]), lambda: self.fc.call(
                    "POST", vm["uri"] + "/action/attachvol", body={"volUrn": obj["urn"], "pciType": BUSES[p["bus"]]})))
        if "io" in changes:
            if p["io"].get("weight") and not changes.get("vm", current["vm"]):
                raise FcError("io.weight needs the volume attached to a VM (VRM 10300330); give vm.")
            steps += io_steps(self.fc, obj, obj["uri"], current["io"], merge_io(current["io"], p["io"]),
                              "volume %s" % obj["name"])
        return steps

    def plan_delete(self, obj):
        steps = []
        old = self.attached_vm(obj)
        if old:
            steps.append(Step("detach %s from %s" % (obj["name"], old["name"]), lambda: self.fc.call(
                "POST", urn_to_uri(old["urn"]) + "/action/detachvol", body={"volUrn": obj["urn"]})))
        steps.append(Step("delete volume %s" % obj["name"], lambda: self.fc.call("DELETE", obj["uri"])))
        return steps


def main():
    fc = FcModule(dict(
        name=dict(type="str"), urn=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        size_gb=dict(type="int"), datastore=dict(type="str"), thin=dict(type="bool", default=True),
        shared=dict(type="bool", default=False), vm=dict(type="str"),
        bus=dict(type="str", default="virtio", choices=["virtio", "scsi", "ide"]),
        io=dict(type="dict", options=IO_OPTIONS),
    ))
    fc.run(lambda: Volume(fc).run())


if __name__ == "__main__":
    main()
