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
