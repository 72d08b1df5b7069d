#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_cluster
short_description: Manage FusionCompute clusters and their DRS, DPM and HA policies
version_added: 0.1.0
description:
  - Creates, renames, updates and deletes clusters.
  - Manages DRS (enabled, automation level, migration threshold), DPM (power management level and threshold),
    HA (enabled, admission control, host-failure policy) and memory overcommit.
  - Only the settings given are compared and changed.
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
    support: full
options:
  name:
    aliases: [cluster_name]
    description: Name of the cluster (or its URN to rename it with O(new_name)).
    type: str
    required: true
  new_name:
    description: Rename the cluster to this.
    type: str
  state:
    description: V(present) or V(absent). A cluster with hosts or VMs cannot be deleted.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description.
    type: str
  memory_overcommit:
    description: Allow memory overcommit (VRM C(isMemOvercommit)).
    type: bool
  drs:
    description: Dynamic resource scheduling.
    type: dict
    suboptions:
      enabled:
        description: DRS on or off.
        type: bool
      level:
        description: V(manual) gives recommendations, V(automatic) migrates VMs.
        type: str
        choices: [manual, automatic]
      threshold:
        description: Migration threshold from 1 (conservative) to 5 (aggressive), for every hour of the day.
        type: int
      factor:
        description: What DRS balances.
        type: str
        choices: [cpu, memory, cpu_and_memory]
  dpm:
    description: Distributed power management (powers idle hosts off).
    type: dict
    suboptions:
      enabled:
        description: DPM on or off (off sets VRM C(powerLevel) 0).
        type: bool
      level:
        description: V(manual) or V(automatic), when enabled.
        type: str
        choices: [manual, automatic]
        default: automatic
      threshold:
        description: Power-management threshold from 1 (conservative) to 5 (aggressive).
        type: int
  ha:
    description: High availability.
    type: dict
    suboptions:
      enabled:
        description: HA on or off.
        type: bool
      host_failure_policy:
        description: What happens to VMs of a failed host.
        type: str
        choices: [ha, restart_on_original_host]
      admission_control:
        description: HA admission control.
        type: dict
        suboptions:
          enabled:
            description: Admission control on or off.
            type: bool
          policy:
            description: How capacity is kept for failover.
            type: str
            choices: [reserve_resources, tolerate_host_failures, failover_hosts]
          cpu_reservation_percent:
            description: CPU reserved for failover (0-50), with V(reserve_resources).
            type: int
          memory_reservation_percent:
            description: Memory reserved for failover (0-50), with V(reserve_resources).
            type: int
          host_failures:
            description:
              - Host failures to tolerate, with V(tolerate_host_failures); from 1 to the number of hosts in the
                cluster (1 for an empty cluster), as VRM allows.
            type: int
seealso:
  - module: fusioncompute.core.fc_cluster_info
  - module: fusioncompute.core.fc_host
"""

EXAMPLES = r"""
- name: A production cluster with automatic DRS and HA
  fusioncompute.core.fc_cluster:
    name: cluster-batch
    description: Batch jobs
    drs:
      enabled: true
      level: automatic
      threshold: 3
    ha:
      enabled: true
      admission_control:
        enabled: true
        policy: reserve_resources
        cpu_reservation_percent: 25
        memory_reservation_percent: 25

- name: Remove it
  fusioncompute.core.fc_cluster:
    name: cluster-batch
    state: absent
"""

RETURN = r"""
cluster:
  description: The cluster, normalised after the change (in check mode, what it would be), with the fields of
    M(fusioncompute.core.fc_cluster_info).
  returned: always
  type: dict
  sample:
    cpu_total_mhz: 249600
    description: Production workloads
    dpm:
      enabled: false
      level: null
      threshold: 3
    drs:
      enabled: true
      factor: cpu_and_memory
      level: automatic
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
plan:
  description: The changes made (or, in check mode, that would be made), one sentence each, in order.
  returned: when changed
  type: list
  elements: str
tasks:
  description: The VRM tasks the module started, in order.
  returned: when tasks were started
  type: list
  elements: dict
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

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import is_urn
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule, Resource, Step
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_views import (
    DRS_LEVEL, FACTOR, HOST_POLICY, LIMEN, POLICY, POWER_LEVEL, cluster_view)


def _strip(d):
    if isinstance(d, dict):
        out = {k: _strip(v) for k, v in d.items() if v is not None}
        return {k: v for k, v in out.items() if v != {}}
    return d


class Cluster(Resource):
    kind = "cluster"

    def validate(self):
        p = self.params
        for key in ("drs", "dpm"):
            t = (p[key] or {}).get("threshold")
            if t is not None and t not in LIMEN:
                raise FcError("%s.threshold must be between 1 and 5." % key)
        ac = ((p["ha"] or {}).get("admission_control") or {})
        for k in ("cpu_reservation_percent", "memory_reservation_percent"):
            if ac.get(k) is not None and not 0 <= ac[k] <= 50:
                raise FcError("ha.admission_control.%s must be between 0 and 50." % k)
        if ac.get("host_failures") is not None and ac["host_failures"] < 1:
            raise FcError("ha.admission_control.host_failures must be at least 1 (and at most the cluster's "
                          "number of hosts), not %d." % ac["host_failures"])

    def find(self):
        ref = self.params["name"]
        return fc_lookup.cluster(self.fc, ref, required=False)

    def reread(self, obj):
        if obj is not None:
            return self.client.get(obj["uri"])
        return fc_lookup.cluster(self.fc, self.params["new_name"] or self.params["name"], required=False)

    def view(self, obj):
        v = cluster_view(obj)
        v.pop("cpu_total_mhz")
        v.pop("memory_total_mb")
        return v

    def returned(self, obj):
        return cluster_view(obj)

    def desired(self):
        p = self.params
        d = {"description": p["description"], "memory_overcommit": p["memory_overcommit"]}
        if p["new_name"]:
            d["name"] = p["new_name"]
        elif not is_urn(p["name"]):
            d["name"] = p["name"]
        if p["drs"]:
            d["drs"] = _strip(dict(p["drs"]))
        if p["dpm"]:
            dpm = dict(p["dpm"])
            if dpm.get("enabled") is False:
                dpm = {"enabled": False}
            d["dpm"] = _strip(dpm)
        if p["ha"]:
            d["ha"] = _strip(dict(p["ha"]))
        return _strip(d)

    def body(self, desired, current=None):
        b = {}
        if "name" in desired:
            b["name"] = desired["name"]
        if "description" in desired:
            b["description"] = desired["description"]
        if "memory_overcommit" in desired:
            b["isMemOvercommit"] = desired["memory_overcommit"]
        drs = {}
        if "drs" in desired:
            x = desired["drs"]
            if "enabled" in x:
                b["isEnableDrs"] = x["enabled"]
            if "level" in x:
                drs["drsLevel"] = DRS_LEVEL[x["level"]]
            if "threshold" in x:
                drs["drsFragmentLimen"] = [{"fragmentTime": h, "limen": LIMEN[x["threshold"]]} for h in range(24)]
            if "factor" in x:
                drs["factor"] = FACTOR[x["factor"]]
        if "dpm" in desired:
            x = desired["dpm"]
            if x.get("enabled") is False:
                drs["powerLevel"] = 0
            elif x.get("enabled"):
                drs["powerLevel"] = POWER_LEVEL[x.get("level") or "automatic"]
            if "threshold" in x:
                drs["powerFragmentLimen"] = [{"fragmentTime": h, "limen": LIMEN[x["threshold"]]} for h in range(24)]
        if drs:
            b["drsSetting"] = drs
        if "ha" in desired:
            x = desired["ha"]
            ha = {}
            if "enabled" in x:
                b["isEnableHa"] = x["enabled"]
            if "host_failure_policy" in x:
                ha["ishostRelatedFaultResponse"] = True
                ha["hostRelatedFaultResponse"] = {"hostFaultResponse": HOST_POLICY[x["host_failure_policy"]]}
            ac = x.get("admission_control") or {}
            if "enabled" in ac:
                ha["isAccessControl"] = ac["enabled"]
            acs = {}
            if "policy" in ac:
                acs["accessControlPolicy"] = POLICY[ac["policy"]]
            pairs = (("cpu_reservation_percent", "cpuReservation"),
                     ("memory_reservation_percent", "memoryReservation"),
                     ("host_failures", "hostsFaultQuantity"))
            for k, f in pairs:
                if k in ac:
                    acs[f] = ac[k]
            if acs:
                ha["accessControlSetting"] = acs
            if ha:
                b["haSetting"] = ha
        return b

    def _check_host_failures(self, obj):
        """VRM takes host_failures from 1 to the cluster's number of hosts (1 for an empty cluster); say so with
        the option's name instead of VRM's field name."""
        wanted = (((self.params["ha"] or {}).get("admission_control") or {}).get("host_failures"))
        if wanted is None:
            return
        hosts = self.client.list_all(self.fc.site_uri + "/hosts", "hosts", {"scope": obj["urn"]}) if obj else []
        if wanted > max(1, len(hosts)):
            raise FcError("ha.admission_control.host_failures is %d, but cluster %s has %d host(s); VRM takes 1 to the "
                          "number of hosts (1 for an empty cluster)." % (wanted, self.params["name"], len(hosts)))

    def plan_create(self, desired):
        if is_urn(self.params["name"]):
            raise FcError("Cluster %s does not exist; give a name to create one." % self.params["name"])
        self._check_host_failures(None)
        body = self.body(desired)
        body.setdefault("name", self.params["name"])
        return [Step("create cluster %s" % body["name"],
                     lambda: self.fc.call("POST", self.fc.site_uri + "/clusters", body=body))]

    def plan_update(self, obj, current, changes):
        self._check_host_failures(obj)
        body = self.body(changes, current)
        return [Step("update cluster %s: %s" % (obj["name"], ", ".join(sorted(changes))),
                     lambda: self.fc.call("PUT", obj["uri"], body=body))]

    def plan_delete(self, obj):
        hosts = self.client.list_all(self.fc.site_uri + "/hosts", "hosts", {"scope": obj["urn"]})
        if hosts:
            raise FcError("Cluster %s still has %d host(s) (%s); move or remove them first." % (
                obj["name"], len(hosts), ", ".join(h["name"] for h in hosts)))
        return [Step("delete cluster %s" % obj["name"], lambda: self.fc.call("DELETE", obj["uri"]))]


def main():
    ac = dict(enabled=dict(type="bool"), policy=dict(type="str", choices=list(POLICY)),
              cpu_reservation_percent=dict(type="int"), memory_reservation_percent=dict(type="int"),
              host_failures=dict(type="int"))
    fc = FcModule(dict(
        name=dict(type="str", aliases=["cluster_name"], required=True), new_name=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        description=dict(type="str"), memory_overcommit=dict(type="bool"),
        drs=dict(type="dict", options=dict(enabled=dict(type="bool"), level=dict(type="str", choices=list(DRS_LEVEL)),
                                           threshold=dict(type="int"), factor=dict(type="str", choices=list(FACTOR)))),
        dpm=dict(type="dict", options=dict(enabled=dict(type="bool"),
                                           level=dict(type="str", default="automatic", choices=list(POWER_LEVEL)),
                                           threshold=dict(type="int"))),
        ha=dict(type="dict", options=dict(enabled=dict(type="bool"),
                                          host_failure_policy=dict(type="str", choices=list(HOST_POLICY)),
                                          admission_control=dict(type="dict", options=ac))),
    ))
    fc.run(lambda: Cluster(fc).run())


if __name__ == "__main__":
    main()
