#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_cluster_info
short_description: Read FusionCompute clusters
version_added: 0.1.0
description:
  - Lists clusters with their DRS, DPM and HA settings and capacity; the name filter is sent to VRM, then
    matched exactly.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT_UNUSED
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  name:
    description: Exact name of the cluster.
    type: str
seealso:
  - module: fusioncompute.core.fc_cluster
  - module: fusioncompute.core.fc_host_info
"""

EXAMPLES = r"""
- name: All clusters
  fusioncompute.core.fc_cluster_info:
  register: clusters
"""

RETURN = r"""
clusters:
  description: The clusters, with stable snake_case keys and their URNs.
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_views import cluster_view


def main():
    fc = FcModule(dict(name=dict(type="str")))
    fc.run(lambda: run(fc))


def run(fc):
    params = {"name": fc.params["name"]} if fc.params["name"] else None
    items = (fc.client.get(fc.site_uri + "/clusters", params=params) or {}).get("clusters", [])
    if fc.params["name"]:
        items = [c for c in items if c.get("name") == fc.params["name"]]
    return {"changed": False, "clusters": [cluster_view(fc.client.get(c["uri"])) for c in items]}


if __name__ == "__main__":
    main()
