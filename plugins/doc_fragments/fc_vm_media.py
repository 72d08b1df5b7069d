# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):

    # fc_vm's CD-ROM, saved customization specification and linked clone options (module_utils/fc_vm_media.py)
    DOCUMENTATION = r"""
options:
  cdrom:
    description:
      - The VM's CD-ROM drive, with an ISO inserted (O(cdrom.state=connected)) or the drive empty
        (O(cdrom.state=disconnected)). Without this option the CD-ROM is left as it is.
      - VRM inserts and ejects ISOs of running VMs only. The module does it after any power change of the same
        task, so O(power_state=powered-on) with O(cdrom) installs a new VM from an ISO; on a VM that stays powered
        off it fails before any change, saying so.
      - VRM ejects an ISO of a CIFS share when the VM stops; an ISO of a datastore stays in the drive.
      - Not for templates.
    type: dict
    suboptions:
      iso_path:
        description:
          - The ISO. A file of an image store share is C(//<server>/<share>/<path>.iso) (VRM's C(cifs) protocol),
            for example C(//192.0.2.20/library/iso/centos-9-stream.iso); a file of an NFS datastore is
            C(<server>:/<export>/<path>.iso) (VRM's C(datastore) protocol), for example
            C(192.0.2.20:/srv/fusioncompute/images/iso/tools.iso).
          - File and directory names of letters, digits, C(-), C(_), spaces and dots (VRM's rule).
          - Required with O(cdrom.state=connected). A different path ejects the ISO in the drive first.
          - M(fusioncompute.core.fc_image_info) lists the ISOs VMs of the site use.
        type: str
      state:
        description: V(connected) inserts O(cdrom.iso_path); V(disconnected) ejects whatever is in the drive.
        type: str
        choices: [connected, disconnected]
        default: connected
      username:
        description: User of the CIFS share (C(DOMAIN\\user) for a domain account), 1 to 63 characters.
        type: str
      password:
        description: Password of the CIFS share, at most 63 characters.
        type: str
  customization_spec:
    description:
      - Name of a saved guest customization specification (M(fusioncompute.core.fc_customization_spec)) to apply
        when the VM is deployed from O(template) or cloned (VRM C(vmCustomization.vmcustomizationId)); the module
        waits for VRM's customization task.
      - Mutually exclusive with O(customization). Its OS type must be the source's; its NIC entries, if any, must
        match the VM's NICs in number (VRM 10300355).
      - Only at creation; on an existing VM it warns and changes nothing.
    type: str
  linked_clone:
    description:
      - Deploy the VM from O(template) as a linked clone (VRM C(isLinkClone), task C(DeployLinkCloneVM)). Its first
        disk is a thin delta over the template's, its other disks start empty. For VDI pools.
      - Needs O(template); VRM has no linked clones of VMs. Only at creation; on an existing VM that is a full copy
        it warns.
      - A template cannot be turned back into a VM while linked clones of it exist (VRM 10300415).
    type: bool
    default: false
"""
