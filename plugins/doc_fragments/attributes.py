# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):

    # Descriptions of the attributes; each module states its support level.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description:
      - Can run in check mode and report what would change without changing anything.
      - In check mode the modules of this collection send no request but GET to the VRM.
  diff_mode:
    description: Returns the C(before) and C(after) of the fields the module manages, in diff mode.
  action_group:
    description: Use C(group/fusioncompute.core.fc) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - fusioncompute.core.fc
"""

    # For modules that only read.
    INFO = r"""
attributes:
  check_mode:
    support: full
    details: This module only reads; it behaves the same in check mode.
  diff_mode:
    support: N/A
    details: This module changes nothing.
"""
