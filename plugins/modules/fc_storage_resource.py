#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_storage_resource
short_description: Manage FusionCompute storage resources (IP-SAN, FC SAN, advanced SAN, FusionStorage, NAS) and their hosts
version_added: 0.2.0
description:
  - Adds a storage resource (a storage array, FusionStorage or an NFS server) to the site, with its iSCSI target
    portals (VRM's data channels), and connects hosts to it so that they see its LUNs; disconnects hosts; removes it.
  - Sets the iSCSI initiator name (IQN) of hosts' software iSCSI adapters (VRM's host storage adapters) before they
    connect, and rescans the storage units of the hosts it connects.
  - Changes the target portals and the CHAP user of an existing resource; VRM refuses to change the portals of a
    resource that holds datastores.
  - Refuses before anything is sent, with the code VRM would answer and a hint, what VRM would refuse (a portal
    change under datastores C(10410256), disconnecting a host that uses its datastores or removing a resource that
    holds datastores C(10410014), a new initiator for a host connected to a SAN C(10410223)).
  - Returns the resource, its LUNs (and the datastore each holds), the hosts' initiators and iSCSI sessions.
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
    description: Name of the storage resource (unique in the site).
    type: str
    required: true
  state:
    description: V(present) or V(absent). Removing a resource disconnects its hosts; VRM refuses while datastores
      are on its LUNs.
    type: str
    choices: [present, absent]
    default: present
  type:
    description:
      - V(ipsan) an iSCSI array (VRM C(san), access mode 0), V(fcsan) a Fibre Channel array (VRM C(san), access
        mode 1), V(advanced_san) a Huawei array VRM manages through its management IP (C(advanceSan)),
        V(fusionstorage) FusionStorage Block (C(DSWARE)), V(nas) an NFS server. Only used to create it.
    type: str
    choices: [ipsan, fcsan, advanced_san, fusionstorage, nas]
    default: ipsan
  vendor:
    description: Vendor, V(HW) (Huawei) or V(OTHER) (when not given). Only used to create it.
    type: str
    choices: [HW, OTHER]
  device_type:
    description:
      - V(3900) (OceanStor V2), V(V3), V(DSWARE) or V(OTHER); other vendors use V(OTHER). Only used to create it.
      - When not given, V(DSWARE) for O(type=fusionstorage), else V(OTHER).
    type: str
    choices: ['3900', V3, DSWARE, OTHER]
  target_portals:
    description:
      - The iSCSI target portals (storage IPs and ports) hosts log in to, up to 16; one for V(nas). Required to
        create an V(ipsan) or V(nas) resource. Compared as a set; VRM refuses a change while datastores are on it.
    type: list
    elements: dict
    suboptions:
      ip:
        description: Storage IP address.
        type: str
        required: true
      port:
        description: TCP port (3260 for iSCSI; NFS uses 2049).
        type: int
        default: 3260
  target_iqn:
    description: The array's iSCSI target name, when the array needs it. Only used to create it.
    type: str
  chap_username:
    description: CHAP user the hosts log in with.
    type: str
  chap_password:
    description: CHAP secret (1 to 16 characters). Sent when the resource is created; VRM never shows it back.
    type: str
  management_ip:
    description: Management IP of an V(advanced_san) array. Only used to create it.
    type: str
  management_port:
    description: Management port of an V(advanced_san) array (VRM's default 5988). Only used to create it.
    type: int
  array_username:
    description: User on an V(advanced_san) array. Only used to create it.
    type: str
  array_password:
    description: Password of O(array_username). Only used to create it.
    type: str
  hosts:
    description: Hosts (names, IPs or URNs) connected to the resource; those not connected yet are connected.
    type: list
    elements: str
  hosts_remove_unmanaged:
    description: Disconnect the hosts not in O(hosts). Refused for hosts whose datastores are on the resource.
    type: bool
    default: false
  initiators:
    description:
      - The iSCSI initiator name (IQN; VRM's storage adapter C(wwn)) of hosts' software iSCSI adapters, set before
        the hosts connect (an array maps its LUNs to initiator names). VRM refuses it for a host already connected
        to a SAN resource.
    type: list
    elements: dict
    suboptions:
      host:
        description: Host (name, IP or URN).
        type: str
        required: true
      iqn:
        description: Initiator name, 1 to 256 letters, digits, C(-), C(.) or C(:), not starting with C(-).
        type: str
        required: true
  rescan:
    description:
      - V(new_hosts) rescans the storage units of the hosts this run connects (their LUNs then show at once);
        V(all_hosts) rescans every connected host on every run (a rescan changes no setting, so it does not count
        as a change and check mode skips it); V(none) does not rescan.
    type: str
    choices: [new_hosts, all_hosts, none]
    default: new_hosts
seealso:
  - module: fusioncompute.core.fc_storage_resource_info
  - module: fusioncompute.core.fc_datastore
"""

EXAMPLES = r"""
- name: An IP-SAN array with two target portals, connected to the production hosts
  fusioncompute.core.fc_storage_resource:
    name: ipsan-example
    type: ipsan
    target_portals:
      - ip: 198.51.100.220
      - ip: 198.51.100.221
        port: 3260
    hosts: [cna-prod-01, cna-prod-02, cna-prod-03]
  register: ipsan

- name: Its LUNs, as the hosts see them
  ansible.builtin.debug:
    msg: "{{ ipsan.storage_resource.storage_units | map(attribute='name') | list }}"

- name: Remove it again (no datastore is on it)
  fusioncompute.core.fc_storage_resource:
    name: ipsan-example
    state: absent
"""

RETURN = r"""
storage_resource:
  description:
    - The storage resource after the change (in check mode, what it would be), with the fields of
      M(fusioncompute.core.fc_storage_resource_info). Empty after O(state=absent).
  returned: always
  type: dict
  sample:
    name: ipsan-01
    urn: urn:sites:4D6B0918:storageresources:3
    type: ipsan
    vendor: OTHER
    device_type: OTHER
    management_ip: null
    target_portals: [{"ip": "198.51.100.220", "port": 3260}, {"ip": "198.51.100.221", "port": 3260}]
    target_iqn: null
    chap_username: null
    hosts: [cna-prod-01]
    storage_units:
      - {"name": "LUN-ipsan-01", "urn": "urn:sites:4D6B0918:storageunits:5", "capacity_gb": 1024, "type": "LUN",
         "datastore": null, "hosts": ["cna-prod-01"]}
    initiators: {"cna-prod-01": "iqn.2012-12.com.huawei:cna-prod-01"}
    sessions:
      cna-prod-01: [{"ip": "198.51.100.220", "port": 3260, "status": "CONNECTED"},
                    {"ip": "198.51.100.221", "port": 3260, "status": "CONNECTED"}]
rescanned:
  description: Hosts whose storage units were rescanned.
  returned: when hosts were rescanned
  type: list
  elements: str
  sample: [cna-prod-01]
plan:
  description: The changes made (or, in check mode, that would be made), one sentence each, in order.
  returned: when changed
  type: list
  elements: str
  sample: ["add storage resource ipsan-01 and connect cna-prod-01"]
tasks:
  description: The VRM tasks the module started, in order.
  returned: when tasks were started
  type: list
  elements: dict
  sample: [{"task_urn": "urn:sites:4D6B0918:tasks:1001", "method": "POST", "status": "success", "duration": 0.1,
            "path": "/service/sites/4D6B0918/storageresources"}]
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

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup, fc_storage
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_network import check_ip
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule, Resource, Step
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_storage import refuse

CREATE_ONLY = {"vendor": "vender", "device_type": "deviceType", "target_iqn": "iSCSITargetIQN",
               "management_ip": "managementIp"}


def portals(items):
    return sorted(({"ip": c["ip"], "port": c["port"]} for c in items or []), key=lambda c: (c["ip"], c["port"]))


class StorageResource(Resource):
    kind = "storage_resource"

    def __init__(self, fc):
        super(StorageResource, self).__init__(fc)
        self._hosts = {}
        self._units = None
        self.rescanned = []

    def validate(self):
        p = self.params
        for c in p["target_portals"] or []:
            check_ip(c["ip"], "target_portals.ip", 4)
            if not 1 <= c["port"] <= 65535:
                raise FcError("target_portals.port must be 1 to 65535, not %s." % c["port"])
        if p["type"] == "nas" and len(p["target_portals"] or []) > 1:
            raise FcError("A nas storage resource has one target portal (the NFS server).")
        if len(p["target_portals"] or []) > 16:
            raise FcError("VRM takes at most 16 target portals.")
        if p["chap_password"] is not None and not 1 <= len(p["chap_password"]) <= 16:
            raise FcError("chap_password must be 1 to 16 characters (VRM's limit).")
        if p["type"] == "advanced_san" and not p["management_ip"]:
            raise FcError("type=advanced_san needs management_ip (VRM manages the array through it).")

    def host(self, ref):
        if ref not in self._hosts:
            self._hosts[ref] = fc_lookup.host(self.fc, ref)
        return self._hosts[ref]

    def find(self):
        self._units = None
        return fc_storage.find(self.fc, self.params["name"])

    def units(self, obj):
        if self._units is None:
            self._units = fc_storage.units(self.fc, obj["urn"])
        return self._units

    def view(self, obj):
        out = {"name": obj.get("name"), "type": fc_storage.type_of(obj),
               "target_portals": portals(obj.get("dataChannel")), "chap_username": obj.get("chapUserName") or None,
               "hosts": sorted(h.get("name") for h in obj.get("hostUrns") or [])}
        if self.params["initiators"]:
            out["initiators"] = self.initiators()
        return out

    def initiators(self):
        out = {}
        for item in self.params["initiators"] or []:
            adapter = fc_storage.initiator(self.fc, self.host(item["host"]))
            out[self.host(item["host"])["name"]] = adapter.get("wwn") if adapter else None
        return out

    def returned(self, obj):
        return fc_storage.view(self.fc, obj, with_sessions=True)

    def desired(self):
        p = self.params
        out = {"name": p["name"], "type": p["type"], "chap_username": p["chap_username"],
               "target_portals": portals(p["target_portals"]) if p["target_portals"] is not None else None,
               "hosts": sorted(self.host(h)["name"] for h in p["hosts"]) if p["hosts"] is not None else None}
        if p["initiators"]:
            out["initiators"] = {self.host(i["host"])["name"]: i["iqn"] for i in p["initiators"]}
        return out

    def compare(self, current, desired):
        changes = {}
        for key in ("chap_username", "target_portals"):
            if desired.get(key) is not None and desired[key] != current[key]:
                changes[key] = desired[key]
        if desired.get("hosts") is not None:
            want, have = set(desired["hosts"]), set(current["hosts"])
            if want - have or (self.params["hosts_remove_unmanaged"] and have - want):
                changes["hosts"] = sorted(want if self.params["hosts_remove_unmanaged"] else want | have)
        wrong = {h: iqn for h, iqn in (desired.get("initiators") or {}).items()
                 if current.get("initiators", {}).get(h) != iqn}
        if wrong:
            changes["initiators"] = dict(current.get("initiators") or {}, **wrong)
        return changes

    def check_create_only(self, obj):
        p = self.params
        if fc_storage.type_of(obj) != p["type"]:
            self.fc.warn("Storage resource %s is of type %s, not %s; VRM cannot change the type." % (
                obj["name"], fc_storage.type_of(obj), p["type"]))
        for opt, field in CREATE_ONLY.items():
            if p[opt] is not None and p[opt] != obj.get(field):
                self.fc.warn("%s is only used to create the storage resource; %s has %r." % (
                    opt, obj["name"], obj.get(field)))

    # -- steps -----------------------------------------------------------------------------------
    def _initiator_steps(self, wanted, connected_san):
        steps = []
        for name, iqn in sorted(wanted.items()):
            host = self.host(name)
            adapter = fc_storage.initiator(self.fc, host)
            if adapter is None:
                raise FcError("Host %s has no software iSCSI adapter to name." % name)
            if adapter.get("wwn") == iqn:
                continue
            if connected_san(host):
                raise refuse("Host %s is connected to a SAN storage resource (%s); its initiator cannot change from "
                             "%s to %s." % (name, connected_san(host), adapter.get("wwn"), iqn), "10410223")
            steps.append(Step("set the iSCSI initiator of %s to %s" % (name, iqn), lambda h=host, a=adapter, i=iqn:
                              self.fc.call("POST", h["uri"] + "/storageadapters/action/modify",
                                           body={"urn": a["urn"], "wwn": i})))
        return steps

    def _connected_san(self, host):
        """Names of the SAN resources ``host`` is connected to (VRM then keeps its initiator as it is)."""
        names = []
        for r in fc_storage.resources(self.fc):
            if r.get("storageType") in fc_storage.SESSION_TYPES:
                detail = self.client.get(r["uri"])
                if any(h.get("urn") == host["urn"] for h in detail.get("hostUrns") or []):
                    names.append(r["name"])
        return ", ".join(sorted(names))

    def _rescan(self, hosts):
        steps = []
        if self.params["rescan"] != "none":
            for h in hosts:
                steps.append(Step(None, lambda h=h: self.rescan(h)))
        return steps

    def rescan(self, host):
        """Rescan a host's storage units (a rescan changes no setting: it is not reported as a change)."""
        self.fc.call("POST", self.fc.site_uri + "/storageunits/action/refresh", body={"hostUrn": host["urn"]},
                     changes=False)
        self.rescanned.append(host["name"])

    def plan_create(self, desired):
        p = self.params
        stype, access = fc_storage.TYPES[p["type"]]
        if p["type"] in ("ipsan", "nas") and not p["target_portals"]:
            raise FcError("target_portals is required to add an %s storage resource." % p["type"])
        hosts = [self.host(h) for h in p["hosts"] or []]
        steps = self._initiator_steps(desired.get("initiators") or {}, self._connected_san)
        body = {"name": p["name"], "storageType": stype, "vender": p["vendor"] or "OTHER",
                "deviceType": p["device_type"] or ("DSWARE" if p["type"] == "fusionstorage" else "OTHER"),
                "dataChannel": [{"ip": c["ip"], "port": c["port"] if p["type"] != "nas" or c["port"] != 3260 else 2049}
                                for c in p["target_portals"] or []],
                "hostUrn": [h["urn"] for h in hosts], "autoscan": 0 if p["rescan"] == "none" else 1}
        for opt, field in (("target_iqn", "iSCSITargetIQN"), ("chap_username", "chapUserName"),
                           ("chap_password", "chapPasswd"), ("management_ip", "managementIp"),
                           ("management_port", "managementPort"), ("array_username", "username"),
                           ("array_password", "password")):
            if p[opt] is not None:
                body[field] = p[opt]
        if access is not None:
            body["accessMode"] = access
        steps.append(Step("add storage resource %s%s" % (p["name"], " and connect %s" % ", ".join(
            h["name"] for h in hosts) if hosts else ""),
            lambda: self.fc.call("POST", self.fc.site_uri + "/storageresources", body=body)))
        return steps + self._rescan(hosts)

    def plan_update(self, obj, current, changes):
        steps = []
        uri = obj["uri"]
        used = None
        if "initiators" in changes:
            steps += self._initiator_steps(changes["initiators"], self._connected_san)
        body = {}
        if "target_portals" in changes:
            used = fc_storage.datastores_on(self.fc, self.units(obj))
            if used:
                raise refuse("Datastores are on storage resource %s (%s); VRM does not change its target portals." % (
                    obj["name"], ", ".join(sorted({d["name"] for d in used.values()}))), "10410256")
            body["dataChannel"] = changes["target_portals"]
        if "chap_username" in changes:
            body["chapUserName"] = changes["chap_username"]
        if body:
            steps.append(Step("change %s of %s" % (" and ".join(sorted(k for k in changes if k in (
                "target_portals", "chap_username"))), obj["name"]),
                lambda: self.fc.call("PUT", uri, body=body)))
        if "hosts" in changes:
            want, have = set(changes["hosts"]), set(current["hosts"])
            new = [self.host(n) for n in sorted(want - have)]
            for h in new:
                steps.append(Step("connect host %s to %s" % (h["name"], obj["name"]),
                                  lambda h=h: self.fc.call("POST", uri + "/action/connect", body={"hostUrn": h["urn"]})))
            steps += self._rescan(new)
            gone = sorted(have - want)
            if gone:
                used = fc_storage.datastores_on(self.fc, self.units(obj)) if used is None else used
            for name in gone:
                h = self.host(name)
                mine = sorted({d["name"] for d in used.values()
                               if h["urn"].rsplit(":", 1)[1] in [str(x).rsplit(":", 1)[1] for x in d.get("hosts") or []]})
                if mine:
                    raise refuse("Host %s uses datastore(s) %s on %s; dissociate them from it before disconnecting "
                                 "it." % (name, ", ".join(mine), obj["name"]), "10410014")
                steps.append(Step("disconnect host %s from %s" % (name, obj["name"]), lambda h=h: self.fc.call(
                    "POST", uri + "/action/disconnect", body={"hostUrn": h["urn"]})))
        return steps

    def plan_delete(self, obj):
        used = fc_storage.datastores_on(self.fc, self.units(obj))
        if used:
            raise refuse("Datastores are on storage resource %s (%s); delete them before removing it." % (
                obj["name"], ", ".join(sorted({d["name"] for d in used.values()}))), "10410014")
        return [Step("remove storage resource %s" % obj["name"], lambda: self.fc.call("DELETE", obj["uri"]))]


def main():
    portal = dict(ip=dict(type="str", required=True), port=dict(type="int", default=3260))
    fc = FcModule(dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        type=dict(type="str", default="ipsan", choices=sorted(fc_storage.TYPES)),
        vendor=dict(type="str", choices=["HW", "OTHER"]),
        device_type=dict(type="str", choices=["3900", "V3", "DSWARE", "OTHER"]),
        target_portals=dict(type="list", elements="dict", options=portal),
        target_iqn=dict(type="str"), chap_username=dict(type="str"), chap_password=dict(type="str", no_log=True),
        management_ip=dict(type="str"), management_port=dict(type="int"), array_username=dict(type="str"),
        array_password=dict(type="str", no_log=True),
        hosts=dict(type="list", elements="str"), hosts_remove_unmanaged=dict(type="bool", default=False),
        initiators=dict(type="list", elements="dict", options=dict(host=dict(type="str", required=True),
                                                                   iqn=dict(type="str", required=True))),
        rescan=dict(type="str", default="new_hosts", choices=["new_hosts", "all_hosts", "none"]),
    ), required_by={"chap_password": "chap_username", "array_password": "array_username"})
    fc.run(lambda: run(fc))


def run(fc):
    res = StorageResource(fc)
    result = res.run()
    p = fc.params
    if p["state"] == "present" and p["rescan"] == "all_hosts" and not fc.check_mode and result["storage_resource"]:
        for name in result["storage_resource"]["hosts"]:
            if name not in res.rescanned:
                res.rescan(res.host(name))
        result["storage_resource"] = res.returned(res.find())
    if res.rescanned:
        result["rescanned"] = sorted(res.rescanned)
    if "plan" in result:
        result["plan"] = [s for s in result["plan"] if s]
    return result


if __name__ == "__main__":
    main()
