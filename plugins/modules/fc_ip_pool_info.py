#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_ip_pool_info
short_description: Give VMs IPv4 addresses from a declared pool, without collisions, from what VRM knows
version_added: 0.1.0
description:
  - Declares an address pool (O(networks), O(ranges), O(exclude)) and answers which of its addresses are free,
    reading the addresses in use from VRM on every run - never from a local file, so several controllers and
    later runs agree.
  - An address is in use when a NIC has it bound (IP-MAC binding, see
    O(fusioncompute.core.fc_vm#module:nics[].ip_mac_binding)) or when a VM's guest reports it on a NIC (VM Tools).
  - O(vms) names the VMs that need an address; a VM that already has one of the pool's addresses keeps it, so a
    second run gives the same answer. The others get the lowest free addresses, each once.
  - Bind the address to the NIC (O(fusioncompute.core.fc_vm#module:nics[].ip_mac_binding)) as well as giving it
    to the guest (O(fusioncompute.core.fc_vm#module:customization.nics[].ip)). VRM does not show a stopped VM's
    customization, so an address only given to the guest is invisible while the VM is off, and a later run could
    give it again; a binding stays in VRM whatever the VM's power state.
  - The module only reads; it reserves nothing between runs by itself.
requirements:
  - netaddr
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT_UNUSED
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  networks:
    description:
      - IPv4 networks of the pool, as CIDRs (V(192.0.2.0/24)). A network's own address and its broadcast address
        are never given (for prefixes /30 and shorter).
      - Networks and ranges must not overlap.
    type: list
    elements: str
    default: []
  ranges:
    description: IPv4 ranges of the pool, V(first-last) (V(192.0.2.100-192.0.2.150)).
    type: list
    elements: str
    default: []
  exclude:
    description: Addresses never given (gateways, appliances), each an address, a CIDR or a range.
    type: list
    elements: str
    default: []
  vms:
    description: Names of the VMs that need one address each (the result's RV(assignments)).
    type: list
    elements: str
    default: []
  count:
    description: How many more free addresses to return in RV(addresses), beyond those O(vms) take.
    type: int
    default: 0
"""

EXAMPLES = r"""
- name: Addresses for two web servers from 192.0.2.0/24 (the gateway and the first ten excluded)
  fusioncompute.core.fc_ip_pool_info:
    networks: [192.0.2.0/24]
    exclude: [192.0.2.1-192.0.2.10]
    vms: [web-01, web-02]
  register: pool

- name: Deploy web-01 with its address, given to the guest and bound to the NIC
  fusioncompute.core.fc_vm:
    name: web-01
    template: tpl-centos7
    cluster: cluster-prod
    nics:
      - portgroup: VM-Network
        ip_mac_binding: "{{ pool.assignments['web-01'] }}"
    customization:
      nics:
        - ip: "{{ pool.assignments['web-01'] }}"
          netmask: 24
          gateway: 192.0.2.1
"""

RETURN = r"""
assignments:
  description: An address for every VM of O(vms) (the one it has, or a free one), keyed by the VM's name.
  returned: always
  type: dict
  sample: {web-01: 192.0.2.11, web-02: 192.0.2.12}
addresses:
  description: O(count) free addresses, lowest first, none of them given in RV(assignments).
  returned: always
  type: list
  elements: str
  sample: [192.0.2.13]
used:
  description: The pool's addresses VRM shows in use, sorted by address.
  returned: always
  type: list
  elements: dict
  sample: [{address: 192.0.2.11, vm: web-01, source: binding}]
  contains:
    address:
      description: The address.
      type: str
    vm:
      description: Name of the VM that has it.
      type: str
    source:
      description: V(binding) (an IP-MAC binding of a NIC) or V(guest) (reported by the VM's guest).
      type: str
pool:
  description: Counts of the pool.
  returned: always
  type: dict
  sample: {size: 244, used: 1, free: 243}
  contains:
    size:
      description: Addresses the pool may give (after exclusions).
      type: int
    used:
      description: Of those, addresses in use.
      type: int
    free:
      description: Of those, addresses free before this run's RV(assignments).
      type: int
"""

import traceback

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_ip_pool
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule


def main():
    fc = FcModule(dict(
        networks=dict(type="list", elements="str", default=[]), ranges=dict(type="list", elements="str", default=[]),
        exclude=dict(type="list", elements="str", default=[]), vms=dict(type="list", elements="str", default=[]),
        count=dict(type="int", default=0)))
    if not fc_ip_pool.HAS_NETADDR:
        fc.module.fail_json(msg=missing_required_lib("netaddr"),
                            exception="".join(traceback.format_exception_only(type(fc_ip_pool.NETADDR_ERROR),
                                                                              fc_ip_pool.NETADDR_ERROR)))
    fc.run(lambda: run(fc))


def run(fc):
    p = fc.params
    if p["count"] < 0:
        raise FcError("count must be 0 or more, not %d." % p["count"])
    if len(set(p["vms"])) != len(p["vms"]):
        raise FcError("vms names a VM twice: %s." % ", ".join(sorted({v for v in p["vms"] if p["vms"].count(v) > 1})))
    pool = fc_ip_pool.Pool(p["networks"], p["ranges"], p["exclude"])
    used = fc_ip_pool.used_addresses(fc.client, fc.site_uri)
    mine = sorted((a for a in used if a in pool), key=lambda a: tuple(int(x) for x in a.split(".")))
    assignments, addresses = fc_ip_pool.assign(pool, used, p["vms"], p["count"])
    return {"changed": False, "assignments": assignments, "addresses": addresses,
            "used": [dict(address=a, **used[a]) for a in mine],
            "pool": {"size": pool.size, "used": len(mine), "free": pool.size - len(mine)}}


if __name__ == "__main__":
    main()
