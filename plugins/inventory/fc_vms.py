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
  - Without O(gather_details), the pages are VRM's list view (detail level 1), which carries no CPU, memory,
    disk or OS data; with O(gather_details=true) the same pages are asked at detail level 2, which carries the
    whole VM. Either way the request count is the number of pages plus a constant, never one request per VM.
  - The configuration file name must end with C(fc_vms.yml) or C(fc_vms.yaml).
  - Every connection option reads the same C(FC_*) environment variables as the modules, so a credential that
    injects environment variables (for example in AWX) works unchanged. Values may be vaulted or templated.
extends_documentation_fragment:
  - constructed
  - inventory_cache
options:
  plugin:
    description: Marks this file as a configuration of this plugin.
    required: true
    type: str
    choices: [fusioncompute.core.fc_vms]
  host:
    description: Address of the VRM (name or IP).
    type: str
    required: true
    env:
      - name: FC_HOST
  port:
    description: HTTPS port of the VRM REST API.
    type: int
    default: 7443
    env:
      - name: FC_PORT
  username:
    description: VRM user name (an interface-integration account is recommended).
    type: str
    env:
      - name: FC_USERNAME
  password:
    description: Password of O(username).
    type: str
    env:
      - name: FC_PASSWORD
  token:
    description:
      - An existing VRM session token to use instead of logging in with O(username) and O(password).
      - A token given here is not logged out at the end.
    type: str
    env:
      - name: FC_TOKEN
  validate_certs:
    description: Verify the VRM's TLS certificate.
    type: bool
    default: true
    env:
      - name: FC_VALIDATE_CERTS
  ca_path:
    description:
      - PEM file of the CA that signed the VRM certificate, or a directory of such files prepared with
        C(openssl rehash). Without it the system's trust store is used.
    type: path
    env:
      - name: FC_CA_PATH
  proxy_url:
    description:
      - HTTP proxy (V(http://[user:password@]proxy:port)) to tunnel the VRM's HTTPS through. Without it the
        E(https_proxy), E(all_proxy) and E(no_proxy) environment variables are honoured (E(no_proxy) with CIDR
        networks, as for the modules).
    type: str
    env:
      - name: FC_PROXY_URL
  api_timeout:
    description: Seconds to wait for one HTTP answer.
    type: int
    default: 60
    env:
      - name: FC_API_TIMEOUT
  sites:
    description:
      - Sites to read, by name, id or URN. Empty means every site the VRM manages.
    type: list
    elements: str
    default: []
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
        C(fc_power_state), C(fc_site), C(fc_cluster), C(fc_host), C(fc_ips), C(fc_is_template), C(fc_os_type)), plus C(fc_nics),
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
  max_workers:
    description: Concurrent requests for the pages after the first (at least 1).
    type: int
    default: 4
  hostnames:
    description:
      - Ordered list of ways to name a host; the first one giving a non-empty value wins.
      - Each entry is a host variable name (for example C(fc_name), C(fc_uuid)) or a Jinja2 expression over the
        host variables (for example C(fc_name ~ '-' ~ fc_vm_id)).
      - Two VMs with the same name get C(_<vm id>) appended to the later one (by URN order), or the run fails
        when O(strict=true).
    type: list
    elements: str
    default: [fc_name]
  filters:
    description:
      - Jinja2 expressions over the host variables; a VM is kept only when all of them are true.
    type: list
    elements: str
    default: []
  ansible_host_networks:
    description:
      - Networks (CIDR) to choose C(ansible_host) from, in order of preference, among the VM's guest addresses.
      - Empty means the first guest address of the wanted IP version.
      - Unspecified and link-local addresses (C(0.0.0.0), C(169.254.0.0/16), C(fe80::/10)) are never chosen.
    type: list
    elements: str
    default: []
  ansible_host_ip_version:
    description: IP version of the address used as C(ansible_host).
    type: int
    choices: [4, 6]
    default: 4
  group_prefix:
    description: Prefix of the default keyed groups.
    type: str
    default: fc_
  default_groups:
    description:
      - Create the default groups by site, cluster, host, status and OS type
        (C(<prefix>site_<name>), C(<prefix>cluster_<name>), C(<prefix>host_<name>), C(<prefix>status_<status>),
        C(<prefix>os_<type>)). A VM joins only the groups whose value it has (stopped VMs have no host, and the
        OS type is known only with O(gather_details)).
    type: bool
    default: true
  sanitize_names:
    description: Replace characters that are invalid in group names by underscores.
    type: bool
    default: true
  fail_on_errors:
    description:
      - Fail the inventory when a site, cluster or host given in the options cannot be found. When false, such
        problems are shown as warnings and skipped.
    type: bool
    default: true
notes:
  - "Host variables: C(fc_urn), C(fc_uri), C(fc_uuid), C(fc_vm_id), C(fc_name), C(fc_description), C(fc_status),
    C(fc_power_state), C(fc_is_template), C(fc_site), C(fc_site_urn), C(fc_cluster), C(fc_cluster_urn), C(fc_host), C(fc_host_urn),
    C(fc_host_ip), C(fc_os_type), C(fc_os_version), C(fc_create_time), C(fc_ips), C(fc_macs), C(fc_nics) and, with
    O(gather_details), C(fc_cpu_count), C(fc_memory_mb), C(fc_disks), the OS type and version, and C(fc_nics) with
    port groups."
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

import hashlib
import json
import re
from concurrent.futures import ThreadPoolExecutor

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_client import INSECURE_WARNING, FcClient
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_common import (
    parse_networks, pick_address, power_state)

PAGE = 100
DEFAULT_PROPERTIES = ("fc_urn", "fc_uuid", "fc_vm_id", "fc_name", "fc_status", "fc_power_state", "fc_site",
                      "fc_cluster", "fc_host", "fc_ips", "fc_is_template", "fc_os_type")
DETAIL_PROPERTIES = ("fc_nics", "fc_disks", "fc_cpu_count", "fc_memory_mb")
ALL_PROPERTIES = ("fc_urn", "fc_uri", "fc_uuid", "fc_vm_id", "fc_name", "fc_description", "fc_status",
                  "fc_power_state", "fc_is_template", "fc_site", "fc_site_urn", "fc_cluster", "fc_cluster_urn", "fc_host",
                  "fc_host_urn", "fc_host_ip", "fc_os_type", "fc_os_version", "fc_create_time", "fc_ips", "fc_macs",
                  "fc_nics", "fc_cpu_count", "fc_memory_mb", "fc_disks")
_GROUP_BAD = re.compile(r"[^A-Za-z0-9_]")
# The groups default_groups makes: <prefix><kind>_<value of the variable>
DEFAULT_GROUPS = (("site", "fc_site"), ("cluster", "fc_cluster"), ("host", "fc_host"), ("status", "fc_status"),
                  ("os", "fc_os_type"))


def _truthy(value):
    if isinstance(value, str):
        return value.strip().lower() not in ("", "false", "no", "0", "none")
    return bool(value)


def _urn_id(urn):
    return (urn or "").rsplit(":", 1)[-1]


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "fusioncompute.core.fc_vms"

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(
            ("fc_vms.yml", "fc_vms.yaml"))

    # -- entry point -----------------------------------------------------------------------
    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        config = self._read_config_data(path)
        self._check_options(path, config)
        cache_key = self.get_cache_key(path) + "_" + self._scope_digest()
        use_cache = self.get_option("cache") and cache
        update_cache = self.get_option("cache") and not cache
        records = None
        if use_cache:
            try:
                records = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if records is None:
            records = self._fetch()
        if update_cache or (self.get_option("cache") and use_cache and cache_key not in self._cache):
            self._cache[cache_key] = records
        self._populate(records)

    def _check_options(self, path, config):
        """Refuse option values that cannot work, and misspelt option names, before any request."""
        unknown = sorted(set(config) - set(self._options))
        if unknown:
            raise AnsibleParserError("%s: unknown option%s %s (see ansible-doc -t inventory %s)." % (
                path, "s" if len(unknown) > 1 else "", ", ".join(unknown), self.NAME))
        bad = sorted(set(self.get_option("properties") or []) - set(ALL_PROPERTIES) - {"all"})
        if bad:
            raise AnsibleParserError("properties: unknown host variable%s %s; known: %s, or all." % (
                "s" if len(bad) > 1 else "", ", ".join(bad), ", ".join(ALL_PROPERTIES)))
        if self.get_option("max_workers") < 1:
            raise AnsibleParserError("max_workers must be at least 1, not %d." % self.get_option("max_workers"))
        try:
            self._networks = parse_networks(self.get_option("ansible_host_networks"), "ansible_host_networks")
        except FcError as exc:
            raise AnsibleParserError(str(exc))

    def _scope_digest(self):
        keys = ("host", "port", "sites", "clusters", "hosts", "status", "include_templates", "gather_details")
        raw = json.dumps([self.get_option(k) for k in keys], sort_keys=True, default=str)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:12]

    # -- fetching ----------------------------------------------------------------------------
    def _opt(self, name):
        value = self.get_option(name)
        if isinstance(value, str) and self.templar.is_template(value):
            value = self.templar.template(value)
        return value

    def _warn_or_fail(self, msg):
        if self.get_option("fail_on_errors"):
            raise AnsibleError(msg)
        self.display.warning(msg)

    def _fetch(self):
        try:
            client = FcClient(
                host=self._opt("host"), port=self._opt("port"), username=self._opt("username"),
                password=self._opt("password"), token=self._opt("token"),
                validate_certs=self.get_option("validate_certs"), ca_path=self._opt("ca_path"),
                proxy_url=self._opt("proxy_url"), api_timeout=self.get_option("api_timeout"))
            if not self.get_option("validate_certs"):
                self.display.warning(INSECURE_WARNING % client.base)
            client.login()
            try:
                return self._fetch_all(client)
            finally:
                client.logout()
        except FcError as exc:  # FcApiError included
            raise AnsibleError("FusionCompute inventory: %s" % to_native(exc))

    def _fetch_all(self, client):
        sites = client.get("/service/sites").get("sites", [])
        wanted = self.get_option("sites") or []
        chosen = []
        for want in wanted:
            match = [s for s in sites if want in (s.get("name"), s.get("urn"), _urn_id(s.get("urn")))]
            if not match:
                self._warn_or_fail("No FusionCompute site matches %r; sites: %s" % (
                    want, ", ".join(s.get("name", "") for s in sites)))
            chosen += match
        if not wanted:
            chosen = sites
        records = []
        for site in chosen:
            records += self._fetch_site(client, site)
        return records

    def _fetch_site(self, client, site):
        site_uri = site["uri"]
        clusters = {c["urn"]: c for c in client.get(site_uri + "/clusters").get("clusters", [])}
        hosts = {h["urn"]: h for h in client.get(site_uri + "/hosts").get("hosts", [])}
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
            out.append(self._vm_vars(site, clusters, hosts, vms[urn]))
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

    def _list_all(self, client, uri, key, params):
        first = client.get(uri, params=dict(params, limit=PAGE, offset=0))
        items = list(first.get(key, []))
        total = int(first.get("total", len(items)))
        done = PAGE

        def page(offset):
            answer = client.get(uri, params=dict(params, limit=PAGE, offset=offset))
            return answer.get(key, []), int(answer.get("total", 0))
        # Pages are fetched concurrently once the total is known; if VRM reports a larger total
        # meanwhile (VMs created while paging), the missing pages are fetched too.
        while done < total:
            offsets = list(range(done, total, PAGE))
            with ThreadPoolExecutor(max_workers=self.get_option("max_workers")) as pool:
                for chunk, seen_total in pool.map(page, offsets):
                    items += chunk
                    total = max(total, seen_total)
            done = offsets[-1] + PAGE
        seen = set()
        unique = []
        for it in items:
            if it.get("urn") not in seen:
                seen.add(it.get("urn"))
                unique.append(it)
        return unique

    # -- variables -----------------------------------------------------------------------------
    def _vm_vars(self, site, clusters, hosts, vm):
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
        out = {
            "fc_urn": vm.get("urn"), "fc_uri": vm.get("uri"), "fc_uuid": vm.get("uuid"),
            "fc_vm_id": _urn_id(vm.get("urn")), "fc_name": vm.get("name"),
            "fc_description": vm.get("description", ""), "fc_status": vm.get("status"),
            "fc_power_state": power_state(vm),
            "fc_is_template": bool(vm.get("isTemplate")), "fc_site": site.get("name"),
            "fc_site_urn": site.get("urn"), "fc_cluster": vm.get("clusterName") or cluster.get("name", ""),
            "fc_cluster_urn": vm.get("clusterUrn") or "", "fc_host": vm.get("hostName") or host.get("name", ""),
            "fc_host_urn": vm.get("hostUrn") or "", "fc_host_ip": host.get("ip", ""),
            "fc_os_type": os_opts.get("osType", ""), "fc_os_version": os_opts.get("osVersion"),
            "fc_create_time": vm.get("createTime", ""), "fc_ips": ips,
            "fc_macs": [n["mac"] for n in nics], "fc_nics": nics,
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

    def _ansible_host(self, variables, version):
        return pick_address(variables.get("fc_ips"), self._networks, version)

    def _group(self, name):
        if self.get_option("sanitize_names"):
            return _GROUP_BAD.sub("_", name)
        return name

    def _hostname(self, variables, entries):
        for entry in entries:
            if entry in variables:
                value = variables[entry]
            else:
                try:
                    value = self._compose(entry, variables)
                except Exception as exc:
                    raise AnsibleParserError("hostnames entry %r failed: %s" % (entry, to_native(exc)))
            if value not in (None, ""):
                return str(value)
        return None

    def _populate(self, records):
        opt = self.get_option
        strict, filters, compose = opt("strict"), opt("filters"), opt("compose")
        composed, keyed = opt("groups"), opt("keyed_groups")
        hostnames, version = opt("hostnames"), opt("ansible_host_ip_version")
        prefix = opt("group_prefix") if opt("default_groups") else None
        props = set(opt("properties") or [])
        if not props:
            props = set(DEFAULT_PROPERTIES)
            if opt("gather_details"):
                props |= set(DETAIL_PROPERTIES)
        elif "all" in props:
            props = None
        used = {}
        groups = {}     # (kind, value) -> the group's name, added once
        for variables in records:
            try:
                keep = all(_truthy(self._compose(f, variables)) for f in filters)
            except Exception as exc:
                raise AnsibleParserError("A filter failed for VM %s: %s" % (variables.get("fc_name"), to_native(exc)))
            if not keep:
                continue
            name = self._hostname(variables, hostnames)
            if not name:
                if strict:
                    raise AnsibleParserError("No hostnames entry gives a name for VM %s." % variables["fc_urn"])
                continue
            if name in used and used[name] != variables["fc_urn"]:
                if strict:
                    raise AnsibleParserError("Two VMs resolve to the host name %s: %s and %s." % (
                        name, used[name], variables["fc_urn"]))
                name = "%s_%s" % (name, variables["fc_vm_id"])
            used[name] = variables["fc_urn"]
            self.inventory.add_host(name)
            for k, v in variables.items():
                if props is None or k in props:
                    self.inventory.set_variable(name, k, v)
            address = self._ansible_host(variables, version)
            if address:
                self.inventory.set_variable(name, "ansible_host", address)
            if prefix is not None:
                for key, var in DEFAULT_GROUPS:
                    value = variables[var]
                    if value:
                        group = groups.get((key, value))
                        if group is None:
                            group = groups[(key, value)] = self.inventory.add_group(
                                self._group("%s%s_%s" % (prefix, key, value)))
                        self.inventory.add_child(group, name)
            self._set_composite_vars(compose, variables, name, strict=strict)
            self._add_host_to_composed_groups(composed, variables, name, strict=strict)
            self._add_host_to_keyed_groups(keyed, variables, name, strict=strict)
