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
C1, C2 = fake_vrm.SITE_URN + ":clusters:1", fake_vrm.SITE_URN + ":clusters:2"


class HostVrm(fake_vrm.FakeVrm):
    def __init__(self, count):
        super(HostVrm, self).__init__()
        self.hosts = []
        for i in range(count):
            self.hosts.append({"urn": "%s:hosts:%d" % (fake_vrm.SITE_URN, i + 1), "uri": "%s/hosts/%d" % (SITE, i + 1),
                               "name": "cna-%03d" % i, "ip": "192.0.2.%d" % (i % 250 + 1), "bmcIp": "198.51.100.1",
                               "status": "fault" if i == 2 else "normal", "isMaintaining": i == 1,
                               "clusterUrn": C1 if i % 2 == 0 else C2, "clusterName": "prod" if i % 2 == 0 else "dev",
                               "cpuQuantity": 32, "cpuMHz": 2600, "memQuantityMB": 262144, "vendor": "Huawei"})

    def route(self, method, path, query, body):
        if path == SITE + "/clusters":
            return fake_vrm.FakeResponse(200, {"clusters": [{"urn": C1, "name": "prod", "tag": "gold"},
                                                            {"urn": C2, "name": "dev", "tag": ""}]})
        if path == SITE + "/hosts":
            items = [h for h in self.hosts if not query.get("scope") or h["clusterUrn"] == query["scope"]]
            off, lim = int(query["offset"]), int(query["limit"])
            assert lim <= 100
            return fake_vrm.FakeResponse(200, {"total": len(items), "hosts": items[off:off + lim]})
        return super(HostVrm, self).route(method, path, query, body)


def _parse(monkeypatch, fake, tmp_path, extra="", head="host: vrm\nusername: a\n"):
    fake_vrm.install(monkeypatch, fake)
    cfg = tmp_path / "test.fc_hosts.yml"
    cfg.write_text("plugin: fusioncompute.core.fc_hosts\n" + head + "password: b\nvalidate_certs: false\n" + extra)
    plugin = inventory_loader.get("fusioncompute.core.fc_hosts")
    inv = InventoryData()
    loader = DataLoader()
    plugin.templar = Templar(loader=loader)
    plugin.parse(inv, loader, str(cfg), cache=False)
    return inv


@pytest.mark.parametrize("count", [0, 1, 100, 101, 250])
def test_request_count_is_pages_plus_constant(monkeypatch, tmp_path, count):
    fake = HostVrm(count)
    inv = _parse(monkeypatch, fake, tmp_path)
    assert len(inv.hosts) == count
    # login, sites, clusters, the pages, logout
    assert len(fake.requests) == max(1, math.ceil(count / 100.0)) + 4
    assert fake.logins == 1


def test_variables_groups_and_ansible_host(monkeypatch, tmp_path):
    inv = _parse(monkeypatch, HostVrm(4), tmp_path, "properties: [all]\n")
    h0 = inv.get_host("cna-000").vars
    assert h0["ansible_host"] == "192.0.2.1" and h0["fc_cluster"] == "prod" and h0["fc_cluster_tag"] == "gold"
    assert h0["fc_maintenance"] is False and h0["fc_mode"] == "active" and h0["fc_bmc_ip"] == "198.51.100.1"
    assert inv.get_host("cna-001").vars["fc_maintenance"] is True
    assert [h.name for h in inv.groups["fc_mode_maintenance"].get_hosts()] == ["cna-001"]
    assert [h.name for h in inv.groups["fc_status_fault"].get_hosts()] == ["cna-002"]
    assert sorted(h.name for h in inv.groups["fc_cluster_prod"].get_hosts()) == ["cna-000", "cna-002"]
    assert sorted(h.name for h in inv.groups["fc_tag_gold"].get_hosts()) == ["cna-000", "cna-002"]
    assert "fc_tag_" not in inv.groups


def test_clusters_are_the_scope_and_filters_apply(monkeypatch, tmp_path):
    fake = HostVrm(6)
    inv = _parse(monkeypatch, fake, tmp_path, "clusters: [dev]\nfilters:\n  - not fc_maintenance\n")
    assert sorted(inv.hosts) == ["cna-003", "cna-005"]
    assert [r[2].get("scope") for r in fake.requests if r[1] == SITE + "/hosts"] == [C2]
    assert "fc_cpu_count" not in inv.get_host("cna-003").vars       # not in the default properties


def test_hostname_and_user_are_aliases(monkeypatch, tmp_path):
    fake = HostVrm(2)
    inv = _parse(monkeypatch, fake, tmp_path, head="hostname: vrm\nuser: a\n")
    assert sorted(inv.hosts) == ["cna-000", "cna-001"]
    assert fake.logins == 1


@pytest.mark.parametrize("extra, words", [
    ("cluster: [dev]\n", "unknown option cluster"),
    ("properties: [fc_name, fc_ips6]\n", "unknown host variable fc_ips6"),
    ("max_workers: 0\n", "max_workers must be at least 1"),
])
def test_unusable_options_fail_before_any_request(monkeypatch, tmp_path, extra, words):
    fake = HostVrm(3)
    with pytest.raises(Exception) as exc:
        _parse(monkeypatch, fake, tmp_path, extra)
    assert words in str(exc.value)
    assert fake.requests == []
