#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_volume_info
short_description: Read FusionCompute volumes
version_added: 0.1.0
description:
  - Lists volumes with size, provisioning and real footprint; datastore and name filters are sent to VRM.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT_UNUSED
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  name:
    description: Exact name of the volume.
    type: str
  datastore:
    description: Only volumes on this datastore (name or URN).
    type: str
  unattached:
    description: Only volumes not attached to a VM (and shared ones).
    type: bool
    default: false
seealso:
  - module: fusioncompute.core.fc_volume
  - module: fusioncompute.core.fc_datastore_info
"""

EXAMPLES = r"""
- name: Volumes of a datastore
  fusioncompute.core.fc_volume_info:
    datastore: datastore-prod
  register: volumes
"""

RETURN = r"""
volumes:
  description: The volumes, with stable snake_case keys and their URNs.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the volume.
      type: str
    urn:
      description: URN of the volume.
      type: str
    uuid:
      description: UUID of the volume.
      type: str
    size_gb:
      description: Size in GB.
      type: int
    thin:
      description: Whether the volume is thin provisioned.
      type: bool
    shared:
      description: Whether the volume is shared (VRM type C(share)).
      type: bool
    status:
      description: VRM status (V(USE) attached, V(FREE) not attached, V(CREATING), ...).
      type: str
    datastore:
      description: Name of its datastore.
      type: str
    datastore_urn:
      description: URN of its datastore.
      type: str
    attached:
      description: Whether the volume is attached to a VM.
      type: bool
    used_mb:
      description: Space the volume takes on the datastore, in MB.
      type: int
    vm:
      description: Name of the VM the volume is attached to (null when it is not attached), as M(fusioncompute.core.fc_volume)
        returns it.
      type: str
    vm_urn:
      description: URN of that VM.
      type: str
  sample:
    - name: tpl-centos7-disk1
      urn: urn:sites:4D6B0918:volumes:1
      uuid: 627028d4-7d81-455a-b058-7005a5d0daf5
      size_gb: 40
      thin: true
      shared: false
      status: USE
      datastore: nfs-images
      datastore_urn: urn:sites:4D6B0918:datastores:3
      attached: true
      used_mb: 4096
      vm: tpl-centos7
      vm_urn: urn:sites:4D6B0918:vms:i-00000001
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule


def main():
    fc = FcModule(dict(name=dict(type="str"), datastore=dict(type="str"),
                       unattached=dict(type="bool", default=False)))
    fc.run(lambda: run(fc))


def run(fc):
    p = fc.params
    params = {}
    if p["name"]:
        params["name"] = p["name"]
    if p["datastore"]:
        params["scope"] = fc_lookup.datastore(fc, p["datastore"])["urn"]
    if p["unattached"]:
        params["attachstatus"] = 1
    items = fc.client.list_all(fc.site_uri + "/volumes", "volumes", params)
    if p["name"]:
        items = [v for v in items if v.get("name") == p["name"]]
    # VRM names the VM of a volume only in the per-datastore list: one paged list per datastore with attached ones
    vms = {}
    for ds in sorted({v.get("datastoreUrn") for v in items if v.get("bindToVm") == 3 and v.get("datastoreUrn")}):
        for it in fc.client.list_all(fc.site_uri + "/volumes/querydatastorevolumes", "volumes", {"dsUrn": ds}):
            if it.get("vmUrn"):
                vms[it.get("urn")] = (it.get("vmName"), it.get("vmUrn"))
    out = [{"name": v.get("name"), "urn": v.get("urn"), "uuid": v.get("uuid"), "size_gb": v.get("quantityGB"),
            "thin": v.get("isThin"), "shared": v.get("type") == "share", "status": v.get("status"),
            "datastore": v.get("datastoreName"), "datastore_urn": v.get("datastoreUrn"),
            "attached": v.get("bindToVm") == 3, "used_mb": v.get("volProvisionSize"),
            "vm": vms.get(v.get("urn"), (None, None))[0], "vm_urn": vms.get(v.get("urn"), (None, None))[1]}
           for v in items]
    return {"changed": False, "volumes": out}


if __name__ == "__main__":
    main()
