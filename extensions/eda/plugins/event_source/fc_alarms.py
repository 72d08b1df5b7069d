# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""fc_alarms: an Event-Driven Ansible event source that follows the alarms of a FusionCompute VRM.

It polls the VRM's active alarms and its alarm history and puts one event on the queue for every alarm that
is new and for every alarm that was cleared::

    {"fc_alarm": {"type": "new" | "cleared", "serial": 3, "alarm_id": "15.1007003", "name": "Host fault",
                  "severity": "critical", "object_urn": "urn:sites:...:hosts:2", "object_name": "cna-prod-02",
                  "object_type": "hosts", "occur_time": 1796589478219, "clear_time": null, ...}}

No duplicates across restarts: the serial numbers already reported (new, and cleared) and the highest history
synchronisation number seen are kept in a state file (``state_file``), written atomically after each event is
put on the queue. A restarted rulebook reads it and reports only what it has not reported yet. When there is no
state file, the alarms already active are reported once (unless ``emit_existing`` is false) and the history that
is already there is not. An alarm raised and cleared between two polls is reported as new, then as cleared.

VRM errors (unreachable, an error answer, an expired session) are logged; the source logs in again and
retries after ``reconnect_delay`` seconds, doubling up to ``reconnect_max_delay``; it never stops by itself.

Arguments (the connection ones default to the ``FC_*`` environment variables the modules read)::

    host, port (7443), username, password, validate_certs (true), ca_path, api_timeout (30 s)
    site               site name or URN (default: the VRM's only, or first, site)
    interval           seconds between two polls (default 10)
    state_file         where the cursor is kept (default ~/.ansible/fc_alarms/<host>_<port>.json)
    emit_existing      report the alarms active at the first start (default true)
    severity           only alarms of these severities (critical, major, minor, warning; default all)
    reconnect_delay    first pause after an error, in seconds (default 5)
    reconnect_max_delay  longest pause (default 60)

Example rulebook source::

    sources:
      - fusioncompute.core.fc_alarms:
          host: vrm.example.com
          username: eda
          password: "{{ vrm_password }}"
          state_file: /var/lib/eda/fc_alarms.json
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import ssl
import tempfile
import urllib.error
import urllib.request

LOG = logging.getLogger("fusioncompute.core.fc_alarms")
ACCEPT = "application/json;version=8.0;charset=UTF-8"
SEVERITIES = {"1": "critical", "2": "major", "3": "minor", "4": "warning"}
PAGE = 100
KEEP = 5000            # serial numbers kept per list in the state file (the newest)
HISTORY_PAGES = 20     # history pages read at most per poll


class VrmError(Exception):
    """An error answer, or no answer, of the VRM."""

    def __init__(self, message, status=None, code=None):
        super().__init__(message)
        self.status = status
        self.code = code


def alarm_event(item, kind):
    """The event for an alarm record of the VRM (``kind``: new or cleared)."""
    def ms(value):
        return int(value) if str(value or "").isdigit() else None

    return {"fc_alarm": {
        "type": kind, "serial": int(item.get("iSerialNo") or 0), "alarm_id": item.get("svAlarmID"),
        "name": item.get("svAlarmName"),
        "severity": SEVERITIES.get(str(item.get("iAlarmLevel")), str(item.get("iAlarmLevel"))),
        "object_urn": item.get("objectUrn"), "object_name": item.get("urnByName"),
        "object_type": item.get("svMoc"), "event_type": item.get("svEventType"), "cause": item.get("svAlarmCause"),
        "additional_info": item.get("svAdditionalInfo"), "occur_time": ms(item.get("dtOccurTime")),
        "clear_time": ms(item.get("dtClearTime")), "cleared_by": item.get("svClearAlarmUserName") or "",
        "sync_no": int(item.get("iSyncNo") or 0)}}


class Cursor(object):
    """What was reported already, kept in a JSON file: the serials reported new, those reported cleared, and
    the highest history synchronisation number seen."""

    def __init__(self, path):
        self.path = path
        self.new = set()
        self.cleared = set()
        self.history_sync = 0
        self.started = False        # False until the first poll after a start without state
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
            self.new = set(int(s) for s in data.get("new", []))
            self.cleared = set(int(s) for s in data.get("cleared", []))
            self.history_sync = int(data.get("history_sync", 0))
            self.started = True

    def save(self):
        if not self.path:
            return
        directory = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(directory, exist_ok=True)
        data = {"version": 1, "new": sorted(self.new)[-KEEP:], "cleared": sorted(self.cleared)[-KEEP:],
                "history_sync": self.history_sync}
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".fc_alarms.")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, self.path)

    def events(self, active, history, emit_existing=True):
        """The events of one poll, in order: ``active`` are the active alarms, ``history`` the cleared alarms
        with a synchronisation number above ``history_sync``. Marks them as reported; the caller saves."""
        out = []
        first = not self.started
        self.started = True
        for item in sorted(active, key=lambda a: int(a.get("iSerialNo") or 0)):
            serial = int(item.get("iSerialNo") or 0)
            if serial in self.new:
                continue
            self.new.add(serial)
            if not first or emit_existing:
                out.append(alarm_event(item, "new"))
        for item in sorted(history, key=lambda a: int(a.get("iSyncNo") or 0)):
            serial = int(item.get("iSerialNo") or 0)
            self.history_sync = max(self.history_sync, int(item.get("iSyncNo") or 0))
            if first:                      # the history there before the first start is not news
                self.cleared.add(serial)
                continue
            if serial in self.cleared:
                continue
            if serial not in self.new:     # raised and cleared between two polls
                self.new.add(serial)
                out.append(alarm_event(item, "new"))
            self.cleared.add(serial)
            out.append(alarm_event(item, "cleared"))
        return out


class Vrm(object):
    """The few VRM calls the source needs (standard library only: it runs inside ansible-rulebook)."""

    def __init__(self, host, port, username, password, validate_certs=True, ca_path=None, timeout=30, site=None):
        self.base = "https://%s:%s" % ("[%s]" % host if ":" in host else host, port)
        self.username = username
        self.password = password
        self.timeout = timeout
        self.site = site
        self.context = ssl.create_default_context(cafile=ca_path or None)
        if not validate_certs:
            self.context.check_hostname = False
            self.context.verify_mode = ssl.CERT_NONE
        self.token = None
        self.site_uri = None

    def _send(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode("utf-8") if body is not None else None
        hdrs = {"Accept": ACCEPT, "Content-Type": "application/json;charset=UTF-8"}
        hdrs.update(headers or {})
        if self.token:
            hdrs["X-Auth-Token"] = self.token
        request = urllib.request.Request(self.base + path, data=data, headers=hdrs, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self.context) as answer:
                raw = answer.read()
                return answer.headers, (json.loads(raw) if raw.strip() else None)
        except urllib.error.HTTPError as exc:
            try:
                err = json.loads(exc.read() or b"{}")
            except ValueError:
                err = {}
            message = "%s %s answered HTTP %s: %s %s" % (method, path, exc.code, err.get("errorCode", ""),
                                                         err.get("errorDes", ""))
            raise VrmError(message, exc.code, err.get("errorCode"))
        except (OSError, ValueError) as exc:
            raise VrmError("%s %s: no answer from the VRM at %s (%s)" % (method, path, self.base, exc))

    def login(self):
        self.token = None
        key = hashlib.sha256(self.password.encode("utf-8")).hexdigest()
        headers, _body = self._send("POST", "/service/session", headers={
            "X-Auth-User": self.username, "X-Auth-Key": key, "X-Auth-UserType": "2"})
        self.token = headers.get("X-Auth-Token")
        if not self.token:
            raise VrmError("the VRM's login answer has no X-Auth-Token")
        sites = (self._send("GET", "/service/sites")[1] or {}).get("sites") or []
        chosen = [s for s in sites if self.site in (None, s.get("name"), s.get("urn"))]
        if not chosen:
            raise VrmError("no site %r on the VRM" % self.site)
        self.site_uri = chosen[0]["uri"]

    def request(self, method, path, body=None):
        if not self.token:
            self.login()
        try:
            return self._send(method, self.site_uri + path, body)[1] or {}
        except VrmError as exc:
            if exc.status != 401:
                raise
            self.login()
            return self._send(method, self.site_uri + path, body)[1] or {}

    def active(self, levels=None):
        out = []
        while True:
            body = {"offset": len(out), "limit": PAGE, "order": ["occurtime ASC"]}
            if levels:
                body["alarmLevel"] = levels
            answer = self.request("POST", "/alarms/activeAlarms", body)
            items = answer.get("items") or []
            out.extend(items)
            if len(items) < PAGE or len(out) >= int(answer.get("total") or 0):
                return out

    def history_since(self, sync_no, levels=None):
        """Cleared alarms whose synchronisation number is above ``sync_no`` (newest first, paged)."""
        out = []
        for page in range(HISTORY_PAGES):
            body = {"offset": page * PAGE, "limit": PAGE, "order": ["syncNo DESC"]}
            if levels:
                body["alarmLevel"] = levels
            items = self.request("POST", "/alarms/historyAlarms", body).get("items") or []
            fresh = [i for i in items if int(i.get("iSyncNo") or 0) > sync_no]
            out.extend(fresh)
            if len(items) < PAGE or len(fresh) < len(items):
                break
        return out

    def logout(self):
        if self.token:
            try:
                self._send("DELETE", "/service/session")
            except VrmError:
                pass
        self.token = None


def settings(args):
    """The arguments, with the FC_* environment variables as defaults; a bad one raises ValueError."""
    env = os.environ

    def flag(value):
        return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "on")

    conf = {
        "host": args.get("host") or env.get("FC_HOST"), "port": int(args.get("port") or env.get("FC_PORT") or 7443),
        "username": args.get("username") or env.get("FC_USERNAME"),
        "password": args.get("password") or env.get("FC_PASSWORD"),
        "validate_certs": flag(args.get("validate_certs", env.get("FC_VALIDATE_CERTS", True))),
        "ca_path": args.get("ca_path") or env.get("FC_CA_PATH"), "site": args.get("site"),
        "timeout": float(args.get("api_timeout", 30)), "interval": float(args.get("interval", 10)),
        "emit_existing": flag(args.get("emit_existing", True)),
        "reconnect_delay": float(args.get("reconnect_delay", 5)),
        "reconnect_max_delay": float(args.get("reconnect_max_delay", 60)),
    }
    for name in ("host", "username", "password"):
        if not conf[name]:
            raise ValueError("fc_alarms: %s is required (argument %s or FC_%s)." % (name, name, name.upper()))
    if conf["interval"] <= 0 or conf["reconnect_delay"] <= 0 or conf["reconnect_max_delay"] < conf["reconnect_delay"]:
        raise ValueError("fc_alarms: interval and reconnect_delay must be above 0, reconnect_max_delay at least "
                         "reconnect_delay.")
    severity = args.get("severity") or []
    names = {v: k for k, v in SEVERITIES.items()}
    bad = [s for s in severity if s not in names]
    if bad:
        raise ValueError("fc_alarms: unknown severity %s (critical, major, minor, warning)." % ", ".join(bad))
    conf["levels"] = [names[s] for s in severity]
    conf["state_file"] = args.get("state_file") or os.path.join(
        os.path.expanduser("~"), ".ansible", "fc_alarms", "%s_%s.json" % (conf["host"].replace(":", "_"), conf["port"]))
    return conf


async def poll(vrm, cursor, conf, queue):
    """One poll: the events put on the queue, the cursor saved after each."""
    active = await asyncio.to_thread(vrm.active, conf["levels"])
    history = await asyncio.to_thread(vrm.history_since, cursor.history_sync, conf["levels"])
    events = cursor.events(active, history, conf["emit_existing"])
    if not events:
        cursor.save()
    for event in events:
        await queue.put(event)
        cursor.save()
    return len(events)


async def main(queue, args):
    """The entry point ansible-rulebook calls."""
    conf = settings(args)
    cursor = Cursor(conf["state_file"])
    vrm = Vrm(conf["host"], conf["port"], conf["username"], conf["password"], conf["validate_certs"],
              conf["ca_path"], conf["timeout"], conf["site"])
    delay = conf["reconnect_delay"]
    try:
        while True:
            try:
                await poll(vrm, cursor, conf, queue)
                delay = conf["reconnect_delay"]
                await asyncio.sleep(conf["interval"])
            except VrmError as exc:
                LOG.warning("fc_alarms: %s; trying again in %.0f s", exc, delay)
                vrm.token = None
                await asyncio.sleep(delay)
                delay = min(conf["reconnect_max_delay"], delay * 2)
    finally:
        await asyncio.to_thread(vrm.logout)


if __name__ == "__main__":
    # A quick look without ansible-rulebook: print the events of the VRM the FC_* variables name.
    class _Printer(object):
        async def put(self, event):
            print(json.dumps(event))

    asyncio.run(main(_Printer(), {}))
