#!/usr/bin/env bash
# The driver's tests (the same tests/ as run_tests.sh) on Debian 12's own nova (python3-nova 26.x) and placement,
# in a test host of hacking/testhosts.py: the driver is installed the way the nova_compute role installs it
# with nova_compute_install_method package (into /usr/lib/python3/dist-packages, next to the distribution's
# nova), and the tests run there with the distribution's Python, pytest and a vrmsim of their own.
#
#   PYTHON=.venv/bin/python nova_driver/run_tests_debian.sh [pytest arguments]
#
# Needs root (network namespace, chroot, overlay mount); everything it starts is torn down on exit.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
PY="${PYTHON:-python3}"
if [[ $(id -u) -ne 0 ]]; then
    echo "FAIL: the Debian nova tests need root (network namespace, chroot, overlay mount)" >&2
    exit 1
fi
# shellcheck source=../hacking/testhosts-packages.sh
source "$ROOT/hacking/testhosts-packages.sh"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/fc-nova-debian.XXXXXX")"
cleanup() {
    "$PY" "$ROOT/hacking/testhosts.py" down --state "$WORK/hosts" >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT

"$PY" "$ROOT/hacking/testhosts.py" up --state "$WORK/hosts" debnova >/dev/null || { echo "FAIL: test host" >&2; exit 1; }
read -r NS HOSTROOT < <("$PY" -c 'import json,sys; h=json.load(open(sys.argv[1]))["hosts"][0]; print(h["namespace"], h["root"])' \
    "$WORK/hosts/hosts.json")
mkdir -p "$HOSTROOT/src"
# symlinks resolved: the shared error table ships as a file
cp -rL "$HERE" "$HOSTROOT/src/nova_driver"
cp -r "$ROOT/simulator" "$HOSTROOT/src/simulator"
rm -rf "$HOSTROOT/src/nova_driver/build" "$HOSTROOT/src/nova_driver/"*.egg-info
in_host() { ip netns exec "$NS" chroot "$HOSTROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }
echo "nova $(in_host python3 -c 'import nova.version as v; print(v.version_string())') from Debian's python3-nova"
in_host sh -c 'cd /src/nova_driver && DEB_PYTHON_INSTALL_LAYOUT=deb_system python3 -m pip install --quiet \
    --break-system-packages --no-deps --no-build-isolation --no-index --prefix=/usr . 2>&1 | grep -v "^WARNING: Running pip as"'
in_host python3 /src/nova_driver/tests/check_installed.py /usr/lib/python3/dist-packages/nova/virt/ \
    || { echo "FAIL: the driver is not where nova looks for it" >&2; exit 1; }
in_host sh -c 'cd /src/nova_driver/tests && exec python3 -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning "$@"' \
    pytest "$@"
