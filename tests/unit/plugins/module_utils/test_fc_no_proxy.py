# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""no_proxy as requests and curl read it: names, domains, addresses, CIDR networks (IPv4 and IPv6), ports."""

from __future__ import annotations

import pytest

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_client


@pytest.fixture
def proxied(monkeypatch):
    for var in fc_client.PROXY_VARIABLES + ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("https_proxy", "http://proxy.example:3128")

    def via_proxy(no_proxy, host, port=7443, variable="no_proxy"):
        monkeypatch.setenv(variable, no_proxy)
        return fc_client._proxy_for(host, port, None) is not None
    return via_proxy


@pytest.mark.parametrize("no_proxy, host", [
    ("10.0.0.0/8", "10.20.30.40"),
    ("192.168.1.0/24, 10.0.0.0/8", "10.0.0.1"),
    ("192.168.1.0/24 10.0.0.0/8", "10.255.255.255"),
    ("fd00::/8", "fd00::5"),
    ("fd00::/8", "fdab:cd::1"),
    ("2001:db8::/32", "2001:db8:0:1::7"),
    ("::1", "::1"),
    ("[fd00::5]:7443", "fd00::5"),
    ("10.1.2.3", "10.1.2.3"),
    ("10.1.2.3:7443", "10.1.2.3"),
    ("example.com", "vrm.example.com"),
    (".example.com", "vrm.example.com"),
    ("*.example.com", "vrm.example.com"),
    ("VRM.Example.COM", "vrm.example.com"),
    ("vrm.example.com:7443", "vrm.example.com"),
    ("*", "anything.example"),
])
def test_bypassed(proxied, no_proxy, host):
    assert not proxied(no_proxy, host)


@pytest.mark.parametrize("no_proxy, host", [
    ("10.0.0.0/8", "11.0.0.1"),
    ("10.0.0.0/8", "fd00::5"),
    ("fd00::/8", "10.0.0.1"),
    ("fd00::/8", "fe80::1"),
    ("2001:db8::/32", "2001:db9::1"),
    ("[fd00::5]:443", "fd00::5"),
    ("10.1.2.3:443", "10.1.2.3"),
    ("example.com", "vrm.example.org"),
    ("example.com", "notexample.com"),
    ("vrm.example.com:443", "vrm.example.com"),
    ("10.0.0.0/8", "vrm.example.com"),
    ("vrm.example.com", "10.0.0.1"),
    ("", "vrm.example.com"),
    (" , ,", "vrm.example.com"),
])
def test_proxied(proxied, no_proxy, host):
    assert proxied(no_proxy, host)


def test_upper_case_variable(proxied):
    assert not proxied("10.0.0.0/8", "10.9.9.9", variable="NO_PROXY")


def test_a_bad_network_entry_is_no_match(proxied):
    assert proxied("10.0.0.0/33,fd00::/129", "10.0.0.1")
