#!/usr/bin/env bash
# Tests of the nova-compute driver: nova 34 and placement 16 in a cached virtualenv, this package
# installed into it as an operator would (pip install), then the driver tests, the in-process
# nova-conductor + nova-compute + placement harness, and the flow through nova-api, the scheduler and two
# nova-compute services on nova's functional test bed (tests/test_nova_api_flow.py), against vrmsim.
#
#   PYTHON=python3.11 nova_driver/run_tests.sh [pytest arguments]
#
# FC_NOVA_VENV  where the virtualenv lives (default ~/.cache/fusioncompute-nova/venv-<hash of
#               constraints.txt>; a new pin set gets a new virtualenv).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-python3}"
HASH="$(sha256sum "$HERE/constraints.txt" | cut -c1-12)"
VENV="${FC_NOVA_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/fusioncompute-nova/venv-$HASH}"

if [[ ! -f "$VENV/.complete" ]]; then
    echo "nova test virtualenv: creating $VENV (nova, placement, pytest and the test libraries nova.test needs; about a minute)"
    rm -rf "$VENV"
    mkdir -p "$(dirname "$VENV")"
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -c "$HERE/constraints.txt" nova openstack-placement pytest \
        testtools oslotest wsgi-intercept
    touch "$VENV/.complete"
fi

# Install the driver from a copy (symlinks resolved, so the shared error table ships as a file, and
# no build/ or egg-info is left in the checkout).
BUILD="$(mktemp -d "${TMPDIR:-/tmp}/fc-nova-build.XXXXXX")"
trap 'rm -rf "$BUILD"' EXIT
cp -rL "$HERE/pyproject.toml" "$HERE/README.md" "$HERE/fusioncompute_nova" "$HERE/nova_virt_shim" "$BUILD/"
"$VENV/bin/python" -m pip install --quiet --no-deps --force-reinstall "$BUILD"

# The package must be importable the way nova imports it, and publish its options.
"$VENV/bin/python" "$HERE/tests/check_installed.py"

cd "$HERE/tests"
exec "$VENV/bin/python" -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning "$@" .
