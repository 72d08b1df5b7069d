"""The driver's methods against vrmsim, with nova's own objects (nova.tests fixtures)."""

import json
import os
import uuid

import pytest

from nova import context as nova_context
from nova import exception
from nova import objects
from nova.compute import power_state
from nova.compute import provider_tree
from nova.network import model as network_model
from nova.tests.unit import fake_instance
from nova.virt import driver as virt_driver
from nova.virt import fake as fake_virt

from conftest import configure


def make_driver():
    from fusioncompute_nova.driver import FusionComputeDriver
    return FusionComputeDriver(fake_virt.FakeVirtAPI())


@pytest.fixture
def drv(nova_conf):
    d = make_driver()
    d.init_host("compute-prod")
    yield d
    d.cleanup_host("compute-prod")


@pytest.fixture
def ctx():
    return nova_context.get_admin_context()


def flavor(vcpus=2, memory_mb=2048, root_gb=50, ephemeral_gb=0, extra_specs=None):
    return objects.Flavor(id=7, name="m1.fc", memory_mb=memory_mb, vcpus=vcpus, root_gb=root_gb,
                          ephemeral_gb=ephemeral_gb, flavorid="7", swap=0, rxtx_factor=1.0, vcpu_weight=1,
                          disabled=False, is_public=True, extra_specs=extra_specs or {}, projects=[])


def instance(ctx, **kw):
    fl = kw.pop("flavor", None) or flavor()
    inst_uuid = str(uuid.uuid4())
    inst = fake_instance.fake_instance_obj(ctx, uuid=inst_uuid, display_name=kw.pop("display_name", "web-1"),
                                           hostname="web-1", flavor=fl, **kw)
    inst.system_metadata = {}
    return inst


def image(name="tpl-centos7"):
    return objects.ImageMeta.from_dict({"id": str(uuid.uuid4()), "name": name, "properties": {}})


def vif(label="prod-vlan100", mac="fa:16:3e:00:00:01", physnet="dvs-prod", vlan=None, net_id=None):
    net = network_model.Network(id=net_id or str(uuid.uuid4()), label=label, subnets=[],
                                meta={"physical_network": physnet})
    details = {"vlan": vlan} if vlan is not None else {}
    return network_model.VIF(id=str(uuid.uuid4()), address=mac, network=net, details=details)


def vm_of(sim, inst):
    found = [v for v in sim.objects("vms") if v.get("uuid") == inst.uuid]
    return found[0] if found else None


# -- nodes and resources ---------------------------------------------------------------------------

def test_node_name_and_resources_match_the_cluster(sim, drv):
    site = sim.objects("sites")[0]
    site_id = site["urn"].rsplit(":", 1)[1]
    assert drv.get_available_nodes() == ["%s@cluster-prod" % site_id]
    res = drv.get_available_resource(drv.get_available_nodes()[0])
    hosts = [h for h in sim.objects("hosts") if h.get("clusterName") == "cluster-prod"]
    assert res["vcpus"] == sum(h["cpuQuantity"] for h in hosts) == 96
    assert res["memory_mb"] == sum(h["memQuantityMB"] for h in hosts)
    assert res["hypervisor_type"] == "FusionCompute"
    assert res["hypervisor_hostname"] == "%s@cluster-prod" % site_id
    assert res["local_gb"] > 0 and res["local_gb_used"] <= res["local_gb"]


def test_provider_tree_inventory(drv):
    node = drv.get_available_nodes()[0]
    tree = provider_tree.ProviderTree()
    tree.new_root(node, str(uuid.uuid4()))
    drv.update_provider_tree(tree, node)
    inv = tree.data(node).inventory
    assert inv["VCPU"]["total"] == 96 and inv["VCPU"]["max_unit"] == 32
    assert inv["MEMORY_MB"]["total"] == 3 * 256 * 1024 and inv["MEMORY_MB"]["max_unit"] == 256 * 1024
    assert inv["DISK_GB"]["total"] > 0
    assert "HW_ARCH_X86_64" in tree.data(node).traits


def test_cpu_ratio_scales_reported_vcpus(sim, drv):
    configure(sim, cpu_ratio=2.0)
    d = make_driver()
    d.init_host("x")
    assert d.get_available_resource(d.get_available_nodes()[0])["vcpus"] == 192


# -- configuration errors are clear ------------------------------------------------------------------

def test_unknown_cluster_reports_no_node_with_a_clear_message(sim, nova_conf, caplog):
    configure(sim, clusters=["cluster-renamed"])
    d = make_driver()
    d.init_host("x")  # does not raise: nova-compute stays up instead of crash-looping
    assert "cluster-renamed does not exist" in caplog.text
    with pytest.raises(exception.VirtDriverNotReady) as err:
        d.get_available_nodes()
    assert "cluster-renamed" in str(err.value) and "renamed" in str(err.value)
    with pytest.raises(exception.VirtDriverNotReady):
        d.list_instances()
    # once the cluster exists under the configured name again, the node comes back
    configure(sim, clusters=["cluster-prod"])
    assert d.get_available_nodes(refresh=True)[0].endswith("@cluster-prod")


def test_several_clusters_refused(sim, nova_conf):
    configure(sim, clusters=["cluster-prod", "cluster-dev"])
    with pytest.raises(exception.InvalidConfiguration) as err:
        make_driver().init_host("x")
    assert "exactly one" in str(err.value)


def test_unknown_site_refused(sim, nova_conf):
    configure(sim, site="no-such-site")
    with pytest.raises(exception.InvalidConfiguration) as err:
        make_driver().init_host("x")
    assert "no-such-site" in str(err.value)


def test_wrong_password_carries_the_vrm_code(sim, nova_conf):
    configure(sim, fc_pwd="wrong")
    with pytest.raises(Exception) as err:
        make_driver().init_host("x")
    assert "10100103" in str(err.value) or "Login" in str(err.value)


def test_tls_is_verified_by_default(sim, nova_conf):
    configure(sim, ca_file=None)
    with pytest.raises(exception.HypervisorUnavailable):
        make_driver().init_host("x")


# -- the instance life cycle ---------------------------------------------------------------------------

def test_spawn_power_cycle_destroy(sim, drv, ctx):
    inst = instance(ctx, flavor=flavor(vcpus=4, memory_mb=4096, root_gb=60,
                                       extra_specs={"quota:cpu_shares": "3000", "quota:cpu_limit": "8000"}))
    nw = network_model.NetworkInfo([vif()])
    drv.spawn(ctx, inst, image(), [], "secret", {}, network_info=nw)
    vm = vm_of(sim, inst)
    assert vm["status"] == "running" and vm["clusterName"] == "cluster-prod"
    assert vm["vmConfig"]["cpu"]["quantity"] == 4 and vm["vmConfig"]["memory"]["quantityMB"] == 4096
    assert vm["vmConfig"]["cpu"]["weight"] == 3000 and vm["vmConfig"]["cpu"]["limit"] == 8000
    assert vm["vmConfig"]["disks"][0]["quantityGB"] == 60
    pg = sim.one("portgroups", name="prod-vlan100")
    assert [n["portGroupUrn"] for n in vm["vmConfig"]["nics"]] == [pg["urn"]]
    assert vm["vmConfig"]["nics"][0]["mac"] == "fa:16:3e:00:00:01"
    assert vm["description"] == inst.name and vm["name"] == "web-1"
    assert inst.system_metadata["fc_vm_urn"] == vm["urn"]

    assert drv.get_info(inst).state == power_state.RUNNING
    assert inst.name in drv.list_instances() and inst.uuid in drv.list_instance_uuids()
    assert drv.instance_exists(inst)

    drv.power_off(inst)
    assert vm_of(sim, inst)["status"] == "stopped"
    assert drv.get_info(inst).state == power_state.SHUTDOWN
    drv.power_off(inst)  # already off: nothing to do
    drv.power_on(ctx, inst, nw)
    assert vm_of(sim, inst)["status"] == "running"
    drv.reboot(ctx, inst, nw, "SOFT")
    drv.reboot(ctx, inst, nw, "HARD")
    assert vm_of(sim, inst)["status"] == "running"
    drv.pause(inst)
    assert drv.get_info(inst).state == power_state.PAUSED
    drv.unpause(inst)
    drv.suspend(ctx, inst)
    assert drv.get_info(inst).state == power_state.SUSPENDED
    drv.resume(ctx, inst, nw)
    assert drv.get_info(inst).state == power_state.RUNNING

    console = drv.get_vnc_console(ctx, inst)
    assert console.port >= 5900 and console.host

    volumes_before = {v["urn"] for v in sim.objects("volumes")}
    vm_volumes = {d["volumeUrn"] for d in vm_of(sim, inst)["vmConfig"]["disks"]}
    drv.destroy(ctx, inst, nw)
    assert vm_of(sim, inst) is None
    assert not (vm_volumes & {v["urn"] for v in sim.objects("volumes")})
    assert volumes_before - vm_volumes == {v["urn"] for v in sim.objects("volumes")}
    with pytest.raises(exception.InstanceNotFound):
        drv.get_info(inst)
    drv.destroy(ctx, inst, nw)  # a second destroy is not an error


def test_spawn_creates_the_port_group_of_a_new_network(sim, drv, ctx):
    inst = instance(ctx)
    net_id = str(uuid.uuid4())
    nw = network_model.NetworkInfo([vif(label="tenant-a", vlan=321, net_id=net_id, mac="fa:16:3e:00:00:02")])
    drv.spawn(ctx, inst, image(), [], None, {}, network_info=nw)
    dvs = sim.one("dvswitchs", name="dvs-prod")
    pg = sim.one("portgroups", name="tenant-a#%s#%s" % (net_id, dvs["urn"].rsplit(":", 1)[1]))
    assert pg["vlanId"] == 321
    assert vm_of(sim, inst)["vmConfig"]["nics"][0]["portGroupUrn"] == pg["urn"]
    drv.destroy(ctx, inst, nw)


def test_spawn_powered_off_and_unknown_image(sim, drv, ctx):
    inst = instance(ctx)
    drv.spawn(ctx, inst, image("tpl-ubuntu2204"), [], None, {}, network_info=[], power_on=False)
    assert vm_of(sim, inst)["status"] == "stopped"
    drv.destroy(ctx, inst, [])
    other = instance(ctx)
    with pytest.raises(exception.ImageUnacceptable) as err:
        drv.spawn(ctx, other, image("no-such-image"), [], None, {}, network_info=[])
    assert "no-such-image" in str(err.value)
    assert vm_of(sim, other) is None


def test_spawn_gives_vrm_a_host_name_it_takes(sim, drv, ctx):
    # nova's host names may have 63 characters and dots; VRM's customization takes 15 of [A-Za-z0-9_-]
    for given, expected in (("db.prod-server-0042.example", "db-prod-server"), ("12345", "vm-12345"),
                            ("web-1", "web-1")):
        inst = instance(ctx)
        inst.hostname = given
        drv.spawn(ctx, inst, image(), [], None, {}, network_info=[])
        assert vm_of(sim, inst)["osOptions"]["hostname"] == expected
        drv.destroy(ctx, inst, [])


def test_spawn_without_capacity_reschedules_and_leaves_nothing(sim, drv, ctx):
    inst = instance(ctx, flavor=flavor(vcpus=4, memory_mb=300 * 1024))
    with pytest.raises(exception.ComputeResourcesUnavailable) as err:
        drv.spawn(ctx, inst, image(), [], None, {}, network_info=[])
    assert "VRM error" in str(err.value)
    assert vm_of(sim, inst) is None


def test_volume_attach_detach_and_block_device_mapping(sim, drv, ctx):
    ds = sim.one("datastores", name="datastore-prod")
    site_uri = sim.objects("sites")[0]["uri"]
    made = sim.api("POST", site_uri + "/volumes", {"name": "cinder-vol-1", "quantityGB": 10, "type": "normal",
                                                   "datastoreUrn": ds["urn"], "isThin": True})
    vol_urn = made["urn"]
    inst = instance(ctx)
    conn = {"driver_volume_type": "fusioncompute", "serial": "vol-1", "data": {"vol_urn": vol_urn}}
    bdi = {"block_device_mapping": [{"connection_info": conn, "mount_device": "/dev/vdb"}]}
    drv.spawn(ctx, inst, image(), [], None, {}, network_info=[], block_device_info=bdi)
    disks = vm_of(sim, inst)["vmConfig"]["disks"]
    assert any(d["volumeUrn"] == vol_urn and d["sequenceNum"] == 2 for d in disks)
    drv.detach_volume(ctx, conn, inst, "/dev/vdb")
    assert not any(d["volumeUrn"] == vol_urn for d in vm_of(sim, inst)["vmConfig"]["disks"])
    drv.attach_volume(ctx, conn, inst, "/dev/vdc")
    assert any(d["volumeUrn"] == vol_urn and d["sequenceNum"] == 3 for d in vm_of(sim, inst)["vmConfig"]["disks"])
    # destroy keeps the cinder volume (it is detached first), removes the VM's own disks
    drv.destroy(ctx, inst, [], block_device_info={"block_device_mapping": [
        {"connection_info": conn, "mount_device": "/dev/vdc"}]})
    assert vm_of(sim, inst) is None
    assert vol_urn in {v["urn"] for v in sim.objects("volumes")}


def test_live_migration_to_the_cluster_of_the_destination_service(sim, drv, ctx, monkeypatch):
    inst = instance(ctx)
    drv.spawn(ctx, inst, image(), [], None, {}, network_info=[])
    before = vm_of(sim, inst)["hostUrn"]
    done = []
    node = drv.get_available_nodes()[0]
    site_id = node.split("@")[0]
    # the compute node of the destination service names its cluster (nova's database is not used here)
    nodes = {"compute-prod": node, "compute-dev": "%s@cluster-dev" % site_id}
    monkeypatch.setattr(drv, "_node_of_host", lambda context, host: nodes[host])
    data = drv.check_can_live_migrate_destination(ctx, inst, {"hypervisor_hostname": node},
                                                  {"hypervisor_hostname": node})
    assert data.cluster_name == "cluster-prod"
    assert drv.check_can_live_migrate_source(ctx, inst, data) is data
    data = None  # without the destination's data, the destination service's compute node names the cluster
    with pytest.raises(exception.MigrationPreCheckError):  # the destination check runs on the destination
        drv.check_can_live_migrate_destination(ctx, inst, {"hypervisor_hostname": node},
                                               {"hypervisor_hostname": "x@cluster-dev"})
    # a destination service of the same cluster: another host of it
    drv.live_migration(ctx, inst, "compute-prod", lambda *a: done.append("post"), lambda *a: done.append("recover"),
                       migrate_data=data)
    after = vm_of(sim, inst)
    assert done == ["post"] and after["hostUrn"] != before and after["clusterName"] == "cluster-prod"
    # another service: its cluster
    drv.live_migration(ctx, inst, "compute-dev", lambda *a: done.append("post"), lambda *a: done.append("recover"),
                       migrate_data=data)
    moved = vm_of(sim, inst)
    assert done == ["post", "post"] and moved["clusterName"] == "cluster-dev" and moved["status"] == "running"
    assert moved["hostUrn"] in {h["urn"] for h in sim.objects("hosts") if h["clusterName"] == "cluster-dev"}
    # a cluster that does not exist: recover, the VM stays
    nodes["compute-gone"] = "%s@cluster-gone" % site_id
    drv.live_migration(ctx, inst, "compute-gone", lambda *a: done.append("post"), lambda *a: done.append("recover"),
                       migrate_data=data)
    assert done[-1] == "recover" and vm_of(sim, inst)["clusterName"] == "cluster-dev"
    sim.api("POST", vm_of(sim, inst)["uri"] + "/action/stop", {"mode": "force"})
    with pytest.raises(exception.MigrationPreCheckError):
        drv.check_can_live_migrate_source(ctx, inst, data)
    # the instance belongs to another service now (evacuated or moved while this one was down): kept
    drv.destroy(ctx, inst, [])
    assert vm_of(sim, inst) is not None
    inst.host = "compute-prod"  # the service of drv (init_host)
    drv.destroy(ctx, inst, [])
    assert vm_of(sim, inst) is None


def test_snapshot_uploads_the_root_disk_and_makes_a_template_that_spawns(sim, drv, ctx, monkeypatch):
    from nova.image import glance
    uploads = {}

    def update(self, context, image_id, meta, data=None, purge_props=True):
        uploads[image_id] = (meta, data.read())

    monkeypatch.setattr(glance.API, "update", update)
    inst = instance(ctx)
    drv.spawn(ctx, inst, image(), [], None, {}, network_info=[])
    states = []
    image_id = str(uuid.uuid4())
    tpl_urn = drv.snapshot(ctx, inst, image_id, lambda **kw: states.append(kw["task_state"]))
    assert states == ["image_pending_upload", "image_uploading"]
    tpl = [v for v in sim.objects("vms") if v["urn"] == tpl_urn][0]
    assert tpl["isTemplate"] and tpl["name"] == image_id
    meta, data = uploads[image_id]
    root = [d for d in tpl["vmConfig"]["disks"] if d["sequenceNum"] == 1][0]
    assert data.startswith(b"VRMSIM-EXPORT volume=%s\n" % root["volumeUrn"].encode()) and len(data) > 100000
    assert meta["disk_format"] == "raw" and meta["properties"]["fusioncompute_template_urn"] == tpl_urn
    leases = sim.objects("serverlease")
    assert [lease["state"] for lease in leases if lease["entity"] == tpl_urn] == ["done"]
    again = instance(ctx)
    meta = objects.ImageMeta.from_dict({"id": image_id, "name": "my-snapshot", "properties": {}})
    drv.spawn(ctx, again, meta, [], None, {}, network_info=[])
    assert vm_of(sim, again)["status"] == "running"
    for i in (inst, again):
        drv.destroy(ctx, i, [])


def test_console_output_is_vrms(sim, drv, ctx):
    inst = instance(ctx)
    drv.spawn(ctx, inst, image(), [], None, {}, network_info=[])
    out = drv.get_console_output(ctx, inst).decode()
    assert "uuid %s" % inst.uuid in out and out.endswith("web-1 login:")
    drv.destroy(ctx, inst, [])


def test_list_instances_ignores_vms_nova_did_not_create(sim, drv):
    names = drv.list_instances()
    assert all(not n.startswith("tpl-") for n in names)
    assert set(drv.list_instances()) == set(n for n in names)


def test_driver_loads_through_nova(sim, nova_conf):
    import nova.conf
    nova.conf.CONF.set_override("compute_driver", "fusioncompute_nova.driver.FusionComputeDriver")
    try:
        loaded = virt_driver.load_compute_driver(fake_virt.FakeVirtAPI(), None)
    finally:
        nova.conf.CONF.clear_override("compute_driver")
    assert type(loaded).__name__ == "FusionComputeDriver"
    assert loaded.get_available_nodes()[0].endswith("@cluster-prod")


def test_check_command_reports_the_node(sim, nova_conf, tmp_path, capsys):
    import subprocess, sys as _sys
    conf = tmp_path / "nova-compute.conf"
    conf.write_text("[DEFAULT]\ncompute_driver = fusioncompute_nova.driver.FusionComputeDriver\nhost = probe\n"
                    "state_path = %s\n[fusioncompute]\nfc_ip = 127.0.0.1\nfc_port = %d\nfc_user = %s\n"
                    "fc_pwd = %s\nca_file = %s\nclusters = cluster-prod\n"
                    % (tmp_path, sim.ready["port"], sim.ready["username"], sim.ready["password"],
                       sim.ready["ca_file"]))
    exe = os.path.join(os.path.dirname(_sys.executable), "fusioncompute-nova-check")
    ok = subprocess.run([exe, "--config-file", str(conf)], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    out = json.loads(ok.stdout.strip().splitlines()[-1])
    site_id = sim.objects("sites")[0]["urn"].rsplit(":", 1)[1]
    hosts = [h for h in sim.objects("hosts") if h.get("clusterName") == "cluster-prod"]
    assert out["node"] == "%s@cluster-prod" % site_id
    assert out["vcpus"] == sum(h["cpuQuantity"] for h in hosts)
    assert out["memory_mb"] == sum(h["memQuantityMB"] for h in hosts)
    conf.write_text(conf.read_text().replace("clusters = cluster-prod", "clusters = no-such-cluster"))
    bad = subprocess.run([exe, "--config-file", str(conf)], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    assert "no-such-cluster does not exist" in json.loads(bad.stdout.strip().splitlines()[-1])["error"]
