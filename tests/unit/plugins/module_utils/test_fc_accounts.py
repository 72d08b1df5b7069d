# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import hashlib

import pytest

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_accounts as acc
from ansible_collections.fusioncompute.core.plugins.module_utils import fc_folders
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_client import FcClient
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcApiError, FcError
from ansible_collections.fusioncompute.core.tests.unit.plugins.module_utils import fake_vrm

PARAMS = {"host": "vrm", "port": 7443, "validate_certs": False, "ca_path": None, "proxy_url": None, "api_timeout": 5}


class AccountVrm(fake_vrm.FakeVrm):
    """Logins of user ``nova`` succeed with ``Right@Pass1``, are refused otherwise, or the account is locked."""

    def __init__(self, refuse_code="10100103"):
        super(AccountVrm, self).__init__()
        self.refuse_code = refuse_code
        self.user_types = []

    def __call__(self, transport, method, url, params=None, data=None, headers=None):
        hdrs = dict(transport.headers, **(headers or {}))
        if url.endswith("/service/session") and method == "POST" and hdrs.get("X-Auth-User") == "nova":
            self.user_types.append(hdrs.get("X-Auth-UserType"))
            if hdrs.get("X-Auth-Key") != hashlib.sha256(b"Right@Pass1").hexdigest() or self.refuse_code == "10100117":
                self.requests.append((method, "/service/session", {}, None))
                return fake_vrm.FakeResponse(400, {"errorCode": self.refuse_code, "errorDes": "no"})
        return super(AccountVrm, self).__call__(transport, method, url, params, data, headers)

    def route(self, method, path, query, body):
        if path == "/service/roles/getRights":
            return fake_vrm.FakeResponse(200, {"total": 2, "items": [
                {"rightId": "vm", "rightName": "VMs", "subitems": [
                    {"rightId": "vm.query", "rightName": "Query", "subitems": []},
                    {"rightId": "vm.deep", "rightName": "Deeper", "subitems": [
                        {"rightId": "vm.deep.leaf", "rightName": "Leaf"}]}]},
                {"rightId": "system.log", "rightName": "Log"}]})
        if path == "/service/roles/query/ghost_role":
            return fake_vrm.FakeResponse(400, {"errorCode": "10100502", "errorDes": "no such role"})
        return super(AccountVrm, self).route(method, path, query, body)


def test_rights_are_the_leaves_of_the_tree(monkeypatch):
    fake_vrm.install(monkeypatch, AccountVrm())
    client = FcClient("vrm", username="admin", password="x", validate_certs=False)
    assert acc.rights(client) == {"vm.query": "Query", "vm.deep.leaf": "Leaf", "system.log": "Log"}
    assert acc.find_role(client, "ghost_role") is None


@pytest.mark.parametrize("password, code, expected", [
    ("Right@Pass1", "10100103", True),
    ("Wrong@Pass1", "10100103", False),
    ("Right@Pass1", "10100117", None),      # locked: the login cannot tell
])
def test_password_checked_by_a_login_as_the_user(monkeypatch, password, code, expected):
    fake = fake_vrm.install(monkeypatch, AccountVrm(code))
    assert acc.password_works(PARAMS, "nova", "0", password) is expected
    logins = [r for r in fake.requests if r[1] == "/service/session" and r[0] == "POST"]
    assert len(logins) == 1 and fake.user_types == ["0"]          # one try, as the user's type
    if expected:     # the session the check opened is closed again
        assert [r for r in fake.requests if r[0] == "DELETE" and r[1] == "/service/session"]


def test_other_login_errors_are_raised(monkeypatch):
    fake_vrm.install(monkeypatch, AccountVrm("10100132"))
    with pytest.raises(FcApiError):
        acc.password_works(PARAMS, "nova", "2", "Wrong@Pass1")


def test_views_and_names():
    user = {"userId": "7", "userName": "nova", "userType": "2", "roles": ["b_role", "a_role"], "manageStatus": 2,
            "connectNum": 3}
    assert acc.user_returned(user) == {
        "id": "7", "name": "nova", "type": "interface", "roles": ["a_role", "b_role"], "email": "", "contact": "",
        "description": "", "max_connections": 3, "locked": True, "status": "locked", "create_time": ""}
    role = {"roleName": "nova_role", "popedom": [{"rightId": "vm.query"}, {"rightId": "system.log"}],
            "userInfo": [{"userName": "nova"}], "userNum": "1", "rightType": 1}
    assert acc.role_returned(role)["rights"] == ["system.log", "vm.query"]
    assert acc.role_returned(role)["users"] == ["nova"] and acc.role_returned(role)["user_count"] == 1
    for bad in ("9nova", "a" * 21, "nova fc", ""):
        with pytest.raises(FcError):
            acc.check_user_name(bad)
    for bad in ("short", "9_role_x", "role-with-dash"):
        with pytest.raises(FcError):
            acc.check_role_name(bad)
    acc.check_user_name("nova-fc_1")
    acc.check_role_name("nova_compute")


@pytest.mark.parametrize("path, parts", [("prod", ["prod"]), ("/prod/web/", ["prod", "web"])])
def test_folder_paths(path, parts):
    assert fc_folders.split_path(path) == parts


@pytest.mark.parametrize("path", ["", "/", "a//b", "x" * 257])
def test_bad_folder_paths(path):
    with pytest.raises(FcError):
        fc_folders.split_path(path)
