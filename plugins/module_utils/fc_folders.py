# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Folders of clusters and VMs (FC8DOC ch3 3.9): a folder is named by its path from the site (``prod/web``)."""

from __future__ import annotations

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError

TYPES = {"cluster": 0, "vm": 1}
TYPE_NAMES = {v: k for k, v in TYPES.items()}


def split_path(path):
    """``"prod/web"`` -> ``["prod", "web"]``; empty parts and surrounding slashes are refused."""
    if not isinstance(path, str) or not path.strip("/"):
        raise FcError("A folder path names at least one folder, as 'prod' or 'prod/web'; not %r." % (path,))
    parts = path.strip("/").split("/")
    if any(not p for p in parts):
        raise FcError("The folder path %r has an empty part (two slashes in a row)." % path)
    for p in parts:
        if len(p) > 256:
            raise FcError("The folder name %r... has %d characters; VRM's limit is 256." % (p[:20], len(p)))
    return parts


def children(client, site_uri, parent_urn=None, ftype=1):
    """The folders directly under ``parent_urn`` (None: the site's first level of ``ftype``)."""
    params = {"parentObjUrn": parent_urn} if parent_urn else {"type": ftype}
    return (client.get(site_uri + "/folders", params=params) or {}).get("folders") or []


def walk(client, site_uri, parts, ftype):
    """The folders along ``parts`` from the site, as far as they exist: a list of folder objects."""
    found = []
    parent = None
    for name in parts:
        match = [f for f in children(client, site_uri, parent, ftype) if f.get("name") == name]
        if not match:
            break
        found.append(match[0])
        parent = match[0]["urn"]
    return found


def tree(client, site_uri, ftype=1):
    """Every folder of ``ftype`` by URN, each with its ``path`` from the site (one request per folder level)."""
    out = {}
    level = [(f, f["name"]) for f in children(client, site_uri, None, ftype)]
    while level:
        nxt = []
        for f, path in level:
            out[f["urn"]] = dict(f, path=path)
            nxt += [(c, path + "/" + c["name"]) for c in children(client, site_uri, f["urn"], ftype)]
        level = nxt
    return out


def vm_folder_urn(vm):
    """The folder a VM is in (VRM shows it as ``params.parentObjUrn``), or ``""``."""
    return str(((vm or {}).get("params") or {}).get("parentObjUrn") or "")
