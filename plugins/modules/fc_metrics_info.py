#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_metrics_info
short_description: Read real-time or historical performance metrics of FusionCompute objects
version_added: 0.2.0
description:
  - Reads metrics (CPU and memory usage, disk and network rates...) of a VM, host, cluster or datastore.
  - Without O(interval), the current values (VRM's real-time data). With O(interval), a curve - one value per
    interval from O(start) to O(end) (VRM's history data).
  - Which metric ids an object has is listed in FusionCompute's metric catalogue, for example C(cpu_usage),
    C(mem_usage), C(disk_io_in), C(disk_io_out), C(nic_byte_in) and C(nic_byte_out) for VMs, hosts and
    clusters, and C(logic_disk_usage) for hosts, clusters and datastores.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.attributes
  - fusioncompute.core.attributes.INFO
options:
  object:
    description: The object - its URN, or its name with O(object_type).
    type: str
    required: true
  object_type:
    description: The type of the object O(object) names (not needed with a URN).
    type: str
    choices: [vm, host, cluster, datastore]
  metrics:
    description: Metric ids to read.
    type: list
    elements: str
    required: true
  interval:
    description:
      - Seconds between two values of a curve; without it the current values are read.
      - VRM keeps curves at 60 s, 5 min, 30 min, 1 hour, 1 day, 1 week, 1 month (30 days) and 1 year.
    type: int
    choices: [60, 300, 1800, 3600, 86400, 604800, 2592000, 31536000]
  start:
    description:
      - Start of the curve; seconds since 1970 or a UTC date C(YYYY-MM-DD HH:MM:SS).
      - Default - 60 intervals before O(end).
    type: str
  end:
    description: End of the curve (same forms as O(start)). Default - the VRM's current time.
    type: str
seealso:
  - module: fusioncompute.core.fc_vm_info
"""

EXAMPLES = r"""
- name: Current CPU and memory usage of a host
  fusioncompute.core.fc_metrics_info:
    object: cna-prod-01
    object_type: host
    metrics: [cpu_usage, mem_usage]
  register: now

- name: CPU usage of a cluster over the last hour, every 5 minutes
  fusioncompute.core.fc_metrics_info:
    object: cluster-prod
    object_type: cluster
    metrics: [cpu_usage]
    interval: 300
  register: curve
"""

RETURN = r"""
object:
  description: The object read.
  returned: always
  type: dict
  contains:
    urn:
      description: Its URN.
      type: str
    name:
      description: Its name.
      type: str
  sample: {"urn": "urn:sites:4D6B0918:hosts:1", "name": "cna-prod-01"}
metrics:
  description: One entry for each metric of O(metrics), in their order.
  returned: always
  type: list
  elements: dict
  contains:
    metric_id:
      description: The metric's id.
      type: str
    unit:
      description: Its unit (C(%), C(KB/s)...; empty for counts and for a metric the object does not have).
      type: str
    value:
      description: The current value (without O(interval)); null when the object has none now (a failed host).
      type: float
    name:
      description: The metric's name (with O(interval)).
      type: str
    points:
      description: The curve (with O(interval)), oldest first.
      type: list
      elements: dict
      contains:
        time:
          description: The time of the value, in seconds since 1970.
          type: int
        value:
          description: The value.
          type: float
  sample:
    - metric_id: cpu_usage
      unit: "%"
      value: 23.5
"""

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_alarms import parse_time
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import is_urn, urn_to_uri
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule

INTERVALS = [60, 300, 1800, 3600, 86400, 604800, 2592000, 31536000]
LOOKUP = {"vm": lambda fc, ref: fc_lookup.vm(fc, name=ref), "host": fc_lookup.host,
          "cluster": fc_lookup.cluster, "datastore": fc_lookup.datastore}


def main():
    fc = FcModule(dict(
        object=dict(type="str", required=True), object_type=dict(type="str", choices=sorted(LOOKUP)),
        metrics=dict(type="list", elements="str", required=True), interval=dict(type="int", choices=INTERVALS),
        start=dict(type="str"), end=dict(type="str")), wait=False)
    fc.run(lambda: run(fc))


def _number(value):
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def find(fc):
    p = fc.params
    if is_urn(p["object"]):
        return fc.client.get(urn_to_uri(p["object"]))
    if not p["object_type"]:
        raise FcError("object %r is not a URN: give object_type (vm, host, cluster or datastore) too." % p["object"])
    obj = LOOKUP[p["object_type"]](fc, p["object"])
    if obj is None:
        raise FcError("%s %r not found." % (p["object_type"].capitalize(), p["object"]))
    return obj


def run(fc):
    p = fc.params
    metrics = [m.strip() for m in p["metrics"]]
    if not metrics or not all(metrics):
        raise FcError("metrics must name at least one metric id, and no empty one.")
    if p["interval"] is None and (p["start"] or p["end"]):
        raise FcError("start and end are for curves: give interval too.")
    start, end = parse_time(p["start"], "start"), parse_time(p["end"], "end")
    obj = find(fc)
    found = {"urn": obj["urn"], "name": obj.get("name", "")}
    monitors = fc.site_uri + "/monitors"
    if p["interval"] is None:
        answer = fc.client.request("POST", monitors + "/objectmetric-realtimedata", read=True,
                                   body=[{"urn": obj["urn"], "metricId": metrics}]) or {}
        values = {}
        for item in answer.get("items") or []:
            values.update((v.get("metricId"), v) for v in item.get("value") or [])
        return {"changed": False, "object": found, "metrics": [
            {"metric_id": m, "unit": (values.get(m) or {}).get("unit") or "",
             "value": _number((values.get(m) or {}).get("metricValue"))} for m in metrics]}
    if end is None:
        clock = fc.client.get(monitors + "/getSysCurrentTime") or {}
        end = int(clock.get("currentUtcTime", 0)) / 1000.0
    if start is None:
        start = end - 60 * p["interval"]
    if start > end:
        raise FcError("start (%s) is after end (%s)." % (p["start"], p["end"] or "now"))
    body = [{"urn": obj["urn"], "metricId": m, "startTime": str(int(start)), "endTime": str(int(end)),
             "interval": str(p["interval"])} for m in metrics]
    answer = fc.client.request("POST", monitors + "/objectmetric-curvedata", body=body, read=True) or {}
    curves = {c.get("metricId"): c for c in answer.get("items") or []}
    out = []
    for m in metrics:
        c = curves.get(m) or {}
        out.append({"metric_id": m, "unit": c.get("unit") or "", "name": c.get("metricName") or m,
                    "points": [{"time": int(v["time"]), "value": _number(v.get("value"))}
                               for v in c.get("metricValue") or []]})
    return {"changed": False, "object": found, "metrics": out}


if __name__ == "__main__":
    main()
