#!/usr/bin/env bash
# Throughput of `pfa score` as a whole process (start-up, model load, reading, scoring,
# writing) on the diabetes-tree (depth-10 tree) and wine-kmeans examples, with JSON-lines
# and Avro input, 1 and 2 engines, on N records (default 1,000,000) generated in a scratch
# folder under $TMPDIR (removed afterwards). Not a test: it prints numbers.
#
#   bash pfa-cli/benches/score.sh            # N=1000000
#   N=200000 bash pfa-cli/benches/score.sh
#
# Columns: wall-clock records/s, records per CPU-second (user + system, all threads: the
# per-core rate), peak resident memory. Needs GNU time (/usr/bin/time) and python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-1000000}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pfa-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (/usr/bin/time)" >&2; exit 1; }

cargo build --release -p pfa-cli >&2
P=$PWD/target/release/pfa

# N lines cycling through an example's input.
repeat() {
    awk -v n="$N" '{a[NR]=$0} END {for (i = 0; i < n; i++) print a[i % NR + 1]}' "$1" >"$2"
}

# An identity model of a model's input type, to write the inputs as an Avro file.
identity() {
    "$P" inspect --json "$1" | python3 -c '
import json, sys
t = json.load(sys.stdin)["input"]
print(json.dumps({"input": t, "output": t["name"] if isinstance(t, dict) else t, "action": "input"}))'
}

measure() { # label, args...
    local label=$1
    shift
    local out
    out=$( { /usr/bin/time -f "%e %U %S %M" "$P" score "$@" >/dev/null; } 2>&1 | tail -1)
    read -r wall user sys kb <<<"$out"
    python3 -c "
n, wall, cpu, kb = $N, $wall, $user + $sys, $kb
print(f'{\"$label\":<36} {n / wall:>12,.0f} rec/s {n / cpu:>12,.0f} rec/CPU-s {kb / 1024:>7.1f} MiB')"
}

printf '%-36s %18s %22s %11s\n' "N = $N" "wall clock" "per CPU-second" "peak RSS"
for ex in diabetes-tree wine-kmeans; do
    model=examples/$ex/model.pfa
    repeat "examples/$ex/input.jsonl" "$WORK/$ex.jsonl"
    identity "$model" >"$WORK/$ex-identity.json"
    "$P" score "$WORK/$ex-identity.json" "$WORK/$ex.jsonl" -o "$WORK/$ex.avro"
    for fmt in jsonl avro; do
        for n in 1 2; do
            measure "$ex $fmt -n $n" "$model" "$WORK/$ex.$fmt" -n "$n"
        done
    done
    # Model load: `pfa check` as a whole process (start, read, type-check, compile), best
    # of 10.
    python3 - "$P" "$model" <<'PY'
import subprocess, sys, time
best = float("inf")
for _ in range(10):
    t = time.perf_counter()
    subprocess.run([sys.argv[1], "check", sys.argv[2]], check=True, stdout=subprocess.DEVNULL)
    best = min(best, time.perf_counter() - t)
print(f"{sys.argv[2]}: model load (pfa check, whole process) {best * 1e3:.1f} ms")
PY
done
