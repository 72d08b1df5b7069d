#!/usr/bin/env bash
# The whole test suite: what `make test` and CI run.
#
#   1. vrmsim's own pytest suite
#   2. ansible-test sanity (offline pip bootstrap, --requirements)
#   3. ansible-test units
#   4. ansible-test integration against a vrmsim started here
#   4b. every module's EXAMPLES and the inventory plugin's, as written, against a fresh vrmsim each
#       (hacking/run_examples.py)
#   5. ansible-lint on roles and playbooks
#   6. the nova-compute driver's tests on nova 34 (nova_driver/run_tests.sh)
#   6b. the same tests on Debian 12's packaged nova 26, in a test host (nova_driver/run_tests_debian.sh)
#   7. the role scenario on test hosts (tests/roles/run.sh)
#   8. AWX: ansible-runner jobs laid out as AWX lays them out, with the shipped credential type, against vrmsim,
#      and ansible-builder on meta/execution-environment.yml (hacking/awx_test.py)
#
# Every stage runs even when an earlier one failed; the script exits non-zero
# if any stage failed and prints a summary. vrmsim is stopped on exit.
#
# Environment knobs:
#   STAGES="simulator sanity units integration examples lint nova nova-debian roles awx"   stages to run
#   ANSIBLE_TEST_ARGS="..."                             extra ansible-test args
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
STAGES="${STAGES:-simulator sanity units integration examples lint nova nova-debian roles awx}"
ANSIBLE_TEST_ARGS="${ANSIBLE_TEST_ARGS:-}"
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

# --- the collection laid out where ansible-test wants it -------------------
COLL="$WORK/ansible_collections/fusioncompute/core"
mkdir -p "$COLL"
# The simulator, the nova driver and the benchmarks are not part of the built
# collection (galaxy.yml build_ignore); they have test suites of their own.
tar -C "$ROOT" -cf - \
    --exclude=./.git --exclude=./.venv --exclude=./.tmp --exclude=./.demo \
    --exclude=./simulator --exclude=./nova_driver --exclude=./benchmarks --exclude=./hacking \
    --exclude=./tests/output --exclude=./tests/integration/integration_config.yml \
    --exclude='__pycache__' --exclude='*.pyc' --exclude='*.tar.gz' . \
    | tar -C "$COLL" -xf -

# --- offline pip bootstrap for ansible-test ---------------------------------
mkdir -p "$HOME/.ansible/test/cache"
if [[ ! -f "$HOME/.ansible/test/cache/get_pip_24_2.py" ]]; then
    cp "$ROOT/hacking/get_pip_offline.py" "$HOME/.ansible/test/cache/get_pip_24_2.py"
fi

run_simulator_tests() {
    (cd "$ROOT/simulator" && "$PY" -m pytest -q -p no:cacheprovider -n 2 tests)
}

run_sanity() {
    (cd "$COLL" && ansible-test sanity --local --python "$PYVER" --requirements \
        --color no $ANSIBLE_TEST_ARGS)
}

run_units() {
    (cd "$COLL" && ansible-test units --local --python "$PYVER" --requirements \
        --color no $ANSIBLE_TEST_ARGS)
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
    start_vrmsim || return 1
    (cd "$COLL" && ansible-test integration --local --python "$PYVER" --requirements \
        --color no $ANSIBLE_TEST_ARGS)
}

run_lint() {
    local targets=()
    [[ -d "$ROOT/roles" ]] && targets+=(roles)
    [[ -d "$ROOT/playbooks" ]] && targets+=(playbooks)
    if [[ ${#targets[@]} -eq 0 ]]; then
        echo "no roles or playbooks to lint"
        return 1
    fi
    "$PY" "$ROOT/hacking/role_readme.py" --check || return 1
    (cd "$COLL" && ANSIBLE_COLLECTIONS_PATH="$WORK" ansible-lint --offline "${targets[@]}") || return 1
    # Every plugin's and role's documentation as the Ansible docs site renders it (schema, markup, references).
    (cd "$COLL" && ANSIBLE_COLLECTIONS_PATH="$WORK" antsibull-docs lint-collection-docs --plugin-docs \
        --validate-collection-refs all --disallow-unknown-collection-refs .) && echo "antsibull-docs: documentation lints clean"
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

want simulator && stage "vrmsim pytest suite" run_simulator_tests
want sanity && stage "ansible-test sanity" run_sanity
want units && stage "ansible-test units" run_units
want integration && stage "ansible-test integration (vrmsim)" run_integration
want examples && stage "module and inventory EXAMPLES against vrmsim" "$PY" "$ROOT/hacking/run_examples.py"
want lint && stage "ansible-lint, antsibull-docs lint" run_lint
want nova && stage "nova-compute driver" run_nova
want nova-debian && stage "nova-compute driver on Debian's nova" env PYTHON="$PY" "$ROOT/nova_driver/run_tests_debian.sh"
want roles && stage "roles on test hosts" run_roles
want awx && stage "AWX jobs with ansible-runner, execution environment" run_awx

echo
echo "=================== summary ==================="
printf '%s\n' "${RESULTS[@]}"
if [[ $FAILED -ne 0 ]]; then
    echo "make test: FAILED"
    exit 1
fi
echo "make test: all stages passed"
