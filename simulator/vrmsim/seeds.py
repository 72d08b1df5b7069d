"""Seeds: ``empty`` (one site), ``demo`` (a small realistic site) and the scale generator."""

import random

from vrmsim import compute, host_devices, host_network, hosts, images, network, storage, vms
from vrmsim.errors import VrmError

SEEDS = ("empty", "demo")
SITE_ID = "4D6B0918"


def reset(engine, seed, vms=0, hosts=0):
    if seed not in SEEDS:
        raise VrmError("10000001", "Unknown seed %r; choose one of %s." % (seed, ", ".join(SEEDS)))
    engine.store.clear_all()
    engine.sessions = {}
    engine.store.set_meta("site_id", SITE_ID)
    engine.store.set_meta("seed", seed)
    engine.store.set_meta("clock_base", engine._wall0)
    engine.store.set_meta("clock_offset", 0.0)
    engine.store.set_meta("faults", [])
    engine.store.set_meta("sessions", {})
    compute.new_site(engine, SITE_ID, "site-%s" % SITE_ID.lower())
    if seed == "demo" or vms or hosts:
        demo(engine)
    if hosts or vms:
        generate(engine, vms=vms, hosts=hosts)
    engine.store.flush()


def _host(engine, name, ip, cluster, cpu, mem_gb):
    h = hosts.new_host(engine, name, ip, cluster.urn, cpu=cpu, cpu_mhz=2600, mem_mb=mem_gb * 1024,
                         bmc_ip=ip.replace("198.51.100.", "198.51.100.1"), bmc_user="root")
    for i in range(4):
        network.new_uplinkport(engine, h.urn, "eth%d" % i, "f4:4c:7f:%02x:%02x:%02x" % (
            int(h.urn.rsplit(":", 1)[1]) & 0xFF, i, 0x10 + i))
    return h


def _uplink(engine, host_urn, name):
    for up in engine.all("uplinkports"):
        if up.sim.get("host") == host_urn and up.data["name"] == name:
            return up
    raise KeyError(name)


def attach_uplink(engine, dvs, host, port_name="eth2"):
    up = _uplink(engine, host.urn, port_name)
    up.data["dvSwitchUrn"] = dvs.urn
    up.data["bindStatus"] = "bind"
    engine.touch(up)
    dvs.data["hostPortSet"].append({"hostUrn": host.urn, "portUrn": up.urn, "portName": up.data["name"],
                                    "hostName": host.data["name"], "status": 0})
    engine.touch(dvs)


def demo(engine):
    """1 site, 2 clusters, 6 hosts, 3 datastores (one NFS), 1 DVS with 3 port groups, 2 templates."""
    c1 = compute.new_cluster(engine, "cluster-prod", "Production workloads", is_enable_drs=True)
    c2 = compute.new_cluster(engine, "cluster-dev", "Development and test")
    hosts1 = [_host(engine, "cna-prod-%02d" % i, "198.51.100.%d" % (10 + i), c1, 32, 256) for i in range(1, 4)]
    hosts2 = [_host(engine, "cna-dev-%02d" % i, "198.51.100.%d" % (20 + i), c2, 16, 128) for i in range(1, 4)]
    all_hosts = hosts1 + hosts2
    res_san = engine.add("storageresources", engine.new_urn("storageresources"), {
        "name": "oceanstor-01", "storageType": "san", "managementIp": "198.51.100.200", "managementPort": 5988,
        "dataChannel": [{"ip": "198.51.100.201", "port": 3260}], "username": "", "vender": "HW",
        "deviceType": "V3", "iSCSITargetIQN": "iqn.2006-08.com.huawei:oceanstor:01", "chapUserName": "",
        "digest": 0, "accessMode": 0}, {"hosts": [h.urn for h in all_hosts]})
    res_nas = engine.add("storageresources", engine.new_urn("storageresources"), {
        "name": "nfs-01", "storageType": "NAS", "managementIp": "", "managementPort": 0,
        "dataChannel": [{"ip": "198.51.100.210", "port": 2049}], "username": "", "vender": "OTHER",
        "deviceType": "OTHER", "iSCSITargetIQN": "", "chapUserName": "", "digest": 0, "accessMode": 0},
        {"hosts": [h.urn for h in all_hosts]})
    su = []
    for name, cap, sres, stype in (("LUN-prod-01", 4096, res_san, "LUN"), ("LUN-dev-01", 2048, res_san, "LUN"),
                                   ("198.51.100.210:/export/images", 2048, res_nas, "NAS"),
                                   ("LUN-spare-01", 1024, res_san, "LUN")):
        su.append(engine.add("storageunits", engine.new_urn("storageunits"), {
            "sdUrn": sres.urn, "sdName": sres.data["name"], "name": name, "type": stype, "capacityGB": cap,
            "status": "NORMAL", "refreshTime": "", "isThin": stype == "NAS", "wwn": "", "subType": 0,
            "supportADL": 2}, {"hosts": list(sres.sim["hosts"])}))
    ds1 = storage.new_datastore(engine, "datastore-prod", 4096, "LUNPOME", [h.urn for h in hosts1], True, su[0].urn)
    ds2 = storage.new_datastore(engine, "datastore-dev", 2048, "LUNPOME", [h.urn for h in hosts2], True, su[1].urn)
    ds3 = storage.new_datastore(engine, "nfs-images", 2048, "NAS", [h.urn for h in all_hosts], True, su[2].urn)
    for ds, unit in ((ds1, su[0]), (ds2, su[1]), (ds3, su[2])):
        unit.sim["datastore"] = ds.urn
        ds.data["suName"] = unit.data["name"]
        ds.data["storageUnits"] = [{"urn": unit.urn, "suName": unit.data["name"], "sdName": unit.data["sdName"],
                                    "type": unit.data["type"]}]
    dvs = network.new_dvs(engine, "dvs-prod", description="Production DVS")
    for h in all_hosts:
        attach_uplink(engine, dvs, h)
    pg0 = network.new_portgroup(engine, dvs.urn, "VM-Network", vlan_id=0)
    network.new_portgroup(engine, dvs.urn, "prod-vlan100", vlan_id=100)
    network.new_portgroup(engine, dvs.urn, "dev-vlan200", vlan_id=200)
    vms.new_vm(engine, "tpl-centos7", c1.urn, cpu=2, mem_mb=4096, disks=[(40, ds3.urn, True)], nics=[pg0.urn],
               is_template=True, os_type="Linux", os_version=10115, written_ratio=0.1)
    vms.new_vm(engine, "tpl-ubuntu2204", c1.urn, cpu=2, mem_mb=4096, disks=[(30, ds3.urn, True)], nics=[pg0.urn],
               is_template=True, os_type="Linux", os_version=302, written_ratio=0.1)
    host_network.seed_demo(engine)
    images.seed_demo(engine)
    host_devices.seed_demo(engine, all_hosts)


def generate(engine, vms=0, hosts=0):
    """Scale generator: ``hosts`` more hosts and ``vms`` VMs spread over both demo clusters."""
    clusters = engine.all("clusters")
    dvs = engine.all("dvswitchs")[0]
    pgs = engine.all("portgroups")
    dss = {c.urn: None for c in clusters}
    for ds in engine.all("datastores"):
        for c in clusters:
            if dss[c.urn] is None and any(
                    engine.get(h).data.get("clusterUrn") == c.urn for h in ds.sim.get("hosts", [])):
                dss[c.urn] = ds
    base = engine.next_id("generated_hosts", start=1)
    for i in range(hosts):
        c = clusters[i % len(clusters)]
        n = base + i
        h = _host(engine, "cna-gen-%04d" % n, "198.51.100.%d" % (30 + n % 200) if n < 200 else
                  "10.%d.%d.%d" % (200 + n // 65536 % 50, n // 256 % 256, n % 256), c, 64, 1024)
        h.data["ip"] = "100.64.%d.%d" % (n // 256 % 256, n % 256)
        host_network.add_management_plane(engine, h)
        attach_uplink(engine, dvs, h)
        for ds in engine.all("datastores"):
            if ds.urn == dss[c.urn].urn or ds.data["storageType"] == "NAS":
                ds.sim["hosts"].append(h.urn)
                engine.touch(ds)
    rnd = random.Random(42)
    hosts_by_cluster = {c.urn: [h for h in engine.all("hosts") if h.data.get("clusterUrn") == c.urn]
                        for c in clusters}
    for i in range(vms):
        c = clusters[i % len(clusters)]
        running = i % 3 != 0
        host = hosts_by_cluster[c.urn][i % len(hosts_by_cluster[c.urn])] if running else None
        vm = vms_new(engine, "vm-%05d" % i, c.urn, cpu=rnd.choice((1, 2, 4)), mem_mb=rnd.choice((1024, 2048, 4096)),
                     disks=[(20, dss[c.urn].urn, True)], nics=[pgs[i % len(pgs)].urn],
                     status="running" if running else "stopped", host_urn=host.urn if host else None)
        if running:
            vm.data["vmConfig"]["nics"][0]["ip"] = "10.%d.%d.%d" % (i // 65536 % 256, i // 256 % 256, i % 256 or 1)
            vm.data["vmConfig"]["nics"][0]["ipList"] = vm.data["vmConfig"]["nics"][0]["ip"]


vms_new = vms.new_vm
