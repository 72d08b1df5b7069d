#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_host_network
short_description: Manage a FusionCompute host's network planes - bonds and system interfaces with bandwidth limits
version_added: 0.1.0
description:
  - Configures the network planes of one CNA host. A plane is a system interface of the host (VRM's SystemIntf)
    - V(management), V(storage) (iSCSI and NAS traffic) or V(service) (VM migration, HA, DR traffic) - with its
    address, VLAN and outbound bandwidth limit (FusionCompute's bandwidth control per network plane).
  - Bonds (VRM's UplinkPortAggr) aggregate NICs of the host; an interface goes on a NIC or on a bond.
  - Only the bonds and interfaces listed are managed; others on the host are left alone. With O(state=absent)
    the listed interfaces and then the listed bonds are removed.
  - VRM makes the management interface (C(Mgnt-0) on the bond C(Mgnt_Aggr)) when the host is added. This module
    sets its bandwidth limit, traffic and description, and adds NICs to its bond. It does not change its address
    or VLAN, and it cannot delete it.
  - Everything is checked before the first change, against the host's NICs, bonds and interfaces and the site's
    management addresses. Bad input fails with the VRM error code it would get and a hint, for example an
    address conflict (10506008), a subnet shared by two planes (10506044), a NIC that is already bonded
    (10540014) or a bandwidth out of range (10540520).
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
    description: The CNA host (name, management IP or URN). The connection option O(host) is the VRM.
    type: str
    required: true
    aliases: [host_name]
  state:
    description: V(present) creates or updates the listed bonds and interfaces; V(absent) removes them (by name).
    type: str
    choices: [present, absent]
    default: present
  bonds:
    description: Bonds of the host's NICs.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Name of the bond (unique on the host).
        type: str
        required: true
      ports:
        description:
          - The NICs of the bond (1 to 8, of one speed, for example V(eth1)), all of them. NICs missing from the
            bond are added; NICs of the bond that are not listed are removed, one at a time.
          - Required to create a bond.
        type: list
        elements: str
      mode:
        description:
          - Load balancing of the bond (VRM C(strategy)) - V(active-backup) (1), V(xor) (source and destination
            MAC, 0), V(round-robin) (6), V(xor-layer34) (IP and port, 7), V(lacp-layer2) (8), V(lacp-layer3) (9),
            V(lacp-layer34) (13). Normal NICs take these; the DPDK modes are not offered.
          - Defaults to V(active-backup) when the bond is created.
        type: str
        choices: [active-backup, xor, round-robin, xor-layer34, lacp-layer2, lacp-layer3, lacp-layer34]
      description:
        description: Description.
        type: str
  interfaces:
    description: System interfaces (network planes) of the host.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Name of the interface (unique on the host), for example V(Mgnt-0), V(iscsi-a).
        type: str
        required: true
      plane:
        description:
          - V(storage) or V(service) for a new interface; V(management) only names the existing management
            interface. An interface does not change plane.
          - Defaults to the plane of the existing interface; required to create one.
        type: str
        choices: [management, storage, service]
      port:
        description:
          - The NIC or bond (by name) the interface goes on, for example V(eth1) or V(Storage_Aggr). A bond listed
            in O(bonds) of the same task may be used. Required to create; an interface does not move.
        type: str
      vlan:
        description: VLAN of the plane (0 = untagged, 1-4094); unique among the host's interfaces.
        type: int
      ip:
        description: IPv4 address of the interface. Required to create.
        type: str
      prefix:
        description: Prefix length of the address (1-31). Required to create.
        type: int
        aliases: [netmask]
      gateway:
        description: Default gateway; the management interface alone has one.
        type: str
      routes:
        description: A static route of a storage interface (VRM keeps one); an empty list removes it.
        type: list
        elements: dict
        suboptions:
          destination:
            description: Destination network address.
            type: str
            required: true
          prefix:
            description: Prefix length of the destination (1-31).
            type: int
            required: true
          gateway:
            description: Next hop.
            type: str
            required: true
      bandwidth:
        description:
          - Outbound bandwidth control of the plane (VRM C(txLimit), C(txPeakLimit), C(txBurstSize)). The host's
            traffic on the plane does not exceed O(interfaces[].bandwidth.limit).
          - Rates in Mbit/s (a number, or with a unit such as V(1G)), burst in Mbit.
        type: dict
        suboptions:
          limit:
            description: Average rate, 1 to 10000 Mbit/s; V(0) removes the limit.
            type: raw
            required: true
          peak:
            description: Peak rate, from the limit to 10000 Mbit/s (default the limit).
            type: raw
          burst:
            description: Burst size, 1 to 10000 Mbit (default the peak).
            type: raw
      traffic:
        description:
          - The traffic a service interface carries - V(migration), V(ha), V(dr), V(vims). One interface of a
            host carries migration traffic. A storage interface carries none. The management interface may
            carry V(migration) when no service interface does.
        type: list
        elements: str
        choices: [migration, ha, dr, vims]
      description:
        description: Description.
        type: str
seealso:
  - module: fusioncompute.core.fc_host_network_info
  - module: fusioncompute.core.fc_host
  - module: fusioncompute.core.fc_dvs
"""

EXAMPLES = r"""
- name: A bonded storage plane and a migration plane with bandwidth limits on cna-dev-01
  fusioncompute.core.fc_host_network:
    name: cna-dev-01
    bonds:
      - name: Storage_Aggr
        ports: [eth1]
        mode: active-backup
    interfaces:
      - name: iscsi-a
        plane: storage
        port: Storage_Aggr
        vlan: 300
        ip: 192.168.30.21
        prefix: 24
        bandwidth:
          limit: 4G
      - name: Mgnt-0
        plane: management
        bandwidth:
          limit: 1000
          peak: 2000

- name: Remove the storage plane and its bond again
  fusioncompute.core.fc_host_network:
    name: cna-dev-01
    state: absent
    interfaces:
      - name: iscsi-a
    bonds:
      - name: Storage_Aggr
"""

RETURN = r"""
host_network:
  description: The host's NICs, bonds and interfaces after the change (in check mode, as they are now), with the
    fields of M(fusioncompute.core.fc_host_network_info).
  returned: always
  type: dict
  sample:
    name: cna-dev-01
    host_urn: urn:sites:4D6B0918:hosts:4
    host_ip: 198.51.100.21
    nics:
      - {name: eth0, urn: "urn:sites:4D6B0918:hosts:4:uplinkports:13", mac: "f4:4c:7f:04:00:10", speed_mbit: 10000,
         status: up, bond_urn: "urn:sites:4D6B0918:hosts:4:uplinkportaggrs:4", dvs_urn: ""}
    bonds:
      - {name: Mgnt_Aggr, urn: "urn:sites:4D6B0918:hosts:4:uplinkportaggrs:4", description: "",
         mode: active-backup, ports: [eth0], dvs_urn: "", status: up}
    interfaces:
      - name: Mgnt-0
        urn: urn:sites:4D6B0918:hosts:4:systemintfs:4
        plane: management
        description: management plane
        port: Mgnt_Aggr
        port_urn: urn:sites:4D6B0918:hosts:4:uplinkportaggrs:4
        vlan: 0
        ip: 198.51.100.21
        prefix: 24
        gateway: 198.51.100.1
        routes: []
        bandwidth: {limit: 1000, peak: 2000, burst: 2000}
        traffic: []
plan:
  description: The changes made (or, in check mode, that would be made), one sentence each, in order.
  returned: when changed
  type: list
  elements: str
  sample:
    - create bond Storage_Aggr (active-backup) of eth1
    - "create storage interface iscsi-a on Storage_Aggr: 192.168.30.21/24 VLAN 300, limit 4000 Mbit/s"
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
from ansible_collections.fusioncompute.core.plugins.module_utils import fc_host_network as hn
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import urn_to_uri
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_network import check_ip
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule, Step


class HostNetwork(object):
    def __init__(self, fc):
        self.fc = fc
        self.params = fc.params
        self.client = fc.client

    # -- options -------------------------------------------------------------------------------
    def _options(self):
        """The options normalised, with every check that needs nothing from VRM."""
        bonds, intfs = [], []
        for b in self.params["bonds"]:
            bonds.append({"name": b["name"], "ports": sorted(b["ports"]) if b["ports"] is not None else None,
                          "mode": b["mode"], "description": b["description"]})
        for i in self.params["interfaces"]:
            where = "interfaces[%s]" % i["name"]
            if i["ip"] is not None:
                check_ip(i["ip"], where + ".ip", 4)
            if i["gateway"]:
                check_ip(i["gateway"], where + ".gateway", 4)
            if i["prefix"] is not None and not 1 <= i["prefix"] <= 31:
                raise hn.refuse("10500006", "%s.prefix %d is out of range: 1 to 31." % (where, i["prefix"]))
            if i["vlan"] is not None and not 0 <= i["vlan"] <= 4094:
                raise hn.refuse("10504009", "%s.vlan %d is out of range: 0 to 4094." % (where, i["vlan"]))
            routes = None
            if i["routes"] is not None:
                if len(i["routes"]) > 1:
                    raise FcError("%s.routes: VRM keeps one static route per interface." % where)
                for r in i["routes"]:
                    check_ip(r["destination"], where + ".routes.destination", 4)
                    check_ip(r["gateway"], where + ".routes.gateway", 4)
                    if not 1 <= r["prefix"] <= 31:
                        raise hn.refuse("10506005", "%s.routes.prefix %d is out of range: 1 to 31." % (
                            where, r["prefix"]))
                routes = [dict(r) for r in i["routes"]]
            intfs.append({"name": i["name"], "plane": i["plane"], "port": i["port"], "vlan": i["vlan"],
                          "ip": i["ip"], "prefix": i["prefix"], "gateway": i["gateway"], "routes": routes,
                          "bandwidth": hn.bandwidth(i["bandwidth"], where + ".bandwidth"),
                          "traffic": sorted(set(i["traffic"])) if i["traffic"] is not None else None,
                          "description": i["description"]})
        for what, items in (("bonds", bonds), ("interfaces", intfs)):
            names = [x["name"] for x in items]
            if len(set(names)) != len(names):
                raise FcError("%s lists a name twice." % what)
        return bonds, intfs

    # -- the run ------------------------------------------------------------------------------
    def run(self):
        bonds, intfs = self._options()
        self.host = fc_lookup.host(self.fc, self.params["name"])
        current = hn.view(self.host, hn.read(self.client, self.host))
        if self.params["state"] == "absent":
            steps, before, after = self._plan_absent(current, bonds, intfs)
        else:
            steps, before, after = self._plan_present(current, bonds, intfs)
        if not self.fc.check_mode:
            for step in steps:
                step.fn()
        now = current if self.fc.check_mode or not steps else hn.view(self.host, hn.read(self.client, self.host))
        out = {"changed": bool(steps), "host_network": now,
               "diff": {"before": before, "after": after} if steps else {"before": {}, "after": {}}}
        if steps:
            out["plan"] = [s.description for s in steps]
        return out

    def _call(self, method, path, body=None, params=None):
        return lambda: self.fc.call(method, path, body=body, params=params)

    def _bond_urn(self, name):
        """The URN of the host's bond ``name``, read when the step runs (it may be made earlier in the run)."""
        for b in hn.read(self.client, self.host)["bonds"]:
            if b.get("name") == name:
                return b["urn"]
        raise FcError("Bond %s of host %s is gone." % (name, self.host["name"]))

    def _plan_present(self, current, bonds, intfs):
        have_b = dict((b["name"], b) for b in current["bonds"])
        have_i = dict((i["name"], i) for i in current["interfaces"])
        nics = dict((n["name"], n) for n in current["nics"])
        for b in bonds:
            if b["name"] not in have_b and b["ports"] is None:
                raise FcError("Bond %s is new: give its ports." % b["name"])
        hn.check_bonds([dict(b, ports=b["ports"] if b["ports"] is not None else have_b[b["name"]]["ports"])
                        for b in bonds], current)
        for w in intfs:
            cur = have_i.get(w["name"])
            if w["plane"] is None:
                if cur is None:
                    raise FcError("Interface %s is new: give its plane (storage or service)." % w["name"])
                w["plane"] = cur["plane"]
        others = dict((h["ip"], h["name"]) for h in self.client.list_all(self.fc.site_uri + "/hosts", "hosts")
                      if h.get("urn") != self.host["urn"] and h.get("ip"))
        claimed = dict((p, b["name"]) for b in bonds for p in b["ports"] or [])
        hn.check_interfaces(intfs, current, set(have_b) | set(b["name"] for b in bonds), others, claimed)
        steps, before, after = [], {"bonds": {}, "interfaces": {}}, {"bonds": {}, "interfaces": {}}
        base = self.host["uri"]
        for b in bonds:
            cur = have_b.get(b["name"])
            if cur is None:
                mode = b["mode"] or "active-backup"
                body = {"name": b["name"], "strategy": hn.BOND_MODES[mode],
                        "uplinkPortUrns": [nics[p]["urn"] for p in b["ports"]]}
                if b["description"] is not None:
                    body["description"] = b["description"]
                steps.append(Step("create bond %s (%s) of %s" % (b["name"], mode, ", ".join(b["ports"])),
                                  self._call("POST", base + "/uplinkportaggrs", body)))
                after["bonds"][b["name"]] = {"mode": mode, "ports": b["ports"], "description": b["description"] or ""}
                continue
            steps_b, changed = self._bond_update(cur, b, nics)
            if steps_b:
                steps += steps_b
                before["bonds"][b["name"]] = dict((k, cur[k]) for k in changed)
                after["bonds"][b["name"]] = dict((k, b[k]) for k in changed)
        for w in intfs:
            cur = have_i.get(w["name"])
            if cur is None:
                steps.append(self._intf_create(w, set(have_b) | set(b["name"] for b in bonds), nics))
                after["interfaces"][w["name"]] = dict((k, v) for k, v in w.items() if v is not None and k != "name")
                continue
            changes = hn.compare_interface(w, cur)
            if changes:
                body = hn.interface_body(w, cur)
                steps.append(Step("update %s interface %s: %s" % (cur["plane"], w["name"], ", ".join(sorted(changes))),
                                  self._call("PUT", urn_to_uri(cur["urn"]), body)))
                before["interfaces"][w["name"]] = dict((k, cur[k]) for k in changes)
                after["interfaces"][w["name"]] = changes
        return steps, _prune(before), _prune(after)

    def _bond_update(self, cur, b, nics):
        steps, changed = [], []
        uri = urn_to_uri(cur["urn"])
        put = {}
        if b["mode"] is not None and b["mode"] != cur["mode"]:
            put["strategy"] = hn.BOND_MODES[b["mode"]]
            changed.append("mode")
        if b["description"] is not None and b["description"] != cur["description"]:
            put["description"] = b["description"]
            changed.append("description")
        if put:
            steps.append(Step("update bond %s: %s" % (cur["name"], ", ".join(changed)), self._call("PUT", uri, put)))
        if b["ports"] is not None and b["ports"] != cur["ports"]:
            changed.append("ports")
            add = [p for p in b["ports"] if p not in cur["ports"]]
            if add:
                steps.append(Step("add %s to bond %s" % (", ".join(add), cur["name"]), self._call(
                    "PUT", uri, {"operator": "add", "uplinkPortUrns": [nics[p]["urn"] for p in add]})))
            for p in cur["ports"]:
                if p not in b["ports"]:
                    steps.append(Step("remove %s from bond %s" % (p, cur["name"]), self._call(
                        "PUT", uri, {"operator": "delete", "uplinkPortUrns": [nics[p]["urn"]]})))
        return steps, changed

    def _intf_create(self, w, bond_names, nics):
        body = hn.interface_body(w)
        body["type"] = hn.PLANES[w["plane"]]
        bw = w["bandwidth"]
        what = "create %s interface %s on %s: %s/%d VLAN %d%s" % (
            w["plane"], w["name"], w["port"], w["ip"], w["prefix"], w["vlan"] or 0,
            ", limit %d Mbit/s" % bw["limit"] if bw and bw["limit"] else "")
        on_bond = w["port"] in bond_names

        def create():
            body["portUrn"] = self._bond_urn(w["port"]) if on_bond else nics[w["port"]]["urn"]
            self.fc.call("POST", self.host["uri"] + "/systemintfs", body=body)
        return Step(what, create)

    def _plan_absent(self, current, bonds, intfs):
        have_b = dict((b["name"], b) for b in current["bonds"])
        have_i = dict((i["name"], i) for i in current["interfaces"])
        steps, before = [], {"bonds": {}, "interfaces": {}}
        going = set()
        for w in intfs:
            cur = have_i.get(w["name"])
            if cur is None:
                continue
            if cur["plane"] == "management":
                raise hn.refuse("10540506", "Interface %s is the management interface; VRM keeps it." % w["name"])
            going.add(cur["port_urn"])
            steps.append(Step("delete %s interface %s" % (cur["plane"], w["name"]), self._call("DELETE", urn_to_uri(cur["urn"]))))
            before["interfaces"][w["name"]] = _without_ids(cur)
        for b in bonds:
            cur = have_b.get(b["name"])
            if cur is None:
                continue
            users = [i["name"] for i in current["interfaces"] if i["port_urn"] == cur["urn"] and i["name"] not in
                     set(w["name"] for w in intfs)]
            if users or cur["dvs_urn"]:
                raise hn.refuse("10540017", "Bond %s is in use (%s); remove %s first." % (
                    b["name"], ", ".join(users) or "a DVS uplink", "those interfaces" if users else "it from the DVS"))
            steps.append(Step("delete bond %s" % b["name"], self._call("DELETE", urn_to_uri(cur["urn"]))))
            before["bonds"][b["name"]] = _without_ids(cur)
        return steps, _prune(before), {}


def _without_ids(v):
    return dict((k, x) for k, x in v.items() if k not in ("urn", "port_urn", "name"))


def _prune(d):
    return dict((k, v) for k, v in d.items() if v)


def main():
    bandwidth = dict(limit=dict(type="raw", required=True), peak=dict(type="raw"), burst=dict(type="raw"))
    route = dict(destination=dict(type="str", required=True), prefix=dict(type="int", required=True),
                 gateway=dict(type="str", required=True))
    fc = FcModule(dict(
        name=dict(type="str", required=True, aliases=["host_name"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        bonds=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True), ports=dict(type="list", elements="str"),
            mode=dict(type="str", choices=list(hn.BOND_MODES)), description=dict(type="str"))),
        interfaces=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True), plane=dict(type="str", choices=list(hn.PLANES)),
            port=dict(type="str"), vlan=dict(type="int"), ip=dict(type="str"),
            prefix=dict(type="int", aliases=["netmask"]), gateway=dict(type="str"),
            routes=dict(type="list", elements="dict", options=route),
            bandwidth=dict(type="dict", options=bandwidth),
            traffic=dict(type="list", elements="str", choices=list(hn.TRAFFIC)), description=dict(type="str"))),
    ))
    fc.run(lambda: HostNetwork(fc).run())


if __name__ == "__main__":
    main()
