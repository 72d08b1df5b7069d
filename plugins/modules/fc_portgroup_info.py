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
  contains:
    description:
      description: Description.
      type: str
    dhcp_isolation:
      description: Whether DHCP answers sent by VMs of the port group are dropped (VRM C(isDhcpIsolation)).
      type: bool
    dvs:
      description: Name of its DVS.
      type: str
    ip_mac_binding:
      description: Whether each VM's IP address is bound to its NIC's MAC (anti-spoofing, VRM C(isIpMacBind)).
      type: bool
    name:
      description: Name of the port group.
      type: str
    nic_count:
      description: VM NICs on the port group.
      type: int
    port_type:
      description: V(access) (one VLAN) or V(trunk) (a VLAN range).
      type: str
    priority:
      description: Traffic priority (null when not set).
      type: int
    rx:
      description: Inbound shaping, as C(tx).
      type: dict
      contains:
        average:
          description: Average rate.
          type: int
        burst:
          description: Burst size.
          type: int
        peak:
          description: Peak rate.
          type: int
    tx:
      description: Outbound shaping, Mbit/s (burst in Mbit); 0 = not limited.
      type: dict
      contains:
        average:
          description: Average rate.
          type: int
        burst:
          description: Burst size.
          type: int
        peak:
          description: Peak rate.
          type: int
    urn:
      description: URN of the port group.
      type: str
    vlan_id:
      description: VLAN of an access port group (0 = untagged).
      type: int
    vlan_range:
      description: VLANs of a trunk, like C(100-110,200) (null for an access port group).
      type: str
  sample:
    - description: ''
      dhcp_isolation: false
      dvs: dvs-prod
      ip_mac_binding: false
      name: VM-Network
      nic_count: 3
      port_type: access
      priority: null
      rx:
        average: 0
        burst: 0
        peak: 0
      tx:
        average: 0
        burst: 0
        peak: 0
      urn: urn:sites:4D6B0918:dvswitchs:1:portgroups:1
      vlan_id: 0
      vlan_range: null
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
