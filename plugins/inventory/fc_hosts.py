# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: fc_hosts
short_description: Huawei FusionCompute CNA hosts as an Ansible inventory
version_added: 0.1.0
description:
  - Builds an inventory of the CNA hosts (the compute nodes) of one or more FusionCompute sites, read from the
    VRM REST API, with their cluster, status, maintenance mode and addresses.
  - One login per run and a logout at the end; per site one request for the clusters and one per 100 hosts.
  - C(ansible_host) is the host's management address (C(fc_ip)), so a play can reach the CNA nodes over SSH.
  - The configuration file name must end with C(fc_hosts.yml) or C(fc_hosts.yaml).
  - The connection options, the cache, O(compose), O(groups), O(keyed_groups), O(filters) and O(hostnames) work
    as for the P(fusioncompute.core.fc_vms#inventory) inventory.
extends_documentation_fragment:
  - fusioncompute.core.fc_inventory
  - constructed
  - inventory_cache
options:
  plugin:
    description: Marks this file as a configuration of this plugin.
    required: true
    type: str
    choices: [fusioncompute.core.fc_hosts]
  clusters:
    description:
      - Only hosts of these clusters (names or URNs); sent to VRM as the C(scope) of the host list.
    type: list
    elements: str
    default: []
  properties:
    description:
      - Host variables to set (the C(fc_) names listed in the notes).
      - Empty means a compact default set (C(fc_urn), C(fc_name), C(fc_ip), C(fc_status), C(fc_maintenance),
        C(fc_site), C(fc_cluster)). V(all) sets every variable.
      - O(compose), O(groups), O(keyed_groups), O(filters) and O(hostnames) always see every variable.
    type: list
    elements: str
    default: []
  default_groups:
    description:
      - Create the default groups by site, cluster, status, mode and cluster tag (C(<prefix>site_<name>),
        C(<prefix>cluster_<name>), C(<prefix>status_<status>), C(<prefix>mode_maintenance) or
        C(<prefix>mode_active), C(<prefix>tag_<tag>)). A host outside any cluster joins no cluster group.
    type: bool
    default: true
notes:
  - "Host variables: C(fc_urn), C(fc_uri), C(fc_host_id), C(fc_uuid), C(fc_name), C(fc_description), C(fc_ip)
    (management address), C(fc_ips) (the same, as a list), C(fc_bmc_ip), C(fc_status) (VRM's word: C(normal),
    C(fault), C(initial), C(poweroff) ...), C(fc_maintenance) (true in maintenance mode), C(fc_mode)
    (V(maintenance) or V(active)), C(fc_site), C(fc_site_urn), C(fc_cluster), C(fc_cluster_urn),
    C(fc_cluster_tag), C(fc_cpu_count), C(fc_cpu_mhz), C(fc_memory_mb), C(fc_vendor), C(fc_model),
    C(fc_version)."
author:
  - fusioncompute.core maintainers (@fusioncompute)
seealso:
  - plugin: fusioncompute.core.fc_vms
    plugin_type: inventory
  - module: fusioncompute.core.fc_host_info
  - module: fusioncompute.core.fc_host
"""

EXAMPLES = r"""
# inventory/cna.fc_hosts.yml -- credentials come from FC_HOST, FC_USERNAME, FC_PASSWORD (and FC_CA_PATH)
plugin: fusioncompute.core.fc_hosts
clusters:
  - cluster-prod
filters:
  - fc_status == 'normal'
compose:
  ansible_user: "'root'"
groups:
  drain: fc_maintenance
keyed_groups:
  - key: fc_vendor
    prefix: vendor
"""

from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.fusioncompute.core.plugins.plugin_utils.fc_inventory import FcInventory, urn_id

DEFAULT_PROPERTIES = ("fc_urn", "fc_name", "fc_ip", "fc_status", "fc_maintenance", "fc_site", "fc_cluster")
ALL_PROPERTIES = ("fc_urn", "fc_uri", "fc_host_id", "fc_uuid", "fc_name", "fc_description", "fc_ip", "fc_ips",
                  "fc_bmc_ip", "fc_status", "fc_maintenance", "fc_mode", "fc_site", "fc_site_urn", "fc_cluster",
                  "fc_cluster_urn", "fc_cluster_tag", "fc_cpu_count", "fc_cpu_mhz", "fc_memory_mb", "fc_vendor",
                  "fc_model", "fc_version")


class InventoryModule(FcInventory, BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "fusioncompute.core.fc_hosts"
    SUFFIXES = ("fc_hosts.yml", "fc_hosts.yaml")
    KIND = "host"
    ID_VAR = "fc_host_id"
    ALL_PROPERTIES = ALL_PROPERTIES
    DEFAULT_GROUPS = (("site", "fc_site"), ("cluster", "fc_cluster"), ("status", "fc_status"), ("mode", "fc_mode"),
                      ("tag", "fc_cluster_tag"))
    SCOPE_KEYS = ("host", "port", "sites", "clusters")

    def _default_properties(self):
        return DEFAULT_PROPERTIES

    def _fetch_site(self, client, site):
        site_uri = site["uri"]
        clusters = {c["urn"]: c for c in client.get(site_uri + "/clusters").get("clusters", [])}
        scopes = []
        for want in self.get_option("clusters") or []:
            match = [u for u, c in clusters.items() if want in (u, c.get("name"))]
            if not match:
                self._warn_or_fail("No cluster matches %r; clusters: %s" % (
                    want, ", ".join(sorted(c.get("name", "") for c in clusters.values()))))
            scopes += match
        if not self.get_option("clusters"):
            scopes = [None]
        hosts = {}
        for scope in scopes:
            for h in self._list_all(client, site_uri + "/hosts", "hosts", {"scope": scope} if scope else {}):
                hosts[h["urn"]] = h
        return [self._host_vars(site, clusters, hosts[urn]) for urn in sorted(hosts)]

    @staticmethod
    def _host_vars(site, clusters, host):
        cluster = clusters.get(host.get("clusterUrn") or "", {})
        maintenance = bool(host.get("isMaintaining"))
        ip = host.get("ip") or ""
        return {
            "fc_urn": host.get("urn"), "fc_uri": host.get("uri"), "fc_host_id": urn_id(host.get("urn")),
            "fc_uuid": host.get("uuid", ""), "fc_name": host.get("name"), "fc_description": host.get("description", ""),
            "fc_ip": ip, "fc_ips": [ip] if ip else [], "fc_bmc_ip": host.get("bmcIp") or "",
            "fc_status": host.get("status"), "fc_maintenance": maintenance,
            "fc_mode": "maintenance" if maintenance else "active",
            "fc_site": site.get("name"), "fc_site_urn": site.get("urn"),
            "fc_cluster": host.get("clusterName") or cluster.get("name", ""),
            "fc_cluster_urn": host.get("clusterUrn") or "", "fc_cluster_tag": cluster.get("tag") or "",
            "fc_cpu_count": host.get("cpuQuantity"), "fc_cpu_mhz": host.get("cpuMHz"),
            "fc_memory_mb": host.get("memQuantityMB"), "fc_vendor": host.get("vendor", ""),
            "fc_model": host.get("model", ""), "fc_version": host.get("version", ""),
        }
