"""The whole nova flow with this driver: nova-api -> nova-scheduler -> nova-conductor -> nova-compute -> driver -> VRM.

nova's own functional test bed (nova.tests.functional.integrated_helpers) runs nova-api as its WSGI
application, the conductor, the scheduler, placement (openstack-placement, in-process) and fake glance,
neutron and cinder; two nova-compute services run this driver, one per vrmsim cluster (fc-prod ->
cluster-prod, fc-dev -> cluster-dev). Every step goes through the compute API and is checked on vrmsim.

FC_FLOW_BOOTS sets how many servers test_many_boots boots through the API (benchmarks/nova_api_boot_bench.py
runs it with 50 and prints the time and the VRM request count).
"""

import inspect
import os
import sys
import time
import uuid
import warnings

import nova.conf
try:
    from nova.virt import node
except ImportError:  # nova 26 knows a compute node by its name alone
    node = None
from urllib3 import poolmanager
from urllib3.connection import HTTPSConnection
from urllib3.connectionpool import HTTPSConnectionPool
from nova import version as nova_version
from nova.tests import fixtures as nova_fixtures
from nova.tests.functional import integrated_helpers

from conftest import start_sim
from fusioncompute_nova import conf as fc_conf
from fusioncompute_nova import driver as driver_mod

TEMPLATE_IMAGE = "155d900f-4e14-4e4c-a73d-069cbf4541e6"   # GlanceFixture's image1, mapped to tpl-centos7
NOVA_MAJOR = int(nova_version.version_string().split(".")[0])
HOSTS = {"fc-prod": "cluster-prod", "fc-dev": "cluster-dev"}


class _Pinned:
    """[fusioncompute] as one compute service saw it when it started."""

    def __init__(self, opts, **values):
        self._opts = opts
        self._values = values

    def __getattr__(self, name):
        if name in self._values:
            return self._values[name]
        return getattr(self._opts, name)


def _init_with_own_cluster(real_init):
    """Two nova-compute services share this process (and its CONF), so each driver keeps the clusters option
    it was created with; in production every service is a process with its own nova.conf."""
    def init(self, virtapi, read_only=False):
        real_init(self, virtapi, read_only)
        self._opts = _Pinned(nova.conf.CONF.fusioncompute, clusters=list(nova.conf.CONF.fusioncompute.clusters))
        if node is not None:  # nova 27+: the node's UUID is per process (state_path/compute_id); here per service
            node.LOCAL_NODE_UUID = None
            node_uuid = node.get_local_node_uuid()
            self.get_nodenames_by_uuid = lambda refresh=False: {node_uuid: self.get_available_nodes(refresh)[0]}
            resources = self.get_available_resource
            self.get_available_resource = lambda nodename: dict(resources(nodename), uuid=node_uuid)
    return init


class _RealHTTPSPool(HTTPSConnectionPool):
    """wsgi_intercept (nova's in-process placement and API) swaps every urllib3 HTTPS connection class for
    its own, which cannot make a real TLS connection with urllib3 2; the VRM is a real TLS server."""

    ConnectionCls = HTTPSConnection


def api_paste():
    """nova-api's paste pipeline as the nova package installed it (a virtualenv's etc/nova, or /etc/nova)."""
    for path in (os.path.join(sys.prefix, "etc", "nova", "api-paste.ini"), "/etc/nova/api-paste.ini",
                 "/usr/share/nova-common/api-paste.ini"):
        if os.path.exists(path):
            return path
    raise AssertionError("nova's api-paste.ini is not installed")


class FusionComputeFlow(integrated_helpers.ProviderUsageBaseTestCase):
    compute_driver = "fusioncompute_nova.driver.FusionComputeDriver"
    microversion = "latest"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # conftest parsed nova's CONF for the driver tests; nova's test bed parses it itself
        nova.conf.CONF.reset()
        cls.sim = start_sim()

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()
        super().tearDownClass()

    def setUp(self):
        ready = self.sim.ready
        self.flags(compute_driver=self.compute_driver)
        self.flags(api_paste_config=api_paste(), group="wsgi")
        super().setUp()
        fc_conf.register_opts(nova.conf.CONF)
        if "CinderFixture" not in inspect.getsource(integrated_helpers.ProviderUsageBaseTestCase.setUp):
            self.useFixture(nova_fixtures.CinderFixture(self))  # nova 26's test bed leaves cinder out
        # nova 34's own stop path uses an option SQLAlchemy 2.1 deprecates; nova's test bed makes that an error
        # (nova's WarningsFixture restores the filters afterwards)
        warnings.filterwarnings("ignore", message=r"The noload\(\) option is deprecated")
        self.useFixture(nova_fixtures.fixtures.MonkeyPatch(
            "fusioncompute_nova.driver.FusionComputeDriver.__init__",
            _init_with_own_cluster(driver_mod.FusionComputeDriver.__init__)))
        self.flags(fc_ip="127.0.0.1", fc_port=ready["port"], fc_user=ready["username"], fc_pwd=ready["password"],
                   ca_file=ready["ca_file"], fc_request_timeout_min=60, fc_request_timeout_max=120,
                   image_templates={TEMPLATE_IMAGE: "tpl-centos7"}, group="fusioncompute")
        self.flags(allow_resize_to_same_host=False)
        self.flags(instances=-1, cores=-1, ram=-1, group="quota")
        self.addCleanup(poolmanager.pool_classes_by_scheme.__setitem__, "https",
                        poolmanager.pool_classes_by_scheme["https"])
        poolmanager.pool_classes_by_scheme["https"] = _RealHTTPSPool
        self._store_image_data()
        self.computes = {}
        for host, cluster in HOSTS.items():
            self.flags(clusters=[cluster], group="fusioncompute")
            self.computes[host] = self.start_service("compute", host=host)
        self.site_id = self.sim.objects("sites")[0]["urn"].rsplit(":", 1)[1]
        self.small = self._create_flavor(name="fc.small", vcpu=1, memory_mb=1024, disk=40, ephemeral=0)
        self.large = self._create_flavor(name="fc.large", vcpu=2, memory_mb=2048, disk=50, ephemeral=0)
        self.medium = self._create_flavor(name="fc.medium", vcpu=4, memory_mb=3072, disk=50, ephemeral=0)

    def _clear_attrs(self):
        """nova's clean-up deletes the test's public attributes; pytest's runner deletes the test method's itself."""
        method = self.__dict__.pop(self._testMethodName, None)
        super()._clear_attrs()
        if method is not None:
            self.__dict__[self._testMethodName] = method

    def _store_image_data(self):
        """GlanceFixture keeps no uploaded data; glance does. Keep it, as glance would."""
        glance = self.glance
        real_update = glance.update

        def update(context, image_id, metadata, data=None, purge_props=False):
            if data is not None:
                glance._imagedata[image_id] = data.read()
                metadata = dict(metadata, size=len(glance._imagedata[image_id]))
            image = real_update(context, image_id, metadata, data=None, purge_props=purge_props)
            for key in ("min_disk", "min_ram"):  # glance keeps integers (nova 26's fake kept nova's strings)
                if image.get(key) not in (None, ""):
                    image[key] = int(image[key])
            return image

        self.useFixture(nova_fixtures.fixtures.MockPatchObject(glance, "update", side_effect=update))

    # -- vrmsim's view -----------------------------------------------------------------------------------
    def vm(self, server):
        found = [v for v in self.sim.objects("vms") if v.get("uuid") == server["id"]]
        self.assertLessEqual(len(found), 1)
        return found[0] if found else None

    def host_of(self, server):
        return self.api.get_server(server["id"])["OS-EXT-SRV-ATTR:host"]

    def assert_on(self, server, host, status):
        vm = self.vm(server)
        self.assertEqual(self.host_of(server), host)
        self.assertEqual(vm["clusterName"], HOSTS[host], vm)
        self.assertEqual(vm["status"], status, vm)
        return vm

    def vrm_requests(self):
        return sum(c.manager.driver.client.requests for c in self.computes.values()
                   if c.manager.driver._client is not None)

    # -- the flow ----------------------------------------------------------------------------------------
    def test_services_and_nodes(self):
        services = {(s["binary"], s["host"]): s for s in self.admin_api.get_services()}
        for host in HOSTS:
            self.assertEqual(services[("nova-compute", host)]["state"], "up")
        nodes = {h["hypervisor_hostname"]: h for h in self.admin_api.api_get("/os-hypervisors").body["hypervisors"]}
        self.assertEqual(set(nodes), {"%s@%s" % (self.site_id, c) for c in HOSTS.values()})
        for cluster in HOSTS.values():
            rp = self._get_provider_uuid_by_name("%s@%s" % (self.site_id, cluster))
            hosts = [h for h in self.sim.objects("hosts") if h["clusterName"] == cluster]
            inv = self._get_provider_inventory(rp)
            self.assertEqual(inv["VCPU"]["total"], sum(h["cpuQuantity"] for h in hosts))
            self.assertEqual(inv["MEMORY_MB"]["total"], sum(h["memQuantityMB"] for h in hosts))

    def test_life_of_a_server(self):
        net = self.neutron.network_1["id"]
        server = self._create_server(name="web-1", image_uuid=TEMPLATE_IMAGE, flavor_id=self.small,
                                     networks=[{"uuid": net}], host="fc-prod")
        vm = self.assert_on(server, "fc-prod", "running")
        self.assertEqual((vm["vmConfig"]["cpu"]["quantity"], vm["vmConfig"]["memory"]["quantityMB"]), (1, 1024))
        port_mac = self.api.get_port_interfaces(server["id"])[0]["mac_addr"]
        self.assertEqual([n["mac"] for n in vm["vmConfig"]["nics"]], [port_mac])
        self.assertIn(server["id"], [s["id"] for s in self.api.get_servers()])

        # stop, start, reboot
        self._stop_server(server)
        self.assert_on(server, "fc-prod", "stopped")
        self._start_server(server)
        self.assert_on(server, "fc-prod", "running")
        self._reboot_server(server, hard=True)
        reboots = [t for t in self.sim.objects("tasks") if t["entityUrn"] == vm["urn"] and t["type"] == "RebootVmTask"]
        self.assertEqual([t["status"] for t in reboots], ["success"])

        # console output: VRM's getConsoleOutput
        out = self.api.post_server_action(server["id"], {"os-getConsoleOutput": {"length": 50}})["output"]
        self.assertIn("uuid %s" % server["id"], out)
        self.assertTrue(out.rstrip().endswith("login:"), out)

        # resize to the other service (its cluster), confirm: one VM, moved, with the new flavor
        server = self._resize_server(server, self.large)
        vm = self.assert_on(server, "fc-dev", "running")
        self.assertEqual((vm["vmConfig"]["cpu"]["quantity"], vm["vmConfig"]["memory"]["quantityMB"]), (2, 2048))
        root = [d for d in vm["vmConfig"]["disks"] if d["sequenceNum"] == 1][0]
        self.assertEqual(root["quantityGB"], 50)
        server = self._confirm_resize(server)
        self.assert_on(server, "fc-dev", "running")

        # resize again and revert: the VM returns to its cluster and flavor
        server = self._resize_server(server, self.medium)
        vm = self.assert_on(server, "fc-prod", "running")
        self.assertEqual((vm["vmConfig"]["cpu"]["quantity"], vm["vmConfig"]["memory"]["quantityMB"]), (4, 3072))
        server = self._revert_resize(server)
        vm = self.assert_on(server, "fc-dev", "running")
        self.assertEqual((vm["vmConfig"]["cpu"]["quantity"], vm["vmConfig"]["memory"]["quantityMB"]), (2, 2048))

        # cold migration, confirmed
        server = self._migrate_server(server)
        self.assert_on(server, "fc-prod", "running")
        server = self._confirm_resize(server)

        # live migration through the API: to the other service, i.e. the other cluster
        server = self.live_migrate(server, "fc-dev")
        vm = self.assert_on(server, "fc-dev", "running")
        dev_hosts = {h["urn"] for h in self.sim.objects("hosts") if h["clusterName"] == "cluster-dev"}
        self.assertIn(vm["hostUrn"], dev_hosts)

        # interface attach and detach
        ours = {p["port_id"] for p in self.api.get_port_interfaces(server["id"])}
        port = [p for p in (self.neutron.port_1, self.neutron.port_2) if p["id"] not in ours][0]
        self._attach_interface(server, port["id"])
        self.assertIn(port["mac_address"], [n["mac"] for n in self.vm(server)["vmConfig"]["nics"]])
        self._detach_interface(server, port["id"])
        self.assertNotIn(port["mac_address"], [n["mac"] for n in self.vm(server)["vmConfig"]["nics"]])

        # volume attach and detach: a VRM volume behind a cinder volume
        ds = [d for d in self.sim.objects("datastores") if d["name"] == "nfs-images"][0]
        answer = self.sim.api("POST", "/service/sites/%s/volumes" % self.site_id,
                              {"name": "data-1", "quantityGB": 5, "datastoreUrn": ds["urn"], "type": "normal",
                               "isThin": True})
        vol_urn = answer["urn"]
        volume_id = str(uuid.uuid4())
        cinder = nova_fixtures.CinderFixture
        self.useFixture(nova_fixtures.fixtures.MockPatchObject(cinder, "VOLUME_CONNECTION_INFO", dict(
            cinder.VOLUME_CONNECTION_INFO, **{volume_id: {"driver_volume_type": "fusioncompute",
                                                          "data": {"vol_urn": vol_urn}}})))
        self.api.post_server_volume(server["id"], {"volumeAttachment": {"volumeId": volume_id}})
        self.wait_for(lambda: vol_urn in [d["volumeUrn"] for d in self.vm(server)["vmConfig"]["disks"]])
        self.api.delete_server_volume(server["id"], volume_id)
        self._wait_for_volume_detach(server["id"], volume_id)
        self.assertNotIn(vol_urn, [d["volumeUrn"] for d in self.vm(server)["vmConfig"]["disks"]])

        # snapshot: a template in VRM, and an image with the root disk's data in glance
        self.api.post_server_action(server["id"], {"createImage": {"name": "web-1-snap"}})
        image = self._wait_for_image("web-1-snap")
        tpl = [v for v in self.sim.objects("vms") if v.get("isTemplate") and v["name"] == image["id"]][0]
        self.assertEqual(image["properties"]["fusioncompute_template_urn"], tpl["urn"])
        data = self.glance._imagedata[image["id"]]
        tpl_root = [d for d in tpl["vmConfig"]["disks"] if d["sequenceNum"] == 1][0]
        self.assertTrue(data.startswith(("VRMSIM-EXPORT volume=%s\n" % tpl_root["volumeUrn"]).encode()))
        self.assertEqual(image["size"], len(data))
        # ... and the snapshot boots
        again = self._create_server(name="web-2", image_uuid=image["id"], flavor_id=self.large, networks="none",
                                    host="fc-prod")
        self.assertEqual(self.assert_on(again, "fc-prod", "running")["vmConfig"]["disks"][0]["quantityGB"], 50)

        # delete
        vm_urns = [self.vm(s)["urn"] for s in (server, again)]
        for s in (server, again):
            self._delete_server(s)
        self.assertFalse([v for v in self.sim.objects("vms") if v["urn"] in vm_urns])

    def wait_for(self, check, what="vrmsim's state"):
        for _ in range(200):
            if check():
                return
            time.sleep(0.1)
        self.fail("%s never changed as expected" % what)

    def wait_active(self, servers, deadline):
        """All servers ACTIVE (one listing per poll), or the test fails naming the ones that are not."""
        ids = {s["id"] for s in servers}
        end = time.monotonic() + deadline
        while True:
            found = {s["id"]: s for s in self.api.get_servers(detail=True) if s["id"] in ids}
            states = {i: found.get(i, {}).get("status") for i in ids}
            if all(state == "ACTIVE" for state in states.values()):
                return [found[s["id"]] for s in servers]
            if any(state == "ERROR" for state in states.values()) or time.monotonic() > end:
                self.fail("servers not ACTIVE: %s" % {i: st for i, st in states.items() if st != "ACTIVE"})
            time.sleep(0.5)

    def live_migrate(self, server, host):
        self.api.post_server_action(server["id"], {"os-migrateLive": {"host": host, "block_migration": "auto"}})
        self._wait_for_migration_status(server, ["completed"])
        return self._wait_for_state_change(server, "ACTIVE")

    def _wait_for_image(self, name):
        for _ in range(200):
            images = [i for i in self.glance.images.values() if i.get("name") == name]
            if images and images[0]["id"] in self.glance._imagedata and images[0].get("status") == "active":
                return images[0]
            time.sleep(0.1)
        self.fail("image %s never got its data" % name)

    def test_evacuation_moves_the_vm_and_the_old_service_keeps_it(self):
        server = self._create_server(name="ha-1", image_uuid=TEMPLATE_IMAGE, flavor_id=self.small, networks="none",
                                     host="fc-prod")
        vm_urn = self.assert_on(server, "fc-prod", "running")["urn"]
        self.computes["fc-prod"].stop()
        service = [s for s in self.admin_api.get_services() if s["host"] == "fc-prod" and
                   s["binary"] == "nova-compute"][0]
        self.admin_api.put_service_force_down(service["id"], True)
        # since microversion 2.95 (nova 27) an evacuated server is left stopped
        stopped = NOVA_MAJOR >= 27
        server = self._evacuate_server(server, expected_host="fc-dev", expected_state="SHUTOFF" if stopped else "ACTIVE")
        vm = self.assert_on(server, "fc-dev", "stopped" if stopped else "running")
        self.assertEqual(vm["urn"], vm_urn)  # the same VM, moved: no second deployment
        self.assertEqual(len([v for v in self.sim.objects("vms") if v.get("uuid") == server["id"]]), 1)
        if stopped:
            server = self._start_server(server)
        self.assert_on(server, "fc-dev", "running")
        # the old service comes back: it cleans up evacuated instances, which must not delete the VM
        self.computes["fc-prod"] = self.restart_compute_service(self.computes["fc-prod"])
        self.admin_api.put_service_force_down(service["id"], False)
        self.assert_on(server, "fc-dev", "running")
        migration = self.admin_api.api_get("/os-migrations?instance_uuid=%s" % server["id"]).body["migrations"][0]
        self.assertEqual((migration["migration_type"], migration["status"]), ("evacuation", "completed"))
        self._delete_server(server)
        self.assertIsNone(self.vm(server))

    def test_many_boots(self):
        count = int(os.environ.get("FC_FLOW_BOOTS", "6"))
        before = self.vrm_requests()
        sim_before = len(self.sim.objects("vms"))
        t0 = time.monotonic()
        servers = [self.api.post_server({"server": self._build_server(
            name="bulk-%03d" % i, image_uuid=TEMPLATE_IMAGE, flavor_id=self.small, networks="none")})
            for i in range(count)]
        servers = self.wait_active(servers, deadline=60 + 10 * count)
        elapsed = time.monotonic() - t0
        requests = self.vrm_requests() - before
        vms = [self.vm(s) for s in servers]
        self.assertTrue(all(v is not None and v["status"] == "running" for v in vms))
        self.assertEqual(len(self.sim.objects("vms")), sim_before + count)
        by_cluster = {c: sum(1 for v in vms if v["clusterName"] == c) for c in HOSTS.values()}
        print("FLOW_BOOTS %d servers ACTIVE through nova-api in %.1f s, %d VRM requests (%.1f per server), "
              "clusters %s" % (count, elapsed, requests, requests / count, by_cluster))
        for s in servers:
            self.api.delete_server(s["id"])
        for s in servers:
            self._wait_until_deleted(s)
        self.assertEqual(len(self.sim.objects("vms")), sim_before)
