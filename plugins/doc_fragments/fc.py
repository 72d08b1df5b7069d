# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  host:
    description:
      - Address (name or IP) of the VRM, without C(https://) or a port; an IPv6 address may be given with or
        without brackets.
      - If not set, the value of the E(FC_HOST) environment variable is used.
      - The alias O(hostname) is the name community.vmware uses.
    type: str
    aliases: [hostname]
  port:
    description:
      - HTTPS port of the VRM REST API.
      - If not set, the value of the E(FC_PORT) environment variable is used.
    type: int
    default: 7443
  username:
    description:
      - VRM user name. An interface-integration account (user type 2) is recommended.
      - If not set, the value of the E(FC_USERNAME) environment variable is used.
      - Not needed when O(token) is given.
    type: str
    aliases: [user]
  password:
    description:
      - Password of O(username); sent as its SHA-256 digest, never in clear.
      - If not set, the value of the E(FC_PASSWORD) environment variable is used.
    type: str
  token:
    description:
      - An existing VRM session token (for example from M(fusioncompute.core.fc_session)), used instead of
        logging in. When it expires and O(username)/O(password) are also given, the module logs in once again.
      - If not set, the value of the E(FC_TOKEN) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the VRM's TLS certificate. Only disable this on a lab system; the module then warns once.
      - If not set, the value of the E(FC_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the CA certificate(s) that signed the VRM certificate, or a directory of such files
        prepared with C(openssl rehash).
      - Without it the trust store of the Python that runs the module is used (the system's CA bundle; the
        E(SSL_CERT_FILE) and E(SSL_CERT_DIR) environment variables are honoured).
      - If not set, the value of the E(FC_CA_PATH) environment variable is used.
    type: path
  proxy_url:
    description:
      - HTTP proxy (V(http://[user:password@]proxy:port)) through which every request to the VRM is tunnelled
        with C(CONNECT). When set, proxy environment variables are ignored.
      - Without it the E(https_proxy) and E(all_proxy) environment variables are honoured, and E(no_proxy) as
        requests and curl read it - host names (and their subdomains), addresses, CIDR networks such as
        V(10.0.0.0/8) or V(fd00::/8), V(*), each optionally with a V(:port).
      - An IPv6 VRM is asked for as C(CONNECT [address]:port).
      - The value is kept out of the output and logs (C(no_log)), since it may hold the proxy's password.
      - If not set, the value of the E(FC_PROXY_URL) environment variable is used.
    type: str
  site:
    description:
      - Site to work in, by name, id or URN. May be omitted when the VRM manages a single site.
      - If not set, the value of the E(FC_SITE) environment variable is used.
    type: str
  api_timeout:
    description:
      - Seconds to wait for one HTTP answer from the VRM (at least 1).
      - A read (GET) that times out, cannot connect or gets HTTP 502, 503 or 504 is tried again up to 4 times,
        with pauses of 0.5, 1, 2 and 4 seconds at most; an unanswered read thus fails after up to 5 times
        O(api_timeout) plus 7.5 seconds (about 5 minutes with the default). Writes are sent once.
      - If not set, the value of the E(FC_API_TIMEOUT) environment variable is used.
    type: int
    default: 60
  log_file:
    description:
      - Append every request (method, path, body, status, time) to this file, one JSON line each, with
        passwords and tokens redacted. A file that cannot be written (its directory missing, say) fails the
        task before any request.
      - If not set, the value of the E(FC_LOG_FILE) environment variable is used.
    type: path
  rate_limit:
    description:
      - At most this many VRM calls per minute, counted together for every module run of the same user on
        this controller against the same VRM (with twenty forks, twenty module runs share it).
        Huawei's interface guide asks third-party systems to stay at or below 300 calls per minute.
      - Any 60 seconds hold at most this many calls; a tenth of them may go at once, the rest are spread
        evenly. A call that does not fit waits for its turn (the wait does not count against O(api_timeout)).
      - The shared count lives in a small file in the user's temporary directory (E(TMPDIR), else C(/tmp)),
        one per VRM address, locked while it is updated.
      - Unset (the default) means no limit. The number of calls a module makes is in the collection's
        C(docs/performance.md).
      - If not set, the value of the E(FC_RATE_LIMIT) environment variable is used.
    type: int
notes:
  - Connection options can be set once for every module of the collection with
    C(module_defaults) and the action group C(group/fusioncompute.core.fc).
"""

    WAIT = r"""
options:
  wait:
    description:
      - Wait for the VRM tasks the module starts to finish.
      - With V(false) the module returns as soon as the VRM accepted the request; the result then has the
        task URNs.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for the VRM tasks to finish (at least 1). The module fails when a task is still running
        then; the task itself keeps running on the VRM.
      - Declarative modules also wait this long for tasks already running on the object they found (one still
        being created by an earlier run, say) before comparing it, and for another run of this controller that
        is creating the same name (see the collection's docs/races.md).
    type: int
    default: 600
  poll_interval:
    description:
      - Longest pause, in seconds, between two polls of a task. Polling starts at 0.2 seconds and doubles up
        to this value (above 0).
      - When the task's progress figure moved since the last poll, the next poll comes when the task should
        end at that pace, if that is sooner; so the end of a task whose progress moves steadily is seen within
        about a second, and otherwise at most this long after it.
      - A deployment (about 43 seconds on a real VRM) costs 14 polls at the default, 25 at 2 seconds; with many
        module runs at once the polls make most of the VRM calls (see O(rate_limit)).
    type: float
    default: 5.0
"""

    # The same options for modules that start no task: accepted, so that module_defaults for the fc action
    # group can set them for every module of a play, and without effect.
    WAIT_UNUSED = r"""
options:
  wait:
    description:
      - Has no effect; this module starts no VRM task. Accepted so that C(module_defaults) for
        C(group/fusioncompute.core.fc) can set it for every module of a play.
    type: bool
    default: true
  timeout:
    description: Has no effect, as O(wait).
    type: int
    default: 600
  poll_interval:
    description: Has no effect, as O(wait).
    type: float
    default: 5.0
"""
