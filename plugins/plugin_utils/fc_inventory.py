# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the inventory plugins (fc_vms, fc_hosts) share: options checked before any request, one login per run,
the sites, paged lists read to the end, the cache, host names, filters, default groups, compose and keyed groups.

A plugin sets the class attributes below and implements ``_fetch_site(client, site)`` (a list of variable dicts,
one per inventory host) and ``_default_properties()``."""

from __future__ import annotations

import hashlib
import json
import re
from concurrent.futures import ThreadPoolExecutor

from ansible import constants as C
from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_client import INSECURE_WARNING, FcClient
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_vm_common import parse_networks, pick_address

PAGE = 100
_GROUP_BAD = re.compile(r"[^A-Za-z0-9_]")


def truthy(value):
    if isinstance(value, str):
        return value.strip().lower() not in ("", "false", "no", "0", "none")
    return bool(value)


def urn_id(urn):
    return (urn or "").rsplit(":", 1)[-1]


class FcInventory(object):
    """Mixin of the inventory plugins (with BaseInventoryPlugin, Constructable, Cacheable)."""

    NAME = None
    SUFFIXES = ()             # configuration file name endings
    KIND = "object"           # what one inventory host is, for messages
    ID_VAR = None             # the variable appended to a duplicate name
    ALL_PROPERTIES = ()
    DEFAULT_GROUPS = ()       # (group kind, variable): <prefix><kind>_<value>
    SCOPE_KEYS = ("host", "port", "sites")    # options that change what is read (the cache key)

    def verify_file(self, path):
        return super(FcInventory, self).verify_file(path) and path.endswith(self.SUFFIXES)

    # -- entry point -----------------------------------------------------------------------
    def parse(self, inventory, loader, path, cache=True):
        super(FcInventory, self).parse(inventory, loader, path, cache)
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
        defs = C.config.get_configuration_definitions(self.plugin_type, self._load_name) or {}
        known = set(self._options) | set(defs)
        known.update(alias for spec in defs.values() for alias in spec.get("aliases") or ())
        unknown = sorted(set(config) - known)
        if unknown:
            raise AnsibleParserError("%s: unknown option%s %s (see ansible-doc -t inventory %s)." % (
                path, "s" if len(unknown) > 1 else "", ", ".join(unknown), self.NAME))
        bad = sorted(set(self.get_option("properties") or []) - set(self.ALL_PROPERTIES) - {"all"})
        if bad:
            raise AnsibleParserError("properties: unknown host variable%s %s; known: %s, or all." % (
                "s" if len(bad) > 1 else "", ", ".join(bad), ", ".join(self.ALL_PROPERTIES)))
        if self.get_option("max_workers") < 1:
            raise AnsibleParserError("max_workers must be at least 1, not %d." % self.get_option("max_workers"))
        try:
            self._networks = parse_networks(self.get_option("ansible_host_networks"), "ansible_host_networks")
        except FcError as exc:
            raise AnsibleParserError(str(exc))

    def _scope_digest(self):
        raw = json.dumps([self.get_option(k) for k in self.SCOPE_KEYS], sort_keys=True, default=str)
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
            match = [s for s in sites if want in (s.get("name"), s.get("urn"), urn_id(s.get("urn")))]
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

    def _list_all(self, client, uri, key, params):
        first = client.get(uri, params=dict(params, limit=PAGE, offset=0))
        items = list(first.get(key, []))
        total = int(first.get("total", len(items)))
        done = PAGE

        def page(offset):
            answer = client.get(uri, params=dict(params, limit=PAGE, offset=offset))
            return answer.get(key, []), int(answer.get("total", 0))
        # Pages are fetched concurrently once the total is known; if VRM reports a larger total
        # meanwhile (objects created while paging), the missing pages are fetched too.
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

    # -- populating --------------------------------------------------------------------------
    def _addresses(self, variables):
        """The addresses ``ansible_host`` is chosen from."""
        return variables.get("fc_ips")

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
            props = set(self._default_properties())
        elif "all" in props:
            props = None
        used = {}
        groups = {}     # (kind, value) -> the group's name, added once
        for variables in records:
            try:
                keep = all(truthy(self._compose(f, variables)) for f in filters)
            except Exception as exc:
                raise AnsibleParserError("A filter failed for %s %s: %s" % (
                    self.KIND, variables.get("fc_name"), to_native(exc)))
            if not keep:
                continue
            name = self._hostname(variables, hostnames)
            if not name:
                if strict:
                    raise AnsibleParserError("No hostnames entry gives a name for %s %s." % (
                        self.KIND, variables["fc_urn"]))
                continue
            if name in used and used[name] != variables["fc_urn"]:
                if strict:
                    raise AnsibleParserError("Two %ss resolve to the host name %s: %s and %s." % (
                        self.KIND, name, used[name], variables["fc_urn"]))
                name = "%s_%s" % (name, variables[self.ID_VAR])
            used[name] = variables["fc_urn"]
            self.inventory.add_host(name)
            for k, v in variables.items():
                if props is None or k in props:
                    self.inventory.set_variable(name, k, v)
            address = pick_address(self._addresses(variables), self._networks, version)
            if address:
                self.inventory.set_variable(name, "ansible_host", address)
            if prefix is not None:
                for key, var in self.DEFAULT_GROUPS:
                    value = variables.get(var)
                    if value:
                        group = groups.get((key, value))
                        if group is None:
                            group = groups[(key, value)] = self.inventory.add_group(
                                self._group("%s%s_%s" % (prefix, key, value)))
                        self.inventory.add_child(group, name)
            self._set_composite_vars(compose, variables, name, strict=strict)
            self._add_host_to_composed_groups(composed, variables, name, strict=strict)
            self._add_host_to_keyed_groups(keyed, variables, name, strict=strict)
