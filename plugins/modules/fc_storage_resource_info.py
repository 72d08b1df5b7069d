#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_storage_resource_info
short_description: Read FusionCompute storage resources, their LUNs, the hosts' initiators and iSCSI sessions
version_added: 0.2.0
description:
  - Lists the storage resources of the site (IP-SAN and FC SAN arrays, advanced SAN, FusionStorage, NFS servers)
    with their target portals, connected hosts and storage units (LUNs or exports), and the datastore each unit
    holds.
  - With O(sessions=true), also each connected host's iSCSI initiator name and its iSCSI sessions to the target
    portals (V(CONNECTED), V(ABNORMAL), V(CONNECTING)).
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT_UNUSED
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  name:
    description: Exact name of the storage resource.
    type: str
  type:
    description: Only resources of this type.
    type: str
    choices: [ipsan, fcsan, advanced_san, fusionstorage, nas]
  cna_host:
    description: Only resources this host (name, IP or URN) is connected to.
    type: str
  sessions:
    description: Also read the connected hosts' initiators and iSCSI sessions (two requests per host).
    type: bool
    default: false
seealso:
  - module: fusioncompute.core.fc_storage_resource
  - module: fusioncompute.core.fc_datastore
"""

EXAMPLES = r"""
- name: The site's SAN arrays with the hosts' iSCSI sessions
  fusioncompute.core.fc_storage_resource_info:
    type: ipsan
    sessions: true
  register: arrays

- name: The LUNs no datastore uses yet
  ansible.builtin.debug:
    msg: "{{ arrays.storage_resources | map(attribute='storage_units') | flatten
             | selectattr('datastore', 'none') | map(attribute='name') | list }}"
"""

RETURN = r"""
storage_resources:
  description: The storage resources, with stable snake_case keys and their URNs.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the storage resource.
      type: str
    urn:
      description: URN of the storage resource.
      type: str
    type:
      description: V(ipsan), V(fcsan), V(advanced_san), V(fusionstorage) or V(nas).
      type: str
    vendor:
      description: Vendor (V(HW) or V(OTHER)).
      type: str
    device_type:
      description: Device type (V(3900), V(V3), V(DSWARE), V(OTHER)).
      type: str
    management_ip:
      description: Management IP (advanced SAN), else null.
      type: str
    target_portals:
      description: Target portals (VRM's data channels), each with C(ip) and C(port).
      type: list
      elements: dict
    target_iqn:
      description: The array's iSCSI target name, when set.
      type: str
    chap_username:
      description: CHAP user, when set.
      type: str
    hosts:
      description: Names of the connected hosts.
      type: list
      elements: str
    storage_units:
      description:
        - The storage units (LUNs or exports) the resource offers, each with C(name), C(urn), C(capacity_gb),
          C(type) (V(LUN), V(NAS), ...), C(datastore) (the name of the datastore on it, null when unused) and
          C(hosts) (names of the hosts that see it).
      type: list
      elements: dict
    initiators:
      description: Initiator name (IQN) of each connected host's iSCSI adapter, by host name.
      returned: with O(sessions=true)
      type: dict
    sessions:
      description: Each connected host's iSCSI sessions (C(ip), C(port), C(status)), by host name.
      returned: with O(sessions=true)
      type: dict
  sample:
    - name: oceanstor-01
      urn: urn:sites:4D6B0918:storageresources:1
      type: ipsan
      vendor: HW
      device_type: V3
      management_ip: 198.51.100.200
      target_portals: [{"ip": "198.51.100.201", "port": 3260}]
      target_iqn: iqn.2006-08.com.huawei:oceanstor:01
      chap_username: null
      hosts: [cna-prod-01]
      storage_units:
        - {"name": "LUN-prod-01", "urn": "urn:sites:4D6B0918:storageunits:1", "capacity_gb": 4096, "type": "LUN",
           "datastore": "datastore-prod", "hosts": ["cna-prod-01"]}
      initiators: {"cna-prod-01": "iqn.2012-12.com.huawei:cna-prod-01"}
      sessions: {"cna-prod-01": [{"ip": "198.51.100.201", "port": 3260, "status": "CONNECTED"}]}
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup, fc_storage
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule


def main():
    fc = FcModule(dict(name=dict(type="str"), type=dict(type="str", choices=sorted(fc_storage.TYPES)),
                       cna_host=dict(type="str"), sessions=dict(type="bool", default=False)))
    fc.run(lambda: run(fc))


def run(fc):
    p = fc.params
    host = fc_lookup.host(fc, p["cna_host"]) if p["cna_host"] else None
    out = []
    for sres in fc_storage.resources(fc):
        if p["name"] and sres.get("name") != p["name"]:
            continue
        if p["type"] and fc_storage.type_of(sres) != p["type"]:
            continue
        detail = fc.client.get(sres["uri"])
        if host and not any(h.get("urn") == host["urn"] for h in detail.get("hostUrns") or []):
            continue
        out.append(fc_storage.view(fc, detail, with_sessions=p["sessions"]))
    return {"changed": False, "storage_resources": out}


if __name__ == "__main__":
    main()
