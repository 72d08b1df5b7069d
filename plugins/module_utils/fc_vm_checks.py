# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""fc_vm's checks of its input, made before anything is sent to VRM: CPU and memory ranges, NICs,
guest customization, import URLs."""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_network import check_ip

CPU_KEYS = {"count": "quantity", "cores_per_socket": "coresPerSocket", "reservation": "reservation",
            "limit": "limit", "weight": "weight"}
MEM_KEYS = {"size_mb": "quantityMB", "reservation": "reservation", "limit": "limit", "weight": "weight"}
# The generic 64-bit version of each OS family in VRM's catalogue, for a VM created without os.version.
GENERIC_OS = {"Linux": 302, "Windows": 202, "Other": 402}
# What VRM takes for the CPU and memory fields (vrm-api.md 8.1; outside them VRM answers the field's code, 10300003-7,
# 10300040, 10300043-44 of FC8DOC, as vrmsim does).
RANGES = {"cpu": {"count": (1, 255), "cores_per_socket": (1, 255), "reservation": (0, 10 ** 7),
                  "limit": (0, 10 ** 7), "weight": (2, 255000)},
          "memory": {"size_mb": (128, 4194304), "reservation": (0, 4194304), "limit": (0, 4194304),
                     "weight": (1, 83886080)}}


def netmask(value):
    """A netmask, dotted or as a prefix length, in VRM's dotted form; None when not given."""
    if value is None:
        return None
    text = str(value).strip()
    try:
        mask = ipaddress.IPv4Network("0.0.0.0/%s" % text).netmask
    except ValueError:
        raise FcError("customization.nics[].netmask %r is neither a dotted IPv4 netmask nor a prefix length "
                      "from 0 to 32." % value)
    return str(mask)


def check_memory_limit(mem, size_mb):
    """VRM keeps a VM's memory limit equal to its memory size (FC8DOC ch3: the limit is reserved, any other
    value is invalid); refuse another value before anything is sent."""
    limit = (mem or {}).get("limit")
    if limit is not None and size_mb is not None and limit != size_mb:
        raise FcError("memory.limit (%d MB) must equal the memory size (%d MB): VRM keeps a VM's memory limit equal "
                      "to its size. Omit memory.limit, or change memory.size_mb." % (limit, size_mb))


def check_os_version(client, site_uri, os_type, version):
    """``os.version`` must be a version of ``os.type`` in VRM's catalogue (the one check here that reads VRM,
    before anything is created); the message names the options, not VRM's osOptions fields."""
    if version is None:
        return
    catalogue = client.get(site_uri + "/vms/osversions") or {}
    versions = catalogue.get(os_type.lower()) or []
    if not any(v.get("id") == version for v in versions):
        sample = ", ".join("%s (%s)" % (v.get("id"), v.get("versionDes")) for v in versions[:3])
        raise FcError("os.version %s is not a %s version of VRM's catalogue (GET <site>/vms/osversions)%s." % (
            version, os_type, "; for example %s" % sample if sample else ""))


_MAC = re.compile(r"[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}")
MAX_NIC_MBIT = 10000   # VRM's per-NIC shaping limit (vrm-api.md, PUT <site>/vsps/<id>)


def check_nic(i, nic):
    """A NIC's MAC, IP-MAC binding and bandwidth as VRM takes them, checked before anything is created or changed."""
    if nic.get("mac") and not _MAC.fullmatch(nic["mac"]):
        raise FcError("nics[%d].mac %r is not a MAC address like 28:6e:d4:00:00:01." % (i, nic["mac"]))
    if nic.get("ip_mac_binding"):
        check_ip(nic["ip_mac_binding"], "nics[%d].ip_mac_binding" % i, 4)
    bw = nic.get("bandwidth") or {}
    for key in ("tx_average", "tx_peak", "tx_burst"):
        if bw.get(key) is not None and not 0 <= bw[key] <= MAX_NIC_MBIT:
            raise FcError("nics[%d].bandwidth.%s must be between 0 and %d, not %d." % (i, key, MAX_NIC_MBIT, bw[key]))
    if bw.get("priority") is not None:
        if not 2 <= bw["priority"] <= 7:
            raise FcError("nics[%d].bandwidth.priority must be between 2 and 7, not %d." % (i, bw["priority"]))
        if not bw.get("tx_average"):
            raise FcError("nics[%d].bandwidth.priority needs tx_average (VRM prioritises shaped traffic only)." % i)
    if bw.get("tx_peak") and bw.get("tx_average") and bw["tx_peak"] < bw["tx_average"]:
        raise FcError("nics[%d].bandwidth.tx_peak (%d) must be at least tx_average (%d)." % (
            i, bw["tx_peak"], bw["tx_average"]))


# VRM's rules for guest customization (FC8DOC ch3, vmCustomization; vrm-api.md 8.1.6).
_GUEST_HOSTNAME = re.compile(r"[A-Za-z0-9_-]{1,15}")
_PASSWORD_CLASSES = (re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"[0-9]"), re.compile(r"[^A-Za-z0-9]"))
MAX_CUSTOM_NICS = 16


def check_customization(c):
    """Refuse what VRM's customization would refuse, before anything is sent."""
    if not c:
        return
    name = c.get("hostname")
    if name is not None and (not _GUEST_HOSTNAME.fullmatch(name) or name.isdigit()):
        raise FcError("customization.hostname %r must be 1 to 15 letters, digits, '-' or '_', and not digits "
                      "only (VRM's rule for guest host names)." % name)
    password = c.get("password")
    if password is not None:
        classes = sum(1 for r in _PASSWORD_CLASSES if r.search(password))
        if not 8 <= len(password) <= 26 or classes < 2 or not password.isascii():
            raise FcError("customization.password must be 8 to 26 ASCII characters mixing at least two of lower-case "
                          "letters, upper-case letters, digits and special characters (VRM's rule).")
    nics = c.get("nics") or []
    if len(nics) > MAX_CUSTOM_NICS:
        raise FcError("customization.nics has %d entries; VRM customizes at most %d NICs."
                      % (len(nics), MAX_CUSTOM_NICS))
    for n in nics:
        if n.get("ip"):
            check_ip(n["ip"], "customization.nics[].ip", 4)
            netmask(n.get("netmask"))
            if n.get("gateway"):
                check_ip(n["gateway"], "customization.nics[].gateway", 4)
        elif n.get("netmask") or n.get("gateway"):
            raise FcError("customization.nics[]: netmask and gateway need ip (a static address) in the same entry.")
        dns = n.get("dns") or []
        if len(dns) > 2:
            raise FcError("customization.nics[].dns has %d servers; VRM sets a preferred and an alternate one, "
                          "at most 2." % len(dns))
        for server in dns:
            check_ip(server, "customization.nics[].dns", 4)


_IMAGE_NAME = re.compile(r"^[A-Za-z0-9_. -]+$")


def check_image_url(protocol, url):
    """The URL forms VRM's import accepts (it answers 10300035 otherwise), and the one that matches
    ``protocol``."""
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://", url)
    if scheme:
        raise FcError("image.url %r is a %s URL; VRM imports from an NFS export (<server>:/<path>, protocol nfs) or "
                      "a CIFS share (//<server>/<share>/<path>, protocol cifs) only." % (url, scheme.group(1)))
    if protocol == "nfs" and url.startswith("//"):
        raise FcError("image.url %r is a CIFS share (//<server>/...), but image.protocol is nfs; set "
                      "image.protocol: cifs, or give the NFS export as <server>:/<path>." % url)
    if protocol == "cifs" and not url.startswith("//") and ":/" in url:
        raise FcError("image.url %r is an NFS export (<server>:/<path>), but image.protocol is cifs; set "
                      "image.protocol: nfs, or give the CIFS share as //<server>/<share>/<path>." % url)
    if protocol == "nfs":
        server, _sep, path = url.partition(":")
        form = "<server>:/<path>"
    else:
        server, _sep, rest = url[2:].partition("/") if url.startswith("//") else ("", "", "")
        path = "/" + rest if rest else ""
        form = "//<server>/<share>/<path>"
    parts = [x for x in path.split("/") if x]
    if not (server and path.startswith("/") and parts and len(url) <= 256):
        raise FcError("image.url %r is not of the form %s for protocol %s." % (url, form, protocol))
    bad = [x for x in parts if not _IMAGE_NAME.match(x)]
    if bad:
        raise FcError("image.url: %r may hold only letters, digits, '-', '_', spaces and dots (VRM's rule)." % bad[0])
