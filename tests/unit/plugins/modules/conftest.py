# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import contextlib
import json
from unittest import mock

import pytest

from ansible.module_utils import basic

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19 reads the arguments from basic._ANSIBLE_ARGS as they are
    @contextlib.contextmanager
    def patch_module_args(args):
        with mock.patch.object(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()):
            yield

from ansible_collections.fusioncompute.core.tests.unit.plugins.module_utils import fake_vrm

CONN = {"host": "vrm.example.com", "username": "admin", "password": "secret", "validate_certs": False}


class ExitJson(Exception):
    pass


class FailJson(Exception):
    pass


@pytest.fixture
def vrm(monkeypatch):
    fake = fake_vrm.install(monkeypatch)

    def exit_json(self, **kwargs):
        kwargs.setdefault("changed", False)
        raise ExitJson(kwargs)

    def fail_json(self, **kwargs):
        kwargs["failed"] = True
        raise FailJson(kwargs)
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    monkeypatch.setattr("time.sleep", lambda s: None)
    return fake


@pytest.fixture
def run_module():
    """run_module(module, args, check_mode=False) -> (result dict, failed bool)."""
    def run(module, args, check_mode=False):
        a = dict(CONN)
        a.update(args)
        if check_mode:
            a["_ansible_check_mode"] = True
        with patch_module_args(a):
            try:
                module.main()
            except ExitJson as exc:
                return exc.args[0], False
            except FailJson as exc:
                return exc.args[0], True
        raise AssertionError("the module neither exited nor failed")
    return run
