# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Alarms, events, the operation log and metrics (FC8DOC ch6): queries, time options and the returned views.

The alarm and event queries are POSTs that change nothing; they are sent with ``read=True`` so that check
mode lets them through.
"""

from __future__ import annotations

import calendar
import re

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError

# VRM's alarm levels (FC8DOC ch6 「查询活动告警」)
SEVERITIES = {"critical": "1", "major": "2", "minor": "3", "warning": "4"}
LEVEL_NAMES = {v: k for k, v in SEVERITIES.items()}
# Object types as alarm queries name them (MOC)
OBJECT_TYPES = {"cluster": "clusters", "datastore": "DATASTORE", "host": "hosts", "site": "sites", "vm": "vms",
                "vrm": "vrms"}
PAGE = 100           # VRM answers at most 100 records a query
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?Z?$")


def parse_time(value, name):
    """Seconds since 1970 from an option: a number of seconds, or a UTC date ``YYYY-MM-DD[ HH:MM[:SS]]``."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if re.match(r"^\d+(\.\d+)?$", text):
        return float(text)
    m = _DATE.match(text)
    if not m:
        raise FcError("%s must be seconds since 1970 or a UTC date like 2026-12-06 21:30:00, not %r." % (name, value))
    parts = [int(p) if p else 0 for p in m.groups()]
    try:
        return float(calendar.timegm((parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], 0, 0, 0)))
    except (OverflowError, ValueError):
        raise FcError("%s: %r is not a date." % (name, value))


def time_range(params):
    """``(since, until)`` in seconds from the ``since`` and ``until`` options; fails when they are reversed."""
    since, until = parse_time(params.get("since"), "since"), parse_time(params.get("until"), "until")
    if since is not None and until is not None and since > until:
        raise FcError("since (%s) is after until (%s)." % (params.get("since"), params.get("until")))
    return since, until


def ms_text(seconds):
    return None if seconds is None else str(int(seconds * 1000))


def _ms(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def alarm_view(item):
    """An alarm as the modules return it."""
    return {
        "serial": int(item.get("iSerialNo") or 0), "sync_no": int(item.get("iSyncNo") or 0),
        "alarm_id": item.get("svAlarmID"), "name": item.get("svAlarmName"),
        "severity": LEVEL_NAMES.get(str(item.get("iAlarmLevel")), str(item.get("iAlarmLevel"))),
        "object_urn": item.get("objectUrn"), "object_name": item.get("urnByName"),
        "object_type": item.get("svMoc"), "event_type": item.get("svEventType"),
        "cause": item.get("svAlarmCause"), "additional_info": item.get("svAdditionalInfo"),
        "occur_time": _ms(item.get("dtOccurTime")), "update_time": _ms(item.get("dtUpdateTime")),
        "cleared": bool(item.get("dtClearTime")), "clear_time": _ms(item.get("dtClearTime")),
        "cleared_by": item.get("svClearAlarmUserName") or "",
        "acknowledged": bool(item.get("svAckUserName")), "acknowledged_by": item.get("svAckUserName") or "",
        "auto_clear": str(item.get("iAutoClear")).upper() == "YES",
    }


def query_all(fc, path, body, limit=None):
    """Every record of a paged alarm or event query (at most ``limit``)."""
    out = []
    offset = 0
    while True:
        page = dict(body, offset=offset, limit=PAGE)
        answer = fc.client.request("POST", fc.site_uri + path, body=page, read=True) or {}
        items = answer.get("items") or []
        out.extend(items)
        offset += PAGE
        if len(items) < PAGE or offset >= int(answer.get("total") or 0) or (limit and len(out) >= limit):
            return out[:limit] if limit else out


def alarm_query(params):
    """The body of an alarm query from the fc_alarm_info / fc_alarm filter options."""
    body = {"order": ["occurtime DESC"]}
    if params.get("alarm_id"):
        body["alarmId"] = params["alarm_id"]
    if params.get("name"):
        body["alarmName"] = params["name"]
    if params.get("object_urn"):
        body["objectUrn"] = params["object_urn"]
    if params.get("object_type"):
        body["MOC"] = OBJECT_TYPES[params["object_type"]]
    if params.get("severity"):
        body["alarmLevel"] = [SEVERITIES[s] for s in params["severity"]]
    since, until = time_range(params)
    if since is not None:
        body["occurStartTime"] = ms_text(since)
    if until is not None:
        body["occurStopTime"] = ms_text(until)
    return body


def alarms(fc, params, history=False, limit=None):
    path = "/alarms/historyAlarms" if history else "/alarms/activeAlarms"
    return [alarm_view(a) for a in query_all(fc, path, alarm_query(params), limit)]


# The filter options fc_alarm_info and fc_alarm share.
FILTER_SPEC = dict(
    alarm_id=dict(type="str"), name=dict(type="str"), object_urn=dict(type="str"),
    object_type=dict(type="str", choices=sorted(OBJECT_TYPES)),
    severity=dict(type="list", elements="str", choices=sorted(SEVERITIES)),
    since=dict(type="str"), until=dict(type="str"),
)
