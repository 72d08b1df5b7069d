# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module does with its connection options: the warning for validate_certs false, no_log on proxy_url."""

from __future__ import annotations

from ansible.module_utils import basic

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_argspec import connection_spec
from ansible_collections.fusioncompute.core.plugins.modules import fc_resource

CREATE = {"path": "clusters", "name": "c1", "body": {"name": "c1"}}


def _warnings(monkeypatch):
    seen = []
    original = basic.AnsibleModule.warn

    def warn(self, warning, **kwargs):
        seen.append(warning)
        return original(self, warning, **kwargs)
    monkeypatch.setattr(basic.AnsibleModule, "warn", warn)
    return seen


def test_validate_certs_false_warns_once_per_run(vrm, run_module, monkeypatch):
    seen = _warnings(monkeypatch)
    result, failed = run_module(fc_resource, CREATE)
    assert not failed, result
    assert len(vrm.requests) > 2, "a run of several requests"
    insecure = [w for w in seen if w.startswith("validate_certs is false")]
    assert insecure == ["validate_certs is false: the certificate of the VRM at https://vrm.example.com:7443 is "
                        "not verified, so whoever is on the path can read and change the traffic, the password "
                        "included. Give the VRM's CA with ca_path (or FC_CA_PATH) instead."]


def test_validate_certs_true_does_not_warn(vrm, run_module, monkeypatch):
    seen = _warnings(monkeypatch)
    result, failed = run_module(fc_resource, dict(CREATE, validate_certs=True))
    assert not failed, result
    assert not [w for w in seen if "validate_certs" in w]


def test_proxy_url_is_no_log():
    spec = connection_spec()
    assert spec["proxy_url"]["no_log"] is True
    assert [name for name, option in spec.items() if option.get("no_log")] == ["password", "token", "proxy_url"]
