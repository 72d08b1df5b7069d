# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):

    # fc_host's host settings (module_utils/fc_host_settings.py).
    DOCUMENTATION = r"""
options:
  ntp_servers:
    description:
      - The host's NTP servers (addresses or names, at most 3, VRM C(ntpIp1) to C(ntpIp3)), in order. After a
        change the host applies them (VRM C(action/configNTP), which restarts the host's service processes).
      - An empty list removes them; the host then follows the site's NTP servers.
      - The time zone is a site setting in FusionCompute (VRM C(PUT <site>) C(timeZone)), not a host setting; the
        host takes the site's time zone when it applies its NTP settings.
    type: list
    elements: str
  ntp_cycle:
    description: NTP synchronisation cycle of the host in seconds (16-4096).
    type: int
  huge_pages:
    description:
      - Huge pages of the host's memory (VRM C(action/configHostHugePage)). VRM sets them on a host without VMs
        only (error 12000039); move the VMs away first, for example with O(maintenance=true).
    type: dict
    suboptions:
      size:
        description: Page size - V(4K) (no huge pages), V(2M) or V(1G).
        type: str
        required: true
        choices: [4K, 2M, 1G]
      count:
        description: Number of huge pages; their memory must fit in the host's memory.
        type: int
        required: true
  swap_partitions:
    description:
      - Memory swap partitions of the host on its datastores (VRM C(addswappartition), C(deleteswappartition)).
        Only the partitions listed are managed. VRM neither resizes nor moves a partition.
    type: list
    elements: dict
    suboptions:
      name:
        description: Name (letters, digits, C(-) and C(_); not C(dm-<number>)), unique on the host.
        type: str
        required: true
      size_gb:
        description: Size in GB; required when the partition is present.
        type: int
      datastore:
        description: Datastore (name or URN) associated with the host; required when the partition is present.
        type: str
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
"""
