# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    """The options the inventory plugins share (fc_vms, fc_hosts): the connection, sites, names and groups."""

    DOCUMENTATION = r"""
options:
  host:
    description: Address of the VRM (name or IP).
    type: str
    required: true
    aliases: [hostname]
    env:
      - name: FC_HOST
  port:
    description: HTTPS port of the VRM REST API.
    type: int
    default: 7443
    env:
      - name: FC_PORT
  username:
    description: VRM user name (an interface-integration account is recommended).
    type: str
    aliases: [user]
    env:
      - name: FC_USERNAME
  password:
    description: Password of O(username).
    type: str
    env:
      - name: FC_PASSWORD
  token:
    description:
      - An existing VRM session token to use instead of logging in with O(username) and O(password).
      - A token given here is not logged out at the end.
    type: str
    env:
      - name: FC_TOKEN
  validate_certs:
    description: Verify the VRM's TLS certificate.
    type: bool
    default: true
    env:
      - name: FC_VALIDATE_CERTS
  ca_path:
    description:
      - PEM file of the CA that signed the VRM certificate, or a directory of such files prepared with
        C(openssl rehash). Without it the system's trust store is used.
    type: path
    env:
      - name: FC_CA_PATH
  proxy_url:
    description:
      - HTTP proxy (V(http://[user:password@]proxy:port)) to tunnel the VRM's HTTPS through. Without it the
        E(https_proxy), E(all_proxy) and E(no_proxy) environment variables are honoured (E(no_proxy) with CIDR
        networks, as for the modules).
    type: str
    env:
      - name: FC_PROXY_URL
  api_timeout:
    description: Seconds to wait for one HTTP answer.
    type: int
    default: 60
    env:
      - name: FC_API_TIMEOUT
  sites:
    description:
      - Sites to read, by name, id or URN. Empty means every site the VRM manages.
    type: list
    elements: str
    default: []
  max_workers:
    description: Concurrent requests for the pages of a list after the first (at least 1).
    type: int
    default: 4
  hostnames:
    description:
      - Ordered list of ways to name a host; the first one giving a non-empty value wins.
      - Each entry is a host variable name (for example C(fc_name)) or a Jinja2 expression over the host
        variables (for example C(fc_name ~ '-' ~ fc_site)).
      - Two objects with the same name get C(_<id>) appended to the later one (by URN order), or the run fails
        when O(strict=true).
    type: list
    elements: str
    default: [fc_name]
  filters:
    description:
      - Jinja2 expressions over the host variables; an object is kept only when all of them are true.
    type: list
    elements: str
    default: []
  ansible_host_networks:
    description:
      - Networks (CIDR) to choose C(ansible_host) from, in order of preference, among the object's addresses.
      - Empty means the first address of the wanted IP version.
      - Unspecified and link-local addresses (C(0.0.0.0), C(169.254.0.0/16), C(fe80::/10)) are never chosen.
    type: list
    elements: str
    default: []
  ansible_host_ip_version:
    description: IP version of the address used as C(ansible_host).
    type: int
    choices: [4, 6]
    default: 4
  group_prefix:
    description: Prefix of the default keyed groups.
    type: str
    default: fc_
  sanitize_names:
    description: Replace characters that are invalid in group names by underscores.
    type: bool
    default: true
  fail_on_errors:
    description:
      - Fail the inventory when a site, cluster or host given in the options cannot be found. When false, such
        problems are shown as warnings and skipped.
    type: bool
    default: true
"""
