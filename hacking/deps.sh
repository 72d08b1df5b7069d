#!/usr/bin/env bash
# System packages the tests need beyond Python, installed from the distribution when missing and when we
# can (root with apt-get); otherwise a warning names them and the test that needs one says so.
#
#   hacking/deps.sh              everything: chromium (the vrmsim dashboard test), python3-venv, shellcheck
#                                (ansible-test's shellcheck sanity test and the lint stage)
#   hacking/deps.sh COMMAND...   only the packages of these commands (hacking/test.sh asks for shellcheck, and
#                                java17 - a JDK 17 - for ansible-rulebook in the eda stage)
set -uo pipefail
# command -> Debian package
declare -A PACKAGE=([chromium]=chromium [shellcheck]=shellcheck)
wanted=("$@")
[[ ${#wanted[@]} -eq 0 ]] && wanted=(chromium shellcheck venv)
need=()
for command in "${wanted[@]}"; do
    if [[ "$command" == venv ]]; then
        python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
    elif [[ "$command" == java17 ]]; then
        compgen -G "/usr/lib/jvm/java-17-openjdk-*/bin/java" >/dev/null || need+=(openjdk-17-jre-headless)
    elif [[ -z "${PACKAGE[$command]:-}" ]]; then
        echo "hacking/deps.sh: no Debian package known for $command" >&2
    else
        command -v "$command" >/dev/null 2>&1 || need+=("${PACKAGE[$command]}")
    fi
done
[[ ${#need[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "installing system packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
    echo "warning: please install these system packages: ${need[*]}" >&2
fi
exit 0
