#!/usr/bin/env bash
# The whole test suite: what `make test` and CI run.
#
#   0. the collection artifact: `ansible-galaxy collection build` of this checkout, checked to stand on its
#      own (hacking/check_artifact.py) and installed; stages 2-5 test that installed tree, not the checkout
#   1. vrmsim's own pytest suite
#   2. ansible-test sanity (offline pip bootstrap, --requirements, with Debian's shellcheck)
#   3. ansible-test units
#      2 and 3 run on the newest claimed ansible-core (the tool virtualenv) and, in parallel with the
#      stages after them, on the oldest (hacking/ansible-oldest.txt, a cached virtualenv); meta/runtime.yml's
#      requires_ansible claims exactly that range
#   4. ansible-test integration against a vrmsim started here
#   4b. every module's EXAMPLES and the inventory plugin's, as written, against a fresh vrmsim each
#       (hacking/run_examples.py)
#   5. ansible-lint on roles and playbooks, antsibull-docs lint, antsibull-changelog lint, shellcheck of
#      every shell script of the repository
#   6. the nova-compute driver's tests on nova 34 (nova_driver/run_tests.sh)
#   6b. the same tests on Debian 12's packaged nova 26, in a test host (nova_driver/run_tests_debian.sh)
#   7. the role scenario on test hosts (tests/roles/run.sh)
#   8. AWX: ansible-runner jobs laid out as AWX lays them out, with the shipped credential type, against vrmsim,
#      and ansible-builder on meta/execution-environment.yml (hacking/awx_test.py)
#   9. Event-Driven Ansible: the real ansible-rulebook (a cached virtualenv from hacking/eda-requirements.txt,
#      Debian's JDK 17) runs extensions/eda/rulebooks/host_failure.yml against vrmsim (hacking/eda_test.py)
#
# Every stage runs even when an earlier one failed; the script exits non-zero
# if any stage failed and prints a summary. vrmsim is stopped on exit.
#
# Environment knobs:
#   STAGES="simulator sanity units integration examples lint nova nova-debian roles awx eda"   stages to run
#   ANSIBLE_TEST_ARGS="..."                             extra ansible-test args (both ansible-core releases)
#   FC_EDA_VENV=DIR                                     virtualenv with ansible-rulebook (default
#                                                       ~/.cache/fusioncompute-eda-<pins hash>)
#   FC_ANSIBLE_OLDEST_VENV=DIR                          virtualenv of the oldest ansible-core (default
#                                                       ~/.cache/fusioncompute-ansible-<version>-<pins hash>)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
STAGES="${STAGES:-simulator sanity units integration examples lint nova nova-debian roles awx eda}"
ANSIBLE_TEST_ARGS="${ANSIBLE_TEST_ARGS:-}"
read -r -a TEST_ARGS <<<"$ANSIBLE_TEST_ARGS"
PYVER="$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"

export PATH="$VENV/bin:$PATH"
export ANSIBLE_NOCOLOR=1
export PY_COLORS=0
unset ANSIBLE_COLLECTIONS_PATH ANSIBLE_COLLECTIONS_PATHS

WORK="$(mktemp -d "${TMPDIR:-/tmp}/fc-test.XXXXXX")"
SIM_PID=""
declare -a RESULTS=()
FAILED=0

cleanup() {
    if [[ -n "${OLDEST_PID:-}" ]]; then
        kill -TERM -- "-$OLDEST_PID" 2>/dev/null
        wait "$OLDEST_PID" 2>/dev/null
    fi
    if [[ -n "$SIM_PID" ]] && kill -0 "$SIM_PID" 2>/dev/null; then
        kill -TERM "$SIM_PID" 2>/dev/null
        for _ in $(seq 1 50); do kill -0 "$SIM_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SIM_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stage() {
    # stage NAME COMMAND...: run a stage, record its result and duration
    local name="$1"; shift
    local start end rc
    echo
    echo "=================== ${name} ==================="
    start=$(date +%s)
    "$@"
    rc=$?
    end=$(date +%s)
    if [[ $rc -eq 0 ]]; then
        RESULTS+=("PASS  ${name} ($((end - start)) s)")
    else
        RESULTS+=("FAIL  ${name} ($((end - start)) s, exit ${rc})")
        FAILED=1
    fi
}

want() { [[ " $STAGES " == *" $1 "* ]]; }

# --- the collection artifact, installed where ansible-test wants it ----------
DIST="$WORK/dist"
TARBALL=""
COLLS="$WORK/collections"                       # installed by the newest ansible-core
COLL="$COLLS/ansible_collections/fusioncompute/core"
OLD_COLLS="$WORK/collections-oldest"            # the same tarball, installed by the oldest
OLD_COLL="$OLD_COLLS/ansible_collections/fusioncompute/core"
OLDEST_PINS="$ROOT/hacking/ansible-oldest.txt"
LOGS="$WORK/logs"
mkdir -p "$LOGS"

build_artifact() {
    # The tarball `ansible-galaxy collection build` makes of this checkout (galaxy.yml's build_ignore
    # decides what ships), checked to stand on its own, installed for the stages that test it.
    mkdir -p "$DIST"
    (cd "$ROOT" && ansible-galaxy collection build --output-path "$DIST" .) || return 1
    TARBALL="$(echo "$DIST"/fusioncompute-core-*.tar.gz)"
    "$PY" "$ROOT/hacking/check_artifact.py" "$TARBALL" || return 1
    ansible-galaxy collection install --force -p "$COLLS" "$TARBALL" 2>&1 | grep -v "is not part of the configured"
    [[ -f "$COLL/MANIFEST.json" ]]
}

need_artifact() {
    [[ -f "$COLL/MANIFEST.json" ]] && return 0
    echo "the collection artifact was not built (see the artifact stage)" >&2
    return 1
}

install_pip_bootstrap() {
    # ansible-test downloads get-pip from the internet to make pip in its virtualenvs; this machine only
    # reaches the package mirrors, so give each ansible-test the offline stand-in under the name it looks for.
    local python="$1" version
    version="$("$python" -c 'import os, re, ansible_test
path = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
print(re.search(r"pip=.([0-9.]+).", open(path).read()).group(1).replace(".", "_"))')" || return 1
    mkdir -p "$HOME/.ansible/test/cache"
    if [[ ! -f "$HOME/.ansible/test/cache/get_pip_$version.py" ]]; then
        cp "$ROOT/hacking/get_pip_offline.py" "$HOME/.ansible/test/cache/get_pip_$version.py"
    fi
}

ensure_shellcheck() {
    # ansible-test's shellcheck sanity test needs Debian's shellcheck; without it the test would be skipped.
    command -v shellcheck >/dev/null 2>&1 || bash "$ROOT/hacking/deps.sh" shellcheck
    command -v shellcheck >/dev/null 2>&1 && return 0
    echo "shellcheck is missing and could not be installed (apt-get as root): install Debian's shellcheck" >&2
    return 1
}

oldest_venv() {
    # A cached virtualenv with the oldest ansible-core, keyed on its pins (a new pin set, a new virtualenv).
    local version hash
    version="$(sed -n 's/^ansible-core==//p' "$OLDEST_PINS")"
    hash="$(sha256sum "$OLDEST_PINS" | cut -c1-12)"
    OLD_VENV="${FC_ANSIBLE_OLDEST_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/fusioncompute-ansible-$version-$hash}"
    if [[ ! -f "$OLD_VENV/.complete" ]]; then
        echo "ansible-core $version virtualenv: creating $OLD_VENV"
        rm -rf "$OLD_VENV"
        mkdir -p "$(dirname "$OLD_VENV")"
        "$PY" -m venv "$OLD_VENV" || return 1
        "$OLD_VENV/bin/python" -m pip install --quiet --upgrade pip || return 1
        "$OLD_VENV/bin/python" -m pip install --quiet -r "$OLDEST_PINS" || return 1
        touch "$OLD_VENV/.complete"
    fi
    install_pip_bootstrap "$OLD_VENV/bin/python"
}

OLDEST_VERSION="$(sed -n 's/^ansible-core==//p' "$OLDEST_PINS")"
OLDEST_PID=""
OLDEST_START=0
declare -a OLDEST_TESTS=()

run_oldest() {
    # ansible-test sanity and/or units (the arguments) with the oldest ansible-core, on the artifact as
    # that ansible-core installs it; each writes $LOGS/oldest-<test>.log and .rc.
    local test start
    if ! oldest_venv >"$LOGS/oldest-venv.log" 2>&1 \
            || ! "$OLD_VENV/bin/ansible-galaxy" collection install --force -p "$OLD_COLLS" "$TARBALL" \
                >>"$LOGS/oldest-venv.log" 2>&1; then
        for test in "$@"; do
            cp "$LOGS/oldest-venv.log" "$LOGS/oldest-$test.log"
            echo 1 >"$LOGS/oldest-$test.rc"
        done
        return
    fi
    for test in "$@"; do
        start=$(date +%s)
        (cd "$OLD_COLL" && PATH="$OLD_VENV/bin:$PATH" ansible-test "$test" --local --python "$PYVER" \
            --requirements --color no "${TEST_ARGS[@]}") >"$LOGS/oldest-$test.log" 2>&1
        echo $? >"$LOGS/oldest-$test.rc"
        echo $(($(date +%s) - start)) >"$LOGS/oldest-$test.seconds"
    done
}

start_oldest() {
    # Runs in the background (its own process group, so that cleanup can stop all of it) while the
    # stages after it go on; finish_oldest reports it.
    OLDEST_TESTS=("$@")
    [[ ${#OLDEST_TESTS[@]} -gt 0 ]] || return 0
    need_artifact || return 1
    echo
    echo "ansible-core $OLDEST_VERSION: ansible-test ${OLDEST_TESTS[*]} started in the background" \
        "(reported before the summary)"
    OLDEST_START=$(date +%s)
    set -m
    run_oldest "${OLDEST_TESTS[@]}" </dev/null &
    OLDEST_PID=$!
    set +m
}

finish_oldest() {
    local test rc seconds waited
    [[ -n "$OLDEST_PID" ]] || return 0
    waited=$(date +%s)
    wait "$OLDEST_PID"
    OLDEST_PID=""
    echo
    echo "ansible-core $OLDEST_VERSION: the background tests took $(($(date +%s) - OLDEST_START)) s," \
        "of which the last $(($(date +%s) - waited)) s after the other stages"
    for test in "${OLDEST_TESTS[@]}"; do
        echo
        echo "=================== ansible-test $test (ansible-core $OLDEST_VERSION, ran in parallel) ==================="
        cat "$LOGS/oldest-$test.log"
        rc="$(cat "$LOGS/oldest-$test.rc" 2>/dev/null || echo 1)"
        seconds="$(cat "$LOGS/oldest-$test.seconds" 2>/dev/null || echo 0)"
        if [[ $rc -eq 0 ]]; then
            RESULTS+=("PASS  ansible-test $test (ansible-core $OLDEST_VERSION) ($seconds s, in parallel)")
        else
            RESULTS+=("FAIL  ansible-test $test (ansible-core $OLDEST_VERSION) ($seconds s, in parallel, exit $rc)")
            FAILED=1
        fi
    done
}

run_simulator_tests() {
    (cd "$ROOT/simulator" && "$PY" -m pytest -q -p no:cacheprovider -n 2 tests)
}

run_sanity() {
    need_artifact || return 1
    (cd "$COLL" && ansible-test sanity --local --python "$PYVER" --requirements \
        --color no "${TEST_ARGS[@]}")
}

run_units() {
    need_artifact || return 1
    (cd "$COLL" && ansible-test units --local --python "$PYVER" --requirements \
        --color no "${TEST_ARGS[@]}")
}

start_vrmsim() {
    local state="$WORK/vrmsim-state" ready="$WORK/vrmsim-ready.json"
    mkdir -p "$state"
    (cd "$ROOT/simulator" && exec "$PY" -m vrmsim serve --state-dir "$state" \
        --listen 127.0.0.1:0 --seed demo --time-mode instant --ready-file "$ready") \
        >"$WORK/vrmsim.log" 2>&1 &
    SIM_PID=$!
    for _ in $(seq 1 300); do
        [[ -s "$ready" ]] && break
        kill -0 "$SIM_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [[ ! -s "$ready" ]]; then
        echo "vrmsim did not become ready; its log:" >&2
        cat "$WORK/vrmsim.log" >&2
        return 1
    fi
    "$PY" "$ROOT/hacking/vrmsim_config.py" "$ready" \
        --integration-config "$COLL/tests/integration/integration_config.yml" \
        --snapshot baseline
}

run_integration() {
    need_artifact || return 1
    start_vrmsim || return 1
    (cd "$COLL" && ansible-test integration --local --python "$PYVER" --requirements \
        --color no "${TEST_ARGS[@]}")
}

shell_scripts() {
    # every shell script of the repository: *.sh and the files whose first line runs a shell
    (cd "$ROOT" || exit 1; git ls-files 2>/dev/null || find . -path ./.git -prune -o -type f -print) | while read -r file; do
        [[ -f "$ROOT/$file" ]] || continue
        if [[ "$file" == *.sh ]] || head -n 1 "$ROOT/$file" | grep -qE '^#!.*[/ ](ba)?sh$'; then
            echo "$ROOT/${file#./}"
        fi
    done
}

run_lint() {
    need_artifact || return 1
    local targets=() scripts=()
    [[ -d "$ROOT/roles" ]] && targets+=(roles)
    [[ -d "$ROOT/playbooks" ]] && targets+=(playbooks)
    if [[ ${#targets[@]} -eq 0 ]]; then
        echo "no roles or playbooks to lint"
        return 1
    fi
    "$PY" "$ROOT/hacking/role_readme.py" --check || return 1
    # ansible-lint's configuration does not ship; the installed tree is linted with the repository's
    cp "$ROOT/.ansible-lint" "$COLL/.ansible-lint"
    (cd "$COLL" && ANSIBLE_COLLECTIONS_PATH="$COLLS" ansible-lint --offline "${targets[@]}") || return 1
    # Every plugin's and role's documentation as the Ansible docs site renders it (schema, markup, references).
    (cd "$COLL" && ANSIBLE_COLLECTIONS_PATH="$COLLS" antsibull-docs lint-collection-docs --plugin-docs \
        --validate-collection-refs all --disallow-unknown-collection-refs .) || return 1
    echo "antsibull-docs: documentation lints clean"
    (cd "$ROOT" && antsibull-changelog lint) || return 1
    echo "antsibull-changelog: changelog and fragments lint clean"
    "$PY" "$ROOT/hacking/check_artifact.py" --fragments "$ROOT/changelogs/fragments" || return 1
    # Every shell script, shipped or not (ansible-test's shellcheck sees only the shipped ones).
    ensure_shellcheck || return 1
    mapfile -t scripts < <(shell_scripts)
    shellcheck -x -P SCRIPTDIR "${scripts[@]}" || return 1
    echo "shellcheck: ${#scripts[@]} shell scripts clean"
}

run_nova() {
    if [[ ! -d "$ROOT/nova_driver" ]]; then
        echo "nova_driver/ is not in this checkout yet (issue 8): nothing to test"
        return 0
    fi
    if [[ ! -x "$ROOT/nova_driver/run_tests.sh" ]]; then
        echo "nova_driver/run_tests.sh is missing" >&2
        return 1
    fi
    PYTHON="$PY" "$ROOT/nova_driver/run_tests.sh"
}

run_roles() {
    if [[ ! -d "$ROOT/roles" ]]; then
        echo "roles/ is not in this checkout yet (issue 7): nothing to test"
        return 0
    fi
    if [[ ! -x "$ROOT/tests/roles/run.sh" ]]; then
        echo "tests/roles/run.sh is missing" >&2
        return 1
    fi
    PYTHON="$PY" "$ROOT/tests/roles/run.sh"
}

run_awx() {
    # ansible-runner and ansible-builder come from requirements-test.txt (make venv installs them)
    if ! "$PY" -c "import ansible_runner, ansible_builder"; then
        echo "ansible-runner or ansible-builder is missing in $VENV: make venv installs them" >&2
        return 1
    fi
    "$PY" "$ROOT/hacking/awx_test.py"
}

run_eda() {
    # ansible-rulebook in a cached virtualenv keyed on its pins; it needs Java 17 (Debian's openjdk-17)
    local pins="$ROOT/hacking/eda-requirements.txt" venv
    venv="${FC_EDA_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/fusioncompute-eda-$(sha256sum "$pins" | cut -c1-12)}"
    bash "$ROOT/hacking/deps.sh" java17 || return 1
    if [[ ! -f "$venv/.complete" ]]; then
        echo "ansible-rulebook virtualenv: creating $venv"
        rm -rf "$venv"
        mkdir -p "$(dirname "$venv")"
        if ! { "$PY" -m venv "$venv" && "$venv/bin/python" -m pip install --quiet --upgrade pip \
                && "$venv/bin/python" -m pip install --quiet -r "$pins"; } >"$LOGS/eda-venv.log" 2>&1; then
            cat "$LOGS/eda-venv.log"
            return 1
        fi
        touch "$venv/.complete"
    fi
    EDA_VENV="$venv" "$PY" "$ROOT/hacking/eda_test.py"
}

want_any() { local name; for name in "$@"; do want "$name" && return 0; done; return 1; }

if want_any sanity units integration lint; then
    stage "collection artifact (build, check, install)" build_artifact
    install_pip_bootstrap "$PY"
fi
want simulator && stage "vrmsim pytest suite" run_simulator_tests
if want sanity && ! ensure_shellcheck; then
    RESULTS+=("FAIL  shellcheck for ansible-test sanity")
    FAILED=1
fi
oldest_tests=()
want sanity && oldest_tests+=(sanity)
want units && oldest_tests+=(units)
if ! start_oldest "${oldest_tests[@]}"; then
    RESULTS+=("FAIL  ansible-core $OLDEST_VERSION (no artifact to test)")
    FAILED=1
fi
NEWEST_VERSION="$("$PY" -c 'from ansible.release import __version__; print(__version__)')"
want sanity && stage "ansible-test sanity (ansible-core $NEWEST_VERSION)" run_sanity
want units && stage "ansible-test units (ansible-core $NEWEST_VERSION)" run_units
want integration && stage "ansible-test integration (vrmsim)" run_integration
want examples && stage "module and inventory EXAMPLES against vrmsim" "$PY" "$ROOT/hacking/run_examples.py"
want lint && stage "ansible-lint, antsibull-docs, antsibull-changelog, shellcheck" run_lint
want nova && stage "nova-compute driver" run_nova
want nova-debian && stage "nova-compute driver on Debian's nova" env PYTHON="$PY" "$ROOT/nova_driver/run_tests_debian.sh"
want roles && stage "roles on test hosts" run_roles
want awx && stage "AWX jobs with ansible-runner, execution environment" run_awx
want eda && stage "Event-Driven Ansible: ansible-rulebook against vrmsim" run_eda
finish_oldest

echo
echo "=================== summary ==================="
printf '%s\n' "${RESULTS[@]}"
if [[ $FAILED -ne 0 ]]; then
    echo "make test: FAILED"
    exit 1
fi
echo "make test: all stages passed"
