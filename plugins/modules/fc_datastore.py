#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_datastore
short_description: Manage FusionCompute datastores (NFS exports or SAN LUNs), their hosts and their expansion
version_added: 0.1.0
description:
  - Creates a datastore from an NFS export (registering the NFS server as a NAS storage resource and connecting
    the hosts when needed) or from a storage unit (a LUN of a SAN storage resource the hosts are connected to,
    see M(fusioncompute.core.fc_storage_resource)), and associates it with O(hosts).
  - B(Expansion.) A datastore on SAN LUNs grows by further LUNs (VRM's C(expandDatastore)); the units listed in
    O(extents) that it does not span yet are added and its capacity grows by theirs. A datastore only grows;
    VRM has no request that takes a LUN back, so a LUN it spans that O(extents) leaves out fails, before anything
    is sent.
  - Refuses before anything is sent, with the code VRM would answer and a hint, a LUN that already belongs to
    another datastore (C(10410138)), a host not connected to the LUN's storage resource (C(10410081)), and an
    expansion by something other than a free LUN (C(10410144), C(10410002)).
  - Updates name and description, associates added hosts, and dissociates hosts not listed when
    O(hosts_remove_unmanaged=true).
  - Deletes a datastore; VRM refuses while volumes are on it.
  - Returns capacity, used (real) and provisioned space.
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
    description: Name of the datastore.
    type: str
    required: true
  state:
    description: V(present) or V(absent).
    type: str
    choices: [present, absent]
    default: present
  type:
    description: Where a new datastore comes from.
    type: str
    choices: [nfs, storage_unit]
    default: nfs
  nfs:
    description: The NFS export, for O(type=nfs).
    type: dict
    suboptions:
      server:
        description: IP address of the NFS server.
        type: str
        required: true
      path:
        description: Exported path.
        type: str
        required: true
  storage_unit:
    description:
      - Storage unit (name or URN), for O(type=storage_unit). The units of the site and their names are listed by
        VRM's C(GET <site>/storageunits/querybypage?deviceType=0) (M(fusioncompute.core.fc_resource) can send it);
        M(fusioncompute.core.fc_datastore_info) returns the unit of each existing datastore as C(storage_unit).
      - A unit no host of the site has fails, listing the site's units, before anything is sent; a unit that only
        the first of O(hosts) does not see yet is looked for again after a rescan of that host's storage.
      - Every host of O(hosts) must see the unit or be connected to its storage resource; a unit that belongs to
        another datastore fails.
    type: str
  extents:
    description:
      - Further storage units (LUNs; names or URNs) the datastore spans beyond the one it was created on, in the
        order they were added. Units not spanned yet are added (VRM's C(expandDatastore)), each growing the
        datastore by its capacity; every host of the datastore must see them (hosts connected to their storage
        resource are rescanned first).
      - A datastore never shrinks; a unit it spans that is not listed fails before anything is sent. Omit the
        option to leave the extents as they are.
      - Only for datastores on SAN LUNs (VRM type C(LUNPOME)).
    type: list
    elements: str
  hosts:
    description: Hosts (names, IPs or URNs) the datastore is associated with. Required to create it.
    type: list
    elements: str
  hosts_remove_unmanaged:
    description: Dissociate the hosts not in O(hosts) (refused by VRM for hosts running VMs with disks there).
    type: bool
    default: false
  description:
    description: Description.
    type: str
  warning_threshold_percent:
    description:
      - Warn (and return RV(over_threshold)) when the real used space exceeds this percentage of the capacity.
        VRM has no per-datastore threshold setting; this is checked by the module.
    type: int
  refresh_space:
    description:
      - Ask VRM to refresh the datastore's real free space (reclaimed space shows afterwards). Always a change.
      - The FusionCompute 8.0 interface has no request that reclaims a datastore's or a thin disk's unused space
        (it names a reclaim task type but no request for it), so the module offers none; space freed on the
        storage shows after this refresh.
    type: bool
    default: false
seealso:
  - module: fusioncompute.core.fc_datastore_info
  - module: fusioncompute.core.fc_storage_resource
  - module: fusioncompute.core.fc_volume
"""

EXAMPLES = r"""
- name: An NFS datastore for images on every dev host
  fusioncompute.core.fc_datastore:
    name: nfs-iso
    type: nfs
    nfs:
      server: 198.51.100.210
      path: /export/iso
    hosts:
      - cna-dev-01
      - cna-dev-02
      - cna-dev-03
    warning_threshold_percent: 80

- name: Connect two dev hosts to an IP-SAN array
  fusioncompute.core.fc_storage_resource:
    name: ipsan-ds-example
    target_portals:
      - ip: 198.51.100.220
    hosts: [cna-dev-01, cna-dev-02]

- name: A datastore on one of its LUNs, expanded by a second LUN
  fusioncompute.core.fc_datastore:
    name: san-ds-example
    type: storage_unit
    storage_unit: LUN-ipsan-01
    extents: [LUN-ipsan-02]
    hosts: [cna-dev-01, cna-dev-02]
  register: san_ds

- name: Grown to the two LUNs' capacity
  ansible.builtin.assert:
    that:
      - san_ds.datastore.capacity_gb == 2048
      - san_ds.datastore.storage_units == ['LUN-ipsan-01', 'LUN-ipsan-02']

- name: Remove the datastore (the LUNs are free again) and the array
  fusioncompute.core.fc_datastore:
    name: san-ds-example
    state: absent

- name: The array goes once no datastore is on it
  fusioncompute.core.fc_storage_resource:
    name: ipsan-ds-example
    state: absent
"""

RETURN = r"""
datastore:
  description: The datastore after the change (in check mode, what it would be), with the fields of
    M(fusioncompute.core.fc_datastore_info).
  returned: always
  type: dict
  sample:
    capacity_gb: 4096
    description: ''
    free_gb: 4096
    hosts:
    - cna-prod-01
    - cna-prod-02
    - cna-prod-03
    name: datastore-prod
    provisioned_gb: 0
    status: NORMAL
    storage_unit: LUN-prod-01
    storage_units:
    - LUN-prod-01
    type: LUNPOME
    urn: urn:sites:4D6B0918:datastores:1
    used_gb: 0
over_threshold:
  description: Whether the used space exceeds O(warning_threshold_percent).
  returned: when warning_threshold_percent is set
  type: bool
  sample: false
race:
  description:
    - Another run created an object of the same name at the same time, and this run's was not the oldest;
      this run removed the one it had made and used the oldest (docs/races.md in the collection).
  returned: when this run lost a create race
  type: dict
  sample: {"kept": "urn:sites:4D6B0918:datastores:4", "removed": ["urn:sites:4D6B0918:datastores:5"]}
  contains:
    kept:
      description: URN of the oldest object, the one that stays and that this result describes.
      type: str
    removed:
      description: URN of the object this run made and removed.
      type: list
      elements: str
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

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_lookup, fc_storage
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import exact, urn_to_uri
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_network import check_ip
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule, Resource, Step
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_views import ds_view


class Datastore(Resource):
    kind = "datastore"

    def __init__(self, fc):
        super(Datastore, self).__init__(fc)
        self._hosts = None
        self._units = None

    def validate(self):
        p = self.params
        if p["nfs"]:
            check_ip(p["nfs"]["server"], "nfs.server")
            if not p["nfs"]["path"].startswith("/"):
                raise FcError("nfs.path must be an absolute path.")
        t = p["warning_threshold_percent"]
        if t is not None and not 1 <= t <= 100:
            raise FcError("warning_threshold_percent must be between 1 and 100.")

    def all_hosts(self):
        if self._hosts is None:
            self._hosts = self.client.list_all(self.fc.site_uri + "/hosts", "hosts")
        return self._hosts

    def host_names(self):
        return {h["urn"].rsplit(":", 1)[1]: h["name"] for h in self.all_hosts()}

    def host(self, ref):
        for h in self.all_hosts():
            if ref in (h["urn"], h["name"], h["ip"]):
                return h
        raise FcError("Host %r not found." % ref)

    def find(self):
        obj = fc_lookup.datastore(self.fc, self.params["name"], required=False)
        return self.client.get(obj["uri"]) if obj else None

    def reread(self, obj):
        return self.find()

    def view(self, obj):
        v = ds_view(obj, self.host_names())
        return {k: v[k] for k in ("name", "description", "hosts", "storage_units")}

    def returned(self, obj):
        return ds_view(obj, self.host_names())

    def desired(self):
        p = self.params
        hosts = sorted(self.host(h)["name"] for h in p["hosts"]) if p["hosts"] is not None else None
        out = {"name": p["name"], "description": p["description"], "hosts": hosts}
        if p["extents"] is not None:
            units = self.site_units()
            out["extents"] = [fc_storage.unit_named(units, ref)["name"] for ref in p["extents"]]
        return out

    def site_units(self):
        if self._units is None:
            self._units = fc_storage.site_units(self.fc)
        return self._units

    def diff_create(self, desired):
        out = {k: v for k, v in desired.items() if v is not None and k != "extents"}
        if self.params["type"] == "storage_unit" and self.params["storage_unit"]:
            first = fc_storage.unit_named(self.site_units(), self.params["storage_unit"])["name"]
            out["storage_units"] = [first] + [u for u in desired.get("extents") or [] if u != first]
        return out

    def compare(self, current, desired):
        changes = {}
        if desired.get("description") is not None and desired["description"] != current["description"]:
            changes["description"] = desired["description"]
        if desired.get("hosts") is not None:
            want = set(desired["hosts"])
            have = set(current["hosts"])
            if want - have or (self.params["hosts_remove_unmanaged"] and have - want):
                changes["hosts"] = sorted(want if self.params["hosts_remove_unmanaged"] else want | have)
        if desired.get("extents") is not None:
            have = current["storage_units"]
            dropped = [u for u in have[1:] if u not in desired["extents"]]
            if dropped:
                raise FcError("Datastore %s spans %s, which extents leaves out: a datastore only grows (VRM has no "
                              "request that takes a LUN back from a datastore). List every LUN it spans in extents "
                              "(found before anything was sent)." % (self.params["name"], ", ".join(dropped)))
            new = [u for u in desired["extents"] if u not in have]
            if new:
                changes["storage_units"] = have + new
        return changes

    def expand_steps(self, ds_name, ds, hosts, new_units):
        """Steps that add ``new_units`` (names) to the datastore, each checked before anything is sent."""
        units = self.site_units()
        used = fc_storage.datastores_on(self.fc, units)
        steps = []
        for name in new_units:
            unit = fc_storage.unit_named(units, name)
            fc_storage.check_expandable(self.fc, ds, unit, used, hosts)
            steps.append(Step("expand datastore %s with %s (%s GB)" % (ds_name, name, unit.get("capacityGB")),
                              lambda unit=unit: self._expand(ds_name, unit, hosts)))
        return steps

    def _expand(self, ds_name, unit, hosts):
        seeing = {h.get("hostName") for h in unit.get("hostList") or []}
        for h in hosts:
            if h["name"] not in seeing:     # connected to the LUN's array but not scanned since it was mapped
                self.fc.call("POST", self.fc.site_uri + "/storageunits/action/refresh", body={"hostUrn": h["urn"]},
                             changes=False)
        ds = fc_lookup.datastore(self.fc, ds_name)
        self.fc.call("POST", ds["uri"] + "/action/expandDatastore", body={"storageUnitUrn": unit["urn"]})

    # -- create ----------------------------------------------------------------------------------
    def _nas_resource(self):
        server = self.params["nfs"]["server"]
        for r in self.client.paged(self.fc.site_uri + "/storageresources", "storageResources"):
            if r.get("storageType") == "NAS" and any(c.get("ip") == server for c in r.get("dataChannel") or []):
                return r
        return None

    def _check_unit_exists(self):
        """A storage unit that no host of the site has fails before any rescan, with the names there are."""
        ref = self.params["storage_unit"]
        units = self.client.list_all(self.fc.site_uri + "/storageunits/querybypage", "storageUnits",
                                     {"deviceType": "0", "useState": "all"})
        if not any(ref in (u.get("urn"), u.get("name")) for u in units):
            raise FcError("Storage unit %s not found in the site; its storage units are: %s." % (
                ref, ", ".join(sorted(u.get("name", "") for u in units)) or "none"))

    def _unit_for(self, host, rescan=True):
        p = self.params
        units = (self.client.get(self.fc.site_uri + "/storageunits", params={
            "hostUrn": host["urn"], "useState": "all", "deviceType": "0"}) or {}).get("storageUnits", [])
        wanted = "%s:%s" % (p["nfs"]["server"], p["nfs"]["path"]) if p["type"] == "nfs" else p["storage_unit"]
        if rescan and not any(wanted in (u.get("name"), u.get("urn")) for u in units):
            if p["type"] == "storage_unit":
                self._check_unit_exists()
            # the host may not have scanned its storage since the export or LUN appeared
            self.fc.call("POST", self.fc.site_uri + "/storageunits/action/refresh", body={"hostUrn": host["urn"]},
                         changes=False)
            return self._unit_for(host, rescan=False)
        if p["type"] == "nfs":
            name = "%s:%s" % (p["nfs"]["server"], p["nfs"]["path"])
            unit = exact(units, name, "storage units")
            if unit is None:
                raise FcError("Host %s does not see the NFS export %s after connecting to the server; check the "
                              "export and its access rules." % (host["name"], name))
            return unit
        ref = p["storage_unit"]
        unit = next((u for u in units if ref in (u.get("urn"), u.get("name"))), None)
        if unit is None:
            raise FcError("Host %s does not see the storage unit %s, even after a rescan of its storage." % (
                host["name"], ref))
        return unit

    def _associate(self, host, unit_urn):
        """Associate the datastore's unit with a host, rescanning the host's storage when it does not see it."""
        units = (self.client.get(self.fc.site_uri + "/storageunits", params={
            "hostUrn": host["urn"], "useState": "all", "deviceType": "0"}) or {}).get("storageUnits", [])
        if not any(u.get("urn") == unit_urn for u in units):
            self.fc.call("POST", self.fc.site_uri + "/storageunits/action/refresh", body={"hostUrn": host["urn"]},
                         changes=False)
        self.fc.call("POST", self.fc.site_uri + "/datastores",
                     body={"hostUrn": host["urn"], "storageUnitUrn": unit_urn, "useType": 1})

    def plan_create(self, desired):
        p = self.params
        if not p["hosts"]:
            raise FcError("hosts is required to create a datastore (VRM creates it through a host).")
        if p["type"] == "nfs" and not p["nfs"]:
            raise FcError("type=nfs needs nfs.server and nfs.path.")
        if p["type"] == "storage_unit" and not p["storage_unit"]:
            raise FcError("type=storage_unit needs storage_unit.")
        hosts = [self.host(h) for h in p["hosts"]]
        steps = []
        extents = []
        if p["type"] == "storage_unit":
            units = self.site_units()
            unit = fc_storage.unit_named(units, p["storage_unit"])
            used = fc_storage.datastores_on(self.fc, units)
            fc_storage.check_free(unit, used, p["name"])
            fc_storage.check_reachable(self.fc, unit, hosts)
            extents = self.expand_steps(p["name"], {"storageType": "LUNPOME" if unit.get("type") == "LUN" else
                                                    unit.get("type")}, hosts,
                                        [u for u in desired.get("extents") or [] if u != unit["name"]])
        elif p["extents"]:
            raise FcError("extents needs type=storage_unit: only datastores on SAN LUNs grow by adding LUNs.")
        if p["type"] == "nfs":
            res = self._nas_resource()
            if res is None:
                body = {"name": "nfs-%s" % p["nfs"]["server"], "storageType": "NAS", "vender": "OTHER",
                        "deviceType": "OTHER", "dataChannel": [{"ip": p["nfs"]["server"]}],
                        "hostUrn": [h["urn"] for h in hosts]}
                steps.append(Step("register NFS server %s as storage resource %s" % (p["nfs"]["server"], body["name"]),
                                  lambda: self.fc.call("POST", self.fc.site_uri + "/storageresources", body=body)))
            else:
                detail = self.client.get(res["uri"])
                connected = {h["urn"] for h in detail.get("hostUrns") or []}
                for h in hosts:
                    if h["urn"] not in connected:
                        steps.append(Step("connect host %s to NFS server %s" % (h["name"], p["nfs"]["server"]),
                                          lambda h=h, uri=res["uri"]: self.fc.call(
                                              "POST", uri + "/action/connect", body={"hostUrn": h["urn"]})))

        def create():
            unit = self._unit_for(hosts[0])
            body = {"hostUrn": hosts[0]["urn"], "storageUnitUrn": unit["urn"], "name": p["name"], "useType": 1}
            if p["description"] is not None:
                body["description"] = p["description"]
            answer = self.fc.call("POST", self.fc.site_uri + "/datastores", body=body)
            for h in hosts[1:]:
                self._associate(h, unit["urn"])
            return answer
        steps.append(Step("create datastore %s on %s" % (p["name"], ", ".join(h["name"] for h in hosts)), create))
        return steps + extents

    def plan_update(self, obj, current, changes):
        steps = []
        uri = obj["uri"]
        if "description" in changes:
            steps.append(Step("update the description of %s" % obj["name"],
                              lambda: self.fc.call("PUT", uri, body={"description": changes["description"]})))
        if "hosts" in changes:
            want = set(changes["hosts"])
            have = set(current["hosts"])
            unit_urn = obj.get("suUrn")
            for name in sorted(want - have):
                h = self.host(name)
                steps.append(Step("associate %s with host %s" % (obj["name"], name),
                                  lambda h=h: self._associate(h, unit_urn)))
            for name in sorted(have - want):
                h = self.host(name)
                steps.append(Step("dissociate %s from host %s" % (obj["name"], name),
                                  lambda h=h: self.fc.call("DELETE", uri, params={"hostUrn": h["urn"]})))
        if "storage_units" in changes:
            names = changes.get("hosts") or current["hosts"]
            steps += self.expand_steps(obj["name"], obj, [self.host(n) for n in names],
                                       [u for u in changes["storage_units"] if u not in current["storage_units"]])
        return steps

    def plan_delete(self, obj):
        return [Step("delete datastore %s" % obj["name"], lambda: self.fc.call("DELETE", obj["uri"]))]


def main():
    fc = FcModule(dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        type=dict(type="str", default="nfs", choices=["nfs", "storage_unit"]),
        nfs=dict(type="dict", options=dict(server=dict(type="str", required=True), path=dict(type="str", required=True))),
        storage_unit=dict(type="str"), extents=dict(type="list", elements="str"),
        hosts=dict(type="list", elements="str"),
        hosts_remove_unmanaged=dict(type="bool", default=False), description=dict(type="str"),
        warning_threshold_percent=dict(type="int"), refresh_space=dict(type="bool", default=False),
    ))
    fc.run(lambda: run(fc))


def run(fc):
    ds = Datastore(fc)
    result = ds.run()
    p = fc.params
    if p["state"] == "present" and result.get("datastore", {}).get("urn"):
        if p["refresh_space"]:
            result["changed"] = True
            result.setdefault("plan", []).append("refresh the real free space of %s" % p["name"])
            if not fc.check_mode:
                fc.call("POST", fc.site_uri + "/datastores/action/refresh",
                        body={"datastoreUrns": [result["datastore"]["urn"]]})
                result["datastore"] = ds.returned(fc.client.get(urn_to_uri(result["datastore"]["urn"])))
        t = p["warning_threshold_percent"]
        d = result["datastore"]
        if t is not None and d.get("capacity_gb"):
            over = 100.0 * (d["used_gb"] or 0) / d["capacity_gb"] > t
            result["over_threshold"] = over
            if over:
                fc.warn("Datastore %s uses %s of %s GB, more than %d%%." % (
                    d["name"], d["used_gb"], d["capacity_gb"], t))
    return result


if __name__ == "__main__":
    main()
