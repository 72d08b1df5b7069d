#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_portgroup
short_description: Manage port groups of a FusionCompute distributed virtual switch
version_added: 0.1.0
description:
  - Creates, updates and deletes a port group on a DVS, with its access VLAN or trunk VLAN ranges, inbound and
    outbound bandwidth limits (average, peak, burst) and priority.
  - Values are compared in normalised units (Mbit/s, merged VLAN ranges, peak and burst defaulting to the
    average as VRM does), so a second run reports no change.
  - VRM refuses to delete a port group used by VM NICs.
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
    aliases: [portgroup_name]
    description: Name of the port group (unique on its DVS, case-sensitive).
    type: str
    required: true
  dvs:
    aliases: [switch_name]
    description: DVS (name or URN).
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
  port_type:
    description:
      - V(access) (one VLAN) or V(trunk) (VLAN ranges). Defaults to V(trunk) when O(vlan_range) is given, else
        V(access).
    type: str
    choices: [access, trunk]
  vlan_id:
    description: VLAN of an access port group, 0-4094 (0 = untagged).
    type: int
  vlan_range:
    description: VLANs of a trunk port group, as V(10-20,30) or a list (V([10, "20-25"])).
    type: raw
  tx:
    description:
      - Outbound shaping, in whole Mbit/s (burst in Mbit), 0 to 100000.
      - A value is a number of Mbit/s (V(100)) or a number with a unit and no space, V(M), V(G) or V(T) with an
        optional V(bit/s) or V(bps) (V(100M), V(1G), V(1.5Gbit/s)). Anything else fails before a request is
        sent, as does a value that is not a whole number of Mbit/s (V(10k), V(0.5M)).
    type: dict
    suboptions:
      average:
        description: Average rate; 0 removes the limit.
        type: raw
      peak:
        description: Peak rate (at least the average; defaults to it).
        type: raw
      burst:
        description: Burst size (defaults to the average).
        type: raw
  rx:
    description: Inbound shaping, as O(tx).
    type: dict
    suboptions:
      average:
        description: Average rate; 0 removes the limit.
        type: raw
      peak:
        description: Peak rate (at least the average; defaults to it).
        type: raw
      burst:
        description: Burst size (defaults to the average).
        type: raw
  priority:
    description: Traffic priority 2-7 (needs an outbound average).
    type: int
  ip_mac_binding:
    description:
      - Anti-spoofing - bind each VM's IP address to its NIC's MAC on this port group (VRM C(isIpMacBind)), so a
        guest cannot send from another address.
      - Not for trunk port groups (VRM error 10504016), nor on SR-IOV or user-mode switches (10504042).
      - A single NIC's address is bound with O(fusioncompute.core.fc_vm#module:nics[].ip_mac_binding).
    type: bool
  dhcp_isolation:
    description:
      - DHCP isolation - drop DHCP server answers sent by VMs of this port group (VRM C(isDhcpIsolation)), so a
        rogue DHCP server in a guest cannot hand out addresses. Not on SR-IOV switches (VRM error 10504025).
    type: bool
seealso:
  - module: fusioncompute.core.fc_portgroup_info
  - module: fusioncompute.core.fc_dvs
"""

EXAMPLES = r"""
- name: A web VLAN limited to 1 Gbit/s out
  fusioncompute.core.fc_portgroup:
    name: web-vlan300
    dvs: dvs-prod
    vlan_id: 300
    tx:
      average: 1G

- name: A trunk for the firewall
  fusioncompute.core.fc_portgroup:
    name: fw-trunk
    dvs: dvs-prod
    port_type: trunk
    vlan_range: 100-110,200

- name: A guarded VLAN - guests keep their address and cannot answer DHCP
  fusioncompute.core.fc_portgroup:
    name: guarded-vlan310
    dvs: dvs-prod
    vlan_id: 310
    ip_mac_binding: true
    dhcp_isolation: true
"""

RETURN = r"""
portgroup:
  description: The port group after the change (in check mode, what it would be), with the fields of
    M(fusioncompute.core.fc_portgroup_info).
  returned: always
  type: dict
  sample:
    description: ''
    dhcp_isolation: false
    dvs: dvs-prod
    ip_mac_binding: false
    name: VM-Network
    nic_count: 3
    port_type: access
    priority: null
    rx:
      average: 0
      burst: 0
      peak: 0
    tx:
      average: 0
      burst: 0
      peak: 0
    urn: urn:sites:4D6B0918:dvswitchs:1:portgroups:1
    vlan_id: 0
    vlan_range: null
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
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_network import shaping, vlan_ranges, vlan_text
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule, Resource, Step
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_views import pg_view


class PortGroup(Resource):
    kind = "portgroup"

    def validate(self):
        p = self.params
        self._ptype = p["port_type"] or ("trunk" if p["vlan_range"] is not None else
                                         "access" if p["vlan_id"] is not None else None)
        if self._ptype in (None, "access"):
            if p["vlan_range"] is not None:
                raise FcError("vlan_range is for port_type=trunk; use vlan_id for an access port group.")
            if p["vlan_id"] is not None and not 0 <= p["vlan_id"] <= 4094:
                raise FcError("vlan_id must be between 0 and 4094 (VRM error 10504009).")
        else:
            if p["vlan_id"] is not None:
                raise FcError("vlan_id is for port_type=access; use vlan_range for a trunk.")
        if p["priority"] is not None and not 2 <= p["priority"] <= 7:
            raise FcError("priority must be between 2 and 7.")
        self._ranges = vlan_ranges(p["vlan_range"]) if p["vlan_range"] is not None else None
        self._tx = shaping(p["tx"], "tx")
        self._rx = shaping(p["rx"], "rx")
        if p["priority"] and not (self._tx and self._tx["average"]):
            raise FcError("priority needs tx.average.")
        if p["ip_mac_binding"] and self._ptype == "trunk":
            raise FcError("ip_mac_binding is not possible on a trunk port group (VRM error 10504016).")
        self._dvs = fc_lookup.dvs(self.fc, p["dvs"])

    def find(self):
        return fc_lookup.portgroup(self.fc, self.params["name"], dvs_obj=self._dvs, required=False)

    def reread(self, obj):
        found = self.find()
        return self.client.get(found["uri"]) if found else None

    def view(self, obj):
        v = pg_view(obj, self._dvs["name"])
        return {k: v[k] for k in ("description", "port_type", "vlan_id", "vlan_range", "tx", "rx", "priority",
                                  "ip_mac_binding", "dhcp_isolation")}

    def returned(self, obj):
        return pg_view(obj, self._dvs["name"])

    def desired(self):
        p = self.params
        return {"description": p["description"], "port_type": self._ptype, "vlan_id": p["vlan_id"],
                "vlan_range": vlan_text(self._ranges) if self._ranges else None, "tx": self._tx, "rx": self._rx,
                "priority": p["priority"], "ip_mac_binding": p["ip_mac_binding"],
                "dhcp_isolation": p["dhcp_isolation"]}

    def body(self, values):
        b = {}
        if values.get("description") is not None:
            b["description"] = values["description"]
        if "port_type" in values:
            b["portType"] = 1 if values["port_type"] == "trunk" else 0
        if values.get("vlan_id") is not None:
            b["vlanId"] = values["vlan_id"]
        if values.get("vlan_range") is not None:
            b["vlanRange"] = values["vlan_range"]
        for d in ("tx", "rx"):
            if values.get(d) is not None:
                b[d + "Limit"] = values[d]["average"]
                b[d + "PeakLimit"] = values[d]["peak"]
                b[d + "BurstSize"] = values[d]["burst"]
        if values.get("priority") is not None:
            b["priority"] = values["priority"]
        for key, field in (("ip_mac_binding", "isIpMacBind"), ("dhcp_isolation", "isDhcpIsolation")):
            if values.get(key) is not None:
                b[field] = values[key]
        return b

    def plan_create(self, desired):
        p = self.params
        if self._ptype in (None, "access") and p["vlan_id"] is None:
            raise FcError("vlan_id is required to create an access port group (0 = untagged).")
        if self._ptype == "trunk" and not self._ranges:
            raise FcError("vlan_range is required to create a trunk port group.")
        body = self.body(desired)
        body["name"] = p["name"]
        body["portType"] = 1 if self._ptype == "trunk" else 0
        return [Step("create port group %s on %s" % (p["name"], self._dvs["name"]),
                     lambda: self.fc.call("POST", self._dvs["uri"] + "/portgroups", body=body))]

    def plan_update(self, obj, current, changes):
        if "port_type" in changes:
            if changes["port_type"] == "trunk" and "vlan_range" not in changes and not current.get("vlan_range"):
                raise FcError("Changing to a trunk needs vlan_range.")
        body = self.body(changes)
        return [Step("update port group %s: %s" % (obj["name"], ", ".join(sorted(changes))),
                     lambda: self.fc.call("PUT", obj["uri"], body=body))]

    def plan_delete(self, obj):
        return [Step("delete port group %s" % obj["name"], lambda: self.fc.call("DELETE", obj["uri"]))]


def main():
    shape = dict(average=dict(type="raw"), peak=dict(type="raw"), burst=dict(type="raw"))
    fc = FcModule(dict(
        name=dict(type="str", aliases=["portgroup_name"], required=True),
        dvs=dict(type="str", aliases=["switch_name"], required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        description=dict(type="str"), port_type=dict(type="str", choices=["access", "trunk"]),
        vlan_id=dict(type="int"), vlan_range=dict(type="raw"),
        tx=dict(type="dict", options=shape), rx=dict(type="dict", options=shape), priority=dict(type="int"),
        ip_mac_binding=dict(type="bool"), dhcp_isolation=dict(type="bool"),
    ))
    fc.run(lambda: PortGroup(fc).run())


if __name__ == "__main__":
    main()
