#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_dvs
short_description: Manage FusionCompute distributed virtual switches and their host uplinks
version_added: 0.1.0
description:
  - Creates, updates and deletes a DVS, with its MTU, type, IGMP snooping, VLAN pools, and network I/O control
    (NIOC) - the mode (O(io_control)) and the values of each traffic class (O(io_control_classes)).
  - "Network I/O control as FusionCompute defines it (VRM C(qosType), FC8DOC 5.4 and 5.5): every port group of the
    DVS is a traffic class. With O(io_control=shares), classes share a congested uplink in proportion to their
    O(io_control_classes[].shares). With O(io_control=reservation), each class is guaranteed its
    O(io_control_classes[].reservation) and served in O(io_control_classes[].priority) order. In both modes a
    class is shaped to its O(io_control_classes[].limit) (peak, burst)."
  - Adds the host uplinks listed in O(uplinks); removes unlisted ones only with O(uplinks_remove_unmanaged=true).
  - VRM refuses to delete a DVS that still has port groups (error 10540022), used by VMs or not; delete them
    first with M(fusioncompute.core.fc_portgroup).
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
    aliases: [switch_name]
    description: Name of the DVS.
    type: str
    required: true
  state:
    description: V(present) or V(absent).
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description.
    type: str
  type:
    description: Switching mode, only at creation (VRM 8.0 values 0, 2, 4).
    type: str
    choices: [vswitch, sriov, user_mode]
    default: vswitch
  mtu:
    description: MTU of the switch.
    type: int
    choices: [1500, 9000]
  igmp_snooping:
    description: IGMP snooping.
    type: bool
  io_control:
    description: Network I/O control mode (VRM C(qosType)) - V(shares) (shaping and shares) or V(reservation).
    type: str
    choices: [shares, reservation]
  io_control_classes:
    description:
      - Network I/O control per traffic class, one entry per port group of the DVS (create the port groups first
        with M(fusioncompute.core.fc_portgroup)). Only the classes listed, and only the values given, are managed.
      - Rates are Mbit/s (a number, or with a unit such as V(1G)), burst in Mbit; V(0) removes a value.
      - The limit, peak, burst and priority are the port group's outbound shaping that
        M(fusioncompute.core.fc_portgroup) sets as O(fusioncompute.core.fc_portgroup#module:tx) and
        O(fusioncompute.core.fc_portgroup#module:priority); manage them in one of the two modules.
    type: list
    elements: dict
    suboptions:
      portgroup:
        description: Name of the port group (the traffic class).
        type: str
        required: true
      shares:
        description: Bandwidth shares of the class, 1-100 (VRM C(txWeight)); with O(io_control=shares) only.
        type: int
      reservation:
        description: Bandwidth guaranteed to the class, 1-10000 Mbit/s and not above its limit (VRM C(txReserve));
          with O(io_control=reservation) only.
        type: raw
      priority:
        description: Scheduling priority of the class, 2 (first) to 7; with O(io_control=reservation) only, and
          it needs a limit.
        type: int
      limit:
        description: Average outbound rate of the class (VRM C(txLimit)).
        type: raw
      peak:
        description: Peak outbound rate, at least the limit (default the limit).
        type: raw
      burst:
        description: Burst size in Mbit (default the limit).
        type: raw
  vlan_pools:
    description: VLAN pools of the uplinks; added when missing (never removed).
    type: list
    elements: dict
    suboptions:
      start:
        description: First VLAN (1-4094).
        type: int
        required: true
      end:
        description: Last VLAN (1-4094).
        type: int
        required: true
  uplinks:
    description: Host uplink ports of the switch.
    type: list
    elements: dict
    suboptions:
      host:
        description: Host (name, IP or URN).
        type: str
        required: true
      port:
        description: Uplink port name on the host (for example V(eth2)).
        type: str
        required: true
  uplinks_remove_unmanaged:
    description: Remove the uplinks not listed in O(uplinks).
    type: bool
    default: false
seealso:
  - module: fusioncompute.core.fc_dvs_info
  - module: fusioncompute.core.fc_portgroup
"""

EXAMPLES = r"""
- name: A storage DVS with jumbo frames on two hosts
  fusioncompute.core.fc_dvs:
    name: dvs-storage
    mtu: 9000
    uplinks:
      - host: cna-dev-01
        port: eth3
      - host: cna-dev-02
        port: eth3

- name: Network I/O control per traffic class of the production DVS (reservation and priority)
  fusioncompute.core.fc_dvs:
    name: dvs-prod
    io_control: reservation
    io_control_classes:
      - portgroup: prod-vlan100
        reservation: 2G
        limit: 4G
        priority: 2
      - portgroup: dev-vlan200
        reservation: 500
        limit: 1G
        priority: 6
"""

RETURN = r"""
dvs:
  description: The DVS after the change (in check mode, what it would be), with the fields of M(fusioncompute.core.fc_dvs_info).
  returned: always
  type: dict
  sample:
    description: Production DVS
    igmp_snooping: false
    io_control: shares
    io_control_classes:
    - {portgroup: VM-Network, shares: 0, reservation: 0, priority: 0, limit: 0, peak: 0, burst: 0}
    - {portgroup: prod-vlan100, shares: 60, reservation: 0, priority: 0, limit: 4000, peak: 4000, burst: 4000}
    mtu: 1500
    name: dvs-prod
    portgroup_count: 3
    type: vswitch
    uplinks:
    - host: cna-dev-01
      host_urn: urn:sites:4D6B0918:hosts:4
      port: eth2
      port_urn: urn:sites:4D6B0918:hosts:4:uplinkports:15
    - host: cna-dev-02
      host_urn: urn:sites:4D6B0918:hosts:5
      port: eth2
      port_urn: urn:sites:4D6B0918:hosts:5:uplinkports:19
    urn: urn:sites:4D6B0918:dvswitchs:1
    vlan_pools:
    - end: 4094
      start: 1
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

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_dvs_nioc as nioc, fc_lookup
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule, Resource, Step
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_views import DVS_QOS as QOS, DVS_TYPES as TYPES, dvs_view


class Dvs(Resource):
    kind = "dvs"

    def validate(self):
        for v in self.params["vlan_pools"] or []:
            if not (1 <= v["start"] <= 4094 and 1 <= v["end"] <= 4094) or v["start"] > v["end"]:
                raise FcError("vlan_pools entry %s-%s must be within 1-4094 and ordered." % (v["start"], v["end"]))

    def find(self):
        self._found = fc_lookup.dvs(self.fc, self.params["name"], required=False)
        return self._found

    def view(self, obj):
        v = dvs_view(obj)
        v["uplinks"] = [{"host": u["host"], "port": u["port"]} for u in v["uplinks"]]
        out = {k: v[k] for k in ("description", "mtu", "igmp_snooping", "io_control", "uplinks", "vlan_pools")}
        if self.params["io_control_classes"] is not None:
            self._classes = nioc.current(self.client, obj)
            out["io_control_classes"] = self._classes
        return out

    def returned(self, obj):
        out = dvs_view(obj)
        out["io_control_classes"] = nioc.view(nioc.current(self.client, obj))
        return out

    def _uplink_targets(self):
        """Resolve O(uplinks) to (host, port) objects, validating before anything changes."""
        out = []
        for u in self.params["uplinks"] or []:
            host = fc_lookup.host(self.fc, u["host"])
            ports = (self.client.get(host["uri"] + "/uplinkports") or {}).get("uplinkPorts", [])
            port = next((x for x in ports if x.get("name") == u["port"]), None)
            if port is None:
                raise FcError("Host %s has no uplink port %s; it has: %s." % (
                    host["name"], u["port"], ", ".join(x.get("name", "") for x in ports)))
            out.append((host, port))
        return out

    def desired(self):
        p = self.params
        self._targets = self._uplink_targets()
        d = {"description": p["description"], "mtu": p["mtu"], "igmp_snooping": p["igmp_snooping"],
             "io_control": p["io_control"]}
        if p["uplinks"] is not None:
            d["uplinks"] = sorted(({"host": h["name"], "port": x["name"]} for h, x in self._targets),
                                  key=lambda u: (u["host"], u["port"]))
        if p["vlan_pools"] is not None:
            d["vlan_pools"] = [{"start": v["start"], "end": v["end"]} for v in p["vlan_pools"]]
        mode = p["io_control"] or (dvs_view(self._found)["io_control"] if self._found else None)
        d["io_control_classes"] = nioc.wanted(p["io_control_classes"], mode)
        if d["io_control_classes"] and self._found is None:
            raise FcError("io_control_classes name port groups of DVS %s, which does not exist yet: create the DVS, "
                          "then its port groups (fusioncompute.core.fc_portgroup), then set the classes."
                          % p["name"])
        return d

    def compare(self, current, desired):
        changes = super(Dvs, self).compare(current, {k: v for k, v in desired.items()
                                                     if k not in ("uplinks", "vlan_pools", "io_control_classes")})
        classes = nioc.changes(current.get("io_control_classes") or {}, desired.get("io_control_classes"))
        if classes:
            changes["io_control_classes"] = classes
        if desired.get("uplinks") is not None:
            have = {(u["host"], u["port"]) for u in current["uplinks"]}
            want = {(u["host"], u["port"]) for u in desired["uplinks"]}
            if want - have or (self.params["uplinks_remove_unmanaged"] and have - want):
                result = want if self.params["uplinks_remove_unmanaged"] else want | have
                changes["uplinks"] = [{"host": h, "port": p} for h, p in sorted(result)]
        if desired.get("vlan_pools") is not None:
            missing = [v for v in desired["vlan_pools"] if v not in current["vlan_pools"]]
            if missing:
                changes["vlan_pools"] = current["vlan_pools"] + missing
        return changes

    def plan_create(self, desired):
        p = self.params
        body = {"name": p["name"], "type": TYPES[p["type"]]}
        if p["description"] is not None:
            body["description"] = p["description"]
        if p["mtu"]:
            body["mtu"] = p["mtu"]
        if p["igmp_snooping"] is not None:
            body["isIgmpSnooping"] = p["igmp_snooping"]
        if p["io_control"]:
            body["qosType"] = QOS[p["io_control"]]
        if p["vlan_pools"]:
            body["vlanPoolSet"] = [{"startVlanId": v["start"], "endVlanId": v["end"]} for v in p["vlan_pools"]]
        if self._targets:
            body["hostPortSet"] = [{"hostUrn": h["urn"], "portUrn": x["urn"]} for h, x in self._targets]
        return [Step("create DVS %s" % p["name"], lambda: self.fc.call("POST", self.fc.site_uri + "/dvswitchs",
                                                                       body=body))]

    def _step(self, what, method, path, body):
        """A Step sending ``body``: each step gets its own body (a closure over a variable that a later step
        reassigns would send that later body)."""
        return Step(what, lambda: self.fc.call(method, path, body=body))

    def plan_update(self, obj, current, changes):
        steps = []
        uri = obj["uri"]
        put = {}
        for k, f, conv in (("description", "description", None), ("mtu", "mtu", None),
                           ("igmp_snooping", "isIgmpSnooping", None), ("io_control", "qosType", QOS)):
            if k in changes:
                put[f] = conv[changes[k]] if conv else changes[k]
        if put:
            steps.append(self._step("update DVS %s: %s" % (obj["name"], ", ".join(sorted(put))), "PUT", uri, put))
        if "uplinks" in changes:
            have = {(u["host"], u["port"]): u for u in dvs_view(obj)["uplinks"]}
            want = {(u["host"], u["port"]) for u in changes["uplinks"]}
            add = [(h, x) for h, x in self._targets if (h["name"], x["name"]) not in have]
            if add:
                steps.append(self._step(
                    "add uplinks %s" % ", ".join("%s/%s" % (h["name"], x["name"]) for h, x in add),
                    "POST", uri + "/action/addhost",
                    {"hostPortSet": [{"hostUrn": h["urn"], "portUrn": x["urn"]} for h, x in add]}))
            remove = [u for k, u in sorted(have.items()) if k not in want]
            if remove:
                steps.append(self._step(
                    "remove uplinks %s" % ", ".join("%s/%s" % (u["host"], u["port"]) for u in remove),
                    "POST", uri + "/action/delhost",
                    {"hostPortSet": [{"hostUrn": u["host_urn"], "portUrn": u["port_urn"]} for u in remove]}))
        if "vlan_pools" in changes:
            missing = [v for v in changes["vlan_pools"] if v not in current["vlan_pools"]]
            steps.append(self._step(
                "add VLAN pools %s" % ", ".join("%d-%d" % (v["start"], v["end"]) for v in missing),
                "POST", uri + "/action/addvlanpool",
                {"vlanPoolSet": [{"startVlanId": v["start"], "endVlanId": v["end"]} for v in missing]}))
        if "io_control_classes" in changes:
            steps += nioc.steps(self._classes, changes["io_control_classes"], self._step)
        return steps

    def diff_update(self, current, changes):
        before, after = super(Dvs, self).diff_update(current, changes)
        if "io_control_classes" in changes:
            before["io_control_classes"] = [dict((k, current["io_control_classes"][c["portgroup"]][k]) for k in c)
                                            for c in changes["io_control_classes"]]
        return before, after

    def plan_delete(self, obj):
        return [Step("delete DVS %s" % obj["name"], lambda: self.fc.call("DELETE", obj["uri"]))]


def main():
    fc = FcModule(dict(
        name=dict(type="str", aliases=["switch_name"], required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        description=dict(type="str"), type=dict(type="str", default="vswitch", choices=list(TYPES)),
        mtu=dict(type="int", choices=[1500, 9000]), igmp_snooping=dict(type="bool"),
        io_control=dict(type="str", choices=list(QOS)),
        vlan_pools=dict(type="list", elements="dict", options=dict(start=dict(type="int", required=True),
                                                                   end=dict(type="int", required=True))),
        uplinks=dict(type="list", elements="dict", options=dict(host=dict(type="str", required=True),
                                                                port=dict(type="str", required=True))),
        uplinks_remove_unmanaged=dict(type="bool", default=False), io_control_classes=nioc.ARGSPEC,
    ))
    fc.run(lambda: Dvs(fc).run())


if __name__ == "__main__":
    main()
