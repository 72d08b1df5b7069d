# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module runner and the resource base: find -> desired -> compare -> plan -> apply -> wait.

``changed``, ``diff`` and check mode all come from one plan: a list of steps computed before
anything is sent. In check mode the steps are reported and not run; otherwise they run in order
and each waits for its VRM task.
"""

from __future__ import annotations

import traceback

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_argspec import connection_spec, wait_spec
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_client import FcAnswerLost, FcClient, INSECURE_WARNING
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcApiError, FcError, FcTimeout
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_identity import (
    AmbiguousName, resolve_site, urn_to_uri)
from ansible_collections.fusioncompute.core.plugins.module_utils import fc_race
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_tasks import (
    MAX_POLL, TaskWaiter, is_task_answer, task_answer)


# VRM's limits for every object's name and description (FC8DOC ch3-5: names [1,256], descriptions [0,1024]).
MAX_NAME = 256
MAX_DESCRIPTION = 1024


class FcModule(object):
    """An AnsibleModule with the shared connection/wait options, a client, a site and a task waiter."""

    def __init__(self, argument_spec=None, wait=True, supports_check_mode=True, **kwargs):
        spec = connection_spec()
        if wait:
            spec.update(wait_spec())
        spec.update(argument_spec or {})
        self.module = AnsibleModule(argument_spec=spec, supports_check_mode=supports_check_mode, **kwargs)
        self.params = self.module.params
        self._check_values()
        self.check_mode = self.module.check_mode
        self._client = None
        self._site = None
        self.tasks = []
        self.warnings = []
        self.wrote = False   # a write took effect (or its task still runs): a later failure reports changed
        self.on_create = None   # called with the answer of each POST that names a new object (twin checks)

    def _check_values(self):
        """Empty names, and time limits or poll intervals that cannot work, fail before anything is sent."""
        for name in ("name", "new_name"):
            value = self.params.get(name)
            if isinstance(value, str) and not value.strip():
                self.module.fail_json(msg="%s must not be empty; VRM names are 1 to %d characters." % (name, MAX_NAME))
            if isinstance(value, str) and len(value) > MAX_NAME:
                self.module.fail_json(msg="%s has %d characters; VRM names are 1 to %d characters." % (
                    name, len(value), MAX_NAME))
        value = self.params.get("description")
        if isinstance(value, str) and len(value) > MAX_DESCRIPTION:
            self.module.fail_json(msg="description must be at most %d characters (VRM's limit), not %d." % (
                MAX_DESCRIPTION, len(value)))
        for name, value in sorted(self.params.items()):
            if value is None or not (name == "timeout" or name.endswith("_timeout")) or isinstance(value, bool):
                continue
            if value < 1:
                self.module.fail_json(msg="%s must be at least 1 second, not %s." % (name, value))
        interval = self.params.get("poll_interval")
        if interval is not None and interval <= 0:
            self.module.fail_json(msg="poll_interval must be above 0 seconds, not %s." % interval)

    # -- connection --------------------------------------------------------------------------
    @property
    def client(self):
        if self._client is None:
            p = self.params
            self._client = FcClient(
                host=p["host"], port=p["port"], username=p["username"], password=p["password"], token=p["token"],
                validate_certs=p["validate_certs"], ca_path=p["ca_path"], proxy_url=p["proxy_url"],
                api_timeout=p["api_timeout"], log_file=p["log_file"], check_mode=self.check_mode,
                rate_limit=p["rate_limit"])
            if not p["validate_certs"]:
                self.module.warn(INSECURE_WARNING % self._client.base)
        return self._client

    @property
    def site(self):
        if self._site is None:
            self._site = resolve_site(self.client, self.params.get("site"))
        return self._site

    @property
    def site_uri(self):
        return self.site["uri"]

    def waiter(self):
        return TaskWaiter(self.client, timeout=self.params.get("timeout") or 600,
                          max_poll=self.params.get("poll_interval") or MAX_POLL)

    # -- writes ------------------------------------------------------------------------------
    def call(self, method, path, body=None, params=None, follow_up=False, changes=True):
        """Send a write and wait for its task (when ``wait`` is true); return the answer.

        ``changes=False`` for requests that change no configuration (a storage rescan): a run that fails after
        one still reports no change."""
        answer = task_answer(self.client.request(method, path, params=params, body=body))
        if is_task_answer(answer):
            entry = {"task_urn": answer.get("taskUrn"), "method": method, "path": path}
            if self.params.get("wait", True):
                try:
                    res = self.waiter().wait(answer, follow_up=follow_up)
                except FcTimeout:
                    self.wrote = self.wrote or changes   # the task goes on; a failed task changed nothing
                    raise
                entry.update(status=res["status"], duration=res["duration"])
            else:
                entry["status"] = "running"
            self.tasks.append(entry)
        self.wrote = self.wrote or changes
        if self.on_create is not None and method == "POST" and isinstance(answer, dict) and answer.get("urn"):
            self.on_create(answer)
        return answer

    def warn(self, msg):
        self.warnings.append(msg)
        self.module.warn(msg)

    # -- running -----------------------------------------------------------------------------
    def run(self, fn):
        """Run ``fn()`` (which returns the result dict) and exit; errors fail with the VRM code."""
        try:
            result = fn() or {}
        except FcApiError as exc:
            self._close()
            self.module.fail_json(msg=str(exc), changed=self.wrote, tasks=self.tasks, **exc.to_result())
        except FcTimeout as exc:
            self._close()
            self.module.fail_json(msg=str(exc), changed=self.wrote, task_urn=exc.task_urn, tasks=self.tasks)
        except FcAnswerLost as exc:
            self._close()
            # unless a re-read settled it, a write that may have taken effect counts as a change
            applied = getattr(exc, "applied", None)
            self.module.fail_json(msg=str(exc), changed=self.wrote or applied is not False, tasks=self.tasks,
                                  answer_lost={"method": exc.method, "path": exc.path, "applied": applied})
        except FcError as exc:
            self._close()
            self.module.fail_json(msg=str(exc), changed=self.wrote, tasks=self.tasks)
        except Exception as exc:  # an unexpected bug: show it with its traceback
            self._close()
            self.module.fail_json(msg="Unexpected error: %s" % exc, exception=traceback.format_exc(),
                                  changed=self.wrote, tasks=self.tasks)
        self._close()
        result.setdefault("changed", False)
        if self.tasks:
            result.setdefault("tasks", self.tasks)
        self.module.exit_json(**result)

    def _close(self):
        if self._client is not None:
            try:
                self._client.logout()
            except Exception:
                pass


class _LostRace(Exception):
    """This run's new object lost to an older same-name twin and was removed."""

    def __init__(self, kept, ours):
        self.kept = kept
        self.ours = ours
        super(_LostRace, self).__init__("lost a create race to %s" % kept.get("urn"))


def answer_lost(fc, exc, applied, finding):
    """``exc`` (a write whose answer was lost) completed by what a re-read found; ``applied`` None when the re-read
    cannot tell."""
    fc.wrote = fc.wrote or bool(applied)
    did = {True: "did", False: "did not (yet)", None: "cannot tell whether it did"}[applied]
    out = FcAnswerLost("%s A re-read finds that it %s: %s." % (exc, did, finding), method=exc.method, path=exc.path)
    out.applied = applied
    return out


class Step(object):
    """One planned change: a human description and the function that performs it."""

    def __init__(self, description, fn=None):
        self.description = description
        self.fn = fn


def same(current, wanted):
    """Compare normalised values; a wanted dict only constrains the keys it gives."""
    if isinstance(wanted, dict):
        if not isinstance(current, dict):
            return False
        return all(same(current.get(k), v) for k, v in wanted.items() if v is not None)
    if isinstance(wanted, list):
        if not isinstance(current, list) or len(current) != len(wanted):
            return False
        return all(same(c, w) for c, w in zip(current, wanted))
    return current == wanted


def merge(base, upd):
    out = dict(base)
    for k, v in upd.items():
        if v is None:
            continue
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = v
    return out


class Resource(object):
    """Base of the declarative modules.

    Subclasses implement ``find``, ``view`` (user-facing, normalised fields of a VRM object),
    ``desired`` (the same fields from the options; ``None`` = not managed), ``plan_create``,
    ``plan_update`` and ``plan_delete`` (lists of Step), and may override ``compare`` and
    ``returned``. ``run`` ties them together for ``state: present|absent``.
    """

    kind = "object"

    def __init__(self, fc):
        self.fc = fc
        self.params = fc.params
        self.client = fc.client

    # to implement
    def find(self):
        raise NotImplementedError

    def view(self, obj):
        raise NotImplementedError

    def desired(self):
        raise NotImplementedError

    def plan_create(self, desired):
        raise NotImplementedError

    def plan_update(self, obj, current, changes):
        raise NotImplementedError

    def plan_delete(self, obj):
        raise NotImplementedError

    def validate(self):
        """Check the options before anything is read or changed."""

    def check_create_only(self, obj):
        """Warn where options used only at creation disagree with the existing ``obj``."""

    def compare(self, current, desired):
        """The changes needed: ``{field: wanted}`` for every managed field that differs."""
        return {k: v for k, v in desired.items() if v is not None and not same(current.get(k), v)}

    def returned(self, obj):
        return self.view(obj) if obj is not None else {}

    def diff_create(self, desired):
        """The diff's ``after`` of a creation: what the options ask for."""
        return {k: v for k, v in desired.items() if v is not None}

    def diff_update(self, current, changes):
        """The diff's ``before`` and ``after`` of an update: the changed fields only."""
        before = {k: current.get(k) for k in changes}
        after = {k: (merge(current.get(k), v) if isinstance(v, dict) and isinstance(current.get(k), dict) else v)
                 for k, v in changes.items()}
        return before, after

    def reread(self, obj):
        return self.find()

    def find_exact(self):
        """``find`` by exact name (AmbiguousName when several match); modules whose find may pick the
        first of several override it."""
        return self.find()

    def same_name(self):
        """Every object this module's ``find`` matches by name: more than one after a lost race."""
        try:
            obj = self.find_exact()
        except AmbiguousName as exc:
            return [self.client.get(urn_to_uri(u)) for u in exc.urns]
        return [obj] if obj is not None else []

    def discard(self, obj):
        """Remove ``obj``, which this run made and which lost a race (default: the steps of plan_delete)."""
        for step in self.plan_delete(obj):
            if step.fn is not None:
                step.fn()

    # the engine
    def run(self):
        self.validate()
        state = self.params.get("state", "present")
        obj = self.settle(self.find(), state)
        if state == "absent":
            return self._delete(obj)
        desired = self.desired()
        if obj is None and not self.fc.check_mode:
            # runs of this controller creating the same name take turns; the second finds the first's object
            lock = fc_race.hold(self.fc, self.kind, self.params.get("name") or self.params.get("ip"))
            try:
                obj = self.settle(self.find(), state)
                if obj is None:
                    return self._create(desired)
            finally:
                lock.release()
        if obj is None:
            return self._create(desired)
        return self._update(obj, desired)

    def settle(self, obj, state="present"):
        """``obj`` once the VRM tasks running on it have ended (waited for within ``timeout``).

        An object still being created or changed (by an earlier run that timed out, another client, or a
        task that outlived a VRM restart) is not reported as converged: the module waits for it, or
        fails saying it is not ready.
        """
        if obj is None or not obj.get("urn"):
            return obj
        if self.fc.waiter().settle(self.fc.site_uri, obj["urn"]):
            obj = self.find()
            if obj is None:
                return None
        if state == "present" and str(obj.get("status") or "").lower() == "creating":
            raise FcError("%s %r is not ready: the VRM shows it as %s and no task runs on it (a create that "
                          "stopped half way, or whose task was lost in a VRM restart). Check it in FusionCompute "
                          "and remove it (state=absent) if it stays so."
                          % (self.kind, obj.get("name"), obj.get("status")))
        return obj

    def _delete(self, obj):
        if obj is None:
            return {"changed": False, "diff": {"before": {}, "after": {}}, self.kind: {}}
        steps = self.plan_delete(obj)
        before = self.view(obj)
        diff = {"before": before, "after": {}}
        try:
            self._apply(steps)
        except FcAnswerLost as exc:
            gone = self.find() is None
            raise self._lost(exc, gone, "%s %r is gone" % (self.kind, obj.get("name")) if gone else
                             "%s %r is still there" % (self.kind, obj.get("name")))
        return {"changed": True, "diff": diff, "plan": [s.description for s in steps], self.kind: {}}

    def _create(self, desired):
        steps = self.plan_create(desired)
        after = self.diff_create(desired)
        diff = {"before": {}, "after": after}
        if not self.fc.check_mode:
            self.fc.on_create = self._check_twins
        try:
            self._apply(steps)
        except _LostRace as race:
            # another controller made the same name first: its object stays, ours is gone; converge to it
            out = self._update(race.kept, desired)
            out.update(changed=True, race={"kept": race.kept["urn"], "removed": [race.ours["urn"]]})
            return out
        except FcAnswerLost as exc:
            found = self.same_name()
            raise self._lost(exc, bool(found), "%s %r exists now (%s); rerun to finish it" % (
                self.kind, self.params.get("name"), ", ".join(o.get("urn", "?") for o in found)) if found else
                "no %s named %r exists" % (self.kind, self.params.get("name")))
        except FcApiError as exc:
            # refused because the name was just taken (VRM refuses duplicate DVS and port group names):
            # the object another controller made is the one to converge to
            made = None if self.fc.wrote or exc.task_urn else self.find()
            if made is None:
                raise
            self.fc.warn("Another run created %s %r at the same time as this one; this run uses it." % (
                self.kind, self.params.get("name")))
            return self._update(self.settle(made), desired)
        finally:
            self.fc.on_create = None
        new = None if self.fc.check_mode else self.reread(None)
        out = self.returned(new) if new is not None else after
        return {"changed": True, "diff": diff, "plan": [s.description for s in steps], self.kind: out}

    def _check_twins(self, answer):
        """Right after the create: a same-name twin made by another controller at the same time?

        Every run keeps the oldest and removes only its own object when that is not the oldest.
        """
        twins = self.same_name()
        ours = [t for t in twins if t.get("urn") == answer["urn"]]
        if not ours:
            return          # the POST made something else (a storage resource before its datastore)
        self.fc.on_create = None
        if len(twins) < 2:
            return
        kept = fc_race.oldest(twins)
        others = ", ".join(t["urn"] for t in twins if t["urn"] != answer["urn"])
        if kept["urn"] == answer["urn"]:
            self.fc.warn("Another run created %s %r at the same time as this one (%s). This run's, %s, is the "
                         "oldest and stays; the other run removes its own." % (
                             self.kind, self.params.get("name"), others, kept["urn"]))
            return
        # ours must finish being created before it can be removed
        self.fc.waiter().settle(self.fc.site_uri, answer["urn"])
        self.discard(self.client.get(urn_to_uri(answer["urn"])))
        self.fc.warn("Another run created %s %r at the same time as this one; the oldest, %s, stays. This run "
                     "removed the one it had made, %s."
                     % (self.kind, self.params.get("name"), kept["urn"], answer["urn"]))
        raise _LostRace(kept, ours[0])

    def _lost(self, exc, applied, finding):
        return answer_lost(self.fc, exc, applied, finding)

    def _update(self, obj, desired):
        self.check_create_only(obj)
        current = self.view(obj)
        changes = self.compare(current, desired)
        steps = self.plan_update(obj, current, changes) if changes else []
        if not steps:
            return {"changed": False, "diff": {"before": {}, "after": {}}, self.kind: self.returned(obj)}
        before, after = self.diff_update(current, changes)
        try:
            self._apply(steps)
        except FcAnswerLost as exc:
            now = self.reread(obj)
            left = self.compare(self.view(now), desired) if now is not None else changes
            raise self._lost(exc, left != changes, "%s %r %s" % (
                self.kind, obj.get("name"), "now has the wanted settings" if not left else
                "still differs in %s" % ", ".join(sorted(left))))
        new = obj if self.fc.check_mode else self.reread(obj)
        out = self.returned(new) if new is not None else {}
        if self.fc.check_mode:
            out = merge(out, after)
        return {"changed": True, "diff": {"before": before, "after": after},
                "plan": [s.description for s in steps], self.kind: out}

    def _apply(self, steps):
        if self.fc.check_mode:
            return
        for step in steps:
            if step.fn is not None:
                step.fn()
