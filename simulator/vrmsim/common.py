"""Helpers shared by the resource modules: paging, filters, input validation."""

from vrmsim.errors import VrmError
from vrmsim.routes import Body, wrap

MAX_LIMIT = 100


class RawJson(bytes):
    """An answer already encoded as JSON; the server sends it as it is."""


def raw_page(engine, res, key, view):
    """``res`` (from :func:`page`) with its items rendered through the engine's JSON cache."""
    head = '{"total":%d,"%s":[' % (res["total"], key)
    items = b",".join(engine.render_json(rec, view) for rec in res[key])
    return RawJson(head.encode("ascii") + items + b"]}")


def page(items, req, key, required=False, all_when_absent=True, fallback_over_limit=False):
    """Answer ``{"total": n, key: [...]}`` honouring ``limit``/``offset`` (vrm-api.md 6).

    ``required``: limit and offset must be given (volumes, storage resources).
    ``all_when_absent``: neither given -> everything (hosts, datastores); otherwise default 100.
    ``fallback_over_limit``: VM lists answer limit > 100 as limit=100, offset=0 (FC8DOC ch3).
    """
    raw_limit = req.q("limit")
    raw_offset = req.q("offset")
    if required and (raw_limit in (None, "") or raw_offset in (None, "")):
        raise VrmError("10000013", "The parameters limit and offset are required.")
    total = len(items)
    if raw_limit in (None, "") and raw_offset in (None, ""):
        if all_when_absent:
            return {"total": total, key: items}
        limit, offset = MAX_LIMIT, 0
    else:
        offset = req.qint("offset", 0, lo=0, code="10000016")
        limit = req.qint("limit", MAX_LIMIT, code="10000013")
        if limit < 1:
            raise VrmError("10000013", "The parameter limit must be between 1 and 100.")
        if limit > MAX_LIMIT:
            if not fallback_over_limit:
                raise VrmError("10000013", "The parameter limit must be between 1 and 100.")
            limit, offset = MAX_LIMIT, 0
    return {"total": total, key: items[offset:offset + limit]}


def fuzzy(value, needle):
    """VRM name filters are fuzzy and case-insensitive (vrm-api.md 6)."""
    return needle.lower() in (value or "").lower()


def nonempty_filter(req, name):
    """Filters such as ``name`` cannot be empty: an empty value is an error, not "no filter"."""
    if name in req.query:
        val = req.q(name, "")
        if val == "":
            raise VrmError("10000012", "The parameter %s cannot be empty." % name)
        return val
    return None


def as_bool(value, field, default=None):
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise VrmError("10000001", "The field %s must be a boolean." % field)


def as_int(value, field, lo=None, hi=None, default=None, code="10000001"):
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise VrmError(code, "The field %s must be an integer." % field)
    try:
        val = int(value)
    except (TypeError, ValueError, OverflowError):     # OverflowError: 1e400 decodes as infinity
        raise VrmError(code, "The field %s must be an integer." % field)
    if isinstance(value, float) and value != val:
        raise VrmError(code, "The field %s must be an integer." % field)
    if (lo is not None and val < lo) or (hi is not None and val > hi):
        raise VrmError(code, "The field %s must be between %s and %s." % (field, lo, hi))
    return val


MAX_DISK_GB = 65536          # 64 TB, the largest virtualised disk (FC8DOC 10420080)


def disk_size(value, field, code):
    """A disk size in GB, required, from 1 to 64 TB; anything else answers ``code`` (FC8DOC: 10300009 for a VM's
    disk, 10420006 for a volume)."""
    size = as_int(value, field, 1, MAX_DISK_GB, code=code)
    if size is None:
        raise VrmError(code, "The field %s (the disk size in GB) is required." % field)
    return size


def new_size_mb(value, current_gb, not_larger, too_large):
    """The new size of a disk growing in place, in MB: a multiple of 1024 (10420050), larger than ``current_gb``
    (``not_larger``: 10300323 for a VM's disk, 10420038 for a volume), at most 64 TB (``too_large``)."""
    size = as_int(value, "size")
    if size is None:
        raise VrmError("10000001", "The field size (the new size in MB) is required.")
    if size % 1024:
        raise VrmError("10420050", "The size %d MB is not a multiple of 1024." % size)
    if size <= current_gb * 1024:
        raise VrmError(not_larger, "The new size must be larger than the current %d GB." % current_gb)
    if size > MAX_DISK_GB * 1024:
        raise VrmError(too_large, "A disk grows to at most %d GB." % MAX_DISK_GB)
    return size


def as_whole(value, field, lo, hi=None):
    """A JSON whole number from lo to hi (None: no upper bound), taken strictly: no bool, string or float.
    For the control API and fault rules, whose values are stored and used later as they came."""
    if isinstance(value, bool) or not isinstance(value, int) or value < lo or (hi is not None and value > hi):
        raise VrmError("10000001", "The field %s must be a whole number from %s%s." % (
            field, lo, " to %s" % hi if hi is not None else " up"))
    return value


# FC8DOC answers an invalid name with 10000012 and an invalid description with 10000018 everywhere.
STR_CODES = {"name": "10000012", "description": "10000018"}


def as_str(value, field, lo=0, hi=256, default=None, required=False, code=None):
    """A string field; ``code`` (default: STR_CODES, else 10000001) is the answer for a missing, non-string or
    too long value."""
    code = code or STR_CODES.get(field, "10000001")
    if value is None:
        if required:
            raise VrmError(code, "The field %s is required." % field)
        return default
    if not isinstance(value, str):
        raise VrmError(code, "The field %s must be a string." % field)
    if len(value) < lo or len(value) > hi:
        raise VrmError(code, "The field %s must be %d to %d characters long." % (field, lo, hi))
    return value


def obj(value, field):
    """A JSON object of a request, its field names bound regardless of case (routes.Body)."""
    if value is None:
        return Body()
    if not isinstance(value, dict):
        raise VrmError("10000001", "The field %s must be an object." % field)
    return wrap(value)


def lst(value, field):
    if value is None:
        return []
    if not isinstance(value, list):
        raise VrmError("10000001", "The field %s must be a list." % field)
    return value


def site_check(engine, req):
    site = req.params.get("site")
    if site is not None and site != engine.site_id:
        raise VrmError("10000020", "The site %s does not exist." % site)
