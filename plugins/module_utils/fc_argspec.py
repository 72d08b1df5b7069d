# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection and wait options every module takes (mirrored by the ``fc`` doc fragment)."""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback


def connection_spec():
    return dict(
        host=dict(type="str", aliases=["hostname"], fallback=(env_fallback, ["FC_HOST"])),
        port=dict(type="int", default=7443, fallback=(env_fallback, ["FC_PORT"])),
        username=dict(type="str", aliases=["user"], fallback=(env_fallback, ["FC_USERNAME"])),
        password=dict(type="str", no_log=True, fallback=(env_fallback, ["FC_PASSWORD"])),
        token=dict(type="str", no_log=True, fallback=(env_fallback, ["FC_TOKEN"])),
        validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["FC_VALIDATE_CERTS"])),
        ca_path=dict(type="path", fallback=(env_fallback, ["FC_CA_PATH"])),
        proxy_url=dict(type="str", no_log=True, fallback=(env_fallback, ["FC_PROXY_URL"])),
        site=dict(type="str", fallback=(env_fallback, ["FC_SITE"])),
        api_timeout=dict(type="int", default=60, fallback=(env_fallback, ["FC_API_TIMEOUT"])),
        log_file=dict(type="path", fallback=(env_fallback, ["FC_LOG_FILE"])),
        rate_limit=dict(type="int", fallback=(env_fallback, ["FC_RATE_LIMIT"])),
    )


def wait_spec():
    return dict(
        wait=dict(type="bool", default=True),
        timeout=dict(type="int", default=600),
        poll_interval=dict(type="float", default=5.0),
    )
