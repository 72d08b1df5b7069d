#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_security_group_info
short_description: Read FusionCompute security groups and their rules
version_added: 0.1.0
description:
  - Lists the security groups of the site with their rules (in the normal form M(fusioncompute.core.fc_security_group)
    compares) and the VMs whose NICs use them.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT_UNUSED
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  name:
    description: Only the group of this exact name.
    type: str
"""

EXAMPLES = r"""
- name: Every security group
  fusioncompute.core.fc_security_group_info:
  register: groups

- name: Which VMs use sg-web
  fusioncompute.core.fc_security_group_info:
    name: sg-web
  register: web
"""

RETURN = r"""
security_groups:
  description: The security groups, sorted by name.
  returned: always
  type: list
  elements: dict
  sample:
    - name: sg-web
      id: 3
      description: Web tier
      rules:
        - {protocol: tcp, ports: "443", remote: 192.0.2.0/24, direction: ingress, id: 7}
      vm_count: 1
      vms: [web-01]
  contains:
    name:
      description: Name.
      type: str
    id:
      description: VRM's ID of the group (C(sgId)).
      type: int
    description:
      description: Description.
      type: str
    rules:
      description: The rules, sorted, each with its VRM C(id).
      type: list
      elements: dict
    vm_count:
      description: Number of VMs with a NIC in the group.
      type: int
    vms:
      description: Names of those VMs.
      type: list
      elements: str
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_secgroup as sg
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule


def main():
    fc = FcModule(dict(name=dict(type="str")))
    fc.run(lambda: run(fc))


def run(fc):
    groups = sg.groups(fc.client, fc.site_uri)
    names = {g.get("sgId"): g.get("sgName") for g in groups}
    out = [sg.group_view(g, sg.rules_of(fc.client, fc.site_uri, g["sgId"], names)) for g in groups
           if fc.params["name"] is None or g.get("sgName") == fc.params["name"]]
    return {"changed": False, "security_groups": sorted(out, key=lambda g: g["name"] or "")}


if __name__ == "__main__":
    main()
