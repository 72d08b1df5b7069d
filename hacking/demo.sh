#!/usr/bin/env bash
# make demo: start vrmsim with the demo seed, run playbooks/demo.yml against it,
# show what the playbook made and how long it took, and leave vrmsim (and its
# dashboard) running. `make demo-stop` (or `hacking/demo.sh stop`) stops it.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
DEMO="$ROOT/.demo"
PIDFILE="$DEMO/vrmsim.pid"
export PATH="$VENV/bin:$PATH"

stop_sim() {
    if [[ -f "$PIDFILE" ]]; then
        local pid
        pid="$(cat "$PIDFILE")"
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid"
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -KILL "$pid" 2>/dev/null || true
            echo "vrmsim (pid $pid) stopped"
        fi
        rm -f "$PIDFILE"
    fi
}

if [[ "${1:-}" == "stop" ]]; then
    stop_sim
    exit 0
fi

stop_sim
rm -rf "$DEMO/state" "$DEMO/ready.json"
mkdir -p "$DEMO/state" "$DEMO/collections/ansible_collections/fusioncompute"
ln -sfn "$ROOT" "$DEMO/collections/ansible_collections/fusioncompute/core"

(cd "$ROOT/simulator" && exec setsid "$PY" -m vrmsim serve --state-dir "$DEMO/state" \
    --listen "${VRMSIM_LISTEN:-127.0.0.1:0}" --seed demo --time-mode timed --time-scale 40 \
    --ready-file "$DEMO/ready.json") >"$DEMO/vrmsim.log" 2>&1 </dev/null &
echo $! >"$PIDFILE"
for _ in $(seq 1 300); do
    [[ -s "$DEMO/ready.json" ]] && break
    kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break
    sleep 0.1
done
if [[ ! -s "$DEMO/ready.json" ]]; then
    echo "vrmsim did not start; its log follows" >&2
    cat "$DEMO/vrmsim.log" >&2
    exit 1
fi

eval "$("$PY" "$ROOT/hacking/vrmsim_config.py" "$DEMO/ready.json" --env)"
export ANSIBLE_COLLECTIONS_PATH="$DEMO/collections"
export ANSIBLE_NOCOLOR="${ANSIBLE_NOCOLOR:-0}"
echo "vrmsim is up at $VRMSIM_URL (CA: $FC_CA_PATH)"

"$PY" "$ROOT/hacking/demo_report.py" "$DEMO/ready.json" before "$DEMO/before.json" || exit 1
start=$(date +%s.%N)
ansible-playbook "$ROOT/playbooks/demo.yml"
rc=$?
end=$(date +%s.%N)
"$PY" "$ROOT/hacking/demo_report.py" "$DEMO/ready.json" after "$DEMO/before.json" \
    --start "$start" --end "$end" || rc=1

echo
echo "Dashboard: $VRMSIM_URL/   (the CA is $FC_CA_PATH; browsers will warn, it is self-signed)"
echo "To use it from your shell:  eval \"\$($PY hacking/vrmsim_config.py $DEMO/ready.json --env)\""
echo "Stop it with: make demo-stop"
exit $rc
