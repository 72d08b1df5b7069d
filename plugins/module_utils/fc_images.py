# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Images: where an ISO or a template file lies (CIFS, NFS, HTTP), saved customization specifications in one
normal form, and the CD-ROM of a VM as VRM describes it."""

from __future__ import annotations

import re

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import AmbiguousName

# FC8DOC ch3: names in a CIFS path or an import/export URL are letters, digits, '-', '_', spaces and dots.
_NAME = r"[A-Za-z0-9_. -]+"
_CIFS = re.compile(r"^//%s(/%s)+$" % (_NAME, _NAME))
_NFS = re.compile(r"^[A-Za-z0-9_.-]{2,}:(/%s)+$" % _NAME)     # not a drive letter (C:/...)
_HTTP = re.compile(r"^https?://[^/\s]+(/[^\s]*)?$")
SPEC_PATH = "/vmcustomizations"


def iso_protocol(path, field="cdrom.iso_path"):
    """VRM's CD-ROM protocol for an ISO path: ``cifs`` for ``//server/share/x.iso`` (an image store share),
    ``datastore`` for ``server:/export/x.iso`` (a file of an NFS datastore)."""
    if not isinstance(path, str) or not 1 <= len(path) <= 256:
        raise FcError("%s must be 1 to 256 characters." % field)
    if _CIFS.match(path):
        return "cifs"
    if _NFS.match(path):
        return "datastore"
    raise FcError("%s %r is neither a CIFS path (//server/share/dir/file.iso) nor the NFS path of a datastore file "
                  "(server:/export/dir/file.iso); names are letters, digits, '-', '_', spaces and dots." % (field, path))


def source_protocol(url, field="source.url"):
    """VRM's import/export protocol for a URL: nfs, cifs or server-http(s)."""
    if not isinstance(url, str) or not 1 <= len(url) <= 256:
        raise FcError("%s must be 1 to 256 characters." % field)
    if _CIFS.match(url):
        return "cifs"
    if _NFS.match(url):
        return "nfs"
    if _HTTP.match(url):
        return "server-https" if url.startswith("https") else "server-http"
    raise FcError("%s %r is not //server/share/path (CIFS), server:/path (NFS) or http(s)://server/path; names "
                  "are letters, digits, '-', '_', spaces and dots." % (field, url))


def find_spec(fc, name, required=False):
    """A saved customization specification by its exact name (VRM's name filter is exact)."""
    answer = fc.client.get(fc.site_uri + SPEC_PATH, params={"name": name, "limit": 100, "offset": 0}) or {}
    found = [s for s in answer.get("vmCustomizations") or [] if s.get("name") == name]
    if len(found) > 1:
        raise AmbiguousName("customization specifications", name, sorted(s["urn"] for s in found), first_option=False)
    if not found and required:
        raise FcError("Customization specification %r not found (create it with "
                      "fusioncompute.core.fc_customization_spec)." % name)
    return found[0] if found else None


def spec_view(spec):
    """A specification in option names; passwords only as whether one is set."""
    nics = []
    for n in spec.get("nicSpecification") or []:
        dns = [d for d in (n.get("setdns"), n.get("adddns")) if d]
        nics.append({k: v for k, v in (("ip", n.get("ip")), ("netmask", n.get("netmask")),
                                       ("gateway", n.get("gateway")), ("dns", dns or None)) if v})
    return {"urn": spec.get("urn"), "name": spec.get("name"), "description": spec.get("description") or "",
            "os_type": spec.get("osType"), "hostname": spec.get("hostname") or "",
            "workgroup": spec.get("workgroup") or "", "domain": spec.get("domain") or "",
            "domain_name": spec.get("domainName") or "", "password_set": bool(spec.get("password")),
            "nics": nics}


def cdrom_view(client, vm):
    """The CD-ROM of a VM: ``{connected, iso_path, status}``; describeCdrom is a read VRM answers to a POST."""
    status = vm.get("cdRomStatus") or "empty"
    if status == "empty":
        return {"connected": False, "iso_path": None, "status": status}
    cd = client.request("POST", vm["uri"] + "/action/describeCdrom", read=True) or {}
    return {"connected": True, "iso_path": cd.get("devicePath"), "status": status}


def export_target(name, export):
    """The file an export writes (``<url>/<name>.ova`` or ``<url>/<name>/<name>.ovf``); refuses what VRM would."""
    if not re.match(r"^[A-Za-z0-9_.-]{1,100}$", name):
        raise FcError("An exported template's name must be 1 to 100 letters, digits, '_', '-' and dots (VRM's rule); "
                      "%r is not." % name)
    base = export["url"].rstrip("/") if isinstance(export["url"], str) else export["url"]
    protocol = source_protocol(base, "export.url")
    if protocol not in ("nfs", "cifs"):
        raise FcError("export.url must be an NFS (server:/path) or CIFS (//server/share/path) directory; VRM exports "
                      "to no HTTP server.")
    if protocol != "cifs" and (export.get("username") or export.get("password")):
        raise FcError("export.username and export.password are for a CIFS share, not %s." % export["url"])
    return base + ("/%s.ova" % name if export.get("format", "ova") == "ova" else "/%s/%s.ovf" % (name, name))


def template_view(tpl):
    """A template in option names."""
    cfg = tpl.get("vmConfig") or {}
    osopt = tpl.get("osOptions") or {}
    disks = sorted(cfg.get("disks") or [], key=lambda d: d.get("sequenceNum", 0))
    return {"name": tpl.get("name"), "urn": tpl.get("urn"), "description": tpl.get("description") or "",
            "cluster": tpl.get("clusterName"), "os": {"type": osopt.get("osType"), "version": osopt.get("osVersion")},
            "cpu": (cfg.get("cpu") or {}).get("quantity"), "memory_mb": (cfg.get("memory") or {}).get("quantityMB"),
            "disks": [{"size_gb": d.get("quantityGB"), "datastore": d.get("datastoreName") or d.get("datastoreUrn"),
                       "thin": bool(d.get("isThin"))} for d in disks]}
