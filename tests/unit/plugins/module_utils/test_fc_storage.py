# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_storage
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcApiError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_views import ds_view

SRES = {"urn": "urn:sites:1:storageresources:3", "uri": "/service/sites/1/storageresources/3", "name": "ipsan-01",
        "storageType": "san", "accessMode": 0}
LUN1 = {"urn": "urn:sites:1:storageunits:7", "name": "LUN-1", "type": "LUN", "sdUrn": SRES["urn"],
        "sdName": "ipsan-01", "hostList": [{"hostName": "cna-1"}]}
NFS = {"urn": "urn:sites:1:storageunits:8", "name": "10.0.0.1:/export", "type": "NAS"}


class FakeClient(object):
    def __init__(self, detail):
        self.detail = detail
        self.gets = []

    def get(self, path, params=None):
        self.gets.append(path)
        return self.detail

    def list_all(self, path, key, params=None):
        return [SRES]


class FakeFc(object):
    site_uri = "/service/sites/1"

    def __init__(self, detail):
        self.client = FakeClient(detail)


@pytest.mark.parametrize("sres, word", [
    ({"storageType": "san", "accessMode": 0}, "ipsan"), ({"storageType": "san", "accessMode": 1}, "fcsan"),
    ({"storageType": "advanceSan"}, "advanced_san"), ({"storageType": "DSWARE"}, "fusionstorage"),
    ({"storageType": "NAS"}, "nas")])
def test_type_words_round_trip(sres, word):
    assert fc_storage.type_of(sres) == word
    assert fc_storage.TYPES[word][0] == sres["storageType"]


def test_unknown_unit_lists_the_names_with_vrms_code():
    with pytest.raises(FcApiError) as exc:
        fc_storage.unit_named([LUN1, NFS], "LUN-9")
    assert exc.value.code == "10410007" and "LUN-1" in str(exc.value) and "before anything was sent" in str(exc.value)
    assert fc_storage.unit_named([LUN1, NFS], LUN1["urn"]) is LUN1


def test_a_lun_belongs_to_one_datastore():
    used = {LUN1["urn"]: {"name": "ds-a"}}
    fc_storage.check_free(LUN1, used, "ds-a")      # its own datastore: fine
    with pytest.raises(FcApiError) as exc:
        fc_storage.check_free(LUN1, used, "ds-b")
    assert exc.value.code == "10410138" and "ds-a" in str(exc.value) and exc.value.hint


def test_host_not_connected_is_refused_connected_one_passes():
    fc = FakeFc({"hostUrns": [{"urn": "urn:sites:1:hosts:2"}]})
    hosts = [{"name": "cna-1", "urn": "urn:sites:1:hosts:1"}, {"name": "cna-2", "urn": "urn:sites:1:hosts:2"}]
    fc_storage.check_reachable(fc, LUN1, hosts[1:])   # connected: a rescan shows the LUN
    with pytest.raises(FcApiError) as exc:
        fc_storage.check_reachable(FakeFc({"hostUrns": []}), LUN1, hosts)
    assert exc.value.code == "10410081" and "cna-2" in str(exc.value) and "cna-1" not in str(exc.value)


def test_only_a_free_lun_expands_a_lun_datastore():
    fc = FakeFc({"hostUrns": []})
    with pytest.raises(FcApiError) as exc:
        fc_storage.check_expandable(fc, {"name": "nfs", "storageType": "NAS"}, LUN1, {}, [])
    assert exc.value.code == "10410002"
    with pytest.raises(FcApiError) as exc:
        fc_storage.check_expandable(fc, {"name": "ds", "storageType": "LUNPOME"}, NFS, {}, [])
    assert exc.value.code == "10410144"
    with pytest.raises(FcApiError) as exc:
        fc_storage.check_expandable(fc, {"name": "ds", "storageType": "LUNPOME"}, LUN1,
                                    {LUN1["urn"]: {"name": "other"}}, [])
    assert exc.value.code == "10410138"
    assert fc.client.gets == []   # all refused from what was already read


def test_datastore_units_in_order():
    ds = {"name": "ds", "suName": "LUN-1", "suUrn": "u:1",
          "storageUnits": [{"urn": "u:1", "suName": "LUN-1"}, {"urn": "u:2", "suName": "LUN-2"}]}
    assert fc_storage.unit_urns(ds) == ["u:1", "u:2"]
    assert ds_view(ds)["storage_units"] == ["LUN-1", "LUN-2"]
    assert ds_view({"name": "old", "suName": "LUN-1"})["storage_units"] == ["LUN-1"]
    assert fc_storage.unit_urns({"suUrn": "u:1"}) == ["u:1"]
