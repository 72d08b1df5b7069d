"""The route table: every VRM operation vrmsim serves, registered by the resource modules.

``COVERAGE.md`` is generated from this table (``python -m vrmsim coverage``).
"""

import re

from vrmsim.errors import VrmError

ROUTES = []

_PLACEHOLDERS = {
    "site": r"(?P<site>[0-9A-Za-z]+)",
    "vm": r"(?P<vm>i-[0-9A-Fa-f]+)",
}


class Route(object):
    def __init__(self, method, template, fn, auth=True, summary=""):
        self.method = method
        self.template = template
        self.fn = fn
        self.auth = auth
        self.summary = summary or (fn.__doc__ or "").strip().split("\n")[0]

        def repl(m):
            name = m.group(1)
            return _PLACEHOLDERS.get(name, r"(?P<%s>[^/]+)" % name)

        self.regex = re.compile("^" + re.sub(r"\{(\w+)\}", repl, template) + "/?$")


def route(method, template, auth=True, first=False):
    """Register a route; ``first`` puts it ahead of the table, for a literal path that a placeholder route
    registered earlier would otherwise catch (``storageresources/queryiscsisessions`` against
    ``storageresources/{id}``)."""
    def deco(fn):
        rt = Route(method, template, fn, auth=auth)
        if first:
            ROUTES.insert(0, rt)
        else:
            ROUTES.append(rt)
        return fn
    return deco


_MATCHED = {}
_MATCHED_MAX = 20000


def match(method, path):
    """Return ``(route, params)``; raise a not-implemented error when nothing matches.

    Matches are remembered by (method, path): a repeated request skips the scan of the table.
    """
    hit = _MATCHED.get((method, path))
    if hit is not None:
        return hit[0], dict(hit[1])
    rt, params = _scan(method, path)
    if len(_MATCHED) >= _MATCHED_MAX:
        _MATCHED.clear()
    _MATCHED[(method, path)] = (rt, params)
    return rt, dict(params)


def _scan(method, path):
    path_known = False
    for r in ROUTES:
        m = r.regex.match(path)
        if m is None:
            continue
        path_known = True
        if r.method == method:
            return r, m.groupdict()
    if path_known:
        raise VrmError("vrmsim.not_implemented",
                       "vrmsim does not implement %s on %s (the path exists for other methods)." % (method, path),
                       status=405)
    raise VrmError("vrmsim.not_implemented",
                   "vrmsim does not implement %s %s: unknown path." % (method, path), status=404)


class Body(dict):
    """A JSON object of a request body whose field names bind regardless of letter case, as VRM's Java binding
    does (docs/vrmsim-fidelity.md): ``quantityMb`` reads as ``quantityMB``. The exact spelling wins; among
    spellings that differ only in case, the first in the body."""

    def __init__(self, data=()):
        super().__init__((k, wrap(v)) for k, v in dict(data).items())

    def _key(self, key):
        if dict.__contains__(self, key) or not isinstance(key, str):
            return key
        low = key.lower()
        return next((k for k in self if isinstance(k, str) and k.lower() == low), key)

    def __contains__(self, key):
        return dict.__contains__(self, self._key(key))

    def __getitem__(self, key):
        return dict.__getitem__(self, self._key(key))

    def get(self, key, default=None):
        return dict.get(self, self._key(key), default)


def wrap(value):
    """``value`` with every JSON object in it a :class:`Body`."""
    if isinstance(value, dict) and not isinstance(value, Body):
        return Body(value)
    if isinstance(value, list):
        return [wrap(v) for v in value]
    return value


class Request(object):
    """What a handler sees of an HTTP request."""

    def __init__(self, method, path, query, body, headers, params=None):
        self.method = method
        self.path = path
        self.query = query        # dict name -> list of values
        self.body = body          # parsed JSON (dict or list) or None
        self.headers = headers
        self.params = params or {}
        self.session = None

    def q(self, name, default=None):
        vals = self.query.get(name)
        if not vals:
            return default
        return vals[0]

    def qlist(self, name):
        return list(self.query.get(name, []))

    def qint(self, name, default=None, lo=None, hi=None, code="10000001"):
        raw = self.q(name)
        if raw is None or raw == "":
            return default
        try:
            val = int(raw)
        except ValueError:
            raise VrmError(code, "The parameter %s must be an integer." % name)
        if (lo is not None and val < lo) or (hi is not None and val > hi):
            raise VrmError(code, "The parameter %s is out of range." % name)
        return val

    def qbool(self, name, default=None):
        raw = self.q(name)
        if raw is None or raw == "":
            return default
        return raw.lower() in ("1", "true", "yes")

    def json(self):
        """The body as an object (``{}`` when absent)."""
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise VrmError("10000001", "The request body must be a JSON object.")
        if not isinstance(self.body, Body):
            self.body = Body(self.body)
        return self.body
