# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Storage resources (SAN, IP-SAN, FusionStorage, NAS), their LUNs, the hosts' initiators and iSCSI sessions:
the reads and the view that fc_storage_resource, fc_storage_resource_info and fc_datastore share (FC8DOC ch4)."""

from __future__ import annotations

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcApiError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import exact

# option value -> (VRM storageType, accessMode); accessMode 0 is iSCSI, 1 FC (FC8DOC 4.3.1)
TYPES = {"ipsan": ("san", 0), "fcsan": ("san", 1), "advanced_san": ("advanceSan", 0),
         "fusionstorage": ("DSWARE", None), "nas": ("NAS", None)}
SESSION_TYPES = ("san", "advanceSan")


def type_of(sres):
    """The option value of a VRM storage resource's storageType and accessMode."""
    stype = sres.get("storageType")
    if stype == "san":
        return "fcsan" if sres.get("accessMode") == 1 else "ipsan"
    return {"advanceSan": "advanced_san", "DSWARE": "fusionstorage", "NAS": "nas"}.get(stype, stype)


def resources(fc):
    return fc.client.list_all(fc.site_uri + "/storageresources", "storageResources")


def find(fc, name):
    """The detail of the storage resource named ``name`` (with its connected hosts), or None."""
    obj = exact(resources(fc), name, "storage resources")
    return fc.client.get(obj["uri"]) if obj else None


def units(fc, sres_urn):
    """The storage units (LUNs, exports) of a storage resource, with the hosts that see each."""
    return fc.client.list_all(fc.site_uri + "/storageunits/querybypage", "storageUnits",
                              {"scope": sres_urn, "deviceType": "0", "useState": "all"})


def unit_urns(ds):
    """Every storage unit a datastore spans (the one it was made on and those an expansion added)."""
    urns = [u.get("urn") for u in ds.get("storageUnits") or []]
    return urns or ([ds["suUrn"]] if ds.get("suUrn") else [])


def datastores_on(fc, unit_list):
    """``{unit urn: datastore}`` for the units of ``unit_list`` that hold (part of) a datastore."""
    wanted = {u["urn"] for u in unit_list}
    out = {}
    for ds in fc.client.list_all(fc.site_uri + "/datastores", "datastores"):
        for urn in unit_urns(ds):
            if urn in wanted:
                out[urn] = ds
    return out


def initiator(fc, host):
    """The host's iSCSI adapter (``{urn, name, type, wwn}``), or None when it has none."""
    adapters = (fc.client.get(host["uri"] + "/storageadapters") or {}).get("storageAdapters") or []
    return next((a for a in adapters if a.get("type") == "ISCSI"), None)


def sessions(fc, sres, host):
    """The host's iSCSI sessions to the resource's target portals: ``[{ip, port, status}]``."""
    if sres.get("storageType") not in SESSION_TYPES or not sres.get("dataChannel"):
        return []
    ans = fc.client.get(fc.site_uri + "/storageresources/queryiscsisessions", params={
        "storageResourceID": sres["urn"].rsplit(":", 1)[1], "hostUrn": host["urn"], "sessionState": "all"}) or {}
    return sorted(ans.get("dataChannel") or [], key=lambda s: s.get("ip"))


def view(fc, sres, unit_list=None, used=None, with_sessions=False):
    """User-facing fields of a storage resource (its detail), its LUNs and, with ``with_sessions``, the
    connected hosts' initiators and iSCSI sessions."""
    unit_list = units(fc, sres["urn"]) if unit_list is None else unit_list
    used = datastores_on(fc, unit_list) if used is None else used
    hosts = sorted(h.get("name") for h in sres.get("hostUrns") or [])
    out = {"name": sres.get("name"), "urn": sres.get("urn"), "type": type_of(sres),
           "vendor": sres.get("vender"), "device_type": sres.get("deviceType"),
           "management_ip": sres.get("managementIp") or None,
           "target_portals": [{"ip": c.get("ip"), "port": c.get("port")} for c in sres.get("dataChannel") or []],
           "target_iqn": sres.get("iSCSITargetIQN") or None, "chap_username": sres.get("chapUserName") or None,
           "hosts": hosts,
           "storage_units": sorted(({"name": u.get("name"), "urn": u.get("urn"), "capacity_gb": u.get("capacityGB"),
                                     "type": u.get("type"),
                                     "datastore": used[u["urn"]]["name"] if u["urn"] in used else None,
                                     "hosts": sorted(h.get("hostName") for h in u.get("hostList") or [])}
                                    for u in unit_list), key=lambda u: u["name"] or "")}
    if with_sessions:
        out["sessions"] = {}
        out["initiators"] = {}
        for h in sres.get("hostUrns") or []:
            host = {"urn": h["urn"], "uri": h["uri"], "name": h.get("name")}
            out["sessions"][h.get("name")] = sessions(fc, sres, host)
            adapter = initiator(fc, host)
            out["initiators"][h.get("name")] = adapter.get("wwn") if adapter else None
    return out


def refuse(message, code):
    """A refusal found before anything is sent, carrying the code VRM would answer (and its hint)."""
    return FcApiError(message + " (found before anything was sent)", code=code)


# -- LUNs for datastores (fc_datastore) --------------------------------------------------------------

def site_units(fc):
    return fc.client.list_all(fc.site_uri + "/storageunits/querybypage", "storageUnits",
                              {"deviceType": "0", "useState": "all"})


def unit_named(unit_list, ref):
    """The unit of ``unit_list`` with the name or URN ``ref``; an FcApiError (10410007) listing the names when
    there is none."""
    unit = next((u for u in unit_list if ref in (u.get("urn"), u.get("name"))), None)
    if unit is None:
        raise refuse("Storage unit %s not found in the site; its storage units are: %s." % (
            ref, ", ".join(sorted(u.get("name", "") for u in unit_list)) or "none"), "10410007")
    return unit


def check_free(unit, used, ds_name):
    """A LUN belongs to one datastore: refuse ``unit`` when another datastore than ``ds_name`` holds it."""
    holder = used.get(unit["urn"])
    if holder is not None and holder.get("name") != ds_name:
        raise refuse("Storage unit %s already belongs to datastore %s." % (unit["name"], holder["name"]), "10410138")


def check_reachable(fc, unit, host_list):
    """Every host of ``host_list`` sees ``unit`` or is connected to its storage resource (a rescan then shows
    it); refuse with 10410081 naming the resource to connect them to otherwise."""
    seeing = {h.get("hostName") for h in unit.get("hostList") or []}
    blind = [h for h in host_list if h["name"] not in seeing]
    if not blind:
        return
    sres = next((r for r in resources(fc) if r.get("urn") == unit.get("sdUrn") or r.get("name") == unit.get("sdName")),
                None)
    connected = {h.get("urn") for h in (fc.client.get(sres["uri"]).get("hostUrns") or [])} if sres else set()
    lost = sorted(h["name"] for h in blind if h["urn"] not in connected)
    if lost:
        raise refuse("Host(s) %s are not connected to storage resource %s, so they cannot use its storage unit %s; "
                     "connect them first (fusioncompute.core.fc_storage_resource, hosts)." % (
                         ", ".join(lost), unit.get("sdName"), unit["name"]), "10410081")


def check_expandable(fc, ds, unit, used, host_list):
    """The checks of VRM's expandDatastore, made before anything is sent."""
    if ds.get("storageType") not in (None, "LUNPOME"):
        raise refuse("Datastore %s is of type %s; only datastores on SAN LUNs grow by adding LUNs." % (
            ds.get("name"), ds.get("storageType")), "10410002")
    if unit.get("type") != "LUN":
        raise refuse("Storage unit %s is a %s, not a LUN; it cannot expand a datastore." % (
            unit["name"], unit.get("type")), "10410144")
    check_free(unit, used, None)
    check_reachable(fc, unit, host_list)
