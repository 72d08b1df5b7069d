#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_portgroup_info
short_description: Read FusionCompute port groups
version_added: 0.1.0
description:
  - Lists the port groups of one DVS or of every DVS, with VLANs and bandwidth limits.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT_UNUSED
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  name:
    description: Exact name of the port group.
    type: str
  dvs:
    description: Only port groups of this DVS (name or URN).
    type: str
seealso:
  - module: fusioncompute.core.fc_portgroup
  - module: fusioncompute.core.fc_dvs_info
"""

EXAMPLES = r"""
- name: Port groups of dvs-prod
  fusioncompute.core.fc_portgroup_info:
    dvs: dvs-prod
  register: pgs
"""

RETURN = r"""
portgroups:
  description: The port groups, with stable snake_case keys and their URNs.
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_views import pg_view


def main():
    fc = FcModule(dict(name=dict(type="str"), dvs=dict(type="str")))
    fc.run(lambda: run(fc))


def run(fc):
    p = fc.params
    if p["dvs"]:
        dvss = [fc_lookup.dvs(fc, p["dvs"])]
    else:
        dvss = (fc.client.get(fc.site_uri + "/dvswitchs") or {}).get("dvSwitchs", [])
    params = {"portGroupName": p["name"]} if p["name"] else None
    out = []
    for d in dvss:
        for pg in fc.client.list_all(d["uri"] + "/portgroups", "portGroups", params):
            if p["name"] and pg.get("name") != p["name"]:
                continue
            out.append(pg_view(pg, d["name"]))
    return {"changed": False, "portgroups": out}


if __name__ == "__main__":
    main()
