#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_cluster_info
short_description: Read FusionCompute clusters
version_added: 0.1.0
description:
  - Lists clusters with their DRS, DPM and HA settings, DRS rules and capacity; the name filter is sent to VRM, then
    matched exactly.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT_UNUSED
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  name:
    description: Exact name of the cluster.
    type: str
seealso:
  - module: fusioncompute.core.fc_cluster
  - module: fusioncompute.core.fc_host_info
"""

EXAMPLES = r"""
- name: All clusters
  fusioncompute.core.fc_cluster_info:
  register: clusters
"""

RETURN = r"""
clusters:
  description: The clusters, with stable snake_case keys and their URNs.
  returned: always
  type: list
  elements: dict
  contains:
    cpu_total_mhz:
      description: CPU capacity of the cluster's hosts in MHz.
      type: int
    description:
      description: Description.
      type: str
    dpm:
      description: Distributed power management.
      type: dict
      contains:
        enabled:
          description: Whether DPM is on.
          type: bool
        level:
          description: V(manual) or V(automatic) (null when DPM is off).
          type: str
        threshold:
          description: Power-management threshold, 1 to 5.
          type: int
    drs:
      description: Dynamic resource scheduling.
      type: dict
      contains:
        enabled:
          description: Whether DRS is on.
          type: bool
        factor:
          description: What DRS balances - V(cpu), V(memory) or V(cpu_and_memory).
          type: str
        level:
          description: V(manual) or V(automatic) (null when DRS was never set).
          type: str
        threshold:
          description: Migration threshold, 1 (conservative) to 5 (aggressive).
          type: int
        rules:
          description: The cluster's DRS rules, with the fields of a rule of M(fusioncompute.core.fc_drs_rule_info).
          type: list
          elements: dict
          sample:
            - name: web-apart
              index: 1
              type: anti_affinity
              vms: [web-a, web-b]
              vm_group: null
              host_group: null
              host_rule: null
              created: "2026-12-06T23:40:00Z"
              updated: "2026-12-06T23:40:00Z"
    ha:
      description: High availability.
      type: dict
      contains:
        admission_control:
          description: HA admission control.
          type: dict
          contains:
            cpu_reservation_percent:
              description: CPU kept free for failover, in percent (0-50).
              type: int
            enabled:
              description: Whether admission control is on.
              type: bool
            host_failures:
              description: Host failures tolerated (1 to the number of hosts).
              type: int
            memory_reservation_percent:
              description: Memory kept free for failover, in percent (0-50).
              type: int
            policy:
              description: V(reserve_resources), V(tolerate_host_failures) or V(failover_hosts).
              type: str
        enabled:
          description: Whether HA is on.
          type: bool
        host_failure_policy:
          description: What HA does when a host fails - V(ha) (restart its VMs elsewhere) or V(none).
          type: str
    memory_overcommit:
      description: Whether memory overcommitment is on (VRM C(isMemOvercommit)).
      type: bool
    memory_total_mb:
      description: Memory of the cluster's hosts in MB.
      type: int
    name:
      description: Name of the cluster.
      type: str
    urn:
      description: URN of the cluster.
      type: str
  sample:
    - cpu_total_mhz: 249600
      description: Production workloads
      dpm:
        enabled: false
        level: null
        threshold: 3
      drs:
        enabled: true
        factor: cpu_and_memory
        level: automatic
        rules: []
        threshold: 3
      ha:
        admission_control:
          cpu_reservation_percent: 0
          enabled: false
          host_failures: 1
          memory_reservation_percent: 0
          policy: reserve_resources
        enabled: true
        host_failure_policy: ha
      memory_overcommit: false
      memory_total_mb: 786432
      name: cluster-prod
      urn: urn:sites:4D6B0918:clusters:1
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_drs
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_views import cluster_view


def main():
    fc = FcModule(dict(name=dict(type="str")))
    fc.run(lambda: run(fc))


def run(fc):
    params = {"name": fc.params["name"]} if fc.params["name"] else None
    items = (fc.client.get(fc.site_uri + "/clusters", params=params) or {}).get("clusters", [])
    if fc.params["name"]:
        items = [c for c in items if c.get("name") == fc.params["name"]]
    return {"changed": False, "clusters": [_view(fc, fc.client.get(c["uri"])) for c in items]}


def _view(fc, cluster):
    out = cluster_view(cluster)
    rules = fc_drs.rules_of(cluster)
    groups = dict((g["urn"], g) for g in fc_drs.groups_of(fc, cluster)) if any(r.get("ruleType") == 3 for r in rules) \
        else {}
    out["drs"]["rules"] = sorted((fc_drs.rule_view(r, groups) for r in rules), key=lambda r: r["name"] or "")
    return out


if __name__ == "__main__":
    main()
