#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_host_info
short_description: Read FusionCompute hosts
version_added: 0.1.0
description:
  - Lists CNA hosts with status, maintenance mode, capacity and use; cluster and name filters are sent to VRM.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT_UNUSED
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  name:
    description: Exact name of the host.
    type: str
  ip:
    description: Management IP of the host.
    type: str
  cluster:
    description: Only hosts of this cluster (name or URN).
    type: str
seealso:
  - module: fusioncompute.core.fc_host
  - module: fusioncompute.core.fc_cluster_info
"""

EXAMPLES = r"""
- name: Hosts of the dev cluster
  fusioncompute.core.fc_host_info:
    cluster: cluster-dev
  register: hosts
"""

RETURN = r"""
hosts:
  description: The hosts, with stable snake_case keys and their URNs.
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_views import host_view


def main():
    fc = FcModule(dict(name=dict(type="str"), ip=dict(type="str"), cluster=dict(type="str")))
    fc.run(lambda: run(fc))


def run(fc):
    p = fc.params
    params = {}
    if p["name"]:
        params["name"] = p["name"]
    if p["ip"]:
        params["ip"] = p["ip"]
    if p["cluster"]:
        params["scope"] = fc_lookup.cluster(fc, p["cluster"])["urn"]
    items = fc.client.list_all(fc.site_uri + "/hosts", "hosts", params)
    if p["name"]:
        items = [h for h in items if h.get("name") == p["name"]]
    if p["ip"]:
        items = [h for h in items if h.get("ip") == p["ip"]]
    return {"changed": False, "hosts": [host_view(h) for h in items]}


if __name__ == "__main__":
    main()
