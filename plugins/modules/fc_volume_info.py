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
    out = [{"name": v.get("name"), "urn": v.get("urn"), "uuid": v.get("uuid"), "size_gb": v.get("quantityGB"),
            "thin": v.get("isThin"), "shared": v.get("type") == "share", "status": v.get("status"),
            "datastore": v.get("datastoreName"), "datastore_urn": v.get("datastoreUrn"),
            "attached": v.get("bindToVm") == 3, "used_mb": v.get("volProvisionSize")} for v in items]
    return {"changed": False, "volumes": out}


if __name__ == "__main__":
    main()
