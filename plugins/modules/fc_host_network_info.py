#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_host_network_info
short_description: Read the network planes of FusionCompute hosts - NICs, bonds and system interfaces
version_added: 0.1.0
description:
  - Reads the NICs, bonds (UplinkPortAggr) and system interfaces (management, storage and service planes, with
    their address, VLAN, traffic and bandwidth limit) of one host, of the hosts of a cluster, or of every host.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT_UNUSED
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  name:
    description: One CNA host (name, management IP or URN). The connection option O(host) is the VRM.
    type: str
    aliases: [host_name]
  cluster:
    description: The hosts of this cluster (name or URN). Without O(name) and O(cluster), every host.
    type: str
seealso:
  - module: fusioncompute.core.fc_host_network
  - module: fusioncompute.core.fc_host_info
"""

EXAMPLES = r"""
- name: The planes of one host
  fusioncompute.core.fc_host_network_info:
    name: cna-dev-01
  register: planes

- name: The storage addresses of the hosts of a cluster
  fusioncompute.core.fc_host_network_info:
    cluster: cluster-dev
  register: dev

- name: Show them
  ansible.builtin.debug:
    msg: "{{ dev.hosts | map(attribute='interfaces') | flatten | selectattr('plane', 'equalto', 'storage')
             | map(attribute='ip') | list }}"
"""

RETURN = r"""
hosts:
  description: One entry per host, by host name.
  returned: always
  type: list
  elements: dict
  contains:
    host:
      description: Name of the host.
      type: str
    host_urn:
      description: URN of the host.
      type: str
    host_ip:
      description: Management IP of the host.
      type: str
    nics:
      description: The host's physical NICs (VRM uplink ports).
      type: list
      elements: dict
      contains:
        name:
          description: Name of the NIC, for example C(eth1).
          type: str
        urn:
          description: URN of the NIC.
          type: str
        mac:
          description: MAC address.
          type: str
        speed_mbit:
          description: Link speed in Mbit/s.
          type: int
        status:
          description: V(up) or V(down).
          type: str
        bond_urn:
          description: URN of the bond the NIC belongs to (empty when none).
          type: str
        dvs_urn:
          description: URN of the DVS the NIC is an uplink of (empty when none).
          type: str
    bonds:
      description: The host's bonds.
      type: list
      elements: dict
      contains:
        name:
          description: Name of the bond.
          type: str
        urn:
          description: URN of the bond.
          type: str
        description:
          description: Description.
          type: str
        mode:
          description: Load balancing mode, as O(fusioncompute.core.fc_host_network#module:bonds[].mode) names it
            (the VRM strategy number for a mode the module does not name).
          type: str
        ports:
          description: Names of the member NICs.
          type: list
          elements: str
        dvs_urn:
          description: URN of the DVS the bond is an uplink of (empty when none).
          type: str
        status:
          description: V(up) or V(down).
          type: str
    interfaces:
      description: The host's system interfaces, one per network plane.
      type: list
      elements: dict
      contains:
        name:
          description: Name of the interface.
          type: str
        urn:
          description: URN of the interface.
          type: str
        plane:
          description: V(management), V(storage) or V(service).
          type: str
        description:
          description: Description.
          type: str
        port:
          description: Name of the NIC or bond it is on.
          type: str
        port_urn:
          description: URN of that NIC or bond.
          type: str
        vlan:
          description: VLAN (0 = untagged).
          type: int
        ip:
          description: IPv4 address.
          type: str
        prefix:
          description: Prefix length.
          type: int
        gateway:
          description: Gateway (management interface only).
          type: str
        routes:
          description: Static routes.
          type: list
          elements: dict
          contains:
            destination:
              description: Destination network.
              type: str
            prefix:
              description: Prefix length of the destination.
              type: int
            gateway:
              description: Next hop.
              type: str
        bandwidth:
          description: Outbound bandwidth control of the plane; 0 everywhere when it has no limit.
          type: dict
          contains:
            limit:
              description: Average rate in Mbit/s.
              type: int
            peak:
              description: Peak rate in Mbit/s.
              type: int
            burst:
              description: Burst size in Mbit.
              type: int
        traffic:
          description: Traffic the interface carries - V(migration), V(ha), V(dr), V(vims).
          type: list
          elements: str
  sample:
    - host: cna-dev-01
      host_urn: urn:sites:4D6B0918:hosts:4
      host_ip: 198.51.100.21
      nics:
        - {name: eth1, urn: "urn:sites:4D6B0918:hosts:4:uplinkports:14", mac: "f4:4c:7f:04:01:11",
           speed_mbit: 10000, status: up, bond_urn: "urn:sites:4D6B0918:hosts:4:uplinkportaggrs:7", dvs_urn: ""}
      bonds:
        - {name: Storage_Aggr, urn: "urn:sites:4D6B0918:hosts:4:uplinkportaggrs:7", description: "",
           mode: active-backup, ports: [eth1], dvs_urn: "", status: up}
      interfaces:
        - name: iscsi-a
          urn: urn:sites:4D6B0918:hosts:4:systemintfs:7
          plane: storage
          description: ""
          port: Storage_Aggr
          port_urn: urn:sites:4D6B0918:hosts:4:uplinkportaggrs:7
          vlan: 300
          ip: 192.168.30.21
          prefix: 24
          gateway: ""
          routes: []
          bandwidth: {limit: 4000, peak: 4000, burst: 4000}
          traffic: []
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils import fc_host_network as hn
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule


def main():
    fc = FcModule(dict(name=dict(type="str", aliases=["host_name"]), cluster=dict(type="str")),
                  mutually_exclusive=[("name", "cluster")])
    fc.run(lambda: run(fc))


def run(fc):
    p = fc.params
    if p["name"]:
        hosts = [fc_lookup.host(fc, p["name"])]
    else:
        params = {"scope": fc_lookup.cluster(fc, p["cluster"])["urn"]} if p["cluster"] else None
        hosts = fc.client.list_all(fc.site_uri + "/hosts", "hosts", params)
    out = [hn.view(h, hn.read(fc.client, h)) for h in sorted(hosts, key=lambda h: h.get("name") or "")]
    return {"changed": False, "hosts": out}


if __name__ == "__main__":
    main()
