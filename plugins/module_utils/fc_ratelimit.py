# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A client-side limit on VRM calls per minute, shared by every process of one user on one controller.

Huawei's interface guide asks third-party systems to keep to at most 300 VRM calls a minute. Each module run
is a process of its own (twenty at once with ``forks: 20``), so the budget lives in a small state file in
the user's temporary directory, one per VRM, read and written under an exclusive ``fcntl`` lock.

The limit is a token bucket: ``burst`` calls may go at once (a tenth of the limit), the rest of the minute's
budget comes back evenly. So any 60 seconds hold at most ``per_minute`` calls. A call that finds the
bucket empty takes the next free slot (the bucket goes below zero, which the next caller sees) and sleeps
until then, outside the lock.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import tempfile
import time

from ansible_collections.fusioncompute.core.plugins.module_utils.fc_errors import FcError

MINUTE = 60.0


class RateLimiter(object):
    """At most ``per_minute`` calls in any minute to the VRM named by ``key``, for every process that uses it.

    ``clock`` gives the time in seconds (the same clock for every process: the wall clock by default),
    ``sleep`` waits; tests inject both. ``directory`` holds the state file (default: the temporary directory,
    which honours TMPDIR).
    """

    def __init__(self, per_minute, key, directory=None, clock=time.time, sleep=time.sleep):
        if isinstance(per_minute, bool) or not isinstance(per_minute, int) or per_minute < 1:
            raise FcError("rate_limit must be a whole number of VRM calls per minute of at least 1, not %r "
                          "(Huawei's guidance is at most 300)." % (per_minute,))
        self.per_minute = per_minute
        self.burst = max(1, per_minute // 10)
        # What comes back per second; burst + a minute of it is the limit (a limit of 1 refills 1 a minute).
        self.refill = max(1, per_minute - self.burst) / MINUTE
        self.clock = clock
        self.sleep = sleep
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        self.path = os.path.join(directory or tempfile.gettempdir(),
                                 "fusioncompute-rate-%s-%s.json" % (os.getuid(), digest))

    def _open(self):
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError as exc:
            hint = " (a symbolic link is refused)" if exc.errno == errno.ELOOP else ""
            raise FcError("The rate_limit state file %s cannot be opened: %s%s. Give TMPDIR a directory of your "
                          "own, or unset rate_limit." % (self.path, exc.strerror or exc, hint))

    def _reserve(self, fd):
        """Take one call from the bucket; return the seconds until its slot."""
        fcntl.flock(fd, fcntl.LOCK_EX)
        now = self.clock()
        raw = os.read(fd, 4096)
        try:
            state = json.loads(raw.decode("utf-8"))
            tokens, stamp = float(state["tokens"]), float(state["stamp"])
        except (ValueError, KeyError, TypeError, AttributeError):
            tokens, stamp = float(self.burst), now      # a new (or damaged) file starts with a full bucket
        tokens = min(float(self.burst), tokens + max(0.0, now - stamp) * self.refill) - 1.0
        data = json.dumps({"tokens": tokens, "stamp": max(now, stamp)}).encode("utf-8")
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, data)
        return 0.0 if tokens >= 0 else -tokens / self.refill

    def acquire(self):
        """Wait until one more call fits in the limit; return the seconds waited."""
        fd = self._open()
        try:
            wait = self._reserve(fd)
        except OSError as exc:   # not the VRM's fault: say so rather than let it pass for a network error
            raise FcError("The rate_limit state file %s cannot be locked or written: %s. Give TMPDIR a local "
                          "directory of your own, or unset rate_limit." % (self.path, exc.strerror or exc))
        finally:
            os.close(fd)     # closing releases the lock
        if wait > 0:
            self.sleep(wait)
        return wait
