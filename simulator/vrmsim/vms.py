"""Virtual machines and templates: life cycle, configuration, disks, NICs, migration."""

import random

from vrmsim import storage
from vrmsim.engine import fmt_time, renderer

# Fields of the single-VM GET that detail=1 list items do not carry (vrm-api.md 6).
LIST1_FIELDS = ("uri", "urn", "uuid", "name", "status", "idle", "description", "group", "location",
                "locationName", "hostUrn", "clusterUrn", "pvDriverStatus", "toolInstallStatus", "cdRomStatus",
                "isTemplate", "isLinkClone", "createTime", "createTimeUTC", "imcSetting",
                "minCompatibleimcSetting", "toolsVersion", "isBindingHost", "hostName", "clusterName",
                "drStatus", "vmType", "rpoStatus", "initSyncStatus", "arch", "hugePage", "params")
LIST0_FIELDS = ("uri", "urn", "uuid", "name", "status", "idle")


def new_mac(engine):
    n = engine.next_id("macs")
    return "28:6e:d4:%02x:%02x:%02x" % ((n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF)


def nic_entry(engine, vm_urn, seq, pg_urn, mac=None, name=None):
    pg = engine.get(pg_urn, "portgroups")
    urn = "%s:nics:%d" % (vm_urn, seq)
    return {"name": name or "Network Adapter %d" % seq, "urn": urn, "uri": engine.uri_of(urn),
            "portGroupUrn": pg_urn, "portGroupName": pg.data["name"], "mac": mac or new_mac(engine),
            "ip": "0.0.0.0", "ipList": "", "ips6": [], "sequenceNum": seq, "virtIo": 1, "nicType": 0,
            "portId": str(engine.next_id("ports", start=1000)), "bootOrder": -1, "connectAtPowerOn": True,
            "linkStatus": "connected", "status": "connect", "nicConfig": {"vringbuf": 256, "queues": 1},
            "enableSecurityGroup": False}


def disk_entry(engine, vm_id, vol, seq, pci="VIRTIO"):
    ds = engine.get(vol.data["datastoreUrn"], "datastores")
    dev = {"VIRTIO": "vd", "SCSI": "sd", "IDE": "hd"}[pci] + "abcdefghijklmnopqrstuvwxyz"[(seq - 1) % 26]
    return {"sequenceNum": seq, "volumeUrn": vol.urn, "volumeUuid": vol.data["uuid"], "volumeUrl": "",
            "quantityGB": vol.data["quantityGB"], "datastoreUrn": ds.urn, "datastoreName": ds.data["name"],
            "isThin": vol.data["isThin"], "thin": vol.data["isThin"], "volType": vol.data["volType"],
            "indepDisk": vol.data["indepDisk"], "persistentDisk": vol.data["persistentDisk"], "pciType": pci,
            "type": vol.data["type"], "storageType": ds.data["storageType"], "diskName": "%s-%s" % (vm_id, dev),
            "devName": dev, "bootOrder": 1 if seq == 1 else -1, "systemVolume": seq == 1,
            "volumeFormat": "raw", "volumeUseType": "NORMAL_VOL", "volumeAttachStatus": "attached",
            "cacheMode": "none", "ioMode": "dataplane", "accessMode": 0, "maxReadBytes": 0, "maxWriteBytes": 0,
            "maxReadRequest": 0, "maxWriteRequest": 0, "totalRWBytes": 0, "totalRWRequest": 0, "ioWeight": 0,
            "encrypted": "0", "storageProtocol": "0"}


def new_vm(engine, name, cluster_urn, cpu=2, mem_mb=4096, disks=(), nics=(), status="stopped",
           is_template=False, os_type="Linux", os_version=301, host_urn=None, description="", uuid=None,
           written_ratio=0.3):
    """Create a VM record with its volumes. ``disks``: (size_gb, datastore_urn, thin) tuples."""
    urn = engine.new_urn("vms")
    vm_id = urn.rsplit(":", 1)[1]
    cluster = engine.get(cluster_urn, "clusters")
    now = engine.now()
    disk_list = []
    for i, (size, ds_urn, thin) in enumerate(disks, start=1):
        vol = storage.new_volume(engine, "%s-disk%d" % (name, i), size, ds_urn, thin=thin,
                                 written_mb=int(size * 1024 * written_ratio))
        vol.sim["vm"] = urn
        disk_list.append(disk_entry(engine, vm_id, vol, i))
    nic_list = [nic_entry(engine, urn, i, pg) for i, pg in enumerate(nics)]
    host = engine.get(host_urn, "hosts") if host_urn else None
    data = {
        "urn": urn, "uri": engine.uri_of(urn), "uuid": uuid or engine.new_uuid(), "name": name,
        "description": description, "group": "", "arch": "x86", "location": cluster_urn,
        "locationName": cluster.data["name"], "clusterUrn": cluster_urn, "clusterName": cluster.data["name"],
        "hostUrn": host.urn if host else "", "hostName": host.data["name"] if host else "",
        "dataStoreUrns": sorted({d["datastoreUrn"] for d in disk_list}), "status": status,
        "pvDriverStatus": "running" if status == "running" else "notRunning", "toolInstallStatus": "empty",
        "cdRomStatus": "empty", "floppyStatus": "empty", "isTemplate": is_template, "isLinkClone": False,
        "isBindingHost": False, "isMultiDiskSpeedup": False, "createTime": fmt_time(now),
        "createTimeUTC": fmt_time(now), "runningTime": 0, "idle": -1 if is_template else 0,
        "toolsVersion": "3.0.0.045", "imcSetting": "", "minCompatibleimcSetting": "Cascadelake-Server",
        "hugePage": "4K", "vmType": 0, "drStatus": 9, "rpoStatus": 0, "initSyncStatus": 0,
        "additionalStatus": [], "objectPrivs": [], "params": {"snapshotNum": "0"}, "customProperties": {},
        "haConfig": {"hostFaultPolicy": 2, "vmFaultPolicy": 3},
        "osOptions": {"osType": os_type, "osVersion": os_version, "guestOSName": "", "hostname": "",
                      "password": ""},
        "vmConfig": {
            "cpu": {"quantity": cpu, "coresPerSocket": 1, "reservation": 0, "weight": cpu * 500, "limit": 0,
                    "cpuHotPlug": 1, "cpuBindType": "nobind", "cpuPolicy": "shared", "cpuThreadPolicy": "prefer"},
            "memory": {"quantityMB": mem_mb, "reservation": 0, "weight": mem_mb * 10, "limit": mem_mb,
                       "memHotPlug": 1, "hugePage": "4K"},
            "disks": disk_list, "nics": nic_list,
            "properties": {"bootOption": "disk", "isEnableHa": True, "vmFaultProcess": "notprocess",
                           "reoverByHost": False, "clockMode": "freeClock", "isAutoUpgrade": True,
                           "bootFirmware": "BIOS", "vmVncKeymapSetting": 7, "secureVmType": "",
                           "isReserveResource": False, "isHpet": False},
            "gpu": [], "usb": [], "graphicsCard": {"type": "cirrus", "size": 4}, "numaNodes": 0, "pcis": [],
            "cdromSequenceNum": 1003},
        "vmRebootConfig": {},
    }
    if not is_template:
        data["vncAcessInfo"] = {"hostIp": host.data["ip"] if host else "", "vncPort": -1, "vncPassword": "",
                                "vncUserName": vm_id}
    rec = engine.add("vms", urn, data, {"host": host.urn if host else None, "ips": {},
                                         "started_at": now if status == "running" else None})
    return rec


@renderer("vms")
def render_vm(engine, rec, view):
    out = dict(rec.data)
    if out.get("status") == "running" and rec.sim.get("started_at"):
        out["runningTime"] = int(max(0, engine.now() - rec.sim["started_at"]))
    if view == "list0":
        return {k: out.get(k) for k in LIST0_FIELDS}
    if view in ("list", "list1"):
        item = {k: out.get(k) for k in LIST1_FIELDS}
        cfg = out.get("vmConfig", {})
        item["vmConfig"] = {"nics": [{k: n.get(k) for k in ("mac", "sequenceNum", "ip", "ipList", "ips6")}
                                     for n in cfg.get("nics", [])],
                            "properties": {"secureVmType": cfg.get("properties", {}).get("secureVmType", "")}}
        return item
    return out


def random_ip(engine):
    return "192.168.%d.%d" % (random.randint(1, 254), random.randint(2, 254))
