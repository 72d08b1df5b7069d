# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Network I/O control of a DVS per traffic class (fc_dvs ``io_control_classes``).

FC8DOC 5.4 and 5.5: a DVS's ``qosType`` picks how its traffic is controlled - 0 shaping and bandwidth shares, 1
shaping with bandwidth reservation and priority - and each port group of the DVS is a traffic class with its own
``txWeight`` (shares, 1-100), ``txReserve`` (reservation, 1-10000 Mbit/s), ``priority`` (2-7) and shaping
(``txLimit``, ``txPeakLimit``, ``txBurstSize``).
"""

from __future__ import annotations

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcApiError, FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_network import mbit

FIELDS = (("shares", "txWeight"), ("reservation", "txReserve"), ("priority", "priority"), ("limit", "txLimit"),
          ("peak", "txPeakLimit"), ("burst", "txBurstSize"))
OPTION_NAMES = tuple(k for k, f in FIELDS)
MODE_ONLY = {"shares": "shares", "reservation": "reservation", "priority": "reservation"}

ARGSPEC = dict(type="list", elements="dict", options=dict(
    portgroup=dict(type="str", required=True), shares=dict(type="int"), reservation=dict(type="raw"),
    priority=dict(type="int"), limit=dict(type="raw"), peak=dict(type="raw"), burst=dict(type="raw")))


def _refuse(code, message):
    return FcApiError("%s Nothing was changed." % message, code=code)


def wanted(classes, mode):
    """The classes of the options, normalised (Mbit/s) and checked against the DVS's mode ``mode``."""
    if classes is None:
        return None
    out = []
    for c in classes:
        where = "io_control_classes[%s]" % c["portgroup"]
        w = {"portgroup": c["portgroup"], "shares": c["shares"], "priority": c["priority"]}
        for k in ("reservation", "limit", "peak", "burst"):
            w[k] = mbit(c[k], "%s.%s" % (where, k))
        for k, only in sorted(MODE_ONLY.items()):
            if w[k] and mode is not None and mode != only:
                raise FcError("%s.%s applies to a DVS whose io_control is %s; this one's is %s." % (
                    where, k, only, mode))
        if w["shares"] is not None and not 0 <= w["shares"] <= 100:
            raise _refuse("10540520", "%s.shares %d is out of range: 1 to 100 (0 = none)." % (where, w["shares"]))
        if w["reservation"] is not None and w["reservation"] > 10000:
            raise _refuse("10540520", "%s.reservation %d Mbit/s is out of range: 1 to 10000." % (
                where, w["reservation"]))
        if w["priority"] is not None and w["priority"] and not 2 <= w["priority"] <= 7:
            raise _refuse("10540511", "%s.priority %d is out of range: 2 (first) to 7." % (where, w["priority"]))
        if w["limit"] is None and (w["peak"] or w["burst"] or w["priority"]):
            raise _refuse("10504027", "%s: peak, burst and priority need a limit." % where)
        if w["limit"]:
            w["peak"] = w["limit"] if w["peak"] is None else w["peak"]
            w["burst"] = w["limit"] if w["burst"] is None else w["burst"]
            if w["peak"] < w["limit"]:
                raise _refuse("10504021", "%s.peak (%d) is below the limit (%d)." % (where, w["peak"], w["limit"]))
            if w["reservation"] and w["reservation"] > w["limit"]:
                raise _refuse("10540520", "%s.reservation (%d Mbit/s) exceeds the limit (%d Mbit/s)." % (
                    where, w["reservation"], w["limit"]))
        out.append(w)
    names = [w["portgroup"] for w in out]
    if len(set(names)) != len(names):
        raise FcError("io_control_classes lists a port group twice.")
    return out


def current(client, dvs):
    """The traffic classes (port groups) of an existing DVS, by port group name."""
    pgs = client.list_all(dvs["uri"] + "/portgroups", "portGroups")
    return dict((pg.get("name"), dict([("portgroup", pg.get("name")), ("uri", pg.get("uri"))] +
                                      [(k, pg.get(f) or 0) for k, f in FIELDS])) for pg in pgs)


def view(classes):
    return [dict((k, v) for k, v in classes[name].items() if k != "uri") for name in sorted(classes)]


def changes(have, want):
    """The wanted classes that differ from the port groups' values (only the values the options give)."""
    out = []
    for w in want or []:
        cur = have.get(w["portgroup"])
        if cur is None:
            raise FcError("io_control_classes names port group %s, which the DVS does not have (it has: %s). "
                          "Create it first with fusioncompute.core.fc_portgroup." % (
                              w["portgroup"], ", ".join(sorted(have)) or "none"))
        merged = dict(cur, **dict((k, v) for k, v in w.items() if v is not None))
        if merged["reservation"] and merged["limit"] and merged["reservation"] > merged["limit"]:
            raise _refuse("10540520", "io_control_classes[%s]: the reservation (%d Mbit/s) would exceed the port "
                                      "group's limit (%d Mbit/s)." % (
                                          w["portgroup"], merged["reservation"], merged["limit"]))
        if merged["priority"] and not merged["limit"]:
            raise _refuse("10504023", "io_control_classes[%s]: a priority needs a limit." % w["portgroup"])
        diff = dict((k, v) for k, v in w.items() if k != "portgroup" and v is not None and cur[k] != v)
        if diff:
            diff["portgroup"] = w["portgroup"]
            out.append(diff)
    return out


def steps(have, diffs, step):
    """One port group update per changed class; ``step(description, method, path, body)`` makes a Step."""
    out = []
    for d in diffs:
        body = dict((f, d[k]) for k, f in FIELDS if k in d)
        out.append(step("set network I/O control of traffic class %s: %s" % (
            d["portgroup"], ", ".join("%s %s" % (k, d[k]) for k in OPTION_NAMES if k in d)),
            "PUT", have[d["portgroup"]]["uri"], body))
    return out
