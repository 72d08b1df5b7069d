# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TaskWaiter's poll timing against tasks whose progress moves with an injected clock (nothing waits)."""

from __future__ import annotations

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_tasks

URI = "/service/sites/S/tasks/7"


class Task(object):
    """A VRM task that ends ``duration`` seconds after the clock's start; ``progress(t)`` is what VRM shows."""

    def __init__(self, duration, progress):
        self.now = 0.0
        self.duration = duration
        self.progress = progress
        self.polls = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds

    def get(self, path, params=None):
        self.polls.append(self.now)
        if self.now >= self.duration:
            return {"uri": URI, "urn": "urn:sites:S:tasks:7", "status": "success", "progress": 100}
        return {"uri": URI, "urn": "urn:sites:S:tasks:7", "status": "running", "progress": self.progress(self.now)}


def wait(task, max_poll=5.0):
    waiter = fc_tasks.TaskWaiter(task, timeout=600, max_poll=max_poll, sleep=task.sleep, clock=task.clock)
    assert waiter.wait({"taskUri": URI})["status"] == "success"
    return len(task.polls), task.now - task.duration


def test_the_end_of_a_steady_task_is_seen_at_once_without_more_polls():
    """VRM's whole-percent progress of a 43-s deployment: seen ended within half a second (whole percents are
    0.43 s each), in no more polls than the plain back-off (14 polls, 3.2 s late)."""
    polls, late = wait(Task(43.0, lambda t: int(t / 43.0 * 100)))
    plain_polls, plain_late = wait(Task(43.0, lambda t: 0))
    assert (plain_polls, round(plain_late, 1)) == (14, 3.2)
    assert polls <= plain_polls and 0 <= late < 0.5
    polls, late = wait(Task(17.0, lambda t: int(t / 17.0 * 100)))       # a VM start
    assert polls <= 9 and late < 0.2


def test_a_progress_that_stands_still_costs_no_extra_poll():
    """Stuck at 99 % for a minute after a steady start: at most one poll more than the plain back-off."""
    def progress(t):
        return min(99, int(t / 40.0 * 100))
    polls, late = wait(Task(100.0, progress))
    plain_polls, _late = wait(Task(100.0, lambda t: 99))
    assert polls <= plain_polls + 1 and late < 5.0


def test_a_front_loaded_progress_costs_few_extra_polls():
    """Progress that races to 90 % in 5 s and crawls after: an estimate comes early, a poll or two more."""
    def progress(t):
        return int(90 * t / 5.0) if t < 5.0 else min(99, 90 + int((t - 5.0) / 40.0 * 10))
    polls, late = wait(Task(45.0, progress))
    plain_polls, _late = wait(Task(45.0, lambda t: 0))
    assert polls <= plain_polls + 3 and late < 5.0


def test_a_short_task_polls_as_before():
    polls, late = wait(Task(2.5, lambda t: int(t / 2.5 * 100)))
    assert polls <= 5 and late < 0.7
