# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where ISOs and template files lie, export targets, and the views of templates and customization specs."""

from __future__ import annotations

import pytest

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_images
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError


@pytest.mark.parametrize("path,protocol", [
    ("//192.0.2.20/library/iso/centos 9.iso", "cifs"),
    ("192.0.2.20:/srv/images/iso/tools.iso", "datastore"),
    ("nas01.example.com:/export/x.iso", "datastore"),
])
def test_iso_paths_name_their_protocol(path, protocol):
    assert fc_images.iso_protocol(path) == protocol


@pytest.mark.parametrize("path", ["C:/isos/x.iso", "//server", "//srv/share/bad$name.iso", "x.iso", "", "a" * 257])
def test_iso_paths_vrm_refuses_fail_before_any_request(path):
    with pytest.raises(FcError, match="cdrom.iso_path"):
        fc_images.iso_protocol(path)


@pytest.mark.parametrize("url,protocol", [
    ("http://192.0.2.80/images/web.ova", "server-http"),
    ("https://images.example.com/a/b.ovf", "server-https"),
    ("192.0.2.50:/srv/images/a.ovf", "nfs"),
    ("//192.0.2.50/share/a.ova", "cifs"),
])
def test_source_protocols(url, protocol):
    assert fc_images.source_protocol(url) == protocol


def test_export_targets():
    assert fc_images.export_target("tpl", {"url": "//192.0.2.90/exports/"}) == "//192.0.2.90/exports/tpl.ova"
    assert fc_images.export_target("tpl", {"url": "192.0.2.90:/e", "format": "ovf"}) == "192.0.2.90:/e/tpl/tpl.ovf"
    for name, export, msg in (("a b", {"url": "//s/share"}, "1 to 100 letters"),
                              ("tpl", {"url": "http://s/x"}, "no HTTP server"),
                              ("tpl", {"url": "s1:/e", "username": "u"}, "for a CIFS share")):
        with pytest.raises(FcError, match=msg):
            fc_images.export_target(name, export)


def test_spec_view_hides_the_password_and_reads_dns():
    view = fc_images.spec_view({"urn": "u", "name": "n", "osType": "Linux", "password": "******",
                                "nicSpecification": [{"sequenceNum": 1, "ip": "10.0.0.5", "netmask": "255.255.255.0",
                                                      "setdns": "10.0.0.53", "adddns": "10.0.0.54"}]})
    assert view["password_set"] is True and "password" not in view
    assert view["nics"] == [{"ip": "10.0.0.5", "netmask": "255.255.255.0", "dns": ["10.0.0.53", "10.0.0.54"]}]
    assert fc_images.spec_view({"name": "m"})["password_set"] is False


def test_template_view_orders_disks_by_slot():
    view = fc_images.template_view({"name": "t", "vmConfig": {"disks": [
        {"sequenceNum": 2, "quantityGB": 5, "datastoreName": "b", "isThin": False},
        {"sequenceNum": 1, "quantityGB": 20, "datastoreName": "a", "isThin": True}]}})
    assert view["disks"] == [{"size_gb": 20, "datastore": "a", "thin": True},
                             {"size_gb": 5, "datastore": "b", "thin": False}]
