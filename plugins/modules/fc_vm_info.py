#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_vm_info
short_description: Read FusionCompute VMs and templates
version_added: 0.1.0
description:
  - Lists VMs with the filters sent to VRM (name, cluster, host, status, template or not), then keeps exact name
    matches only (VRM's name filter is fuzzy).
  - With O(details=true), reads each VM's full configuration (disks, NICs, QoS); with O(statistics=true), its
    current CPU, memory, disk and network use.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT_UNUSED
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  name:
    description: Exact name.
    type: str
  urn:
    description: URN of one VM. Like the other filters, a URN that matches no VM returns an empty list.
    type: str
  cluster:
    description: Only VMs of this cluster (name or URN).
    type: str
  cna_host:
    description: Only VMs on this host (name, IP or URN).
    type: str
  power_state:
    description:
      - Only VMs in this power state, in the word the modules use (O(fusioncompute.core.fc_vm#module:power_state),
        M(fusioncompute.core.fc_vm_powerstate), the C(fc_power_state) of the fc_vms inventory).
      - V(powered-on) is VRM's C(running), V(powered-off) C(stopped), V(suspended) C(hibernated), V(paused)
        C(pause). O(status) filters by VRM's own word, including the passing states.
    type: str
    choices: [powered-on, powered-off, suspended, paused]
  status:
    description: Only VMs in this VRM state.
    type: str
    choices: [running, stopped, hibernated, pause, unknown, creating, migrating, starting, stopping, hibernating,
              shutting-down, fault-resuming, recycling]
  templates:
    description: V(true) lists only templates, V(false) only VMs; omit for both.
    type: bool
  details:
    description:
      - Return each VM's full configuration. The VMs are then listed at VRM's detail level 2, which carries
        it, so the request count stays one per 100 VMs.
    type: bool
    default: false
  statistics:
    description: Read each VM's current CPU, memory, disk and network use.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Running VMs of the production cluster
  fusioncompute.core.fc_vm_info:
    cluster: cluster-prod
    power_state: powered-on
    templates: false
  register: running

- name: VMs that VRM is creating right now (a passing state, by VRM's own word)
  fusioncompute.core.fc_vm_info:
    status: creating

- name: One VM with its disks and NICs and its current use
  fusioncompute.core.fc_vm_info:
    name: web01
    details: true
    statistics: true
"""

RETURN = r"""
vms:
  description: The VMs, snake_case keys, always with the URN.
  returned: always
  type: list
  elements: dict
  contains:
    urn:
      description: URN of the VM.
      type: str
    power_state:
      description:
        - V(powered-on), V(powered-off), V(suspended) or V(paused), the word every module of the collection and
          the C(fc_power_state) of the fc_vms inventory use; a VM in a passing VRM state (C(creating),
          C(migrating), C(starting), ...) has that state here, as in its C(status).
      type: str
      sample: powered-on
    statistics:
      description: Current use (cpu_usage and mem_usage in percent, disk and network in KB/s).
      type: dict
      returned: with statistics
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_common import POWER_STATES, power_state, vm_view

VRM_STATUS = {word: status for status, word in POWER_STATES.items()}
METRICS = ["cpu_usage", "mem_usage", "disk_io_in", "disk_io_out", "nic_byte_in", "nic_byte_out"]


def main():
    fc = FcModule(dict(
        name=dict(type="str"), urn=dict(type="str"), cluster=dict(type="str"), cna_host=dict(type="str"),
        status=dict(type="str", choices=["running", "stopped", "hibernated", "pause", "unknown", "creating",
                                         "migrating", "starting", "stopping", "hibernating", "shutting-down",
                                         "fault-resuming", "recycling"]),
        power_state=dict(type="str", choices=["powered-on", "powered-off", "suspended", "paused"]),
        templates=dict(type="bool"), details=dict(type="bool", default=False),
        statistics=dict(type="bool", default=False),
    ), mutually_exclusive=[("status", "power_state")])
    fc.run(lambda: run(fc))


def _brief(vm):
    return {"urn": vm.get("urn"), "uri": vm.get("uri"), "uuid": vm.get("uuid"), "name": vm.get("name"),
            "description": vm.get("description", ""), "status": vm.get("status"), "power_state": power_state(vm),
            "is_template": bool(vm.get("isTemplate")), "cluster": vm.get("clusterName"),
            "cluster_urn": vm.get("clusterUrn"), "host": vm.get("hostName") or None,
            "host_urn": vm.get("hostUrn") or None, "create_time": vm.get("createTime"),
            "ips": [n.get("ip") for n in (vm.get("vmConfig") or {}).get("nics", [])
                    if n.get("ip") and n.get("ip") != "0.0.0.0"]}


def run(fc):
    p = fc.params
    if p["urn"]:
        found = fc_lookup.vm(fc, urn=p["urn"], required=False)
        vms = [found] if found else []
    else:
        params = {"detail": 2 if p["details"] else 1}
        if p["name"]:
            params["name"] = p["name"]
        if p["status"] or p["power_state"]:
            params["status"] = p["status"] or VRM_STATUS[p["power_state"]]
        if p["templates"] is not None:
            params["isTemplate"] = "true" if p["templates"] else "false"
        if p["cna_host"]:
            params["scope"] = fc_lookup.host(fc, p["cna_host"])["urn"]
        elif p["cluster"]:
            params["scope"] = fc_lookup.cluster(fc, p["cluster"])["urn"]
        vms = fc.client.list_all(fc.site_uri + "/vms", "vms", params)
        if p["name"]:
            vms = [v for v in vms if v.get("name") == p["name"]]
        if p["cluster"] and p["cna_host"]:
            cl = fc_lookup.cluster(fc, p["cluster"])
            vms = [v for v in vms if v.get("clusterUrn") == cl["urn"]]
    out = []
    for vm in vms:
        if p["details"] or p["urn"]:
            full = vm if "cpu" in (vm.get("vmConfig") or {}) else fc.client.get(vm["uri"])
            item = dict(_brief(full), **vm_view(full))
        else:
            item = _brief(vm)
        out.append(item)
    if p["statistics"] and out:
        # POST is a query here; it changes nothing, so it is allowed in check mode too.
        body = [{"urn": v["urn"], "metricId": METRICS} for v in out]
        saved = fc.client.check_mode
        fc.client.check_mode = False
        try:
            answer = fc.client.post(fc.site_uri + "/monitors/objectmetric-realtimedata", body=body) or {}
        finally:
            fc.client.check_mode = saved
        stats = {}
        for item in answer.get("items", []):
            stats[item["urn"]] = {m["metricId"]: float(m["metricValue"]) for m in item.get("value", [])
                                  if m.get("metricValue") not in (None, "")}
        for v in out:
            v["statistics"] = stats.get(v["urn"], {})
    return {"changed": False, "vms": out}


if __name__ == "__main__":
    main()
