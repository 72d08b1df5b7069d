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
  - Lists DVSs with MTU, uplinks, VLAN pools and network I/O control (the mode and the values of each traffic
    class, that is of each port group); the name filter is sent to VRM.
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
  contains:
    description:
      description: Description.
      type: str
    igmp_snooping:
      description: Whether IGMP snooping is on.
      type: bool
    io_control:
      description: Network I/O control - V(shares) or V(reservation).
      type: str
    io_control_classes:
      description: Network I/O control per traffic class (port group), as
        O(fusioncompute.core.fc_dvs#module:io_control_classes) sets it; 0 where a value is not set.
      type: list
      elements: dict
      contains:
        portgroup:
          description: Name of the port group.
          type: str
        shares:
          description: Bandwidth shares (1-100).
          type: int
        reservation:
          description: Guaranteed bandwidth in Mbit/s.
          type: int
        priority:
          description: Scheduling priority (2-7).
          type: int
        limit:
          description: Average outbound rate in Mbit/s.
          type: int
        peak:
          description: Peak outbound rate in Mbit/s.
          type: int
        burst:
          description: Burst size in Mbit.
          type: int
    mtu:
      description: MTU - 1500 or 9000.
      type: int
    name:
      description: Name of the DVS.
      type: str
    portgroup_count:
      description: Number of its port groups.
      type: int
    type:
      description: Switching mode - V(vswitch), V(sriov) or V(user_mode).
      type: str
    uplinks:
      description: Host uplink ports of the switch, by host name.
      type: list
      elements: dict
      contains:
        host:
          description: Name of the host.
          type: str
        host_urn:
          description: URN of the host.
          type: str
        port:
          description: Name of the uplink port on the host.
          type: str
        port_urn:
          description: URN of the uplink port.
          type: str
    urn:
      description: URN of the DVS.
      type: str
    vlan_pools:
      description: VLAN pools of its uplinks.
      type: list
      elements: dict
      contains:
        end:
          description: Last VLAN.
          type: int
        start:
          description: First VLAN.
          type: int
  sample:
    - description: Production DVS
      igmp_snooping: false
      io_control: shares
      io_control_classes:
      - {portgroup: prod-vlan100, shares: 60, reservation: 0, priority: 0, limit: 4000, peak: 4000, burst: 4000}
      mtu: 1500
      name: dvs-prod
      portgroup_count: 3
      type: vswitch
      uplinks:
      - host: cna-dev-01
        host_urn: urn:sites:4D6B0918:hosts:4
        port: eth2
        port_urn: urn:sites:4D6B0918:hosts:4:uplinkports:15
      - host: cna-dev-02
        host_urn: urn:sites:4D6B0918:hosts:5
        port: eth2
        port_urn: urn:sites:4D6B0918:hosts:5:uplinkports:19
      urn: urn:sites:4D6B0918:dvswitchs:1
      vlan_pools:
      - end: 4094
        start: 1
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_dvs_nioc as nioc
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
    return {"changed": False, "dvss": [dict(dvs_view(fc.client.get(d["uri"])),
                                            io_control_classes=nioc.view(nioc.current(fc.client, d)))
                                       for d in items]}


if __name__ == "__main__":
    main()
