# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place that waits for VRM tasks."""

from __future__ import annotations

import time

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcApiError, FcError, FcTimeout

FIRST_POLL = 0.2
MAX_POLL = 5.0   # longest pause between polls by default; why 5 s: docs/performance.md (rollout)
RUNNING = ("waiting", "running", "cancelling")


def task_uri(answer):
    """The task URI of an answer (``{taskUri}``), a task URN or URI; ``None`` when there is none."""
    if answer is None:
        return None
    if isinstance(answer, dict):
        if answer.get("taskUri"):
            return answer["taskUri"]
        if answer.get("taskUrn"):
            return urn_to_uri(answer["taskUrn"])
        return None
    if answer.startswith("urn:"):
        return urn_to_uri(answer)
    return answer


def urn_to_uri(urn):
    return "/service/" + "/".join(urn.split(":")[1:])


class TaskWaiter(object):
    """Poll tasks with a backoff from 0.2 s up to ``max_poll`` until they end or ``timeout`` passes.

    When VRM's progress figure moved since the last poll, the next poll comes when the task should end at
    the pace between those two polls, if that is sooner: the end of a steady task is seen within a fraction
    of a second without polling it more often. A progress figure that stands still changes nothing.
    """

    def __init__(self, client, timeout=600, max_poll=MAX_POLL, sleep=time.sleep, clock=time.monotonic):
        self.client = client
        self.timeout = float(timeout)
        self.max_poll = max(FIRST_POLL, float(max_poll or MAX_POLL))
        self.sleep = sleep
        self.clock = clock

    def wait(self, answer, follow_up=False, deadline=None):
        """Wait for the task of ``answer``; return ``{status, progress, duration, task, follow_up}``.

        A failed task raises FcApiError carrying the task's ``reason`` code, its description
        and the task URN; a task still running at the deadline raises FcTimeout.
        ``follow_up``: after success, also wait for tasks VRM started for the same object
        afterwards (``InjectCustomizationTask`` after a deploy).
        """
        uri = task_uri(answer)
        if uri is None:
            return {"status": "success", "progress": 100, "duration": 0.0, "task": None, "follow_up": []}
        start = self.clock()
        deadline = deadline or (start + self.timeout)
        task = self._poll(uri, deadline)
        result = {"status": task.get("status"), "progress": task.get("progress"),
                  "duration": round(self.clock() - start, 3), "task": task, "follow_up": []}
        if follow_up and task.get("entityUrn"):
            seen = {task.get("urn")}
            for _round in range(10):
                pending = self._running_for(task["entityUrn"], seen, task)
                if not pending:
                    break
                for other in pending:
                    seen.add(other["urn"])
                    done = self._poll(other["uri"], deadline)
                    result["follow_up"].append(done)
            result["duration"] = round(self.clock() - start, 3)
        return result

    def _running_for(self, entity_urn, seen, task):
        site_uri = "/".join(task["uri"].split("/")[:4])
        return [t for t in running_tasks(self.client, site_uri, entity_urn, ("running",)) if t.get("urn") not in seen]

    def settle(self, site_uri, entity_urn, deadline=None):
        """Wait for every task running on ``entity_urn`` (an object still being created, changed or
        deleted by an earlier run, another client, or a task that outlived a VRM restart).

        Returns the tasks waited for; a failed one raises FcApiError, one still running at the
        deadline FcTimeout (both naming the task and the object).
        """
        start = self.clock()
        deadline = deadline or (start + self.timeout)
        done = []
        seen = set()
        for _round in range(20):
            pending = [t for t in running_tasks(self.client, site_uri, entity_urn) if t.get("urn") not in seen]
            if not pending:
                break
            for task in pending:
                seen.add(task.get("urn"))
                uri = task.get("uri") or urn_to_uri(task["urn"])
                try:
                    done.append(self._poll(uri, deadline))
                except FcTimeout as exc:
                    raise FcTimeout("%s is not ready: VRM task %s (%s) still runs on it after %s seconds (progress "
                                    "%s%%). Rerun when it has finished, raise timeout, or follow the task with "
                                    "fc_task_info." % (task.get("entityName") or entity_urn, task.get("urn"),
                                                       task.get("type", "?"), int(self.timeout), exc.progress),
                                    task_urn=exc.task_urn, progress=exc.progress)
        return done

    def _poll(self, uri, deadline):
        delay = FIRST_POLL
        last = None     # (time, progress) of the last poll
        while True:
            task = self.client.get(uri) or {}
            status = task.get("status")
            if status == "success":
                return task
            if status == "failed" or (status not in RUNNING and status is not None):
                raise FcApiError("VRM task %s (%s) %s." % (task.get("type", "?"), task.get("entityName") or
                                                           task.get("entityUrn", ""), status or "failed"),
                                 task.get("reason") or None, task.get("reasonDes") or None,
                                 task_urn=task.get("urn"))
            now = self.clock()
            if now >= deadline:
                raise FcTimeout("VRM task %s did not finish within the timeout (status %s, progress %s%%). "
                                "It keeps running on the VRM; raise timeout or check the task with "
                                "fc_task_info." % (task.get("urn", uri), status, task.get("progress")),
                                task_urn=task.get("urn"), progress=task.get("progress"))
            pause = delay
            progress = task.get("progress")
            if isinstance(progress, (int, float)) and not isinstance(progress, bool) and 0 <= progress < 100:
                if last is not None and progress > last[1] and now > last[0]:
                    # The progress moved since the last poll: poll again when, at that pace, the task should
                    # end (never later than the back-off says).
                    pace = (progress - last[1]) / (now - last[0])
                    pause = min(delay, max(FIRST_POLL, (100 - progress) / pace))
                last = (now, progress)
            self.sleep(min(pause, max(0.0, deadline - now)))
            delay = min(self.max_poll, delay * 2)


def running_tasks(client, site_uri, entity_urn, statuses=("waiting", "running")):
    """The tasks of ``entity_urn`` that have not ended (``GET <site>/tasks?entityUrn=&status=``)."""
    out = []
    for status in statuses:
        answer = client.get(site_uri + "/tasks", params={"entityUrn": entity_urn, "status": status}) or {}
        out += [t for t in answer.get("tasks", []) if t.get("entityUrn") == entity_urn]
    return out


def is_task_answer(answer):
    return isinstance(answer, dict) and bool(answer.get("taskUri") or answer.get("taskUrn"))


def task_answer(answer):
    """An answer in the usual ``{taskUrn, taskUri}`` form. The NIC calls FC8DOC answers with ``{error, result,
    returnValue, taskId, uri, urn}`` (online port group change, a NIC's security group) put the task's URN and
    URI in ``urn``/``uri``; they become ``taskUrn``/``taskUri``."""
    if isinstance(answer, dict) and not is_task_answer(answer) and "returnValue" in answer and \
            ":tasks:" in str(answer.get("urn") or ""):
        return dict(answer, taskUrn=answer["urn"], taskUri=answer.get("uri") or urn_to_uri(answer["urn"]))
    return answer


__all__ = ["TaskWaiter", "task_uri", "is_task_answer", "task_answer", "running_tasks", "FcError"]
