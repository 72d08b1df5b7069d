# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared calls-per-minute limit, on an injected clock (no test here waits or measures time)."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.fusioncompute.core.plugins.module_utils import fc_client
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError
from ansible_collections.fusioncompute.core.plugins.module_utils.fc_ratelimit import RateLimiter


class Clock(object):
    """A clock that moves only when someone sleeps (or the test moves it)."""

    def __init__(self, now=1000.0):
        self.now = now
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def limiter(tmp_path, clock, per_minute=300, key="vrm:7443"):
    return RateLimiter(per_minute, key, directory=str(tmp_path), clock=clock, sleep=clock.sleep)


def most_in_a_minute(times):
    """The most calls in any 60 seconds (a window starting at a call)."""
    times = sorted(times)
    best, end = 0, 0
    for start, t in enumerate(times):
        while end < len(times) and times[end] < t + 60.0:
            end += 1
        best = max(best, end - start)
    return best


def test_a_tenth_of_the_limit_goes_at_once_then_calls_are_spaced_evenly(tmp_path):
    clock = Clock()
    lim = limiter(tmp_path, clock)
    waits = [lim.acquire() for call in range(40)]
    assert waits[:30] == [0.0] * 30                    # burst: 300 // 10
    assert clock.slept == pytest.approx([60.0 / 270] * 10)  # then the other 270 of the minute, evenly
    assert clock.now == pytest.approx(1000.0 + 10 * 60.0 / 270)


@pytest.mark.parametrize("per_minute", [300, 60, 7, 1])
def test_no_minute_holds_more_calls_than_the_limit(tmp_path, per_minute):
    clock = Clock()
    lim = limiter(tmp_path, clock, per_minute)
    times = []
    for call in range(per_minute + per_minute // 2 + 5):
        lim.acquire()
        times.append(clock.now)
    assert most_in_a_minute(times) <= per_minute
    # and the limit is used, not undercut: after the burst, each call comes as soon as the budget allows
    assert times[-1] - times[0] == pytest.approx((len(times) - lim.burst) / lim.refill)


def test_processes_share_one_budget_through_the_state_file(tmp_path):
    """Two limiters on the same file stand for two module processes (forks) of one controller."""
    clock = Clock()
    first, second = limiter(tmp_path, clock, 60), limiter(tmp_path, clock, 60)
    for call in range(6):          # the burst of 60 // 10, used up by the first process
        assert first.acquire() == 0.0
    assert second.acquire() == pytest.approx(60.0 / 54)   # the second waits for the next slot


def test_a_waiting_call_reserves_its_slot_for_others_to_see(tmp_path):
    """Callers that find the bucket empty queue up: each waits one slot longer than the one before."""
    clock = Clock()
    procs = [limiter(tmp_path, clock, 60) for call in range(3)]
    for call in range(6):
        procs[0].acquire()
    frozen = Clock(clock.now)           # three processes asking at the same moment, none sleeping yet
    waits = []
    for proc in procs:
        proc.clock, proc.sleep = frozen, lambda s: None
        waits.append(proc.acquire())
    assert waits == pytest.approx([60.0 / 54, 2 * 60.0 / 54, 3 * 60.0 / 54])


def test_the_bucket_refills_with_time_but_not_beyond_the_burst(tmp_path):
    clock = Clock()
    lim = limiter(tmp_path, clock, 600)
    for call in range(60):
        lim.acquire()
    clock.now += 3600.0          # an idle hour gives back the burst (60), no more
    assert [lim.acquire() for call in range(60)] == [0.0] * 60
    assert lim.acquire() > 0


def test_each_vrm_has_its_own_budget(tmp_path):
    clock = Clock()
    a, b = limiter(tmp_path, clock, 10, "vrm-a:7443"), limiter(tmp_path, clock, 10, "vrm-b:7443")
    assert a.acquire() == 0.0 and a.acquire() > 0
    assert b.acquire() == 0.0
    assert a.path != b.path and os.path.dirname(a.path) == str(tmp_path)


def test_the_state_file_is_private_and_a_damaged_one_starts_afresh(tmp_path):
    clock = Clock()
    lim = limiter(tmp_path, clock, 10)
    lim.acquire()
    assert stat.S_IMODE(os.stat(lim.path).st_mode) == 0o600
    assert json.load(open(lim.path))["tokens"] == 0.0
    with open(lim.path, "w") as f:
        f.write("{not json")
    assert lim.acquire() == 0.0
    with open(lim.path, "w") as f:
        f.write('{"tokens": "many"}')
    assert lim.acquire() == 0.0


def test_a_clock_that_runs_back_refills_nothing(tmp_path):
    clock = Clock()
    lim = limiter(tmp_path, clock, 10)
    lim.acquire()
    clock.now -= 500.0
    assert lim.acquire() == pytest.approx(60.0 / 9)


def test_a_symbolic_link_in_place_of_the_state_file_is_refused(tmp_path):
    lim = limiter(tmp_path, Clock(), 10)
    os.symlink(str(tmp_path / "elsewhere"), lim.path)
    with pytest.raises(FcError, match="cannot be opened.*symbolic link"):
        lim.acquire()
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.parametrize("bad", [0, -5, True, 2.5, "300"])
def test_a_limit_that_is_not_a_positive_whole_number_fails(tmp_path, bad):
    with pytest.raises(FcError, match="rate_limit must be a whole number"):
        RateLimiter(bad, "vrm:7443", directory=str(tmp_path))


def test_the_client_asks_the_limiter_before_every_request(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    c = fc_client.FcClient("vrm", token="T", validate_certs=False, rate_limit=120)
    asked = []
    c.limiter.acquire = lambda: asked.append(len(sent)) or 0.0
    sent = []

    def request(method, path, **kwargs):
        sent.append(path)
        return fc_client.FcResponse(200, {}, b"{}")
    c.transport.request = request
    c.get("/service/sites")
    c.get("/service/sites/1/vms")
    assert asked == [0, 1]          # once before each request, before it was sent
    assert os.path.dirname(c.limiter.path) == str(tmp_path)
    assert fc_client.FcClient("vrm", token="T", validate_certs=False).limiter is None


def test_a_state_file_that_cannot_be_locked_fails_naming_it_not_the_vrm(tmp_path, monkeypatch):
    lim = limiter(tmp_path, Clock(), 10)

    def refuse(fd, op):
        raise OSError(37, "No locks available")
    monkeypatch.setattr("fcntl.flock", refuse)
    with pytest.raises(FcError, match="cannot be locked or written: No locks available"):
        lim.acquire()
