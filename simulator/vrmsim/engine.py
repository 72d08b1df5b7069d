"""The one engine behind the REST API, the control API, seeding and the tests.

Everything that changes state runs under ``Engine.lock``. Asynchronous VRM operations are
tasks: accepting one records the transient state at once and schedules a completion event
on the virtual clock; events are persisted and applied in order at every request
(``Engine.tick``), so a restart resumes in-flight tasks where they were.
"""

import collections
import contextlib
import json
import os
import random
import re
import threading
import time
import uuid as uuidlib

from vrmsim.common import as_whole
from vrmsim.errors import VrmError, not_found
from vrmsim.store import Record, Store

# Completion handlers of task events, by name (names are persisted, functions are not).
HANDLERS = {}
# Renderers turning a record into what GET on its URI answers, by kind.
RENDERERS = {}
# Functions run at every tick (DRS, DPM...), in registration order.
PERIODIC = []
# Functions called with (engine, task, error) when a task fails (alarms.py raises its alarm).
ON_TASK_FAILED = []
# Accounts beyond the built-in administrator: fn(engine, user, key, plain, user_type) -> session fields or None.
AUTHENTICATORS = []

# Virtual seconds each task type takes in ``timed`` and ``manual`` modes (choices; see
# docs/vrmsim-fidelity.md). Real 8.9 figures: start 17 s, stop 13 s, deploy 43 s.
DURATIONS = {
    "StartVmTask": 17, "StopVmTask": 13, "RebootVmTask": 20, "HibernateVmTask": 15,
    "PauseVmTask": 2, "ResumeVmTask": 2, "DeployVM": 43, "CloneVM": 40, "CreateVmTask": 20, "ImportTemplate": 90,
    "CloneTemplate": 40, "CreateTemplateFromVM": 40, "InjectCustomizationTask": 49,
    "DeleteVmTask": 8, "ModifyVm": 3, "MigrateVmTask": 25, "MigrateVolorVmTask": 60,
    "AttachVolumeTask": 4, "DetachVolumeTask": 4, "CreateAttachVolumeTask": 8, "ExpandVolumeTask": 6,
    "CreateVolumeTask": 5, "DeleteVolumeTask": 3, "MigrateVolumeTask": 30, "ResizeVolumeTask": 6,
    "CreateVMSnapshotTask": 10, "DeleteVMSnapshotTask": 8, "SnapshotResumeVmTask": 12,
    "AddHost": 30, "ModifyHost": 2, "DeleteHost": 10, "SetHostPowerOn": 60, "SetHostPowerOff": 30,
    "SetHostReboot": 90, "ClearHost": 30, "HaTask": 20, "AddDataStoreTask": 10,
    "DeleteDataStoreTask": 5, "AddStorageResourceTask": 5, "ConnectStorageResource": 5,
    "DisconnectStorageResource": 5, "RefreshStorageUnitTask": 3, "UpdatePortGroupTask": 2,
    "DeleteNicTask": 3, "UpdateVNic": 3, "TransformVmToTemplate": 5, "TransformTemplateToVm": 5,
    "ApplyDrsRecommendationTask": 25,
}
DEFAULT_DURATION = 5
MEMO_KEYS = 256          # answers Engine.memo remembers at most; then it starts afresh


def handler(name):
    def deco(fn):
        HANDLERS[name] = fn
        return fn
    return deco


def renderer(kind):
    def deco(fn):
        RENDERERS[kind] = fn
        return fn
    return deco


def periodic(fn):
    PERIODIC.append(fn)
    return fn


def fmt_time(ts):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts))


def _check_fault_rule(rule):
    """Refuse a fault rule whose fields would only fail later, on every request it is matched against."""
    def bad(msg):
        raise VrmError("10000001", "Fault rule: %s" % msg)

    def number(value):
        return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value \
            and abs(value) != float("inf")

    for key in ("method", "path", "object"):
        if rule.get(key) is not None and not isinstance(rule[key], str):
            bad("%s must be a string." % key)
    if "probability" in rule and not (number(rule["probability"]) and 0 <= rule["probability"] <= 1):
        bad("probability must be a number from 0 to 1.")
    if rule.get("count") is not None:      # null: no limit
        as_whole(rule["count"], "count", 1)
    action = rule["action"]
    if "status" in action:
        as_whole(action["status"], "action.status", 400, 599)
    if "seconds" in action and not (number(action["seconds"]) and 0 <= action["seconds"] <= 3600):
        bad("action.seconds must be a number from 0 to 3600.")
    if "at_progress" in action:
        as_whole(action["at_progress"], "action.at_progress", 0, 99)
    if "waiters" in action:
        as_whole(action["waiters"], "action.waiters", 2, 100)
    for key in ("errorCode", "errorDes"):
        value = action.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int))):
            bad("action.%s must be a string or a number." % key)


class Engine(object):
    def __init__(self, state_dir, time_mode="instant", time_scale=1.0, username="admin",
                 password="Vrmsim@123", host_probe=True):
        if time_mode not in ("instant", "timed", "manual"):
            raise ValueError("time mode must be instant, timed or manual")
        self.state_dir = state_dir
        os.makedirs(state_dir, exist_ok=True)
        self.lock = threading.RLock()
        self.time_mode = time_mode
        self.time_scale = float(time_scale)
        self.username = username
        self.password = password
        self.host_probe = host_probe
        self.store = Store(os.path.join(state_dir, "vrmsim.db"))
        self.store.load()
        self._mono0 = time.monotonic()
        self._wall0 = time.time()
        self.requests = collections.deque(maxlen=200000)
        self.request_seq = 0
        self.sessions = {}
        self.rng = random.Random()
        self._json_cache = {}
        self.latency = 0.0        # seconds added to every VRM answer (serve --latency-ms)
        self._memo = {}
        self.memo_ok = False      # true only while a GET handler runs (it changes nothing)
        if not self.store.is_empty():
            self.sessions = dict(self.store.meta.get("sessions", {}))

    # -- clock ---------------------------------------------------------------------------------
    def now(self):
        offset = self.store.meta.get("clock_offset", 0.0)
        if self.time_mode == "manual":
            return self.store.meta.get("clock_base", self._wall0) + offset
        if self.time_mode == "timed":
            base = self.store.meta.get("clock_base", self._wall0)
            return base + (time.monotonic() - self._mono0) * self.time_scale + offset
        return time.time() + offset

    def advance(self, seconds):
        if seconds < 0:
            raise VrmError("10000001", "The clock only moves forward.")
        self.store.set_meta("clock_offset", self.store.meta.get("clock_offset", 0.0) + float(seconds))
        self.tick()

    def duration(self, task_type):
        if self.time_mode == "instant":
            return 0.0
        return float(DURATIONS.get(task_type, DEFAULT_DURATION))

    # -- identity ------------------------------------------------------------------------------
    @property
    def site_id(self):
        return self.store.meta["site_id"]

    @property
    def site_urn(self):
        return "urn:sites:" + self.site_id

    @property
    def site_uri(self):
        return "/service/sites/" + self.site_id

    def next_id(self, counter, start=1):
        ids = dict(self.store.meta.get("ids", {}))
        value = ids.get(counter, start - 1) + 1
        ids[counter] = value
        self.store.set_meta("ids", ids)
        return value

    def new_urn(self, kind, parent=None):
        """A new URN of ``kind`` under the site (or under ``parent`` URN)."""
        if kind == "vms":
            ident = "i-%08X" % self.next_id("vms")
        elif kind == "tasks":
            ident = str(self.next_id("tasks", start=1000))
        else:
            ident = str(self.next_id(kind))
        return "%s:%s:%s" % (parent or self.site_urn, kind, ident)

    @staticmethod
    def uri_of(urn):
        return "/service/" + "/".join(urn.split(":")[1:])

    @staticmethod
    def urn_of(uri):
        path = uri.split("?", 1)[0].rstrip("/")
        if not path.startswith("/service/"):
            raise ValueError(uri)
        return "urn:" + ":".join(path[len("/service/"):].split("/"))

    @staticmethod
    def new_uuid():
        return str(uuidlib.uuid4())

    # -- objects -------------------------------------------------------------------------------
    def add(self, kind, urn, data, sim=None):
        data.setdefault("urn", urn)
        data.setdefault("uri", self.uri_of(urn))
        rec = Record(urn, kind, data, sim or {})
        self.store.put(rec)
        return rec

    def get(self, urn, kind=None):
        if not isinstance(urn, str):     # a list or object where a URN belongs: a bad request, not a crash
            raise VrmError("10000001", "%s is not a URN." % json.dumps(urn))
        rec = self.store.get(urn)
        if rec is None or (kind is not None and rec.kind != kind):
            raise not_found(kind or (urn.split(":")[-2] if ":" in urn else "object"), urn)
        return rec

    def find(self, urn, kind=None):
        rec = self.store.get(urn) if isinstance(urn, str) else None
        if rec is None or (kind is not None and rec.kind != kind):
            return None
        return rec

    def all(self, kind):
        return self.store.kind(kind)

    def touch(self, rec):
        self.store.touch(rec)

    def remove(self, urn):
        self.store.delete(urn)

    def render(self, rec, view="detail"):
        fn = RENDERERS.get(rec.kind)
        if fn is None:
            return dict(rec.data)
        return fn(self, rec, view)

    def render_json(self, rec, view):
        """``render`` encoded as compact JSON, cached until the store's next change.

        Only for views that depend on the stored state alone (not on the clock): the cache is
        keyed by the store generation, which every change and every non-GET request bumps.
        """
        key = (rec.urn, view)
        gen = self.store.generation
        hit = self._json_cache.get(key)
        if hit is not None and hit[0] == gen:
            return hit[1]
        raw = json.dumps(self.render(rec, view), separators=(",", ":")).encode("utf-8")
        self._json_cache[key] = (gen, raw)
        return raw

    def memo(self, key, fn):
        """``fn(self)``, remembered for the current store generation while ``memo_ok``."""
        if not self.memo_ok:
            return fn(self)
        gen = self.store.generation
        hit = self._memo.get(key)
        if hit is not None and hit[0] == gen:
            return hit[1]
        val = fn(self)
        if len(self._memo) >= MEMO_KEYS:   # keys are made from query strings: keep them bounded
            self._memo.clear()
        self._memo[key] = (gen, val)
        return val

    def invalidate_renderings(self):
        """Forget every cached rendering (called around requests that may change state)."""
        self.store.generation += 1
        if len(self._json_cache) > 4 * len(self.store.objects) + 1024:
            self._json_cache.clear()

    @contextlib.contextmanager
    def handling(self, method, memo=True):
        """The scope of one request's handler, entered under the engine lock: a request that may
        change state invalidates the cached renderings before and after it; a GET handler, which
        changes nothing, may use ``memo`` (unless ``memo=False``)."""
        writes = method != "GET"
        if writes:
            self.invalidate_renderings()
        self.memo_ok = memo and not writes
        try:
            yield
        finally:
            self.memo_ok = False
            if writes:
                self.invalidate_renderings()

    # -- tasks ---------------------------------------------------------------------------------
    def start_task(self, task_type, entity_urn, entity_name="", done=None, fail=None, user=None,
                   request_id=None, duration=None, relate=None):
        """Create a running task; ``done``/``fail`` are ``(handler name, args)`` pairs."""
        now = self.now()
        urn = self.new_urn("tasks")
        tid = urn.rsplit(":", 1)[1]
        data = {
            "urn": urn, "uri": self.uri_of(urn), "type": task_type, "taskType": task_type,
            "taskId": tid, "entityUrn": entity_urn, "entityName": entity_name or "",
            "startTime": fmt_time(now), "localStartTime": int(now * 1000), "localFinishTime": 0,
            "user": user if user is not None else self.username, "status": "running", "progress": 0,
            "reason": "", "reasonDes": "", "cancelable": False, "cancelled": False,
            "isRetry": False, "isRollback": False, "relateTaskIds": list(relate or []),
            "requestId": request_id or self.new_uuid(), "taskFrom": 1, "params": {},
        }
        dur = self.duration(task_type) if duration is None else float(duration)
        sim = {"start": now, "duration": dur, "done": list(done) if done else None,
               "fail": list(fail) if fail else None, "hang": False}
        rec = self.add("tasks", urn, data, sim)
        fault = self.match_task_fault(task_type, entity_urn)
        if fault is not None and fault.get("type") == "task_hang":
            sim["hang"] = True
            sim["hang_progress"] = int(fault.get("at_progress", 50))
            return rec
        if fault is not None and fault.get("type") == "task_fail":
            at = max(0, min(99, int(fault.get("at_progress", 50))))
            sim["fail_at"] = at
            sim["fail_code"] = str(fault.get("errorCode", "10800102"))
            sim["fail_des"] = fault.get("errorDes", "The host returned a failure (injected by vrmsim).")
            due = now + dur * at / 100.0
        else:
            due = now + dur
        self.schedule(due, {"op": "finish_task", "task": urn})
        return rec

    @staticmethod
    def task_ref(task, extra=None):
        out = {"taskUrn": task.urn, "taskUri": task.data["uri"]}
        if extra:
            out.update(extra)
        return out

    def schedule(self, due, payload):
        seq = self.next_id("events")
        self.store.add_event(seq, due, payload)
        return seq

    def finish_task(self, urn):
        task = self.find(urn, "tasks")
        if task is None or task.data["status"] not in ("running", "waiting"):
            return
        sim = task.sim
        now = self.now()
        if "fail_at" in sim:
            self._fail_task(task, VrmError(sim["fail_code"], sim["fail_des"]), progress=sim["fail_at"])
            return
        try:
            if sim.get("done"):
                name, args = sim["done"]
                HANDLERS[name](self, task, **(args or {}))
        except VrmError as err:
            self._fail_task(task, err)
            return
        if task.data["status"] in ("running", "waiting"):
            task.data.update(status="success", progress=100, finishTime=fmt_time(now),
                             localFinishTime=int(now * 1000))
            task.data["costTime"] = str(int(max(0, now - sim["start"])))
            self.touch(task)

    def _fail_task(self, task, err, progress=None):
        now = self.now()
        sim = task.sim
        if sim.get("fail"):
            name, args = sim["fail"]
            try:
                HANDLERS[name](self, task, **(args or {}))
            except VrmError:
                pass
        task.data.update(status="failed", reason=err.code, reasonDes=err.des, finishTime=fmt_time(now),
                         localFinishTime=int(now * 1000),
                         progress=progress if progress is not None else task.data.get("progress", 0))
        task.data["costTime"] = str(int(max(0, now - sim["start"])))
        self.touch(task)
        for fn in ON_TASK_FAILED:
            fn(self, task, err)

    def task_progress(self, task):
        data = task.data
        if data["status"] not in ("running", "waiting"):
            return data.get("progress", 0)
        sim = task.sim
        if sim.get("hang"):
            return sim.get("hang_progress", 50)
        dur = sim.get("duration") or 0
        if dur <= 0:
            return 0
        return max(0, min(99, int((self.now() - sim["start"]) / dur * 100)))

    # -- ticking ------------------------------------------------------------------------------
    def tick(self):
        """Apply every due event in order, then the periodic policies (DRS, DPM)."""
        for _ in range(10000):
            now = self.now()
            due = [(d, s) for s, (d, _p) in self.store.events.items() if d <= now]
            if not due:
                break
            due.sort()
            _d, seq = due[0]
            payload = self.store.events[seq][1]
            self.store.remove_event(seq)
            self.run_event(payload)
        for fn in PERIODIC:
            fn(self)

    def run_event(self, payload):
        op = payload.get("op")
        if op == "finish_task":
            self.finish_task(payload["task"])
        elif op == "call":
            HANDLERS[payload["handler"]](self, None, **payload.get("args", {}))

    # -- faults -------------------------------------------------------------------------------
    def faults(self):
        return list(self.store.meta.get("faults", []))

    def add_fault(self, rule):
        if not isinstance(rule, dict) or not isinstance(rule.get("action"), dict):
            raise VrmError("10000001", "A fault rule needs an action object.")
        kind = rule["action"].get("type")
        if kind not in ("error", "delay", "drop", "lose_answer", "gate", "task_fail", "task_hang", "token_expire"):
            raise VrmError("10000001", "Unknown fault action type %r." % kind)
        _check_fault_rule(rule)
        try:
            re.compile(rule.get("path") or ".*")
        except re.error as exc:
            raise VrmError("10000001", "Invalid path regular expression: %s" % exc)
        rule = dict(rule)
        rule["id"] = str(self.next_id("faults"))
        rule["key"] = self.new_uuid()      # unique even when a restored snapshot hands out an id again
        rule.setdefault("method", "*")
        rule.setdefault("path", ".*")
        rule.setdefault("probability", 1.0)
        rule.setdefault("count", None)
        rule["fired"] = 0
        faults = self.faults()
        faults.append(rule)
        self.store.set_meta("faults", faults)
        return rule

    def delete_fault(self, fid=None):
        faults = [] if fid is None else [f for f in self.faults() if f["id"] != fid]
        if fid is not None and len(faults) == len(self.faults()):
            raise VrmError("10000008", "No fault rule %s." % fid, status=404)
        self.store.set_meta("faults", faults)

    def _match(self, types, method, path, urn):
        faults = self.faults()
        for rule in faults:
            if rule["action"].get("type") not in types:
                continue
            if rule.get("count") is not None and rule["fired"] >= rule["count"]:
                continue
            if rule["method"] not in ("*", method):
                continue
            if path is not None and not re.search(rule["path"], path):
                continue
            if rule.get("object") and rule["object"] != urn and (path is None or rule["object"] not in path):
                continue
            if self.rng.random() > float(rule.get("probability", 1.0)):
                continue
            rule["fired"] += 1
            self.store.set_meta("faults", faults)
            return dict(rule["action"], rule=rule.get("key") or rule["id"])
        return None

    def match_request_fault(self, method, path):
        return self._match(("error", "delay", "drop", "lose_answer", "token_expire"), method, path, None)

    def match_gate(self, method, path):
        return self._match(("gate",), method, path, None)

    def match_task_fault(self, task_type, entity_urn):
        # Task faults match on the request that started the task (method/path of the current
        # request) or on the entity URN given as ``object``.
        method, path = getattr(self._local, "request", (None, None))
        return self._match(("task_fail", "task_hang"), method or "*", path or "", entity_urn)

    _local = threading.local()

    def set_current_request(self, method, path):
        self._local.request = (method, path)

    # -- sessions ------------------------------------------------------------------------------
    IDLE_TIMEOUT = 600.0      # validity 600000 ms, sliding (docs/vrmsim-fidelity.md)
    ABSOLUTE_TTL = 8 * 3600.0

    @staticmethod
    def key_matches(password, key, plain):
        """The login's X-Auth-Key against a password: plain text, or the lower-case hex SHA-256 of it."""
        import hashlib
        if plain:
            return key == password
        return (key or "").lower() == hashlib.sha256(password.encode("utf-8")).hexdigest()

    def login(self, user, key, plain, user_type):
        fields = {"userId": "1", "roleList": ["administrator"]}
        if user != self.username or not self.key_matches(self.password, key, plain):
            fields = next((f for f in (fn(self, user, key, plain, user_type) for fn in AUTHENTICATORS) if f), None)
            if fields is None:
                raise VrmError("10100103", "The user name or password is incorrect.")
        token = uuidlib.uuid4().hex.upper() + "%017X" % self.rng.randrange(16 ** 17)
        token = token[:49]
        now = self.now()
        self.sessions[token] = dict(fields, user=user, created=now, last=now, userType=user_type)
        self._save_sessions()
        return token

    def _save_sessions(self):
        self.store.set_meta("sessions", self.sessions)

    def check_token(self, token):
        sess = self.sessions.get(token) if token else None
        now = self.now()
        if sess is None or now - sess["last"] > self.IDLE_TIMEOUT or now - sess["created"] > self.ABSOLUTE_TTL:
            if sess is not None:
                self.sessions.pop(token, None)
                self._save_sessions()
            raise VrmError("10000002", "The user has not logged in or the session timed out. Log in again.",
                           status=401)
        sess["last"] = now
        return sess

    def logout(self, token):
        self.check_token(token)
        self.sessions.pop(token, None)
        self._save_sessions()

    def expire_token(self, token):
        if token in self.sessions:
            self.sessions.pop(token, None)
            self._save_sessions()

    # -- request log ---------------------------------------------------------------------------
    def log_request(self, method, path, query, status, started, duration_ms):
        self.request_seq += 1
        self.requests.append({"seq": self.request_seq, "time": started, "method": method, "path": path,
                              "query": query, "status": status, "duration_ms": round(duration_ms, 3)})

    def close(self):
        with self.lock:
            self.store.close()
