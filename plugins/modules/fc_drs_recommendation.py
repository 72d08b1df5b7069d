#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_drs_recommendation
short_description: Apply the DRS recommendations of a FusionCompute cluster
version_added: 0.1.0
description:
  - In manual mode DRS does not move VMs itself; each cycle it publishes recommendations (repairs of broken DRS
    rules, reason V(RULES), and load balancing). This module applies them - all open ones, or the ones named - and
    waits for the migrations.
  - A recommendation that is no longer open (applied, or replaced by a newer DRS cycle) is not an error; it is listed
    in RV(not_open), so a rerun reports no change.
  - Recommendations are applied in the order their dependencies need.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT
  - fusioncompute.core.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
options:
  cluster:
    description: Name or URN of the cluster.
    type: str
    required: true
  recommendations:
    description: URNs of the recommendations to apply (from M(fusioncompute.core.fc_drs_rule_info)). Omit to apply every
      open recommendation.
    type: list
    elements: str
  reasons:
    description: Apply only the recommendations with these reasons (for example V(RULES) to repair broken rules only).
    type: list
    elements: str
seealso:
  - module: fusioncompute.core.fc_drs_rule_info
  - module: fusioncompute.core.fc_drs_rule
  - module: fusioncompute.core.fc_cluster
"""

EXAMPLES = r"""
- name: Apply whatever DRS recommends for cluster-prod
  fusioncompute.core.fc_drs_recommendation:
    cluster: cluster-prod
  register: applied

- name: Only repair broken rules
  fusioncompute.core.fc_drs_recommendation:
    cluster: cluster-prod
    reasons: [RULES]
"""

RETURN = r"""
applied:
  description: The recommendations applied (in check mode, that would be applied), with the fields of a
    recommendation of M(fusioncompute.core.fc_drs_rule_info).
  returned: always
  type: list
  elements: dict
  sample:
    - urn: urn:sites:4D6B0918:clusters:1:drsrecommendations:3
      type: migrateVm
      reason: RULES
      created: "2026-12-06T23:50:00Z"
      vm: web-b
      vm_urn: urn:sites:4D6B0918:vms:i-00000012
      source_host: cna-prod-01
      destination_host: cna-prod-03
      depends_on: []
not_open:
  description: URNs named in O(recommendations) that are no longer open.
  returned: always
  type: list
  elements: str
  sample: []
plan:
  description: The changes made (or, in check mode, that would be made), one sentence each, in order.
  returned: when changed
  type: list
  elements: str
  sample: ["move web-b from cna-prod-01 to cna-prod-03 (RULES)"]
tasks:
  description: The migration tasks started, in order.
  returned: when tasks were started
  type: list
  elements: dict
  sample:
    - task_urn: "urn:sites:4D6B0918:tasks:1042"
      method: POST
      path: /service/sites/4D6B0918/clusters/1/drsrecommendations/3/action/apply
      status: success
      duration: 2.0
  contains:
    task_urn:
      description: URN of the task.
      type: str
    method:
      description: HTTP method of the request that started it.
      type: str
    path:
      description: Path of that request.
      type: str
    status:
      description: V(success) when the module waited for it, V(running) with O(wait=false).
      type: str
    duration:
      description: Seconds the task took (absent with O(wait=false)).
      type: float
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_drs, fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule


def run(fc):
    p = fc.params
    cluster = fc_lookup.cluster(fc, p["cluster"])
    open_recs = fc_drs.recommendations_of(fc, cluster)
    by_urn = dict((r["urn"], r) for r in open_recs)
    if p["recommendations"] is None:
        chosen, not_open = list(open_recs), []
    else:
        chosen = [by_urn[u] for u in p["recommendations"] if u in by_urn]
        not_open = [u for u in p["recommendations"] if u not in by_urn]
    if p["reasons"] is not None:
        chosen = [r for r in chosen if r.get("reason") in p["reasons"]]
    chosen = fc_drs.ordered(chosen)
    plan = []
    for r in chosen:
        v = fc_drs.recommendation_view(r)
        if v["type"] == "migrateVm":
            plan.append("move %s from %s to %s (%s)" % (v["vm"], v["source_host"], v["destination_host"], v["reason"]))
        else:
            plan.append("%s (%s)" % (v["type"], v["reason"]))
    if not fc.check_mode:
        for r in chosen:
            fc.call("POST", r["uri"] + "/action/apply")
    out = {"changed": bool(chosen), "applied": [fc_drs.recommendation_view(r) for r in chosen], "not_open": not_open}
    if chosen:
        out["plan"] = plan
    return out


def main():
    fc = FcModule(dict(
        cluster=dict(type="str", required=True),
        recommendations=dict(type="list", elements="str"),
        reasons=dict(type="list", elements="str"),
    ))
    fc.run(lambda: run(fc))


if __name__ == "__main__":
    main()
