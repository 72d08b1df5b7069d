# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Network values: VLAN lists and bandwidths normalised so comparisons with VRM never flap, IP addresses checked."""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError

# A port group's shaping, as VRM takes it: whole Mbit/s (bursts in Mbit), 0 to 100000 (vrmsim's and the
# reference's range for txLimit/rxLimit).
_BW = re.compile(r"^(\d+(?:\.\d+)?)([mgt]?)(?:bit/s|bps|bit)?$", re.I)
_FACTOR = {"": 1, "m": 1, "g": 1000, "t": 1000000}
MAX_PG_MBIT = 100000
BANDWIDTH_FORMS = "whole Mbit/s as a number (100), or with a unit and no space: 100M, 1G, 1.5G, 100Mbit/s, 1Gbps"


def mbit(value, field):
    """A bandwidth as integer Mbit/s: 100, "100", "100M", "1G", "1.5Gbps"; FcError naming ``field`` for anything
    else (a space before the unit, kbit, a fraction of a Mbit/s, above 100000)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise FcError("%s must be a bandwidth, not a boolean." % field)
    if isinstance(value, (int, float)):
        number, unit = float(value), ""
    else:
        m = _BW.match(str(value).strip())
        if not m:
            raise FcError("%s %r is not a bandwidth; give %s." % (field, value, BANDWIDTH_FORMS))
        number, unit = float(m.group(1)), m.group(2).lower()
    mb = number * _FACTOR[unit]
    if mb < 0:
        raise FcError("%s must not be negative." % field)
    if mb != int(mb):
        raise FcError("%s %r is not a whole number of Mbit/s (VRM's unit)." % (field, value))
    if mb > MAX_PG_MBIT:
        raise FcError("%s %r is above %d Mbit/s, the most VRM takes." % (field, value, MAX_PG_MBIT))
    return int(mb)


def vlan_ranges(value, field="vlan_range"):
    """VLANs given as "10-20,30", a list of ints/strings, or mixed -> sorted merged [(a, b), ...]."""
    if value is None:
        return None
    parts = []
    items = value if isinstance(value, list) else str(value).split(",")
    for item in items:
        text = str(item).strip().replace(" ", "")
        if not text:
            continue
        m = re.match(r"^(\d+)(?:-(\d+))?$", text)
        if not m:
            raise FcError("%s entry %r is not a VLAN or a range like 10-20." % (field, item))
        a = int(m.group(1))
        b = int(m.group(2)) if m.group(2) else a
        if a > b:
            raise FcError("%s range %s is reversed." % (field, text))
        if not (1 <= a <= 4094 and 1 <= b <= 4094):
            raise FcError("%s VLAN %s is outside 1-4094." % (field, text))
        parts.append((a, b))
    if not parts:
        raise FcError("%s is empty." % field)
    parts.sort()
    merged = [list(parts[0])]
    for a, b in parts[1:]:
        if a <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [tuple(x) for x in merged]


def vlan_text(ranges):
    """[(10, 20), (30, 30)] -> "10-20,30" (VRM's vlanRange form)."""
    return ",".join("%d" % a if a == b else "%d-%d" % (a, b) for a, b in ranges)


def shaping(direction, name="tx"):
    """Normalise {average, peak, burst} (Mbit/s, Mbit) of option ``name`` (tx or rx): peak and burst default to
    the average, as VRM does. Messages name the option (``tx.average``)."""
    if direction is None:
        return None
    avg = mbit(direction.get("average"), name + ".average")
    peak = mbit(direction.get("peak"), name + ".peak")
    burst = mbit(direction.get("burst"), name + ".burst")
    if avg is None and (peak or burst):
        raise FcError("%s.peak and %s.burst need %s.average." % (name, name, name))
    if avg == 0 or avg is None:
        return {"average": 0, "peak": 0, "burst": 0} if avg == 0 else None
    peak = avg if peak is None else peak
    burst = avg if burst is None else burst
    if peak < avg:
        raise FcError("%s.peak (%d) must be at least %s.average (%d)." % (name, peak, name, avg))
    return {"average": avg, "peak": peak, "burst": burst}


def check_ip(value, field, version=None):
    """``value`` as an IP address (of ``version`` 4 or 6 when given); FcError naming ``field`` otherwise."""
    kind = {4: ipaddress.IPv4Address, 6: ipaddress.IPv6Address}.get(version, ipaddress.ip_address)
    try:
        return str(kind(value))
    except ValueError:
        raise FcError("%s %r is not an IP%s address." % (field, value, "v%d" % version if version else ""))
