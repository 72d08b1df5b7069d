#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_datastore_info
short_description: Read FusionCompute datastores
version_added: 0.1.0
description:
  - Lists datastores with capacity, real used and provisioned space; scope and name filters are sent to VRM.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT_UNUSED
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  name:
    description: Exact name of the datastore.
    type: str
  cluster:
    description: Only datastores of this cluster (name or URN).
    type: str
  cna_host:
    description: Only datastores associated with this host (name, IP or URN).
    type: str
seealso:
  - module: fusioncompute.core.fc_datastore
  - module: fusioncompute.core.fc_volume_info
"""

EXAMPLES = r"""
- name: Datastores of the production cluster
  fusioncompute.core.fc_datastore_info:
    cluster: cluster-prod
  register: datastores
"""

RETURN = r"""
datastores:
  description: The datastores, with stable snake_case keys and their URNs.
  returned: always
  type: list
  elements: dict
  contains:
    capacity_gb:
      description: Capacity in GB.
      type: int
    description:
      description: Description.
      type: str
    free_gb:
      description: Free space in GB.
      type: int
    hosts:
      description: Names of the hosts the datastore is associated with.
      type: list
      elements: str
    name:
      description: Name of the datastore.
      type: str
    provisioned_gb:
      description: Space promised to volumes in GB (thin volumes count in full).
      type: int
    status:
      description: VRM status (V(NORMAL), V(ABNORMAL), ...).
      type: str
    storage_unit:
      description: Name of the storage unit the datastore is built on (what M(fusioncompute.core.fc_datastore) takes as
        O(fusioncompute.core.fc_datastore#module:storage_unit)).
      type: str
    storage_units:
      description:
        - Names of every storage unit (LUN) the datastore spans, the one it was created on first, then those an
          expansion added (M(fusioncompute.core.fc_datastore) O(fusioncompute.core.fc_datastore#module:extents)).
      type: list
      elements: str
    type:
      description: VRM storage type (V(LUNPOME), V(LUN), V(NAS), V(LOCAL), V(advanceSan), ...).
      type: str
    urn:
      description: URN of the datastore.
      type: str
    used_gb:
      description: Used space in GB (capacity minus free space).
      type: int
  sample:
    - capacity_gb: 4096
      description: ''
      free_gb: 4096
      hosts:
      - cna-prod-01
      - cna-prod-02
      - cna-prod-03
      name: datastore-prod
      provisioned_gb: 0
      status: NORMAL
      storage_unit: LUN-prod-01
      storage_units:
      - LUN-prod-01
      type: LUNPOME
      urn: urn:sites:4D6B0918:datastores:1
      used_gb: 0
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_views import ds_view


def main():
    fc = FcModule(dict(name=dict(type="str"), cluster=dict(type="str"), cna_host=dict(type="str")))
    fc.run(lambda: run(fc))


def run(fc):
    p = fc.params
    params = {}
    if p["name"]:
        params["name"] = p["name"]
    if p["cna_host"]:
        params["scope"] = fc_lookup.host(fc, p["cna_host"])["urn"]
    elif p["cluster"]:
        params["scope"] = fc_lookup.cluster(fc, p["cluster"])["urn"]
    items = fc.client.list_all(fc.site_uri + "/datastores", "datastores", params)
    if p["name"]:
        items = [d for d in items if d.get("name") == p["name"]]
    names = {h["urn"].rsplit(":", 1)[1]: h["name"] for h in fc.client.list_all(fc.site_uri + "/hosts", "hosts")}
    return {"changed": False, "datastores": [ds_view(d, names) for d in items]}


if __name__ == "__main__":
    main()
