# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""URNs, URIs, sites and exact-name lookups (VRM's name filters are fuzzy)."""

from __future__ import annotations

import re

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError

URN_RE = re.compile(r"^urn:sites:[0-9A-Za-z]+(:[A-Za-z]+:[^:]+)*$")


def is_urn(value):
    return isinstance(value, str) and value.startswith("urn:")


def urn_to_uri(urn):
    if not is_urn(urn):
        raise FcError("%r is not a VRM URN (urn:sites:<site>:...)." % (urn,))
    return "/service/" + "/".join(urn.split(":")[1:])


def uri_to_urn(uri):
    path = uri.split("?", 1)[0].rstrip("/")
    if not path.startswith("/service/"):
        raise FcError("%r is not a VRM URI (/service/...)." % (uri,))
    return "urn:" + ":".join(path[len("/service/"):].split("/"))


def parse_urn(urn):
    """``urn:sites:S:vms:i-1`` -> ``{"site": "S", "vms": "i-1", "kind": "vms", "id": "i-1"}``."""
    if not is_urn(urn) or not URN_RE.match(urn):
        raise FcError("%r is not a VRM URN." % (urn,))
    parts = urn.split(":")[1:]
    out = {"site": parts[1]}
    for i in range(2, len(parts) - 1, 2):
        out[parts[i]] = parts[i + 1]
    out["kind"] = parts[-2] if len(parts) > 2 else "sites"
    out["id"] = parts[-1]
    return out


def urn_id(urn):
    return urn.rsplit(":", 1)[-1]


def site_urn_of(urn):
    return ":".join(urn.split(":")[:3])


class AmbiguousName(FcError):
    def __init__(self, kind, name, urns, first_option=True):
        self.urns = urns
        super(AmbiguousName, self).__init__(
            "%d %s are named %r: %s. Give the URN instead%s." % (
                len(urns), kind, name, ", ".join(urns), ", or name_match=first" if first_option else ""))


def resolve_site(client, site=None):
    """The site to work in: ``site`` (name, id or URN) or the only site the VRM manages."""
    sites = (client.get("/service/sites") or {}).get("sites", [])
    if site:
        for s in sites:
            if site in (s.get("urn"), s.get("name"), urn_id(s.get("urn", ""))):
                return s
        raise FcError("No site matches %r; the VRM has: %s." % (
            site, ", ".join("%s (%s)" % (s.get("name"), s.get("urn")) for s in sites)))
    if len(sites) == 1:
        return sites[0]
    if not sites:
        raise FcError("The VRM lists no site.")
    raise FcError("The VRM manages %d sites; choose one with the site option: %s." % (
        len(sites), ", ".join("%s (%s)" % (s.get("name"), s.get("urn")) for s in sites)))


def exact(items, name, kind="objects", match="exact", field="name"):
    """Filter a list to the items whose ``field`` equals ``name`` exactly.

    Several matches raise AmbiguousName (listing the URNs) unless ``match`` is ``first``
    (the first by URN order).
    """
    found = [it for it in items if it.get(field) == name]
    if len(found) > 1:
        if match == "first":
            return sorted(found, key=lambda it: it.get("urn", ""))[0]
        raise AmbiguousName(kind, name, sorted(it.get("urn", "") for it in found))
    return found[0] if found else None


def find_by_name(client, list_uri, key, name, kind=None, params=None, name_param="name", paged=True,
                 match="exact"):
    """Find one object by exact name using VRM's fuzzy filter; ``None`` when absent."""
    p = dict(params or {})
    if name_param:
        p[name_param] = name
    if paged:
        items = client.list_all(list_uri, key, p)
    else:
        items = (client.get(list_uri, params=p) or {}).get(key, [])
    return exact(items, name, kind or key, match)
