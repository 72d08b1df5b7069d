#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_host
short_description: Add, move, maintain, power and remove FusionCompute CNA hosts
version_added: 0.1.0
description:
  - Adds a CNA host to a cluster by its management IP (with its BMC details), moves it between clusters,
    renames it, puts it into or out of maintenance mode, powers it on or off through its BMC, and removes it.
  - Sets the host settings VRM manages - NTP servers and cycle, huge pages, memory swap partitions (see
    O(ntp_servers), O(huge_pages), O(swap_partitions)).
  - Entering maintenance mode with O(maintenance_evacuate=true) migrates the host's VMs away and waits for them
    (up to O(timeout)); VMs that cannot move make the module fail, naming them.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT
  - fusioncompute.core.fc_host_settings
  - fusioncompute.core.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
options:
  ip:
    description: Management IP of the host. Required to add a host; also identifies it.
    type: str
  name:
    description: Name of the host (identifies it when O(ip) is not given; sets the name when adding).
    type: str
  cluster:
    description: Cluster (name or URN) the host belongs to. Omit to leave it where it is (or, when adding, at site level).
    type: str
  description:
    description: Description.
    type: str
  bmc_ip:
    description: BMC address (needed for power on).
    type: str
  bmc_username:
    description: BMC user.
    type: str
  bmc_password:
    description: BMC password (write-only; never compared).
    type: str
  maintenance:
    description: V(true) puts the host into maintenance mode, V(false) takes it out.
    type: bool
  maintenance_evacuate:
    description: When entering maintenance mode, migrate the host's VMs away and wait for them.
    type: bool
    default: true
  power_state:
    description: Power the host on (through its BMC) or off (safely; a host running VMs refuses).
    type: str
    choices: [powered-on, powered-off]
  force:
    description: With O(state=absent), remove the host even when VMs are registered on it.
    type: bool
    default: false
  state:
    description: V(present) or V(absent).
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: fusioncompute.core.fc_host_info
  - module: fusioncompute.core.fc_cluster
"""

EXAMPLES = r"""
- name: Add a CNA host to the dev cluster
  fusioncompute.core.fc_host:
    ip: 198.51.100.31
    name: cna-dev-04
    cluster: cluster-dev
    bmc_ip: 198.51.100.131
    bmc_username: root
    bmc_password: "{{ vault_bmc_password | default(omit) }}"  # from a vault

- name: Time, huge pages and a swap partition of a host without VMs
  fusioncompute.core.fc_host:
    name: cna-dev-03
    ntp_servers: [198.51.100.5, ntp.example.com]
    ntp_cycle: 128
    huge_pages:
      size: 2M
      count: 4096
    swap_partitions:
      - name: swap-dev
        size_gb: 16
        datastore: datastore-dev

- name: Empty it for hardware work
  fusioncompute.core.fc_host:
    name: cna-dev-04
    maintenance: true
    timeout: 1800
"""

RETURN = r"""
host:
  description: The host after the change (in check mode, what it would be; empty after O(state=absent)), with
    the fields of M(fusioncompute.core.fc_host_info).
  returned: always
  type: dict
  sample:
    name: cna-prod-01
    urn: urn:sites:4D6B0918:hosts:1
    ip: 198.51.100.11
    cluster: cluster-prod
    cluster_urn: urn:sites:4D6B0918:clusters:1
    description: ""
    status: normal
    maintenance: false
    power_state: powered-on
    bmc_ip: 198.51.100.111
    bmc_username: root
    cpu_cores: 32
    cpu_mhz: 2600
    memory_mb: 262144
    cpu_total_mhz: 83200
    cpu_allocated_mhz: 0
    memory_total_mb: 262144
    memory_allocated_mb: 0
    vm_count: 0
    ntp_servers: [198.51.100.5]
    ntp_cycle: 128
    huge_pages: {size: 2M, count: 4096}
    swap_partitions:
      swap-dev: {size_gb: 16, datastore_urn: "urn:sites:4D6B0918:datastores:2"}
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
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcApiError, FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_host_settings import (
    ARGSPEC as SETTINGS_ARGSPEC, KEYS as SETTINGS, HostSettings)
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import exact
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_network import check_ip
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule, Resource, Step
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_views import host_view


class Host(HostSettings, Resource):
    kind = "host"

    def validate(self):
        p = self.params
        if not p["ip"] and not p["name"]:
            raise FcError("Give ip or name to identify the host.")
        for k in ("ip", "bmc_ip"):
            if p[k]:
                check_ip(p[k], k)
        self.settings_validate()

    def find(self):
        p = self.params
        hosts = self.client.list_all(self.fc.site_uri + "/hosts", "hosts")
        by_ip = exact(hosts, p["ip"], "hosts", field="ip") if p["ip"] else None
        if by_ip is not None:
            return by_ip
        if p["name"] and not p["ip"]:
            return exact(hosts, p["name"], "hosts")
        return None

    def reread(self, obj):
        return self.find()

    def view(self, obj):
        v = host_view(obj)
        out = {k: v[k] for k in ("name", "cluster", "description", "maintenance", "power_state", "bmc_ip",
                                 "bmc_username")}
        out.update(self.settings_view(obj))
        return out

    def returned(self, obj):
        return dict(host_view(obj), **self.settings_view(obj))

    def compare(self, current, desired):
        changes = super(Host, self).compare(current, dict((k, v) for k, v in desired.items() if k not in SETTINGS))
        changes.update(self.settings_compare(current, desired))
        return changes

    def desired(self):
        p = self.params
        cluster = None
        if p["cluster"]:
            cluster = fc_lookup.cluster(self.fc, p["cluster"])["name"]
        return dict({"name": p["name"], "cluster": cluster, "description": p["description"],
                     "maintenance": p["maintenance"], "power_state": p["power_state"], "bmc_ip": p["bmc_ip"],
                     "bmc_username": p["bmc_username"]}, **self.settings_desired())

    def plan_create(self, desired):
        p = self.params
        if not p["ip"]:
            raise FcError("Host %s is not managed by the VRM; give its ip to add it." % p["name"])
        body = {"ip": p["ip"]}
        for opt, key in (("name", "name"), ("description", "description"), ("bmc_ip", "bmcIp"),
                         ("bmc_username", "bmcUserName"), ("bmc_password", "bmcPassword")):
            if p[opt] is not None:
                body[key] = p[opt]
        if p["cluster"]:
            body["clusterUrn"] = fc_lookup.cluster(self.fc, p["cluster"])["urn"]
        steps = [Step("add host %s%s" % (p["ip"], " to cluster %s" % p["cluster"] if p["cluster"] else ""),
                      lambda: self.fc.call("POST", self.fc.site_uri + "/hosts", body=body))]
        steps += self.settings_steps(self.find, self.settings_compare({}, desired))
        if p["maintenance"]:
            steps.append(Step("enter maintenance mode", lambda: self._maintenance(self.find(), True)))
        if p["power_state"] == "powered-off":   # an added host runs; power it off in the same run
            steps.append(Step("power off %s" % p["ip"], lambda: self.fc.call(
                "POST", self.find()["uri"] + "/action/poweroff", body={"mode": "safe"})))
        return steps

    def plan_update(self, obj, current, changes):
        p = self.params
        steps = []
        uri = obj["uri"]
        if "cluster" in changes:
            target = fc_lookup.cluster(self.fc, p["cluster"])
            steps.append(Step("move %s from %s to %s" % (obj["name"], current["cluster"], target["name"]),
                              lambda: self.fc.call("POST", uri + "/action/move", body={"clusterUrn": target["urn"]})))
        put = {}
        for k, f in (("name", "name"), ("description", "description"), ("bmc_ip", "bmcIp"),
                     ("bmc_username", "bmcUserName")):
            if k in changes:
                put[f] = changes[k]
        if put:
            if p["bmc_password"] and ("bmcIp" in put or "bmcUserName" in put):
                put["bmcPassword"] = p["bmc_password"]
            steps.append(Step("modify %s: %s" % (obj["name"], ", ".join(sorted(put))),
                              lambda: self.fc.call("PUT", uri, body=put)))
        if changes.get("power_state") == "powered-on":
            steps.append(Step("power on %s" % obj["name"], lambda: self.fc.call("POST", uri + "/action/poweron")))
        steps += self.settings_steps(obj, changes)
        if changes.get("maintenance") and p["maintenance_evacuate"]:
            self._check_evacuable(obj)
        if "maintenance" in changes:
            steps.append(Step("%s maintenance mode" % ("enter" if changes["maintenance"] else "exit"),
                              lambda: self._maintenance(obj, changes["maintenance"])))
        if changes.get("power_state") == "powered-off":
            steps.append(Step("power off %s" % obj["name"],
                              lambda: self.fc.call("POST", uri + "/action/poweroff", body={"mode": "safe"})))
        return steps

    def _check_evacuable(self, obj):
        """Running VMs bound to the host cannot leave it: fail naming them before maintenance mode is entered."""
        vms = self.client.list_all(self.fc.site_uri + "/vms", "vms", {"scope": obj["urn"], "detail": 1})
        bound = sorted(v["name"] for v in vms if v.get("isBindingHost") and v.get("status") in ("running", "pause"))
        if bound:
            raise FcError("Host %s cannot be evacuated: these running VMs are bound to it: %s. Stop them or unbind "
                          "them from the host first, or set maintenance_evacuate=false."
                          % (obj["name"], ", ".join(bound)))

    def _maintenance(self, obj, on):
        uri = obj["uri"]
        if not on:
            self.fc.call("POST", uri + "/action/exitMaintenanceMode")
            return
        self.fc.call("POST", uri + "/action/enterMaintenanceMode")
        if self.params["maintenance_evacuate"]:
            try:
                self.fc.call("POST", uri + "/action/MigrateAllVms")
            except FcApiError as exc:
                # leave the host as it was, and say why its VMs could not move
                self.fc.call("POST", uri + "/action/exitMaintenanceMode")
                raise FcError("The VMs of host %s could not be migrated away (VRM error %s: %s); the host was taken "
                              "out of maintenance mode again." % (obj["name"], exc.code, exc.description or exc))

    def plan_delete(self, obj):
        params = {"isForce": 1} if self.params["force"] else None
        return [Step("remove host %s (%s)" % (obj["name"], obj["ip"]),
                     lambda: self.fc.call("DELETE", obj["uri"], params=params))]


def main():
    fc = FcModule(dict(
        ip=dict(type="str"), name=dict(type="str"), cluster=dict(type="str"), description=dict(type="str"),
        bmc_ip=dict(type="str"), bmc_username=dict(type="str"), bmc_password=dict(type="str", no_log=True),
        maintenance=dict(type="bool"), maintenance_evacuate=dict(type="bool", default=True),
        power_state=dict(type="str", choices=["powered-on", "powered-off"]),
        force=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["present", "absent"]), **SETTINGS_ARGSPEC
    ))
    fc.run(lambda: Host(fc).run())


if __name__ == "__main__":
    main()
