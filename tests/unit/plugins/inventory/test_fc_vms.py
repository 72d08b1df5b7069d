# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import math

import pytest

from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

from ansible.plugins.loader import inventory_loader
from ansible_collections.fusioncompute.core.tests.unit.plugins.module_utils import fake_vrm

SITE = fake_vrm.SITE


class VmVrm(fake_vrm.FakeVrm):
    def __init__(self, count):
        super(VmVrm, self).__init__()
        self.vms = []
        for i in range(count):
            self.vms.append({"urn": "%s:vms:i-%08X" % (fake_vrm.SITE_URN, i + 1), "uri": "%s/vms/i-%08X" % (SITE, i + 1),
                             "uuid": "u-%d" % i, "name": "vm-%04d" % i, "status": "running" if i % 2 else "stopped",
                             "isTemplate": False, "clusterUrn": fake_vrm.SITE_URN + ":clusters:1",
                             "clusterName": "c1", "hostUrn": fake_vrm.SITE_URN + ":hosts:1", "hostName": "h1",
                             "vmConfig": {"nics": [{"mac": "28:6e:d4:00:00:%02x" % (i % 256), "sequenceNum": 0,
                                                    "ip": "10.1.%d.%d" % (i // 250, i % 250 + 1), "ipList": ""}]}})

    def route(self, method, path, query, body):
        if path == SITE + "/clusters":
            return fake_vrm.FakeResponse(200, {"clusters": [{"urn": fake_vrm.SITE_URN + ":clusters:1", "name": "c1"}]})
        if path == SITE + "/hosts":
            return fake_vrm.FakeResponse(200, {"total": 1, "hosts": [{"urn": fake_vrm.SITE_URN + ":hosts:1",
                                                                      "name": "h1", "ip": "192.0.2.1"}]})
        if path == SITE + "/folders":
            return fake_vrm.FakeResponse(200, {"folders": []})
        if path == SITE + "/vms":
            items = [v for v in self.vms if not query.get("status") or v["status"] == query["status"]]
            off, lim = int(query["offset"]), int(query["limit"])
            assert lim <= 100
            total = len(items)
            items = items[off:off + lim]
            if str(query.get("detail")) == "2":     # the whole VM, as a GET of each would give
                items = [dict(v, osOptions={"osType": "Linux", "osVersion": 10082},
                              vmConfig=dict(v["vmConfig"], cpu={"quantity": 2}, memory={"quantityMB": 2048},
                                            disks=[{"sequenceNum": 1, "quantityGB": 20, "isThin": True}]))
                         for v in items]
            return fake_vrm.FakeResponse(200, {"total": total, "vms": items})
        return super(VmVrm, self).route(method, path, query, body)


def _parse(monkeypatch, fake, tmp_path, extra=""):
    fake_vrm.install(monkeypatch, fake)
    cfg = tmp_path / "test.fc_vms.yml"
    cfg.write_text("plugin: fusioncompute.core.fc_vms\nhost: vrm\nusername: a\npassword: b\nvalidate_certs: false\n"
                   + extra)
    plugin = inventory_loader.get("fusioncompute.core.fc_vms")
    inv = InventoryData()
    loader = DataLoader()
    plugin.templar = Templar(loader=loader)
    plugin.parse(inv, loader, str(cfg), cache=False)
    return inv


@pytest.mark.parametrize("count", [0, 1, 100, 101, 250, 1000])
def test_request_count_is_pages_plus_constant(monkeypatch, tmp_path, count):
    fake = VmVrm(count)
    inv = _parse(monkeypatch, fake, tmp_path)
    assert len(inv.hosts) == count
    pages = max(1, math.ceil(count / 100.0))
    # login, sites, clusters, hosts, VM folders, the pages, logout
    assert len(fake.requests) == pages + 6
    assert fake.logins == 1


@pytest.mark.parametrize("count", [30, 250])
def test_gather_details_reads_whole_pages_not_each_vm(monkeypatch, tmp_path, count):
    fake = VmVrm(count)
    inv = _parse(monkeypatch, fake, tmp_path, "gather_details: true\n")
    assert len(fake.requests) == math.ceil(count / 100.0) + 6
    assert all(str(r[2].get("detail")) == "2" for r in fake.requests if r[1] == SITE + "/vms")
    host = inv.get_host("vm-0001").vars
    assert host["fc_cpu_count"] == 2 and host["fc_memory_mb"] == 2048 and host["fc_disks"][0]["size_gb"] == 20
    assert host["fc_os_type"] == "Linux"
    assert "vm-0001" in [h.name for h in inv.groups["fc_os_Linux"].get_hosts()]


def test_without_details_the_list_view_is_asked(monkeypatch, tmp_path):
    fake = VmVrm(5)
    inv = _parse(monkeypatch, fake, tmp_path)
    assert all(str(r[2].get("detail")) == "1" for r in fake.requests if r[1] == SITE + "/vms")
    assert "fc_cpu_count" not in inv.get_host("vm-0001").vars
    assert not [g for g in inv.groups if g.startswith("fc_os_")]


def test_groups_filters_and_ansible_host(monkeypatch, tmp_path):
    fake = VmVrm(10)
    inv = _parse(monkeypatch, fake, tmp_path, "status: running\nfilters:\n  - fc_name != 'vm-0003'\n"
                 "ansible_host_networks: ['10.1.0.0/24']\n")
    names = sorted(inv.hosts)
    assert names == ["vm-0001", "vm-0005", "vm-0007", "vm-0009"]
    assert "fc_status_running" in inv.groups and "fc_cluster_c1" in inv.groups
    assert inv.get_host("vm-0005").vars["ansible_host"] == "10.1.0.6"
    assert all(r[2].get("status") == "running" for r in fake.requests if r[1] == SITE + "/vms")


def test_duplicate_names_resolved_deterministically(monkeypatch, tmp_path):
    fake = VmVrm(3)
    fake.vms[2]["name"] = fake.vms[1]["name"]
    inv = _parse(monkeypatch, fake, tmp_path)
    assert sorted(inv.hosts) == ["vm-0000", "vm-0001", "vm-0001_i-00000003"]
    with pytest.raises(Exception) as exc:
        _parse(monkeypatch, fake, tmp_path, "strict: true\n")
    assert "vm-0001" in str(exc.value)


@pytest.mark.parametrize("extra, words", [
    ("ansible_host_networks: ['10.1.0.0/33']\n", "not a network in CIDR form"),
    ("max_workers: 0\n", "max_workers must be at least 1"),
    ("port: 0\n", "not a TCP port"),
    ("api_timeout: -1\n", "api_timeout must be a positive number"),
    ("cluster: [c1]\n", "unknown option cluster"),
    ("properties: [fc_name, fc_bogus]\n", "unknown host variable fc_bogus"),
    ("status: Running\n", "Running"),
])
def test_unusable_options_fail_before_any_request(monkeypatch, tmp_path, extra, words):
    fake = VmVrm(3)
    with pytest.raises(Exception) as exc:
        _parse(monkeypatch, fake, tmp_path, extra)
    assert words in str(exc.value)
    assert fake.requests == []


class FolderVrm(VmVrm):
    """Two VMs in prod/web, one in prod, the rest in none; cluster c1 tagged gold; VM groups."""

    FOLDERS = {None: [("1", "prod")], "1": [("2", "web")], "2": []}

    def route(self, method, path, query, body):
        if path == SITE + "/folders":
            parent = query.get("parentObjUrn")
            key = parent.rsplit(":", 1)[1] if parent else None
            return fake_vrm.FakeResponse(200, {"folders": [
                {"urn": "%s:folders:%s" % (fake_vrm.SITE_URN, i), "name": n,
                 "parentObjUrn": parent or fake_vrm.SITE_URN} for i, n in self.FOLDERS[key]]})
        if path == SITE + "/clusters":
            return fake_vrm.FakeResponse(200, {"clusters": [{"urn": fake_vrm.SITE_URN + ":clusters:1", "name": "c1",
                                                             "tag": "gold"}]})
        return super(FolderVrm, self).route(method, path, query, body)


def test_folders_groups_and_cluster_tags(monkeypatch, tmp_path):
    fake = FolderVrm(4)
    for i, folder in ((0, "2"), (1, "2"), (2, "1")):
        fake.vms[i]["params"] = {"parentObjUrn": "%s:folders:%s" % (fake_vrm.SITE_URN, folder)}
    fake.vms[3]["group"] = "FSP"
    inv = _parse(monkeypatch, fake, tmp_path, "properties: [all]\n")
    assert inv.get_host("vm-0000").vars["fc_folder"] == "prod/web"
    assert inv.get_host("vm-0002").vars["fc_folder"] == "prod" and inv.get_host("vm-0003").vars["fc_folder"] == ""
    assert sorted(h.name for h in inv.groups["fc_folder_prod_web"].get_hosts()) == ["vm-0000", "vm-0001"]
    assert [h.name for h in inv.groups["fc_folder_prod"].get_hosts()] == ["vm-0002"]
    assert [h.name for h in inv.groups["fc_group_FSP"].get_hosts()] == ["vm-0003"]
    assert len(inv.groups["fc_tag_gold"].get_hosts()) == 4
    # the folder tree: the first level, then one request per folder
    assert len([r for r in fake.requests if r[1] == SITE + "/folders"]) == 3


def test_hostname_and_user_are_aliases_of_host_and_username(monkeypatch, tmp_path):
    fake = VmVrm(2)
    fake_vrm.install(monkeypatch, fake)
    cfg = tmp_path / "alias.fc_vms.yml"
    cfg.write_text("plugin: fusioncompute.core.fc_vms\nhostname: vrm\nuser: a\npassword: b\nvalidate_certs: false\n")
    plugin = inventory_loader.get("fusioncompute.core.fc_vms")
    inv = InventoryData()
    loader = DataLoader()
    plugin.templar = Templar(loader=loader)
    plugin.parse(inv, loader, str(cfg), cache=False)
    assert sorted(inv.hosts) == ["vm-0000", "vm-0001"] and fake.logins == 1
