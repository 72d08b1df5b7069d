"""Alarms, events and the operation log (FC8DOC ch6 「告警」 and 「操作日志」).

What vrmsim simulates raises and clears alarms here: a host failure (cleared when the host recovers), a
datastore over its usage threshold (cleared when it falls below), an HA restart (raised while HA restarts a
VM, cleared when it runs again), a failed task (cleared by hand). ``POST /_sim/alarms`` raises one on demand.
Every alarm change bumps ``iSyncNo`` (VRM's "synchronisation number"), which history queries can order on.
The alarm ids, the threshold and the acknowledge/clear calls are vrmsim's choices (docs/vrmsim-fidelity.md).
"""

from vrmsim import engine as engine_mod
from vrmsim.common import as_int, as_str
from vrmsim.engine import periodic
from vrmsim.errors import VrmError
from vrmsim.routes import route

# The alarms vrmsim raises by itself: key -> (alarm id, name, level, event type, auto clear, cause).
# Levels are VRM's: 1 critical, 2 major, 3 minor, 4 warning.
CATALOGUE = {
    "host_fault": ("15.1007003", "Host fault", "1", "equipment", "YES",
                   "The host stopped answering the VRM."),
    "datastore_usage": ("15.1003011", "Datastore usage exceeds the threshold", "2", "quality of service", "YES",
                        "The used space of the datastore is above the alarm threshold."),
    "ha_restart": ("15.1005010", "VM fault recovery by HA", "2", "processing error", "YES",
                   "The VM's host failed; HA is restarting the VM on another host."),
    "task_failed": ("15.1000021", "Task failed", "3", "processing error", "NO",
                    "A VRM task ended in failure."),
}
# Events vrmsim records: key -> (event id, name).
EVENTS = {
    "host_fault": ("7001", "Host fault"), "host_recovered": ("7002", "Host recovered"),
    "ha_restarted": ("7010", "VM restarted by HA"), "task_failed": ("7020", "Task failed"),
    "alarm_acknowledged": ("7030", "Alarm acknowledged"), "alarm_cleared": ("7031", "Alarm cleared manually"),
}
DATASTORE_THRESHOLD = 90       # percent of the capacity really used
THRESHOLD_PERIOD = 60          # virtual seconds between two datastore threshold checks
OPLOG_KEEP = 10000             # operation log entries kept (oldest dropped first)
MAX_LIMIT = 100                # FC8DOC: one query answers at most 100 records (11100049 beyond)
# POSTs that only query (alarms, events, metrics): not operations, not logged
QUERIES = ("/alarms/activeAlarms", "/alarms/historyAlarms", "/alarms/events", "/objectmetric-realtimedata",
           "/objectmetric-curvedata")
MOCS = {"hosts": "hosts", "clusters": "clusters", "datastores": "DATASTORE", "vms": "vms", "sites": "sites"}


def _ms(ts):
    return str(int(ts * 1000))


def moc_of(urn):
    parts = urn.split(":")
    return MOCS.get(parts[-2], parts[-2]) if len(parts) >= 4 else "sites"


def _name_of(engine, urn):
    rec = engine.find(urn)
    return (rec.data.get("name") or "") if rec is not None else ""


def _sync(engine):
    return engine.next_id("alarm_sync")


def active(engine, alarm_id, urn):
    for rec in engine.all("fmalarms"):
        d = rec.data
        if d["svAlarmID"] == alarm_id and d["objectUrn"] == urn and not d["dtClearTime"]:
            return rec
    return None


def raise_alarm(engine, key, urn, additional="", alarm=None):
    """Raise the catalogue alarm ``key`` (or ``alarm``: a tuple like a catalogue entry) on ``urn``; an alarm
    already active for the same id and object is updated instead (VRM keeps one active alarm per pair)."""
    alarm_id, name, level, event_type, auto, cause = alarm or CATALOGUE[key]
    now = engine.now()
    rec = active(engine, alarm_id, urn)
    if rec is not None:
        rec.data.update(dtUpdateTime=_ms(now), iSyncNo=_sync(engine), iAlarmCategory="2")
        engine.touch(rec)
        return rec
    serial = engine.next_id("alarm_serial")
    moc = moc_of(urn)
    data = {
        "iSerialNo": serial, "iSyncNo": _sync(engine), "svAlarmID": alarm_id, "svMoc": moc, "objectType": moc,
        "objectUrn": urn, "urnByName": _name_of(engine, urn), "svAlarmName": name, "iAlarmCategory": "0",
        "iAlarmLevel": level, "iClearType": "", "dtOccurTime": _ms(now), "dtUpdateTime": _ms(now),
        "dtClearTime": "", "svClearAlarmUserName": "", "svAdditionalInfo": additional, "svAlarmCause": cause,
        "svEventType": event_type, "iAutoClear": auto, "iAffectOpFlag": "YES" if level in ("1", "2") else "NO",
        "dtArrivedTime": _ms(now), "iDisplay": "1", "iParse": 0, "svLocationInfo": "objectUrn=%s" % urn,
        "svAckUserName": "", "dtAckTime": "",
    }
    return engine.add("fmalarms", "%s:fmalarms:%d" % (engine.site_urn, serial), data)


def clear_alarm(engine, rec, user=""):
    """Clear an active alarm: automatically (``iClearType`` 1) or by ``user`` (``iClearType`` 2)."""
    now = engine.now()
    rec.data.update(dtClearTime=_ms(now), dtUpdateTime=_ms(now), iClearType="2" if user else "1",
                    svClearAlarmUserName=user, iAlarmCategory="1", iSyncNo=_sync(engine))
    engine.touch(rec)


def clear(engine, key, urn):
    rec = active(engine, CATALOGUE[key][0], urn)
    if rec is not None:
        clear_alarm(engine, rec)


def event(engine, key, urn, info=""):
    event_id, name = EVENTS[key]
    seq = engine.next_id("fm_events")
    return engine.add("fmevents", "%s:fmevents:%d" % (engine.site_urn, seq), {
        "eventName": name, "objectType": moc_of(urn), "objectUrn": urn, "urnByName": _name_of(engine, urn),
        "eventID": event_id, "occurTime": _ms(engine.now()), "locationInfo": "objectUrn=%s" % urn,
        "additionalInfo": info, "isParse": "0"})


# -- what the simulation raises ------------------------------------------------------------------

def host_failed(engine, host_urn):
    raise_alarm(engine, "host_fault", host_urn)
    event(engine, "host_fault", host_urn)


def host_recovered(engine, host_urn):
    clear(engine, "host_fault", host_urn)
    event(engine, "host_recovered", host_urn)


def ha_started(engine, vm_urn, host_urn):
    raise_alarm(engine, "ha_restart", vm_urn, "failed host %s" % host_urn)


def ha_done(engine, vm_urn):
    clear(engine, "ha_restart", vm_urn)
    event(engine, "ha_restarted", vm_urn)


def _task_failed(engine, task, err):
    urn = task.data.get("entityUrn") or engine.site_urn
    info = "task %s (%s): %s %s" % (task.data.get("taskId"), task.data.get("type"), err.code, err.des)
    raise_alarm(engine, "task_failed", urn, info)
    event(engine, "task_failed", urn, info)


engine_mod.ON_TASK_FAILED.append(_task_failed)


def check_datastores(engine):
    """Raise or clear the usage alarm of every datastore against DATASTORE_THRESHOLD."""
    from vrmsim.storage import GB, datastore_usage
    for ds in engine.all("datastores"):
        cap = int(ds.data.get("actualCapacityGB", ds.data.get("capacityGB", 0))) * GB
        used, _prov = datastore_usage(engine, ds.urn)
        percent = 100.0 * used / cap if cap else 0.0
        if percent > DATASTORE_THRESHOLD:
            if active(engine, CATALOGUE["datastore_usage"][0], ds.urn) is None:
                raise_alarm(engine, "datastore_usage", ds.urn, "usage %.1f%%, threshold %d%%" % (
                    percent, DATASTORE_THRESHOLD))
        else:
            clear(engine, "datastore_usage", ds.urn)
    engine.store.set_meta("datastore_checked", engine.now())


@periodic
def _periodic_datastores(engine):
    if engine.now() - engine.store.meta.get("datastore_checked", 0) >= THRESHOLD_PERIOD:
        check_datastores(engine)


# -- queries ----------------------------------------------------------------------------------

def _body(req):
    body = req.json()
    limit = as_int(body.get("limit"), "limit", 0, None, MAX_LIMIT)
    if limit > MAX_LIMIT:
        raise VrmError("11100049", "At most %d records can be queried at once." % MAX_LIMIT, status=500)
    offset = as_int(body.get("offset"), "offset", 0, None, 0)
    return body, limit, offset


def _time(body, name):
    raw = body.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(str(raw).strip())
    except ValueError:
        raise VrmError("10000001", "%s must be a time in milliseconds since 1970." % name)


def _strings(body, name):
    value = body.get(name)
    if value in (None, "", []):
        return None
    return [str(v) for v in (value if isinstance(value, list) else [value])]


ORDER_KEYS = {"occurtime": "dtOccurTime", "alarmid": "svAlarmID", "cleartype": "iClearType",
              "alarmlevel": "iAlarmLevel", "syncno": "iSyncNo", "eventid": "eventID"}


def _ordered(items, orders, default):
    def sort_key(field):
        return lambda d: (int(d.get(field) or 0) if field in ("dtOccurTime", "iSyncNo", "occurTime")
                          else str(d.get(field) or ""))
    orders = _strings({"order": orders}, "order") or [default]
    for spec in reversed(orders):
        name, _, direction = spec.strip().partition(" ")
        field = ORDER_KEYS.get(name.lower(), "occurTime" if name.lower() == "occurtime" else None)
        if field is None:
            raise VrmError("10000001", "Cannot order by %r." % name)
        if field == "dtOccurTime" and items and "occurTime" in items[0]:
            field = "occurTime"
        items.sort(key=sort_key(field), reverse=direction.strip().upper() == "DESC")
    return items


def query_alarms(engine, body, history):
    if body.get("MOC") not in (None, "") and not isinstance(body.get("MOC"), str):
        raise VrmError("10000001", "MOC must be a string.")
    levels = _strings(body, "alarmLevel")
    categories = _strings(body, "alarmCategory") if history else None
    event_types = _strings(body, "eventType")
    start, stop = _time(body, "occurStartTime"), _time(body, "occurStopTime")
    out = []
    for rec in engine.all("fmalarms"):
        d = rec.data
        if bool(d["dtClearTime"]) != history:
            continue
        if body.get("MOC") and d["svMoc"].lower() != body["MOC"].lower():
            continue
        if body.get("objectUrn") and d["objectUrn"] != body["objectUrn"]:
            continue
        if body.get("alarmId") and d["svAlarmID"] != str(body["alarmId"]):
            continue
        if body.get("alarmName") and str(body["alarmName"]).lower() not in d["svAlarmName"].lower():
            continue
        if levels and d["iAlarmLevel"] not in levels:
            continue
        if categories and d["iAlarmCategory"] not in categories:
            continue
        if event_types and d["svEventType"] not in event_types:
            continue
        if start is not None and int(d["dtOccurTime"]) < start:
            continue
        if stop is not None and int(d["dtOccurTime"]) > stop:
            continue
        out.append(dict(d))
    return _ordered(out, body.get("order"), "occurtime DESC")


def _paged(items, limit, offset, extra=None):
    page = items[offset:offset + limit]
    out = {"total": len(items), "pageno": offset // limit if limit else 0, "itemSize": len(page), "items": page}
    out.update(extra or {})
    return out


@route("POST", "/service/sites/{site}/alarms/activeAlarms")
def active_alarms(engine, req):
    """Query the active alarms (filters MOC, objectUrn, alarmId, alarmName, alarmLevel[], eventType[], times)."""
    body, limit, offset = _body(req)
    check_datastores(engine)
    return _paged(query_alarms(engine, body, False), limit, offset, {"updateFlag": 0, "viewId": 0})


@route("POST", "/service/sites/{site}/alarms/historyAlarms")
def history_alarms(engine, req):
    """Query the cleared (history) alarms, same filters plus alarmCategory[]."""
    body, limit, offset = _body(req)
    check_datastores(engine)
    return _paged(query_alarms(engine, body, True), limit, offset)


@route("POST", "/service/sites/{site}/alarms/events")
def list_events(engine, req):
    """Query events (MOC, objectUrn, eventId, eventName, occurStartTime/occurStopTime, limit, order)."""
    body, limit, offset = _body(req)
    start, stop = _time(body, "occurStartTime"), _time(body, "occurStopTime")
    out = []
    for rec in engine.all("fmevents"):
        d = rec.data
        if body.get("MOC") and d["objectType"].lower() != str(body["MOC"]).lower():
            continue
        if body.get("objectUrn") and d["objectUrn"] != body["objectUrn"]:
            continue
        if body.get("eventId") and d["eventID"] != str(body["eventId"]):
            continue
        if body.get("eventName") and str(body["eventName"]).lower() not in d["eventName"].lower():
            continue
        if (start is not None and int(d["occurTime"]) < start) or (stop is not None and int(d["occurTime"]) > stop):
            continue
        out.append(dict(d))
    return _paged(_ordered(out, body.get("order"), "occurtime DESC"), limit, offset)


def _serials(engine, req):
    body = req.json()
    serials = body.get("serialNos")
    if not isinstance(serials, list) or not serials or len(serials) > MAX_LIMIT:
        raise VrmError("10000001", "serialNos must be a list of 1 to %d alarm serial numbers." % MAX_LIMIT)
    recs = []
    for serial in serials:
        value = as_int(serial, "serialNos[]", 1)
        rec = find_alarm(engine, value)
        if rec is None:
            raise VrmError("10000008", "No alarm with serial number %d." % value)
        recs.append(rec)
    return recs


def find_alarm(engine, serial):
    return engine.find("%s:fmalarms:%d" % (engine.site_urn, serial), "fmalarms")


@route("POST", "/service/sites/{site}/alarms/action/acknowledge")
def acknowledge(engine, req):
    """Acknowledge alarms by serial number (vrmsim's choice of call; 200, no body)."""
    for rec in _serials(engine, req):
        if rec.data["svAckUserName"]:
            continue
        rec.data.update(svAckUserName=req.session["user"], dtAckTime=_ms(engine.now()), iSyncNo=_sync(engine))
        engine.touch(rec)
        event(engine, "alarm_acknowledged", rec.data["objectUrn"], "alarm %s" % rec.data["iSerialNo"])
    return None


@route("POST", "/service/sites/{site}/alarms/action/clear")
def clear_by_hand(engine, req):
    """Clear active alarms by serial number (vrmsim's choice of call; 200, no body)."""
    for rec in _serials(engine, req):
        if rec.data["dtClearTime"]:
            continue
        clear_alarm(engine, rec, req.session["user"])
        event(engine, "alarm_cleared", rec.data["objectUrn"], "alarm %s" % rec.data["iSerialNo"])
    return None


# -- operation log ----------------------------------------------------------------------------

def log_operation(engine, method, path, session, result, started):
    """One operation log entry for a write (every non-GET VRM request, login included); ``result`` is what the
    handler answered (a body, or a ``(status, body[, headers])`` tuple)."""
    if method == "GET" or path.rstrip("/").endswith(QUERIES):
        return
    status, body = (result[0], result[1]) if isinstance(result, tuple) else (200, result)
    seq = engine.next_id("oplog")
    failed = status != 200
    reason = ""
    if failed and isinstance(body, dict):
        reason = "%s %s" % (body.get("errorCode", ""), body.get("errorDes", ""))
    now = engine.now()
    engine.add("oplogs", "%s:oplogs:%d" % (engine.site_urn, seq), {
        "opUser": session.get("user", ""),
        "opResult": "1" if failed else "0", "opName": "%s %s" % (method, path), "loginType": "0",
        "opLogLevel": "2" if method == "DELETE" else "3", "opStartTime": _ms(started), "opStopTime": _ms(now),
        "userIp": "127.0.0.1", "detailInfo": "%s %s" % (method, path), "opFailReason": reason.strip()})
    old = engine.find("%s:oplogs:%d" % (engine.site_urn, seq - OPLOG_KEEP), "oplogs")
    if old is not None:
        engine.remove(old.urn)


@route("GET", "/service/sites/{site}/olm/operaterLog/list")
def operation_log(engine, req):
    """Query the operation log (opUser, opResult, opName, opLogLevel, opStartTime/opStopTime, paging)."""
    limit = req.qint("limit", None, 0, None, code="11012001")
    offset = req.qint("offset", None, 0, None, code="11012001")
    if limit is None or offset is None:
        raise VrmError("11012001", "limit and offset are required.")
    if limit > MAX_LIMIT:
        raise VrmError("11011014", "At most %d records can be queried at once." % MAX_LIMIT)
    try:
        start = int(req.q("opStartTime")) if req.q("opStartTime") else None
        stop = int(req.q("opStopTime")) if req.q("opStopTime") else None
    except ValueError:
        raise VrmError("11012004", "opStartTime and opStopTime are times in milliseconds since 1970.")
    out = []
    for rec in reversed(engine.all("oplogs")):
        d = rec.data
        if any(req.q(k) not in (None, "") and req.q(k) != d[k] for k in ("opUser", "opResult", "opLogLevel",
                                                                         "loginType", "userIp")):
            continue
        if req.q("opName") and req.q("opName") not in d["opName"]:
            continue
        if req.q("detailInfo") and req.q("detailInfo") not in d["detailInfo"]:
            continue
        if (start is not None and int(d["opStartTime"]) < start) or (stop is not None and int(d["opStopTime"]) > stop):
            continue
        out.append(dict(d))
    page = out[offset:offset + limit]
    return {"total": len(out), "errorCode": "0", "itemSize": len(page), "items": page}


# -- the control API: an alarm on demand --------------------------------------------------------

def sim_raise(engine, body):
    """``POST /_sim/alarms``: raise an alarm ``{objectUrn, alarmId?, alarmName?, level?, additionalInfo?}``."""
    urn = as_str(body.get("objectUrn"), "objectUrn", 1, 512, required=True)
    engine.get(urn)
    alarm = (as_str(body.get("alarmId"), "alarmId", 1, 64, "15.9999999"),
             as_str(body.get("alarmName"), "alarmName", 1, 256, "Alarm raised by vrmsim"),
             as_str(body.get("level"), "level", 1, 1, "2"), as_str(body.get("eventType"), "eventType", 1, 64,
                                                                    "processing error"),
             "NO", as_str(body.get("cause"), "cause", 0, 1024, "Raised on demand through vrmsim's control API."))
    if alarm[2] not in ("1", "2", "3", "4"):
        raise VrmError("10000001", "level must be 1 (critical), 2 (major), 3 (minor) or 4 (warning).")
    rec = raise_alarm(engine, None, urn, as_str(body.get("additionalInfo"), "additionalInfo", 0, 1024, ""), alarm)
    return dict(rec.data)


def sim_clear(engine, serial):
    """``DELETE /_sim/alarms/{serial}``: clear an alarm as the system would (automatically)."""
    rec = find_alarm(engine, as_int(serial, "serial", 1))
    if rec is None:
        raise VrmError("10000008", "No alarm with serial number %s." % serial, status=404)
    if not rec.data["dtClearTime"]:
        clear_alarm(engine, rec)
    return dict(rec.data)

