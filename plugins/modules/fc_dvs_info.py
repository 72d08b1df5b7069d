#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_dvs_info
short_description: Read FusionCompute distributed virtual switches
version_added: 0.1.0
description:
  - Lists DVSs with MTU, uplinks and VLAN pools; the name filter is sent to VRM.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT_UNUSED
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  name:
    description: Exact name of the DVS.
    type: str
seealso:
  - module: fusioncompute.core.fc_dvs
  - module: fusioncompute.core.fc_portgroup_info
"""

EXAMPLES = r"""
- name: All DVSs
  fusioncompute.core.fc_dvs_info:
  register: dvss
"""

RETURN = r"""
dvss:
  description: The distributed virtual switches, with stable snake_case keys and their URNs.
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_views import dvs_view


def main():
    fc = FcModule(dict(name=dict(type="str")))
    fc.run(lambda: run(fc))


def run(fc):
    params = {"name": fc.params["name"]} if fc.params["name"] else None
    items = (fc.client.get(fc.site_uri + "/dvswitchs", params=params) or {}).get("dvSwitchs", [])
    if fc.params["name"]:
        items = [d for d in items if d.get("name") == fc.params["name"]]
    return {"changed": False, "dvss": [dvs_view(fc.client.get(d["uri"])) for d in items]}


if __name__ == "__main__":
    main()
