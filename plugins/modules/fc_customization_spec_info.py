#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_customization_spec_info
short_description: Read the saved guest customization specifications of FusionCompute
version_added: 0.1.0
description:
  - Lists the saved guest customization specifications of the site (VRM C(vmcustomizations)) in the option names of
    M(fusioncompute.core.fc_customization_spec). Passwords are never returned, only whether one is set.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT_UNUSED
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  name:
    description: Only the specification of this exact name.
    type: str
seealso:
  - module: fusioncompute.core.fc_customization_spec
"""

EXAMPLES = r"""
- name: Every saved specification
  fusioncompute.core.fc_customization_spec_info:
  register: specs

- name: One of them
  fusioncompute.core.fc_customization_spec_info:
    name: web-linux
  register: web
"""

RETURN = r"""
specs:
  description: The specifications, by name.
  returned: always
  type: list
  elements: dict
  sample:
    - urn: urn:sites:4D6B0918:vmcustomizations:1
      name: web-linux
      description: Web tier, one static address
      os_type: Linux
      hostname: web01
      workgroup: ''
      domain: ''
      domain_name: ''
      password_set: true
      nics: [{ip: 192.0.2.41, netmask: 255.255.255.0, gateway: 192.0.2.1, dns: [192.0.2.53]}]
  contains:
    urn:
      description: URN of the specification.
      type: str
    name:
      description: Name of the specification.
      type: str
    description:
      description: Its description.
      type: str
    os_type:
      description: Guest OS family, V(Linux) or V(Windows).
      type: str
    hostname:
      description: Guest host name it sets (empty when none).
      type: str
    workgroup:
      description: Windows workgroup it joins.
      type: str
    domain:
      description: Windows domain it joins.
      type: str
    domain_name:
      description: Account that joins the domain (option O(fusioncompute.core.fc_customization_spec#module:domain_user)).
      type: str
    password_set:
      description: Whether it sets a guest password.
      type: bool
    nics:
      description: Static addressing per NIC, in NIC order (C(ip), C(netmask), C(gateway), C(dns)).
      type: list
      elements: dict
"""

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_images import SPEC_PATH, spec_view
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule


def main():
    fc = FcModule(dict(name=dict(type="str")))
    fc.run(lambda: run(fc))


def run(fc):
    name = fc.params["name"]
    params = {"name": name} if name else None
    specs = [spec_view(s) for s in fc.client.paged(fc.site_uri + SPEC_PATH, "vmCustomizations", params)
             if name is None or s.get("name") == name]
    return {"changed": False, "specs": sorted(specs, key=lambda s: s["name"] or "")}


if __name__ == "__main__":
    main()
