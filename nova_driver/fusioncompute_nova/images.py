"""Snapshots with data, and the consoles.

A nova snapshot makes a FusionCompute template of the instance (so the image boots on FusionCompute
at once) and uploads the root disk's data to the glance image: the template is exported over a
server lease (FC8DOC 3.4 "导出模板" with protocol ``server-https``, 3.8 "Serverlease管理"), and the
driver streams the disk file of the lease to glance. Console output is VRM's ``getConsoleOutput``.
"""

import time

from oslo_log import log as logging

from nova import exception
from nova.compute import task_states
from nova.console import type as ctype

from fusioncompute_nova import vrm

LOG = logging.getLogger(__name__)

CONSOLE_LINES = 1000       # lines asked of getConsoleOutput (nova cuts its own tail_length from them)
LEASE_POLL = 1.0


class ImagesMixin:
    """Snapshot and console methods of FusionComputeDriver (needs its _call, _wait, _vm, client)."""

    # -- snapshot ----------------------------------------------------------------------------------------
    def snapshot(self, context, instance, image_id, update_task_state):
        """Make template ``<image id>`` of the instance and upload its root disk to the glance image."""
        update_task_state(task_state=task_states.IMAGE_PENDING_UPLOAD)
        vm = self._vm(instance)
        body = {"name": image_id, "description": "snapshot of %s" % instance.uuid, "isTemplate": True,
                "location": self.cluster["urn"]}
        answer = self._call("post", vm["uri"] + "/action/clone", body)
        self._wait(answer, self._opts.fc_request_timeout_max, "template creation")
        tpl = self._call("get", answer["uri"])
        update_task_state(task_state=task_states.IMAGE_UPLOADING, expected_state=task_states.IMAGE_PENDING_UPLOAD)
        meta = {"disk_format": "raw", "container_format": "bare",
                "properties": {"fusioncompute_template_urn": tpl["urn"]}}
        try:
            self._export_to_glance(context, tpl, image_id, meta)
        except (vrm.VrmError, vrm.VrmTimeout, exception.NovaException) as exc:
            LOG.error("Template %s was made for image %s, but its data did not reach glance: %s", tpl["urn"],
                      image_id, exc)
            raise
        return tpl["urn"]

    def _export_to_glance(self, context, tpl, image_id, meta):
        from nova.image import glance
        root = next((d for d in (tpl.get("vmConfig") or {}).get("disks") or [] if d.get("sequenceNum") == 1), None)
        if root is None:
            raise exception.NovaException("Template %s has no root disk to upload." % tpl["urn"])
        answer = self._call("post", tpl["uri"] + "/action/export",
                            {"name": "nova-%s" % image_id, "format": "ovf", "protocol": "server-https"})
        lease_uri = answer.get("serverLeaseUri")
        if not lease_uri:
            raise exception.NovaException("VRM answered the export of %s without a server lease." % tpl["urn"])
        try:
            lease = self._ready_lease(lease_uri)
            key = vrm.urn_id(root["volumeUrn"])
            info = next((i for i in lease.get("serverLeaseInfos") or [] if i.get("key") == key), None)
            if info is None:
                raise exception.NovaException("The server lease %s has no file for volume %s." % (
                    lease_uri, root["volumeUrn"]))
            resp = self.client.session.get(info["url"], stream=True, verify=self.client.verify,
                                           timeout=self._opts.request_timeout)
            if resp.status_code != 200:
                raise exception.NovaException("Downloading %s answered HTTP %s." % (info["url"], resp.status_code))
            resp.raw.decode_content = True
            glance.API().update(context, image_id, meta, data=resp.raw, purge_props=False)
        except Exception as exc:
            self._end_lease(lease_uri, abort=str(exc)[:200])
            raise
        self._end_lease(lease_uri)
        self._wait(answer, self._opts.fc_request_timeout_max, "template export")

    def _ready_lease(self, lease_uri):
        deadline = time.monotonic() + self._opts.fc_request_timeout_max
        while True:
            lease = self._call("get", lease_uri) or {}
            if lease.get("state") == "ready":
                return lease
            if lease.get("state") in ("error", "done"):
                raise vrm.VrmError("The server lease %s ended (%s) before the upload." % (
                    lease_uri, lease.get("state")), lease.get("faultCode"), lease.get("faultDes"))
            if time.monotonic() > deadline:
                raise vrm.VrmTimeout("The server lease %s was not ready within %d s." % (
                    lease_uri, self._opts.fc_request_timeout_max))
            time.sleep(LEASE_POLL)

    def _end_lease(self, lease_uri, abort=None):
        body = {"isAbort": bool(abort), "fault": abort} if abort else {"isAbort": False}
        try:
            self._call("post", lease_uri + "/action/complete", body)
        except vrm.VrmError as exc:
            LOG.warning("Could not release the server lease %s: %s", lease_uri, exc)

    # -- consoles ----------------------------------------------------------------------------------------
    def get_vnc_console(self, context, instance):
        vm = self._vm_detail(instance)
        vnc = vm.get("vncAcessInfo") or {}
        if not vnc.get("hostIp") or int(vnc.get("vncPort", -1)) <= 0:
            raise exception.ConsoleNotAvailable()
        return ctype.ConsoleVNC(host=vnc["hostIp"], port=int(vnc["vncPort"]))

    def get_console_output(self, context, instance):
        vm = self._vm(instance)
        try:
            answer = self._call("post", vm["uri"] + "/action/getConsoleOutput", {"length": CONSOLE_LINES})
        except vrm.VrmError as exc:
            if exc.not_found:
                raise exception.InstanceNotFound(instance_id=instance.uuid)
            raise exception.ConsoleNotAvailable()
        return ((answer or {}).get("output") or "").encode("utf-8")
