# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: fc_vms
short_description: Huawei FusionCompute virtual machines as an Ansible inventory
version_added: 0.1.0
description:
  - Builds an inventory of the virtual machines of one or more FusionCompute sites, read from the VRM REST API.
  - One login per run and a logout at the end. VMs are listed with the largest page VRM allows (100), the
    remaining pages fetched with a small bounded concurrency once the total is known, always to the end.
    Clusters and hosts are read once per site into maps, never per VM.
  - VM folders are read once per site (one request for the first level and one per folder), for C(fc_folder).
  - Without O(gather_details), the pages are VRM's list view (detail level 1), which carries no CPU, memory,
    disk or OS data; with O(gather_details=true) the same pages are asked at detail level 2, which carries the
    whole VM. Either way the request count is the number of pages plus a constant, never one request per VM.
  - The configuration file name must end with C(fc_vms.yml) or C(fc_vms.yaml).
  - Every connection option reads the same C(FC_*) environment variables as the modules, so a credential that
    injects environment variables (for example in AWX) works unchanged. Values may be vaulted or templated.
extends_documentation_fragment:
  - fusioncompute.core.fc_inventory
  - constructed
  - inventory_cache
options:
  plugin:
    description: Marks this file as a configuration of this plugin.
    required: true
    type: str
    choices: [fusioncompute.core.fc_vms]
  clusters:
    description:
      - Only VMs of these clusters (names or URNs); sent to VRM as the C(scope) of the VM list.
    type: list
    elements: str
    default: []
  hosts:
    description:
      - Only VMs running on these hosts (names, IPs or URNs); sent to VRM as the C(scope) of the VM list.
    type: list
    elements: str
    default: []
  status:
    description:
      - Only VMs in this state; sent to VRM as the C(status) filter. VRM spells a paused VM C(pause).
    type: str
    choices: [running, stopped, hibernated, pause, unknown, creating, migrating, starting, stopping, hibernating,
              shutting-down, fault-resuming, recycling]
  include_templates:
    description: Include templates (VMs with C(isTemplate)); they are excluded by VRM's filter otherwise.
    type: bool
    default: false
  properties:
    description:
      - Host variables to set (the C(fc_) names listed in the notes).
      - Empty means a compact default set (C(fc_urn), C(fc_uuid), C(fc_vm_id), C(fc_name), C(fc_status),
        C(fc_power_state), C(fc_site), C(fc_cluster), C(fc_host), C(fc_ips), C(fc_is_template), C(fc_os_type),
        C(fc_folder)), plus C(fc_nics),
        C(fc_disks), C(fc_cpu_count) and C(fc_memory_mb) with O(gather_details). V(all) sets every variable.
      - C(fc_os_type) and C(fc_os_version) are empty without O(gather_details), as VRM's list view has no OS data.
      - O(compose), O(groups), O(keyed_groups), O(filters) and O(hostnames) always see every variable.
    type: list
    elements: str
    default: []
  gather_details:
    description:
      - List the VMs at VRM's detail level 2, which carries each VM's whole configuration (CPU, memory, disks,
        NICs with their port groups, OS type and version), instead of the list view.
      - The same number of requests (one per 100 VMs), with pages several times larger; off by default.
    type: bool
    default: false
  default_groups:
    description:
      - Create the default groups by site, cluster, host, status, OS type, folder, VM group and cluster tag
        (C(<prefix>site_<name>), C(<prefix>cluster_<name>), C(<prefix>host_<name>), C(<prefix>status_<status>),
        C(<prefix>os_<type>), C(<prefix>folder_<path>), C(<prefix>group_<group>), C(<prefix>tag_<tag>)). A VM joins
        only the groups whose value it has (stopped VMs have no host, and the OS type is known only with
        O(gather_details)).
      - "VRM 8.0 has no tags on VMs: what it has are folders (M(fusioncompute.core.fc_folder)), the VM's C(group)
        label and the C(tag) of the VM's cluster, and these are what the groups use. A folder's group is named
        after its path (V(prod/web) gives C(fc_folder_prod_web))."
    type: bool
    default: true

notes:
  - "Host variables: C(fc_urn), C(fc_uri), C(fc_uuid), C(fc_vm_id), C(fc_name), C(fc_description), C(fc_status),
    C(fc_power_state), C(fc_is_template), C(fc_site), C(fc_site_urn), C(fc_cluster), C(fc_cluster_urn),
    C(fc_cluster_tag), C(fc_host), C(fc_host_urn), C(fc_folder) (the path of the VM's folder, empty when it is in
    none), C(fc_folder_urn), C(fc_group) (VRM's VM group label), C(fc_host_ip), C(fc_os_type), C(fc_os_version),
    C(fc_create_time), C(fc_ips), C(fc_macs), C(fc_nics) and, with O(gather_details), C(fc_cpu_count),
    C(fc_memory_mb), C(fc_disks), the OS type and version, and C(fc_nics) with port groups."
  - "C(fc_power_state) is the word the modules use for a VM's power state (the O(fusioncompute.core.fc_vm#module:power_state)
    option, the C(power_state) that M(fusioncompute.core.fc_vm_info) and M(fusioncompute.core.fc_vm_powerstate) return):
    V(powered-on), V(powered-off), V(suspended) or V(paused); a VM in a passing VRM state (C(creating),
    C(migrating), ...) has that state there, as in C(fc_status)."
  - "Large sites: with 10,000 VMs most of the time of C(ansible-inventory --list) is ansible-core's own (resolving
    and printing every host's variables), not VRM's; fewer O(properties) make it faster, O(cache) saves the VRM
    requests, and C(inject_facts_as_vars = false) in C(ansible.cfg) saves ansible-core's per-host fact cleaning
    (about a tenth; playbooks then read facts only under C(ansible_facts)). Figures in the collection's
    C(docs/performance.md)."
author:
  - fusioncompute.core maintainers (@fusioncompute)
seealso:
  - plugin: fusioncompute.core.fc_hosts
    plugin_type: inventory
  - module: fusioncompute.core.fc_vm_info
  - module: fusioncompute.core.fc_vm
"""

EXAMPLES = r"""
# inventory/prod.fc_vms.yml -- credentials come from FC_HOST, FC_USERNAME, FC_PASSWORD (and FC_CA_PATH)
plugin: fusioncompute.core.fc_vms
clusters:
  - cluster-prod
status: running
hostnames:
  - fc_name
ansible_host_networks:
  - 10.0.0.0/8
filters:
  - fc_os_type == 'Linux'
compose:
  fc_short_uuid: fc_uuid[:8]
gather_details: true      # OS type, port groups and disks come with VRM's detail level 2
keyed_groups:
  - key: fc_nics | map(attribute='port_group') | list
    prefix: pg
    separator: "_"
groups:
  web: "'web' in fc_name"
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: /tmp/fc_vms_cache
cache_timeout: 300
"""

from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_folders
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcApiError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_common import power_state
from ansible_collections.fusioncompute.core.plugins.plugin_utils.fc_inventory import FcInventory, urn_id

DEFAULT_PROPERTIES = ("fc_urn", "fc_uuid", "fc_vm_id", "fc_name", "fc_status", "fc_power_state", "fc_site",
                      "fc_cluster", "fc_host", "fc_ips", "fc_is_template", "fc_os_type", "fc_folder")
DETAIL_PROPERTIES = ("fc_nics", "fc_disks", "fc_cpu_count", "fc_memory_mb")
ALL_PROPERTIES = ("fc_urn", "fc_uri", "fc_uuid", "fc_vm_id", "fc_name", "fc_description", "fc_status",
                  "fc_power_state", "fc_is_template", "fc_site", "fc_site_urn", "fc_cluster", "fc_cluster_urn",
                  "fc_cluster_tag", "fc_host", "fc_host_urn", "fc_host_ip", "fc_os_type", "fc_os_version",
                  "fc_create_time", "fc_ips", "fc_macs", "fc_nics", "fc_cpu_count", "fc_memory_mb", "fc_disks",
                  "fc_folder", "fc_folder_urn", "fc_group")


class InventoryModule(FcInventory, BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "fusioncompute.core.fc_vms"
    SUFFIXES = ("fc_vms.yml", "fc_vms.yaml")
    KIND = "VM"
    ID_VAR = "fc_vm_id"
    ALL_PROPERTIES = ALL_PROPERTIES
    # The groups default_groups makes: <prefix><kind>_<value of the variable>
    DEFAULT_GROUPS = (("site", "fc_site"), ("cluster", "fc_cluster"), ("host", "fc_host"), ("status", "fc_status"),
                      ("os", "fc_os_type"), ("folder", "fc_folder"), ("group", "fc_group"), ("tag", "fc_cluster_tag"))
    SCOPE_KEYS = ("host", "port", "sites", "clusters", "hosts", "status", "include_templates", "gather_details")

    def _default_properties(self):
        if self.get_option("gather_details"):
            return DEFAULT_PROPERTIES + DETAIL_PROPERTIES
        return DEFAULT_PROPERTIES

    def _fetch_site(self, client, site):
        site_uri = site["uri"]
        clusters = {c["urn"]: c for c in client.get(site_uri + "/clusters").get("clusters", [])}
        hosts = {h["urn"]: h for h in client.get(site_uri + "/hosts").get("hosts", [])}
        try:
            folders = fc_folders.tree(client, site_uri, fc_folders.TYPES["vm"])
        except FcApiError as exc:   # a VRM without folders (or an account without the right to read them)
            self.display.warning("VM folders of site %s not read (%s); fc_folder stays empty." % (
                site.get("name"), exc))
            folders = {}
        scopes = self._scopes(clusters, hosts)
        params = {"detail": 2 if self.get_option("gather_details") else 1}
        if not self.get_option("include_templates"):
            params["isTemplate"] = "false"
        if self.get_option("status"):
            params["status"] = self.get_option("status")
        vms = {}
        for scope in scopes:
            p = dict(params)
            if scope:
                p["scope"] = scope
            for vm in self._list_all(client, site_uri + "/vms", "vms", p):
                vms[vm["urn"]] = vm
        out = []
        for urn in sorted(vms):
            out.append(self._vm_vars(site, clusters, hosts, folders, vms[urn]))
        return out

    def _scopes(self, clusters, hosts):
        scopes = []
        for want in self.get_option("clusters") or []:
            match = [u for u, c in clusters.items() if want in (u, c.get("name"))]
            if not match:
                self._warn_or_fail("No cluster matches %r; clusters: %s" % (
                    want, ", ".join(sorted(c.get("name", "") for c in clusters.values()))))
            scopes += match
        for want in self.get_option("hosts") or []:
            match = [u for u, h in hosts.items() if want in (u, h.get("name"), h.get("ip"))]
            if not match:
                self._warn_or_fail("No host matches %r." % want)
            scopes += match
        if not self.get_option("clusters") and not self.get_option("hosts"):
            return [None]
        return scopes

    # -- variables -----------------------------------------------------------------------------
    def _vm_vars(self, site, clusters, hosts, folders, vm):
        cfg = vm.get("vmConfig") or {}
        cluster = clusters.get(vm.get("clusterUrn") or "", {})
        host = hosts.get(vm.get("hostUrn") or "", {})
        nics = []
        ips = []
        for nic in cfg.get("nics") or []:
            nic_ips = [a for a in (nic.get("ipList") or "").split(";") if a]
            if nic.get("ip") and nic.get("ip") != "0.0.0.0" and nic.get("ip") not in nic_ips:
                nic_ips.insert(0, nic["ip"])
            nic_ips += [a for a in (nic.get("ips6") or []) if a not in nic_ips]
            ips += [a for a in nic_ips if a not in ips]
            nics.append({"mac": nic.get("mac"), "sequence": nic.get("sequenceNum"),
                         "port_group": nic.get("portGroupName"), "port_group_urn": nic.get("portGroupUrn"),
                         "ips": nic_ips})
        os_opts = vm.get("osOptions") or {}
        folder_urn = fc_folders.vm_folder_urn(vm)
        out = {
            "fc_urn": vm.get("urn"), "fc_uri": vm.get("uri"), "fc_uuid": vm.get("uuid"),
            "fc_vm_id": urn_id(vm.get("urn")), "fc_name": vm.get("name"),
            "fc_description": vm.get("description", ""), "fc_status": vm.get("status"),
            "fc_power_state": power_state(vm),
            "fc_is_template": bool(vm.get("isTemplate")), "fc_site": site.get("name"),
            "fc_site_urn": site.get("urn"), "fc_cluster": vm.get("clusterName") or cluster.get("name", ""),
            "fc_cluster_urn": vm.get("clusterUrn") or "", "fc_cluster_tag": cluster.get("tag") or "",
            "fc_host": vm.get("hostName") or host.get("name", ""),
            "fc_host_urn": vm.get("hostUrn") or "", "fc_host_ip": host.get("ip", ""),
            "fc_os_type": os_opts.get("osType", ""), "fc_os_version": os_opts.get("osVersion"),
            "fc_create_time": vm.get("createTime", ""), "fc_ips": ips,
            "fc_macs": [n["mac"] for n in nics], "fc_nics": nics,
            "fc_folder": (folders.get(folder_urn) or {}).get("path", ""), "fc_folder_urn": folder_urn,
            "fc_group": vm.get("group") or "",
        }
        if "cpu" in cfg:
            out["fc_cpu_count"] = cfg["cpu"].get("quantity")
        if "memory" in cfg:
            out["fc_memory_mb"] = cfg["memory"].get("quantityMB")
        if "disks" in cfg:
            out["fc_disks"] = [{"sequence": d.get("sequenceNum"), "size_gb": d.get("quantityGB"),
                                "datastore": d.get("datastoreName"), "volume_urn": d.get("volumeUrn"),
                                "thin": d.get("isThin"), "bus": d.get("pciType")} for d in cfg["disks"]]
        return out
