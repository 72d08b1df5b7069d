# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding VRM objects by name, URN (or IP / UUID where that identifies them): one function per kind."""

from __future__ import annotations

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcApiError, FcError, is_not_found
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import exact, is_urn, urn_to_uri


def by_urn(client, urn, kind):
    """The object of a URN, or None when the VRM says it does not exist."""
    if f":{kind}:" not in urn:
        raise FcError("%s is not a URN of %s." % (urn, kind))
    try:
        return client.get(urn_to_uri(urn))
    except FcApiError as exc:
        if is_not_found(exc):
            return None
        raise


def _named(client, path, key, name, kind, match="exact", paged=True, params=None):
    p = dict(params or {})
    p["name"] = name
    items = client.list_all(path, key, p) if paged else (client.get(path, params=p) or {}).get(key, [])
    return exact(items, name, kind, match)


def cluster(fc, ref, required=True):
    obj = by_urn(fc.client, ref, "clusters") if is_urn(ref) else \
        _named(fc.client, fc.site_uri + "/clusters", "clusters", ref, "clusters", paged=False)
    if obj is None and required:
        raise FcError("Cluster %r not found." % ref)
    if obj is not None and not is_urn(ref):
        obj = fc.client.get(obj["uri"])
    return obj


def host(fc, ref, required=True):
    """A host by URN, exact name or management IP."""
    if is_urn(ref):
        obj = by_urn(fc.client, ref, "hosts")
    else:
        hosts = fc.client.list_all(fc.site_uri + "/hosts", "hosts")
        obj = exact(hosts, ref, "hosts") or exact(hosts, ref, "hosts", field="ip")
    if obj is None and required:
        raise FcError("Host %r not found (give its name, IP or URN)." % ref)
    return obj


def datastore(fc, ref, required=True):
    obj = by_urn(fc.client, ref, "datastores") if is_urn(ref) else \
        _named(fc.client, fc.site_uri + "/datastores", "datastores", ref, "datastores")
    if obj is None and required:
        raise FcError("Datastore %r not found." % ref)
    return obj


def dvs(fc, ref, required=True):
    if is_urn(ref):
        obj = by_urn(fc.client, ref, "dvswitchs")
    else:
        obj = _named(fc.client, fc.site_uri + "/dvswitchs", "dvSwitchs", ref, "DVSs", paged=False)
        if obj is not None:
            obj = fc.client.get(obj["uri"])
    if obj is None and required:
        raise FcError("DVS %r not found." % ref)
    return obj


def portgroup(fc, ref, dvs_obj=None, required=True):
    """A port group by URN, by name on a DVS, or by name across the site (must be unique)."""
    if is_urn(ref):
        obj = by_urn(fc.client, ref, "portgroups")
    elif dvs_obj is not None:
        items = fc.client.list_all(dvs_obj["uri"] + "/portgroups", "portGroups", {"portGroupName": ref})
        obj = exact(items, ref, "port groups")
    else:
        items = []
        for d in (fc.client.get(fc.site_uri + "/dvswitchs") or {}).get("dvSwitchs", []):
            items += fc.client.list_all(d["uri"] + "/portgroups", "portGroups", {"portGroupName": ref})
        obj = exact(items, ref, "port groups")
    if obj is None and required:
        raise FcError("Port group %r not found." % ref)
    return obj


def vm(fc, name=None, urn=None, uuid=None, match="exact", templates=None, required=False):
    """A VM or template by URN, UUID or exact name (``templates``: None = either, True/False = only)."""
    if urn:
        obj = by_urn(fc.client, urn, "vms")
    elif uuid:
        items = fc.client.list_all(fc.site_uri + "/vms", "vms", {"uuid": uuid, "detail": 0})
        obj = fc.client.get(items[0]["uri"]) if items else None
    else:
        # detail=2 returns whole VMs in the list, so the exact match needs no second request
        params = {"name": name, "detail": 2}
        if templates is not None:
            params["isTemplate"] = "true" if templates else "false"
        items = fc.client.list_all(fc.site_uri + "/vms", "vms", params)
        obj = exact(items, name, "VMs" if not templates else "templates", match)
    if obj is None and required:
        if templates is False and name:
            found = fc.client.list_all(fc.site_uri + "/vms", "vms", {"name": name, "isTemplate": "true", "detail": 0})
            if any(t.get("name") == name for t in found):
                raise FcError("%r is a template; this needs a VM (turn the template into a VM with fc_vm "
                              "is_template=false, or name a VM)." % name)
        raise FcError("%s %r not found." % ("Template" if templates else "VM", urn or uuid or name))
    return obj


def volume(fc, ref, required=True):
    if is_urn(ref):
        obj = by_urn(fc.client, ref, "volumes")
    else:
        items = fc.client.list_all(fc.site_uri + "/volumes", "volumes", {"name": ref})
        obj = exact(items, ref, "volumes")
    if obj is None and required:
        raise FcError("Volume %r not found." % ref)
    return obj
