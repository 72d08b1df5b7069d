"""Moving an instance: live migration, cold migration and resize, evacuation.

Each nova-compute service manages one FusionCompute cluster, so a nova move to another compute
service is a VRM migration of the VM to that service's cluster (FC8DOC 3.4 "迁移虚拟机": ``location``
is a host or a cluster URN; a cluster lets VRM choose the host). The instance stays one VM all along:
there is no copy on the source to confirm away, and a revert moves the VM back.
"""

import json

from oslo_log import log as logging

from nova import exception
from nova import objects
from nova.compute import task_states
from nova.objects import migrate_data as migrate_data_obj

from fusioncompute_nova import vrm

LOG = logging.getLogger(__name__)

# A migration destination VRM finds unsuitable (placement codes, FC8DOC migrate): the driver tries the next host.
CAPACITY_CODES = ("10800125", "10800126", "10800127", "10800128", "10800131", "10300016", "10420037")
PLACEMENT_CODES = CAPACITY_CODES + ("10800129", "10800130", "10300087", "10300088", "10300095", "10200130")


class MovesMixin:
    """Migration, resize and evacuation for FusionComputeDriver (needs its _call, _wait, _vm, cluster)."""

    # -- where an instance goes ------------------------------------------------------------------------
    def _cluster_of_node(self, nodename):
        """The VRM cluster of a compute node named ``<site id>@<cluster name>`` (or of a cluster name)."""
        name = (nodename or "").split("@", 1)[-1]
        found = self._call("get", self.site_uri + "/clusters", params={"name": name}) or {}
        exact = [c for c in found.get("clusters") or [] if c.get("name") == name]
        if not exact:
            raise exception.MigrationPreCheckError(
                reason="compute node %s names FusionCompute cluster %s, which does not exist" % (nodename, name))
        return exact[0]

    def _node_of_host(self, context, host):
        nodes = objects.ComputeNodeList.get_all_by_host(context, host)
        if len(nodes) != 1:
            raise exception.MigrationPreCheckError(
                reason="compute service %s has %d compute nodes; a FusionCompute service has one" % (host, len(nodes)))
        return nodes[0].hypervisor_hostname

    def _move_vm(self, vm, cluster, what):
        """Migrate ``vm`` into ``cluster`` (any host of it) or, when it is there already, to another of its hosts."""
        if vm.get("clusterUrn") == cluster["urn"]:
            answer = self._migrate_in_cluster(vm)
        else:
            LOG.info("Migrating VM %s from cluster %s to cluster %s (%s)", vm.get("name"), vm.get("clusterName"),
                     cluster["name"], what)
            answer = self._call("post", vm["uri"] + "/action/migrate", {"location": cluster["urn"]})
        self._wait(answer, self._opts.fc_request_timeout_max, what)

    def _migrate_in_cluster(self, vm):
        """Start the migration of ``vm`` to another host of its cluster, the ones with most free memory first.

        VRM refuses the VM's own cluster as the destination (10300434) and its own host (10300024), so the
        driver names a host; a host VRM finds unsuitable (a placement code) passes to the next one.
        """
        def free_mb(h):
            mem = h.get("memResource") or {}
            return (mem.get("totalSizeMB") or 0) - (mem.get("allocatedSizeMB") or 0)

        hosts = sorted((h for h in self._hosts() if h.get("urn") != vm.get("hostUrn") and
                        h.get("status") == "normal" and not h.get("isMaintaining")), key=free_mb, reverse=True)
        refusal = None
        for host in hosts:
            try:
                return self._call("post", vm["uri"] + "/action/migrate", {"location": host["urn"]})
            except vrm.VrmError as exc:
                if exc.code not in PLACEMENT_CODES:
                    raise
                refusal = exc
        raise refusal or vrm.VrmError("No other host of the cluster %s can take %s." % (
            self.cluster["name"], vm["name"]), code="10300378")

    # -- live migration ----------------------------------------------------------------------------------
    def check_can_live_migrate_destination(self, context, instance, src_compute_info, dst_compute_info,
                                           block_migration=False, disk_over_commit=False):
        """Runs on the destination service: its cluster must exist; VRM checks the rest when migrating."""
        wanted = dst_compute_info.get("hypervisor_hostname")
        if wanted not in (None, self._nodename):
            raise exception.MigrationPreCheckError(
                reason="this service manages node %s, not %s" % (self._nodename, wanted))
        # nova registers no generic LiveMigrateData; vCenter's carries what a cluster driver needs: the cluster
        return migrate_data_obj.VMwareLiveMigrateData(cluster_name=self.cluster["name"], datastore_regex="")

    def cleanup_live_migration_destination_check(self, context, dest_check_data):
        return

    def check_can_live_migrate_source(self, context, instance, dest_check_data, block_device_info=None):
        vm = self._vm(instance)
        if vm.get("status") != "running":
            raise exception.MigrationPreCheckError(
                reason="VM %s is %s; live migration moves running VMs" % (vm.get("name"), vm.get("status")))
        return dest_check_data

    def pre_live_migration(self, context, instance, block_device_info, network_info, disk_info,
                           migrate_data):
        return migrate_data

    def live_migration(self, context, instance, dest, post_method, recover_method, block_migration=False,
                       migrate_data=None):
        """Move the running VM to the cluster of the compute service ``dest`` (a host of its own cluster when
        ``dest`` manages the same cluster)."""
        try:
            if migrate_data is not None and migrate_data.obj_attr_is_set("cluster_name"):
                cluster = self._cluster_of_node(migrate_data.cluster_name)
            else:
                cluster = self._cluster_of_node(self._node_of_host(context, dest))
            self._move_vm(self._vm(instance), cluster, "live migration")
        except Exception:
            LOG.exception("Live migration of %s to %s failed", instance.uuid, dest)
            recover_method(context, instance, dest, migrate_data)
            return
        post_method(context, instance, dest, block_migration, migrate_data)

    def live_migration_force_complete(self, instance):
        return

    def live_migration_abort(self, instance):
        raise NotImplementedError()

    def post_live_migration_at_source(self, context, instance, network_info):
        return

    def rollback_live_migration_at_destination(self, context, instance, network_info, block_device_info,
                                               destroy_disks=True, migrate_data=None):
        return

    def post_live_migration_at_destination(self, context, instance, network_info, block_migration=False,
                                           block_device_info=None):
        return

    # -- cold migration and resize -----------------------------------------------------------------------
    def migrate_disk_and_power_off(self, context, instance, dest, flavor, network_info, block_device_info=None,
                                   timeout=0, retry_interval=0):
        """Runs on the source service: stop the VM. The disks stay where they are; the destination
        service moves the VM into its cluster in finish_migration. A smaller disk is refused (VRM
        cannot shrink a volume)."""
        vm = self._vm_detail(instance)
        disks = {d.get("sequenceNum"): d for d in (vm.get("vmConfig") or {}).get("disks") or []}
        root = disks.get(1) or {}
        if flavor.root_gb and int(flavor.root_gb) < int(root.get("quantityGB", 0)):
            raise exception.InstanceFaultRollback(exception.ResizeError(
                reason="FusionCompute cannot shrink the root disk of %s from %s GB to %s GB"
                % (instance.uuid, root.get("quantityGB"), flavor.root_gb)))
        self.power_off(instance, timeout, retry_interval)
        return json.dumps({"vm_urn": vm["urn"], "cluster_urn": vm.get("clusterUrn"),
                           "root_gb": root.get("quantityGB")})

    def _apply_flavor(self, instance, vm):
        """Give the (stopped) VM the instance's flavor: vCPUs, memory, and a root disk grown to root_gb."""
        flavor = instance.flavor
        cfg = vm.get("vmConfig") or {}
        body = {}
        if int((cfg.get("cpu") or {}).get("quantity", 0)) != int(flavor.vcpus):
            body["cpu"] = {"quantity": int(flavor.vcpus)}
        if int((cfg.get("memory") or {}).get("quantityMB", 0)) != int(flavor.memory_mb):
            body["memory"] = {"quantityMB": int(flavor.memory_mb), "limit": int(flavor.memory_mb)}
        if body:
            self._wait(self._call("put", vm["uri"], body), self._opts.fc_request_timeout_min, "flavor change")
        root = next((d for d in cfg.get("disks") or [] if d.get("sequenceNum") == 1), None)
        if root and flavor.root_gb and int(flavor.root_gb) > int(root.get("quantityGB", 0)):
            answer = self._call("post", vm["uri"] + "/action/expandvol",
                                {"volUrn": root["volumeUrn"], "size": int(flavor.root_gb) * 1024})
            self._wait(answer, self._opts.fc_request_timeout_max, "root disk growth")

    def _land(self, instance, what, power_on):
        """Bring the instance's VM into this service's cluster with its flavor, and start it if asked."""
        try:
            vm = self._vm(instance)
            if vm.get("clusterUrn") != self.cluster["urn"]:
                self._move_vm(vm, self.cluster, what)
            self._apply_flavor(instance, self._vm_detail(instance))
            instance.system_metadata["fc_vm_urn"] = vm["urn"]
            if power_on:
                self._power(instance, "start")
        except vrm.VrmError as exc:
            if exc.code in CAPACITY_CODES:
                raise exception.ComputeResourcesUnavailable(reason=str(exc))
            raise exception.NovaException("%s of %s into cluster %s failed: %s" % (
                what, instance.uuid, self.cluster["name"], exc))

    def finish_migration(self, context, migration, instance, disk_info, network_info, image_meta, resize_instance,
                         allocations, block_device_info=None, power_on=True, share_info=None):
        """Runs on the destination service: move the VM into this cluster, apply the new flavor, start it."""
        self._land(instance, "resize" if resize_instance else "cold migration", power_on)

    def confirm_migration(self, context, migration, instance, network_info):
        """Nothing is left on the source: the VM itself moved."""
        return

    def finish_revert_migration(self, context, instance, network_info, migration, block_device_info=None,
                                power_on=True, share_info=None):
        """Runs on the source service: move the VM back into this cluster with the old flavor (a grown root
        disk stays grown: VRM cannot shrink it). The VM ran on the destination: it is stopped first, as a
        revert stops the destination's guest on every hypervisor."""
        self.power_off(instance)
        self._land(instance, "revert of the resize", power_on=False)
        if power_on:
            self._power(instance, "start")

    @staticmethod
    def _keeps_the_vm(instance):
        """destroy() during a revert (on the destination) must not delete the one VM the instance has."""
        return instance.task_state == task_states.RESIZE_REVERTING

    # -- evacuation --------------------------------------------------------------------------------------
    def rebuild(self, context, instance, image_meta, injected_files, admin_password, allocations, bdms,
                detach_block_devices, attach_block_devices, network_info=None, evacuate=False,
                block_device_info=None, preserve_ephemeral=False, accel_uuids=None, reimage_boot_volume=False):
        """Evacuation (the instance's service is down): VRM still has the VM, so it is migrated into this
        service's cluster and started, with its disks and volumes. A plain rebuild (a new image) is nova's
        default: destroy and spawn."""
        if not evacuate or self._find_vm(instance) is None:
            raise NotImplementedError()
        instance.task_state = task_states.REBUILD_SPAWNING
        instance.save(expected_task_state=[task_states.REBUILDING, task_states.REBUILD_BLOCK_DEVICE_MAPPING,
                                           task_states.REBUILD_SPAWNING])
        vm = self._vm(instance)
        if vm.get("status") not in ("stopped", "running"):
            self.power_off(instance)
        self._land(instance, "evacuation", power_on=False)
        if self._vm(instance).get("status") != "running":
            self._power(instance, "start")
