"""Networks: the port group of a neutron VIF, and interfaces attached to or detached from a VM.

A VIF lands on the port group named like its neutron network, else on the driver's own
``<network name>#<network id>#<dvs id>`` port group with the network's VLAN (created when missing).
Attach and detach are VRM's ``virtualNics`` (FC8DOC 3.4 "添加虚拟机网卡" / "删除虚拟机网卡"); the NIC keeps
the neutron port's MAC, which is how detach finds it again.
"""

from oslo_log import log as logging

from nova import exception

from fusioncompute_nova import vrm

LOG = logging.getLogger(__name__)


class VifsMixin:
    """Network methods of FusionComputeDriver (needs its _call, _wait, _vm, _vm_detail, site_uri)."""

    def _dvs_for(self, network):
        meta = network.get("meta") or {}
        physnet = meta.get("physical_network")
        net_type = meta.get("network_type") or ""
        dvss = self._call("list_all", self.site_uri + "/dvswitchs", "dvSwitchs")
        by_name = {d.get("name"): d for d in dvss}
        if net_type == "vxlan" and self._opts.vxlan_dvs_name:
            return by_name.get(self._opts.vxlan_dvs_name)
        if physnet and physnet in by_name and physnet != self._opts.enhanced_network_dvs_name:
            return by_name[physnet]
        if self._opts.default_dvs:
            return by_name.get(self._opts.default_dvs)
        return dvss[0] if len(dvss) == 1 else None

    def _portgroup_for(self, vif):
        """The port group of a nova VIF: an existing one named like the network, else the driver's own
        ``<network name>#<network id>#<dvs id>`` port group with the network's VLAN (created when missing)."""
        network = vif["network"]
        label = network.get("label") or ""
        pgs = self._call("list_all", self.site_uri + "/portgroups", "portGroups")
        for pg in pgs:
            if pg.get("name") == label:
                return pg
        dvs = self._dvs_for(network)
        if dvs is None:
            raise exception.NetworkNotFoundForBridge(
                bridge="%s (no DVS named after its physical network; set [fusioncompute] default_dvs)" % label)
        own = "%s#%s#%s" % (label, network["id"], vrm.urn_id(dvs["urn"]))
        for pg in pgs:
            if pg.get("name") == own:
                return pg
        vlan = (vif.get("details") or {}).get("vlan")
        if vlan is None:
            vlan = (network.get("meta") or {}).get("segmentation_id")
        body = {"name": own, "description": "nova network %s" % network["id"], "portType": 0,
                "vlanId": int(vlan or 0)}
        answer = self._call("post", dvs["uri"] + "/portgroups", body)
        self._wait(answer, self._opts.fc_request_timeout_min, "port group creation")
        for pg in self._call("list_all", self.site_uri + "/portgroups", "portGroups"):
            if pg.get("name") == own:
                return pg
        raise exception.NetworkNotFoundForBridge(bridge=own)

    def _nic_of(self, instance, mac):
        nics = (self._vm_detail(instance).get("vmConfig") or {}).get("nics") or []
        return next((n for n in nics if (n.get("mac") or "").lower() == (mac or "").lower()), None)

    def attach_interface(self, context, instance, image_meta, vif):
        """Add a NIC with the port's MAC on the port group of its network."""
        if self._nic_of(instance, vif["address"]) is not None:
            return  # already there (a retried attach)
        pg = self._portgroup_for(vif)
        vm = self._vm(instance)
        body = {"portGroupUrn": pg["urn"], "mac": vif["address"], "name": "nic-%s" % vif["id"][:8]}
        try:
            answer = self._call("post", vm["uri"] + "/virtualNics", body)
            self._wait(answer, self._opts.attach_int_timeout, "NIC attach")
        except (vrm.VrmError, vrm.VrmTimeout) as exc:
            LOG.error("Attaching port %s to %s failed: %s", vif["id"], instance.uuid, exc)
            raise exception.InterfaceAttachFailed(instance_uuid=instance.uuid)

    def detach_interface(self, context, instance, vif):
        """Remove the NIC that has the port's MAC (nothing to do when there is none)."""
        nic = self._nic_of(instance, vif["address"])
        if nic is None:
            LOG.warning("Instance %s has no NIC with MAC %s; nothing to detach", instance.uuid, vif["address"],
                        instance=instance)
            return
        vm = self._vm(instance)
        try:
            answer = self._call("delete", vm["uri"] + "/virtualNics/" + vrm.urn_id(nic["urn"]))
            self._wait(answer, self._opts.attach_int_timeout, "NIC detach")
        except (vrm.VrmError, vrm.VrmTimeout) as exc:
            LOG.error("Detaching port %s from %s failed: %s", vif["id"], instance.uuid, exc)
            raise exception.InterfaceDetachFailed(instance_uuid=instance.uuid)
