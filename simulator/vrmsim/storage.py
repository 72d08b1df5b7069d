"""Datastores, storage resources, storage units and volumes (thin/thick accounting)."""

import math

from vrmsim.engine import renderer

GB = 1024  # MB per GB


def volume_footprint_mb(vol):
    """Space a volume takes on its datastore: thick = full size, thin = what was written."""
    size_mb = int(vol.data.get("quantityGB", 0)) * GB
    if not vol.data.get("isThin"):
        return size_mb
    return min(size_mb, int(vol.sim.get("written_mb", 0)))


def datastore_usage(engine, ds_urn):
    """``(used_mb, provisioned_mb)`` of a datastore: real footprint and allocated sizes, incl. snapshot deltas."""
    used = prov = 0
    for vol in engine.all("volumes"):
        if vol.data.get("datastoreUrn") != ds_urn:
            continue
        used += volume_footprint_mb(vol) + int(vol.sim.get("snapshot_delta_mb", 0))
        prov += int(vol.data.get("quantityGB", 0)) * GB + int(vol.sim.get("snapshot_delta_mb", 0))
    for snap in engine.all("snapshots"):
        if snap.sim.get("memory_datastore") == ds_urn:
            used += int(snap.sim.get("memory_mb", 0))
            prov += int(snap.sim.get("memory_mb", 0))
    return used, prov


@renderer("datastores")
def render_datastore(engine, rec, view):
    out = dict(rec.data)
    used_mb, prov_mb = datastore_usage(engine, rec.urn)
    cap = int(out.get("actualCapacityGB", out.get("capacityGB", 0)))
    used_gb = int(math.ceil(used_mb / float(GB)))
    prov_gb = int(math.ceil(prov_mb / float(GB)))
    out["capacityGB"] = cap
    out["usedSizeGB"] = prov_gb
    out["freeSizeGB"] = max(0, cap - used_gb)
    out["actualCapacityGB"] = cap
    out["actualFreeSizeGB"] = max(0, cap - used_gb)
    out["hosts"] = [h.rsplit(":", 1)[1] for h in rec.sim.get("hosts", [])]
    return out


def new_datastore(engine, name, capacity_gb, storage_type="LUNPOME", hosts=(), thin=True, su_urn=None,
                  description=""):
    urn = engine.new_urn("datastores")
    rec = engine.add("datastores", urn, {
        "urn": urn, "uri": engine.uri_of(urn), "name": name, "description": description,
        "storageType": storage_type, "status": "NORMAL", "capacityGB": capacity_gb,
        "actualCapacityGB": capacity_gb, "isThin": thin, "thinRate": 100, "clusterSize": 1024,
        "refreshTime": "", "suUrn": su_urn or "", "suName": "", "storageUnits": [], "version": "V6",
        "dsLockType": 1, "params": {}}, {"hosts": list(hosts)})
    return rec


def new_volume(engine, name, size_gb, ds_urn, thin=True, vtype="normal", written_mb=None, vol_type=0,
               pci_type="VIRTIO"):
    urn = engine.new_urn("volumes")
    ds = engine.get(ds_urn, "datastores")
    vid = int(urn.rsplit(":", 1)[1])
    rec = engine.add("volumes", urn, {
        "urn": urn, "uri": engine.uri_of(urn), "uuid": engine.new_uuid(), "name": name, "quantityGB": size_gb,
        "status": "USE", "storageType": ds.data.get("storageType"), "isThin": thin, "type": vtype,
        "datastoreUrn": ds_urn, "datastoreName": ds.data["name"], "indepDisk": False, "persistentDisk": True,
        "volNameOnDev": "FC-%s-%08d-%s" % (engine.site_id, vid, engine.new_uuid()[:8].upper()),
        "isDiffVol": False, "volType": 0 if thin else vol_type, "maxReadBytes": 0, "maxWriteBytes": 0,
        "maxReadRequest": 0, "maxWriteRequest": 0, "totalRWBytes": 0, "totalRWRequest": 0,
        "pciType": pci_type, "occupiedVolume": "", "srcVolumeUrn": "null", "volumeUseType": 0, "ioWeight": 0,
        "siocFlag": 0, "volumeUrl": "", "pvscsiSupport": 0, "customProperties": {}, "encrypted": "0",
        "storageProtocol": "0", "volumeFormat": "raw", "params": {}},
        {"written_mb": (size_gb * GB if not thin else (written_mb or 0)), "vm": None, "snapshot_delta_mb": 0})
    return rec
