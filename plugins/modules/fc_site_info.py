#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_site_info
short_description: Read the sites a FusionCompute VRM manages
version_added: 0.1.0
description:
  - Lists the sites of the VRM with their details (NTP, time zone, status).
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT_UNUSED
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  name:
    description: Only the site with this exact name, id or URN.
    type: str
seealso:
  - module: fusioncompute.core.fc_session
  - module: fusioncompute.core.fc_cluster_info
"""

EXAMPLES = r"""
- name: Read the sites
  fusioncompute.core.fc_site_info:
  register: sites

- name: Show the time zone of the only site
  ansible.builtin.debug:
    msg: "{{ sites.sites[0].time_zone }}"
"""

RETURN = r"""
sites:
  description: The sites, with snake_case keys.
  returned: always
  type: list
  elements: dict
  contains:
    description:
      description: Description.
      type: str
    ip:
      description: Address of the site's VRM.
      type: str
    is_dc:
      description: Whether the site is a data center site.
      type: bool
    is_self:
      description: Whether it is the site of the VRM answering.
      type: bool
    mgnt_network_type:
      description: Management network, V(ipv4) or V(ipv6).
      type: str
    name:
      description: Name of the site.
      type: str
    ntp_bridge_ip:
      description: NTP bridge address (empty when none).
      type: str
    ntp_cycle:
      description: NTP synchronisation cycle in seconds.
      type: int
    ntp_ip:
      description: First NTP server (empty when none).
      type: str
    ntp_ip2:
      description: Second NTP server.
      type: str
    ntp_ip3:
      description: Third NTP server.
      type: str
    status:
      description: VRM status of the site (V(normal), ...).
      type: str
    time_zone:
      description: Time zone of the site.
      type: str
    uri:
      description: Path of the site in VRM's API.
      type: str
    urn:
      description: URN of the site.
      type: str
  sample:
    - description: ''
      ip: 127.0.0.1
      is_dc: false
      is_self: true
      mgnt_network_type: ipv4
      name: site-4d6b0918
      ntp_bridge_ip: ''
      ntp_cycle: 64
      ntp_ip: ''
      ntp_ip2: ''
      ntp_ip3: ''
      status: normal
      time_zone: UTC
      uri: /service/sites/4D6B0918
      urn: urn:sites:4D6B0918
"""

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import urn_id
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_naming import snake_keys
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule


def main():
    fc = FcModule(dict(name=dict(type="str")))
    fc.run(lambda: run(fc))


def run(fc):
    sites = (fc.client.get("/service/sites") or {}).get("sites", [])
    name = fc.params["name"]
    out = []
    for s in sites:
        if name and name not in (s.get("name"), s.get("urn"), urn_id(s.get("urn", ""))):
            continue
        out.append(snake_keys(fc.client.get(s["uri"])))
    return {"changed": False, "sites": out}


if __name__ == "__main__":
    main()
