#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fc_session
short_description: Log in to a FusionCompute VRM and get a token, or log a token out
version_added: 0.1.0
description:
  - With O(state=present), logs in with O(username) and O(password) and returns the session token, so that
    later tasks can pass it as O(token) and save one login each.
  - With O(state=absent), logs out the session of O(token).
  - A VRM token expires after 10 minutes without use.
  - The token is returned in clear in the result. Set C(no_log) on the task - it hides the result from the
    output and logs, while the variable you register still holds the token for later tasks.
author:
  - fusioncompute.core maintainers (@fusioncompute)
extends_documentation_fragment:
  - fusioncompute.core.fc
  - fusioncompute.core.fc.WAIT
  - fusioncompute.core.attributes
attributes:
  check_mode:
    support: full
    description: In check mode no login or logout is sent; O(state=present) returns no token.
  diff_mode:
    support: none
options:
  state:
    description: V(present) logs in, V(absent) logs out O(token).
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: fusioncompute.core.fc_site_info
  - module: fusioncompute.core.fc_resource
"""

EXAMPLES = r"""
- name: Log in once (address, user and password from FC_HOST, FC_USERNAME and FC_PASSWORD)
  fusioncompute.core.fc_session:
  register: fc_login
  no_log: true

- name: Use the token in the following tasks
  fusioncompute.core.fc_site_info:
    token: "{{ fc_login.token }}"

- name: Log out
  fusioncompute.core.fc_session:
    token: "{{ fc_login.token }}"
    state: absent
"""

RETURN = r"""
token:
  description: The session token (send it as the token option); keep it secret.
  returned: state is present and not in check mode
  type: str
validity:
  description: Token validity in milliseconds, as the VRM reports it.
  returned: state is present and not in check mode
  type: int
  sample: 1800000
"""

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_resource_base import FcModule


def main():
    fc = FcModule(dict(state=dict(type="str", default="present", choices=["present", "absent"])))
    fc.run(lambda: run(fc))


def run(fc):
    if fc.params["state"] == "absent":
        if not fc.params["token"]:
            raise FcError("state=absent needs the token to log out.")
        if fc.check_mode:
            return {"changed": True}
        client = fc.client
        client.own_token = True
        client.logout()
        return {"changed": True}
    if fc.params["token"]:
        raise FcError("state=present logs in with username and password; do not give a token.")
    if fc.check_mode:
        return {"changed": False}
    client = fc.client
    token = client.login()
    client.own_token = False   # keep the session open for the caller
    return {"changed": False, "token": token, "validity": 600000}


if __name__ == "__main__":
    main()
