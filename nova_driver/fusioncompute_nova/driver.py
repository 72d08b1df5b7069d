"""FusionComputeDriver: nova-compute drives one FusionCompute cluster through the VRM REST API.

One nova-compute service manages exactly one cluster, reported as the compute node
``<site id>@<cluster name>``. Instances are VMs deployed from templates into that cluster; VRM
places them on its CNA hosts (DRS), so nova sees the cluster as one big host, as with vCenter.
"""

from oslo_log import log as logging
import re

import os_resource_classes as orc
from oslo_serialization import jsonutils

import nova.conf
from nova import exception
from nova.compute import power_state
from nova.objects import fields as obj_fields
from nova.virt import driver
from nova.virt import hardware

from fusioncompute_nova import conf as fc_conf
from fusioncompute_nova import vrm
from fusioncompute_nova.images import ImagesMixin
from fusioncompute_nova.moves import CAPACITY_CODES, MovesMixin
from fusioncompute_nova.vifs import VifsMixin

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF
fc_conf.register_opts(CONF)

HYPERVISOR_TYPE = "FusionCompute"
HYPERVISOR_VERSION = 8000  # FusionCompute 8.0 as an integer, the way nova stores hypervisor versions

# VRM VM status -> nova power state (vrm-api.md, VM status values)
POWER_STATES = {
    "running": power_state.RUNNING,
    "stopped": power_state.SHUTDOWN,
    "hibernated": power_state.SUSPENDED,
    "pause": power_state.PAUSED,
    "paused": power_state.PAUSED,
    "creating": power_state.NOSTATE,
    "starting": power_state.NOSTATE,
    "stopping": power_state.RUNNING,
    "migrating": power_state.RUNNING,
    "shutting-down": power_state.RUNNING,
    "hibernating": power_state.RUNNING,
    "fault-resuming": power_state.CRASHED,
    "unknown": power_state.NOSTATE,
}

ALREADY_RUNNING = "10300094"
ALREADY_STOPPED = "10300092"
NO_TOOLS = "10300026"


class ClusterNotFound(exception.VirtDriverNotReady):
    """The configured cluster is gone (deleted or renamed). nova-compute keeps running, reports no
    node and retries every periodic run; it never adopts a renamed cluster under the old node."""

    msg_fmt = ("The FusionCompute cluster %(cluster)s does not exist in site %(site)s, so this service reports "
               "no compute node until it is back. If the cluster was renamed, rename it back, or deploy a new "
               "nova-compute service (new [DEFAULT] host and state_path) for the new name and retire node "
               "%(node)s: nova does not let a compute node change its name.")


def _mount_sequence(mountpoint):
    """/dev/vdb -> 2, /dev/sdc -> 3: the VRM disk sequence number of a nova mount point."""
    match = re.search(r"[shv]d([a-z])$", mountpoint or "")
    if not match:
        raise exception.InvalidDevicePath(path=mountpoint)
    return ord(match.group(1)) - ord("a") + 1


class FusionComputeDriver(VifsMixin, MovesMixin, ImagesMixin, driver.ComputeDriver):
    """nova virt driver for Huawei FusionCompute (VRM REST API)."""

    capabilities = dict(driver.ComputeDriver.capabilities)
    capabilities.update({
        "has_imagecache": False,
        "supports_evacuate": True,
        "supports_migrate_to_same_host": True,
        "supports_attach_interface": True,
        "supports_extend_volume": False,
        "supports_multiattach": False,
        "supports_image_type_raw": True,
        "supports_image_type_qcow2": True,
    })

    def __init__(self, virtapi, read_only=False):
        super().__init__(virtapi)
        self._opts = CONF.fusioncompute
        self._client = None
        self._site = None
        self._cluster = None
        self._nodename = None
        self._host = None

    # -- connection and scope ----------------------------------------------------------------------
    @property
    def client(self):
        if self._client is None:
            o = self._opts
            try:
                self._client = vrm.VrmClient(o.fc_ip, o.fc_port, o.fc_user, o.fc_pwd, user_type=o.user_type,
                                             api_version=o.api_version, ca_file=o.ca_file, insecure=o.insecure,
                                             timeout=o.request_timeout)
            except ValueError as exc:
                raise exception.InvalidConfiguration(str(exc))
        return self._client

    def _call(self, method, *args, **kwargs):
        try:
            return getattr(self.client, method)(*args, **kwargs)
        except vrm.VrmUnreachable as exc:
            LOG.error("%s", exc)
            raise exception.HypervisorUnavailable(host=CONF.host)

    def _wait(self, answer, timeout, what):
        try:
            return self.client.wait(answer, timeout, what)
        except vrm.VrmUnreachable as exc:
            LOG.error("%s", exc)
            raise exception.HypervisorUnavailable(host=CONF.host)

    def _resolve_scope(self):
        """Find the site and the one cluster this service manages; a clear error when they are wrong."""
        clusters = [c.strip() for c in self._opts.clusters if c.strip()]
        if len(clusters) != 1:
            raise exception.InvalidConfiguration(
                "[fusioncompute] clusters must name exactly one FusionCompute cluster (it names %d: %s). Run one "
                "nova-compute service per cluster, each with its own [DEFAULT] host and state_path."
                % (len(clusters), ", ".join(clusters) or "none"))
        sites = (self._call("get", "/service/sites") or {}).get("sites") or []
        want = self._opts.site
        if want:
            match = [s for s in sites if want in (s.get("name"), s.get("urn"), vrm.urn_id(s.get("urn", "")))]
            if not match:
                raise exception.InvalidConfiguration(
                    "[fusioncompute] site %r does not exist in the VRM at %s (sites: %s)."
                    % (want, self.client.base, ", ".join(s.get("name", "?") for s in sites)))
        else:
            match = sites
            if len(sites) != 1:
                raise exception.InvalidConfiguration(
                    "The VRM at %s has %d sites; set [fusioncompute] site." % (self.client.base, len(sites)))
        site = match[0]
        found = self._call("get", site["uri"] + "/clusters", params={"name": clusters[0]}) or {}
        exact = [c for c in found.get("clusters") or [] if c.get("name") == clusters[0]]
        if not exact:
            self._site, self._cluster, self._nodename = site, None, None
            raise ClusterNotFound(cluster=clusters[0], site=site.get("name"),
                                  node="%s@%s" % (vrm.urn_id(site["urn"]), clusters[0]))
        self._site = site
        self._cluster = exact[0]
        self._nodename = "%s@%s" % (vrm.urn_id(site["urn"]), self._cluster["name"])
        return self._nodename

    @property
    def site_uri(self):
        if self._site is None or self._cluster is None:
            self._resolve_scope()
        return self._site["uri"]

    @property
    def cluster(self):
        if self._cluster is None:
            self._resolve_scope()
        return self._cluster

    def init_host(self, host):
        self._host = host
        try:
            nodename = self._resolve_scope()
        except ClusterNotFound as exc:
            LOG.error("%s", exc)
            return
        LOG.info("FusionCompute driver manages cluster %s of site %s at %s as node %s", self._cluster["name"],
                 self._site.get("name"), self.client.base, nodename)

    def cleanup_host(self, host):
        if self._client is not None:
            self._client.logout()

    # -- nodes and resources -------------------------------------------------------------------------
    def get_available_nodes(self, refresh=False):
        if self._nodename is None or refresh:
            try:
                self._resolve_scope()
            except ClusterNotFound as exc:
                LOG.error("%s", exc)
                raise
        return [self._nodename]

    def get_num_instances(self):
        return len(self.list_instance_uuids())

    def _hosts(self):
        return self._call("list_all", self.site_uri + "/hosts", "hosts", params={"scope": self.cluster["urn"]})

    def _datastores(self):
        found = self._call("list_all", self.site_uri + "/datastores", "datastores",
                           params={"scope": self.cluster["urn"]})
        return [d for d in found if str(d.get("status", "NORMAL")).upper() == "NORMAL"]

    def _capacity(self):
        res = self._call("get", self.cluster["uri"] + "/allvmcomputeresource",
                         params={"isNeedAllocVcpus": "true", "detail": "true"}) or {}
        cpu, mem = res.get("cpuResource") or {}, res.get("memResource") or {}
        rate = self._opts.resource_reduced_rate / 100.0
        detail_cpu = ((res.get("detailCpuResource") or {}).get("allocatedVcpus") or {})
        detail_mem = ((res.get("detailMemResource") or {}).get("allocatedSizeMB") or {})
        if detail_cpu:
            vcpus_used = int(detail_cpu.get("Running", 0) + rate * detail_cpu.get("Stopped", 0))
        else:
            vcpus_used = int(cpu.get("allocatedVcpus", 0))
        if detail_mem:
            mem_used = int(detail_mem.get("Running", 0) + rate * detail_mem.get("Stopped", 0))
        else:
            mem_used = int(mem.get("allocatedSizeMB", 0))
        datastores = self._datastores()
        disk_total = sum(int(d.get("actualCapacityGB", d.get("capacityGB", 0)) or 0) for d in datastores)
        disk_free = sum(int(d.get("actualFreeSizeGB", d.get("freeSizeGB", 0)) or 0) for d in datastores)
        hosts = [h for h in self._hosts() if h.get("status") == "normal"]
        return {
            "vcpus": int(int(cpu.get("totalVcpus", 0)) * self._opts.cpu_ratio),
            "vcpus_used": vcpus_used,
            "memory_mb": int(mem.get("totalSizeMB", 0)),
            "memory_mb_used": mem_used,
            "local_gb": disk_total,
            "local_gb_used": max(0, disk_total - disk_free),
            "disk_free_max": max([int(d.get("actualFreeSizeGB", d.get("freeSizeGB", 0)) or 0)
                                  for d in datastores] or [0]),
            "max_vcpus_per_host": max([int(h.get("cpuQuantity", 0)) for h in hosts] or [0]),
            "max_mem_per_host": max([int(h.get("memQuantityMB", 0)) for h in hosts] or [0]),
        }

    def get_available_resource(self, nodename):
        cap = self._capacity()
        return {
            "vcpus": cap["vcpus"],
            "memory_mb": cap["memory_mb"],
            "local_gb": cap["local_gb"],
            "vcpus_used": cap["vcpus_used"],
            "memory_mb_used": cap["memory_mb_used"],
            "local_gb_used": cap["local_gb_used"],
            "hypervisor_type": HYPERVISOR_TYPE,
            "hypervisor_version": HYPERVISOR_VERSION,
            "hypervisor_hostname": self._nodename,
            "cpu_info": jsonutils.dumps({"cluster": self.cluster["name"]}),
            "supported_instances": [(obj_fields.Architecture.X86_64, obj_fields.HVType.KVM,
                                     obj_fields.VMMode.HVM)],
            "numa_topology": None,
            "disk_available_least": cap["disk_free_max"],
        }

    def update_provider_tree(self, provider_tree, nodename, allocations=None):
        inv = provider_tree.data(nodename).inventory
        ratios = self._get_allocation_ratios(inv)
        cap = self._capacity()
        result = {}
        if cap["vcpus"] > 0:
            result[orc.VCPU] = {"total": cap["vcpus"], "reserved": CONF.reserved_host_cpus, "min_unit": 1,
                                "max_unit": max(1, int(cap["max_vcpus_per_host"] * self._opts.cpu_ratio)),
                                "step_size": 1, "allocation_ratio": ratios[orc.VCPU]}
        if cap["memory_mb"] > 0:
            result[orc.MEMORY_MB] = {"total": cap["memory_mb"], "reserved": CONF.reserved_host_memory_mb,
                                     "min_unit": 1, "max_unit": max(1, cap["max_mem_per_host"]), "step_size": 1,
                                     "allocation_ratio": ratios[orc.MEMORY_MB]}
        if cap["local_gb"] > 0:
            result[orc.DISK_GB] = {"total": cap["local_gb"], "reserved": self._get_reserved_host_disk_gb_from_config(),
                                   "min_unit": 1, "max_unit": max(1, cap["disk_free_max"]), "step_size": 1,
                                   "allocation_ratio": ratios[orc.DISK_GB]}
        provider_tree.update_inventory(nodename, result)
        provider_tree.add_traits(nodename, "HW_ARCH_X86_64")

    # -- instances -------------------------------------------------------------------------------------
    def _nova_vms(self):
        params = {"scope": self.cluster["urn"], "isTemplate": "false", "detail": "1"}
        if self._opts.instance_group:
            params["group"] = self._opts.instance_group
        return self._call("list_all", self.site_uri + "/vms", "vms", params=params)

    def list_instances(self):
        return [vm.get("description") or vm.get("name") for vm in self._nova_vms()]

    def list_instance_uuids(self):
        return [vm["uuid"] for vm in self._nova_vms() if vm.get("uuid")]

    def _find_vm(self, instance):
        found = self._call("get", self.site_uri + "/vms", params={"uuid": instance.uuid, "isTemplate": "false"})
        vms = (found or {}).get("vms") or []
        return vms[0] if vms else None

    def _vm(self, instance):
        vm = self._find_vm(instance)
        if vm is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        return vm

    def _vm_detail(self, instance):
        try:
            return self._call("get", self._vm(instance)["uri"])
        except vrm.VrmError as exc:
            if exc.not_found:
                raise exception.InstanceNotFound(instance_id=instance.uuid)
            raise

    def get_info(self, instance, use_cache=True):
        vm = self._vm(instance)
        return hardware.InstanceInfo(state=POWER_STATES.get(vm.get("status"), power_state.NOSTATE),
                                     internal_id=vm.get("urn"))

    def instance_exists(self, instance):
        """Whether the instance's VM is on this node, i.e. in this service's cluster (nova asks before an
        evacuation to this service, when the VM still sits in the failed service's cluster)."""
        vm = self._find_vm(instance)
        return vm is not None and vm.get("clusterUrn") == self.cluster["urn"]

    # -- spawn -----------------------------------------------------------------------------------------
    def _template(self, image_meta):
        names = []
        image_name = getattr(image_meta, "name", None) if image_meta.obj_attr_is_set("name") else None
        image_id = image_meta.id if image_meta.obj_attr_is_set("id") else None
        mapping = self._opts.image_templates or {}
        for key in (image_name, image_id):
            if key and key in mapping:
                names.append(mapping[key])
        names += [n for n in (image_name, image_id, self._opts.default_template) if n]
        for name in names:
            if name.startswith("urn:"):
                try:
                    tpl = self._call("get", "/service/" + "/".join(name.split(":")[1:]))
                except vrm.VrmError as exc:
                    if exc.not_found:
                        continue
                    raise
                if tpl.get("isTemplate"):
                    return tpl
                continue
            found = self._call("list_all", self.site_uri + "/vms", "vms", params={"name": name, "isTemplate": "true"})
            exact = [t for t in found if t.get("name") == name]
            if len(exact) > 1:
                raise exception.ImageUnacceptable(
                    image_id=image_id, reason="several FusionCompute templates are named %r (%s); map the image "
                    "to one URN in [fusioncompute] image_templates" % (name, ", ".join(t["urn"] for t in exact)))
            if exact:
                return self._call("get", exact[0]["uri"])
        raise exception.ImageUnacceptable(
            image_id=image_id, reason="no FusionCompute template matches it (tried %s); create a template with the "
            "image's name, map it in [fusioncompute] image_templates or set default_template"
            % (", ".join(repr(n) for n in names) or "nothing"))

    def _datastore_urn(self):
        name = self._opts.datastore
        if not name:
            return None
        found = self._call("list_all", self.site_uri + "/datastores", "datastores", params={"name": name})
        exact = [d for d in found if d.get("name") == name]
        if not exact:
            raise exception.InvalidConfiguration("[fusioncompute] datastore %r does not exist." % name)
        return exact[0]["urn"]

    @staticmethod
    def _qos(extra_specs, prefix, mapping):
        out = {}
        for spec, key in mapping:
            value = extra_specs.get(prefix + spec)
            if value is not None:
                out[key] = int(value)
        return out

    def _vm_name(self, instance):
        naming = self._opts.vm_naming
        if naming == "instance_name":
            return instance.name
        if naming == "uuid":
            return instance.uuid
        return instance.display_name or instance.name

    @staticmethod
    def _guest_hostname(instance):
        """The instance's host name as VRM's customization takes it: 1 to 15 letters, digits, '-' or '_',
        not digits only (nova allows 63 characters and dots)."""
        name = re.sub(r"[^A-Za-z0-9_-]", "-", instance.hostname or instance.name or "")[:15].strip("-") or "vm"
        return "vm-" + name[:12] if name.isdigit() else name

    def spawn(self, context, instance, image_meta, injected_files, admin_password, allocations,
              network_info=None, block_device_info=None, power_on=True, accel_info=None):
        flavor = instance.flavor
        specs = flavor.extra_specs or {}
        template = self._template(image_meta)
        cpu = {"quantity": int(flavor.vcpus)}
        cpu.update(self._qos(specs, "quota:", (("cpu_shares", "weight"), ("cpu_limit", "limit"),
                                               ("cpu_reserve", "reservation"))))
        cores = specs.get("hw:cpu_cores")
        if cores and int(flavor.vcpus) % int(cores) == 0:
            cpu["coresPerSocket"] = int(cores)
        memory = {"quantityMB": int(flavor.memory_mb)}
        memory.update(self._qos(specs, "quota:", (("memory_shares", "weight"), ("memory_limit", "limit"),
                                                  ("memory_reservation", "reservation"))))
        ds_urn = self._datastore_urn()
        disks = []
        for disk in template.get("vmConfig", {}).get("disks") or []:
            entry = {"sequenceNum": disk["sequenceNum"]}
            if disk["sequenceNum"] == 1 and flavor.root_gb:
                entry["quantityGB"] = max(int(flavor.root_gb), int(disk.get("quantityGB", 0)))
            if ds_urn:
                entry["datastoreUrn"] = ds_urn
            disks.append(entry)
        if flavor.ephemeral_gb:
            used = {d["sequenceNum"] for d in template.get("vmConfig", {}).get("disks") or []}
            seq = next(i for i in range(2, 60) if i not in used)
            disks.append({"sequenceNum": seq, "quantityGB": int(flavor.ephemeral_gb), "isThin": True,
                          "datastoreUrn": ds_urn or template["vmConfig"]["disks"][0]["datastoreUrn"]})
        nics = []
        for index, vif in enumerate(network_info or []):
            pg = self._portgroup_for(vif)
            nics.append({"portGroupUrn": pg["urn"], "mac": vif["address"], "sequenceNum": index,
                         "name": "nic-%s" % vif["id"][:8]})
        body = {"name": self._vm_name(instance), "description": instance.name, "location": self.cluster["urn"],
                "isTemplate": False, "autoBoot": bool(power_on), "uuid": instance.uuid,
                "externalUuid": instance.uuid, "group": self._opts.instance_group,
                "vmConfig": {"cpu": cpu, "memory": memory, "disks": disks, "nics": nics}}
        if self._opts.instance_initial_mode == "FusionCompute":
            cust = {"osType": template.get("osOptions", {}).get("osType", "Linux"),
                    "hostname": self._guest_hostname(instance)}
            if self._opts.use_admin_pass and admin_password:
                cust["password"] = admin_password
            body["vmCustomization"] = cust
        LOG.info("Deploying %s from template %s into cluster %s", instance.uuid, template["name"],
                 self.cluster["name"], instance=instance)
        try:
            answer = self._call("post", template["uri"] + "/action/clone", body)
            self._wait(answer, self._opts.fc_request_timeout_max, "deploy")
            vm = self._vm(instance)
            for bdm in driver.block_device_info_get_mapping(block_device_info):
                self.attach_volume(context, bdm["connection_info"], instance, bdm["mount_device"])
            if power_on and vm.get("status") != "running":
                self._power(instance, "start")
        except vrm.VrmError as exc:
            self._cleanup_failed_spawn(instance)
            if exc.code in CAPACITY_CODES:
                raise exception.ComputeResourcesUnavailable(reason=str(exc))
            raise exception.InstanceDeployFailure(reason=str(exc))
        except vrm.VrmTimeout as exc:
            self._cleanup_failed_spawn(instance)
            raise exception.InstanceDeployFailure(reason=str(exc))
        instance.system_metadata["fc_vm_urn"] = vm["urn"]
        LOG.info("Instance %s is VM %s", instance.uuid, vm["urn"], instance=instance)

    def _cleanup_failed_spawn(self, instance):
        try:
            self._delete(instance, keep_disks=False, volumes=())
        except Exception:  # the original error matters more than the clean-up's
            LOG.exception("Could not remove the VM of the failed deploy of %s", instance.uuid)

    # -- power -----------------------------------------------------------------------------------------
    def _power(self, instance, action, body=None, timeout=None):
        vm = self._vm(instance)
        try:
            answer = self._call("post", vm["uri"] + "/action/" + action, body)
        except vrm.VrmError as exc:
            if (action == "start" and exc.code == ALREADY_RUNNING) or \
                    (action == "stop" and exc.code == ALREADY_STOPPED):
                return
            raise
        self._wait(answer, timeout or self._opts.fc_request_timeout_min, action)

    def power_off(self, instance, timeout=0, retry_interval=0):
        vm = self._vm(instance)
        if vm.get("status") == "stopped":
            return
        if timeout:
            try:
                self._power(instance, "stop", {"mode": "safe"}, timeout=timeout)
                return
            except (vrm.VrmError, vrm.VrmTimeout) as exc:
                LOG.warning("Graceful stop of %s failed or timed out (%s); forcing it off", instance.uuid, exc)
                if self._vm(instance).get("status") == "stopped":
                    return
        try:
            self._power(instance, "stop", {"mode": "force"})
        except vrm.VrmError as exc:
            raise exception.InstancePowerOffFailure(reason=str(exc))

    def power_on(self, context, instance, network_info, block_device_info=None, accel_info=None,
                 share_info=None):
        vm = self._vm(instance)
        if vm.get("status") in ("pause", "paused"):
            self._power(instance, "resume")
            vm = self._vm(instance)
        if vm.get("status") != "running":
            self._power(instance, "start")

    def reboot(self, context, instance, network_info, reboot_type, block_device_info=None,
               bad_volumes_callback=None, accel_info=None, share_info=None):
        vm = self._vm(instance)
        if vm.get("status") != "running":
            self.power_on(context, instance, network_info)
            return
        mode = "safe" if reboot_type == "SOFT" else "force"
        try:
            self._power(instance, "reboot", {"mode": mode})
        except vrm.VrmError as exc:
            if mode == "safe" and exc.code == NO_TOOLS:
                LOG.warning("Soft reboot of %s impossible without VM tools; rebooting hard", instance.uuid)
                self._power(instance, "reboot", {"mode": "force"})
                return
            raise exception.InstanceRebootFailure(reason=str(exc))

    def pause(self, instance):
        self._power(instance, "pause")

    def unpause(self, instance):
        self._power(instance, "resume")

    def suspend(self, context, instance):
        self._power(instance, "hibernate")

    def resume(self, context, instance, network_info, block_device_info=None, share_info=None):
        # a hibernated FusionCompute VM wakes up with start (resume is for paused VMs)
        self._power(instance, "start")

    def resume_state_on_host_boot(self, context, instance, network_info, share_info, block_device_info=None):
        if self._vm(instance).get("status") != "running":
            self.power_on(context, instance, network_info)

    # -- destroy -----------------------------------------------------------------------------------------
    def _delete(self, instance, keep_disks, volumes):
        vm = self._find_vm(instance)
        if vm is None:
            LOG.warning("Instance %s has no VM in FusionCompute; nothing to delete", instance.uuid)
            return
        for vol_urn in volumes:
            try:
                answer = self._call("post", vm["uri"] + "/action/detachvol", {"volUrn": vol_urn})
                self._wait(answer, self._opts.fc_request_timeout_min, "volume detach")
            except vrm.VrmError as exc:
                LOG.warning("Could not detach volume %s before deleting %s: %s", vol_urn, instance.uuid, exc)
        if vm.get("status") not in ("stopped", "creating"):
            try:
                self._power(instance, "stop", {"mode": "force"})
            except vrm.VrmError as exc:
                LOG.warning("Force stop of %s before deletion failed: %s", instance.uuid, exc)
        answer = self._call("delete", vm["uri"], params={"isReserveDisks": 1 if keep_disks else 0})
        self._wait(answer, self._opts.fc_request_timeout_delete_vm, "deletion")

    def destroy(self, context, instance, network_info, block_device_info=None, destroy_disks=True,
                destroy_secrets=True):
        if self._keeps_the_vm(instance):
            LOG.info("Resize of %s reverted: its VM stays and moves back to the source cluster", instance.uuid,
                     instance=instance)
            return
        vm = self._find_vm(instance)
        if vm is not None and instance.host != (self._host or CONF.host) and vm.get("clusterUrn") != self.cluster["urn"]:
            # an instance evacuated away while this service was down: the VM is in the cluster of the
            # service of instance.host now
            LOG.info("Instance %s now belongs to compute service %s; its VM is not deleted here", instance.uuid,
                     instance.host, instance=instance)
            return
        volumes = [self._vol_urn(b["connection_info"]) for b in driver.block_device_info_get_mapping(block_device_info)]
        try:
            self._delete(instance, keep_disks=not destroy_disks, volumes=[v for v in volumes if v])
        except vrm.VrmError as exc:
            if exc.not_found:
                return
            raise exception.NovaException("Deleting the VM of %s failed: %s" % (instance.uuid, exc))

    def cleanup(self, context, instance, network_info, block_device_info=None, destroy_disks=True,
                migrate_data=None, destroy_vifs=True, destroy_secrets=True):
        # destroy() removes the VM with its disks; there is no local state to clean.
        return

    # -- volumes -----------------------------------------------------------------------------------------
    @staticmethod
    def _vol_urn(connection_info):
        data = (connection_info or {}).get("data") or {}
        return data.get("vol_urn") or data.get("volume_urn")

    def get_volume_connector(self, instance):
        return {"ip": CONF.my_ip, "host": CONF.host, "initiator": None}

    def attach_volume(self, context, connection_info, instance, mountpoint, disk_bus=None, device_type=None,
                      encryption=None):
        vol_urn = self._vol_urn(connection_info)
        if not vol_urn:
            raise exception.VolumeAttachFailed(volume_id=connection_info.get("serial"),
                                               reason="the connection info carries no vol_urn")
        vm = self._vm(instance)
        body = {"volUrn": vol_urn, "sequenceNum": _mount_sequence(mountpoint)}
        try:
            answer = self._call("post", vm["uri"] + "/action/attachvol", body)
            self._wait(answer, self._opts.fc_request_timeout_min, "volume attach")
        except vrm.VrmError as exc:
            raise exception.VolumeAttachFailed(volume_id=connection_info.get("serial") or vol_urn, reason=str(exc))

    def detach_volume(self, context, connection_info, instance, mountpoint, encryption=None):
        vol_urn = self._vol_urn(connection_info)
        vm = self._vm(instance)
        try:
            answer = self._call("post", vm["uri"] + "/action/detachvol", {"volUrn": vol_urn})
            self._wait(answer, self._opts.fc_request_timeout_min, "volume detach")
        except vrm.VrmError as exc:
            if exc.code == "10300037":  # not attached: the wanted state
                return
            raise exception.NovaException("Detaching %s from %s failed: %s" % (vol_urn, instance.uuid, exc))

    # -- host-level no-ops -------------------------------------------------------------------------------
    def get_host_ip_addr(self):
        return CONF.my_ip

    def plug_vifs(self, instance, network_info):
        return

    def unplug_vifs(self, instance, network_info):
        return

    def manage_image_cache(self, context, all_instances):
        return

    def poll_rebooting_instances(self, timeout, instances):
        return

    def get_host_uptime(self):
        return "FusionCompute cluster %s" % (self._cluster or {}).get("name", "?")
