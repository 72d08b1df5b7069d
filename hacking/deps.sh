#!/usr/bin/env bash
# System packages the tests need beyond Python: Chromium for the vrmsim
# dashboard test. Installed from the distribution when missing and when we
# can (root with apt-get); otherwise the dashboard test reports it as missing.
set -uo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
[[ ${#need[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "installing system packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
    echo "warning: please install these system packages: ${need[*]}" >&2
fi
exit 0
