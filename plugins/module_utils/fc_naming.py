# -*- coding: utf-8 -*-
# Copyright: fusioncompute.core contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stable snake_case keys for what info modules return (VRM answers are camelCase)."""

from __future__ import annotations

import re

_FIRST = re.compile(r"(.)([A-Z][a-z]+)")
_REST = re.compile(r"([a-z0-9])([A-Z])")


def snake(name):
    """``dataStoreUrns`` -> ``data_store_urns``; ``quantityMB`` -> ``quantity_mb``."""
    s = _FIRST.sub(r"\1_\2", name.replace("MHz", "Mhz"))
    return _REST.sub(r"\1_\2", s).lower()


def snake_keys(value):
    if isinstance(value, dict):
        return {snake(k) if isinstance(k, str) else k: snake_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snake_keys(v) for v in value]
    return value
