#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_drs_rule_info
short_description: Read the DRS rules, VM/host groups and open recommendations of FusionCompute clusters
version_added: 0.1.0
description:
  - Returns, per cluster, its DRS rules (affinity, anti-affinity, VM-to-host), its VM groups and host groups with
    their members, and the recommendations DRS has made in manual mode and that wait to be applied.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT_UNUSED
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  cluster:
    description: Name or URN of one cluster. Omit for every cluster of the site.
    type: str
seealso:
  - module: fusioncompute.core.fc_drs_rule
  - module: fusioncompute.core.fc_drs_group
  - module: fusioncompute.core.fc_drs_recommendation
  - module: fusioncompute.core.fc_cluster_info
"""

EXAMPLES = r"""
- name: DRS rules, groups and recommendations of cluster-prod
  fusioncompute.core.fc_drs_rule_info:
    cluster: cluster-prod
  register: drs

- name: Show the rules
  ansible.builtin.debug:
    msg: "{{ drs.clusters[0].rules | map(attribute='name') | list }}"
"""

RETURN = r"""
clusters:
  description: One entry per cluster.
  returned: always
  type: list
  elements: dict
  contains:
    cluster:
      description: Name of the cluster.
      type: str
    urn:
      description: URN of the cluster.
      type: str
    rules:
      description: The DRS rules, by name.
      type: list
      elements: dict
      contains:
        name:
          description: Name of the rule.
          type: str
        index:
          description: VRM's index of the rule in the cluster.
          type: int
        type:
          description: V(affinity) (keep together), V(anti_affinity) (keep apart) or V(vm_host).
          type: str
        vms:
          description: Names of the VMs of an affinity or anti-affinity rule (empty for V(vm_host)).
          type: list
          elements: str
        vm_group:
          description: The VM group of a V(vm_host) rule (null otherwise).
          type: str
        host_group:
          description: The host group of a V(vm_host) rule (null otherwise).
          type: str
        host_rule:
          description: V(must), V(should), V(must_not) or V(should_not) for a V(vm_host) rule (null otherwise).
          type: str
        created:
          description: When the rule was created (UTC).
          type: str
        updated:
          description: When the rule was last changed (UTC).
          type: str
    groups:
      description: The VM groups and host groups, by name.
      type: list
      elements: dict
      contains:
        name:
          description: Name of the group.
          type: str
        urn:
          description: URN of the group.
          type: str
        type:
          description: V(vm) or V(host).
          type: str
        members:
          description: Names of the members.
          type: list
          elements: str
    recommendations:
      description: Migrations DRS recommends in manual mode; apply them with M(fusioncompute.core.fc_drs_recommendation).
      type: list
      elements: dict
      contains:
        urn:
          description: URN of the recommendation.
          type: str
        type:
          description: V(migrateVm), V(powerOn) or V(powerOff).
          type: str
        reason:
          description: Why - V(RULES) (a rule is broken), V(LB_CPU) or V(LB_MEMORY) (balance), V(OVERLOAD), V(UNDERLOAD).
          type: str
        created:
          description: When DRS made it (UTC).
          type: str
        vm:
          description: Name of the VM to move.
          type: str
        vm_urn:
          description: URN of the VM to move.
          type: str
        source_host:
          description: Name of the host the VM runs on.
          type: str
        destination_host:
          description: Name of the host DRS recommends.
          type: str
        depends_on:
          description: URNs of recommendations to apply first.
          type: list
          elements: str
  sample:
    - cluster: cluster-prod
      urn: urn:sites:4D6B0918:clusters:1
      rules:
        - name: web-apart
          index: 1
          type: anti_affinity
          vms: [web-a, web-b]
          vm_group: null
          host_group: null
          host_rule: null
          created: "2026-12-06T23:40:00Z"
          updated: "2026-12-06T23:40:00Z"
      groups:
        - {name: rack-a, urn: "urn:sites:4D6B0918:clusters:1:resourcegroups:1", type: host, members: [cna-prod-01]}
      recommendations: []
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_drs, fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule


def main():
    fc = FcModule(dict(cluster=dict(type="str")))
    fc.run(lambda: run(fc))


def run(fc):
    if fc.params["cluster"]:
        clusters = [fc_lookup.cluster(fc, fc.params["cluster"])]
    else:
        clusters = [fc.client.get(c["uri"]) for c in
                    (fc.client.get(fc.site_uri + "/clusters") or {}).get("clusters", [])]
    out = []
    for c in clusters:
        entry = {"cluster": c["name"], "urn": c["urn"]}
        entry.update(fc_drs.drs_view(fc, c))
        out.append(entry)
    return {"changed": False, "clusters": out}


if __name__ == "__main__":
    main()
