#!/usr/bin/env bash
# The GUI benchmark of "desktop app part 1": the real MainWindow (bench_gui, offscreen) against
# minato-registry holding 10,000 repositories and one repository with 100,000 tags. Per run: time to the
# first rows and to all rows (repositories, then tags), the longest event-loop stall (a 5 ms lag probe),
# and per keystroke in the tag and repository filters, narrowing (typing) and widening (backspace), the time
# to the filter being applied and the stall it causes; peak RSS. Every figure is the median of BENCH_RUNS
# runs (each a fresh process); verdicts against the issue's targets. Loopback only.
#
#   bench/gui_bench.sh                    # full sizes, 5 runs (~2-3 min on 2 cores, mostly seeding)
#   BENCH_QUICK=1 bench/gui_bench.sh      # 1,000 repositories, 10,000 tags, 1 run
#
# Environment: BUILD_DIR (default build; needs bin/minato-registry and bin/bench_gui), BENCH_GUI_BIN (another
# bench_gui binary, e.g. one built from an older commit), BENCH_RUNS (5),
# BENCH_REPOS, BENCH_TAGS, BENCH_TAG_FILTER (t-01234), BENCH_REPO_FILTER (r-01234), BENCH_KEEP_JSON=FILE
# (the runs' raw JSON lines are copied there).
#
# Targets: first rows < 300 ms after the first page arrives; no stall > 50 ms; filtering < 30 ms per
# keystroke at 100,000 rows, both ways.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD_DIR="${BUILD_DIR:-build}"
REGISTRY="${MINATO_REGISTRY:-$BUILD_DIR/bin/minato-registry}"
BENCH="${BENCH_GUI_BIN:-$BUILD_DIR/bin/bench_gui}"
if [[ "${BENCH_QUICK:-0}" == 1 ]]; then
    RUNS="${BENCH_RUNS:-1}" REPOS="${BENCH_REPOS:-1000}" TAGS="${BENCH_TAGS:-10000}"
else
    RUNS="${BENCH_RUNS:-5}" REPOS="${BENCH_REPOS:-10000}" TAGS="${BENCH_TAGS:-100000}"
fi
TAG_FILTER="${BENCH_TAG_FILTER:-t-01234}"
REPO_FILTER="${BENCH_REPO_FILTER:-r-01234}"
TAG_REPO=bench/tags

for tool in curl python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "gui_bench: $tool is missing" >&2; exit 1; }
done
for exe in "$REGISTRY" "$BENCH"; do
    [[ -x "$exe" ]] || { echo "gui_bench: $exe not built (cmake --build $BUILD_DIR --target minato-registry bench_gui)" >&2; exit 1; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/gui-bench.XXXXXX")"
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]]; then kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
HOST="127.0.0.1:$PORT"
BASE="http://$HOST"
start_registry() {
    "$REGISTRY" serve --listen "$HOST" --root "$WORK/root" --no-fsync --log-level error >>"$WORK/registry.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 200); do
        [[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/v2/" || true)" == 200 ]] && return 0
        sleep 0.05
    done
    echo "gui_bench: minato-registry did not start:" >&2
    cat "$WORK/registry.log" >&2
    exit 1
}
stop_registry() {
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}
start_registry

LOAD_START="$(loadavg)"
log "load average at start: $LOAD_START ($(nproc) cores)"
log "seeding $REPOS repositories and $TAGS tags on minato-registry (--no-fsync)"
started="$(date +%s.%N)"
python3 "$HERE/client_seed.py" "$HOST" repos bench "$REPOS" >/dev/null
# One tag over HTTP (blob, manifest, tag), the rest as tag files while the server is stopped (client_seed.py).
python3 "$HERE/client_seed.py" "$HOST" tags "$TAG_REPO" 1 1 >/dev/null
stop_registry
python3 "$HERE/client_seed.py" "$WORK/root" tagfiles "$TAG_REPO" "$TAGS" >/dev/null
start_registry
# The server's first walk of the repositories and first read of the tag folder happen here, not in run 1.
curl -sf -o /dev/null "$BASE/v2/_catalog?n=1000"
curl -sf -o /dev/null "$BASE/v2/$TAG_REPO/tags/list?n=1000"
log "seeded in $(python3 -c "import sys, time; print(f'{time.time() - float(sys.argv[1]):.1f}')" "$started") s"

: >"$WORK/runs.jsonl"
for run in $(seq 1 "$RUNS"); do
    log "run $run/$RUNS"
    QT_QPA_PLATFORM=offscreen /usr/bin/time -f '%e %M' -o "$WORK/run.time" \
        "$BENCH" "$BASE" "$TAG_REPO" --tag-filter "$TAG_FILTER" --repo-filter "$REPO_FILTER" \
        >"$WORK/run.out" 2>"$WORK/run.err" || {
        echo "gui_bench: bench_gui failed:" >&2
        cat "$WORK/run.err" >&2
        exit 1
    }
    python3 - "$WORK/run.out" "$WORK/run.time" >>"$WORK/runs.jsonl" <<'EOF'
import json, sys
line = [l for l in open(sys.argv[1]) if l.startswith("{")][-1]
data = json.loads(line)
seconds, maxrss = open(sys.argv[2]).read().split()
data["process_s"] = float(seconds)
data["maxrss_kib"] = int(maxrss)
print(json.dumps(data))
EOF
done
LOAD_END="$(loadavg)"
log "load average at the end: $LOAD_END"
[[ -n "${BENCH_KEEP_JSON:-}" ]] && cp "$WORK/runs.jsonl" "$BENCH_KEEP_JSON"

python3 - "$WORK/runs.jsonl" "$REPOS" "$TAGS" "$LOAD_START" "$LOAD_END" <<'EOF'
import json
import statistics
import sys

path, repos, tags, load_start, load_end = sys.argv[1:6]
runs = [json.loads(l) for l in open(path) if l.strip()]
n = len(runs)

def med(values):
    return statistics.median(values)

def fmt(x):
    return f"{x:.0f}" if abs(x) >= 100 else f"{x:.1f}"

def raw(values):
    return " / ".join(fmt(v) for v in values)

rows = []
verdicts = []

def row(label, unit, values, target=None, limit=None):
    m = med(values)
    result = "-"
    if limit is not None:
        result = "PASS" if m < limit else "FAIL"
        verdicts.append((label, result))
    rows.append((label, unit, fmt(m), raw(values), target or "-", result))
    return m

for key, name, count in (("repositories", "repositories", int(repos) + 1), ("tags", "tags", int(tags))):
    got = [r[key]["rows"] for r in runs]
    if any(g != count for g in got):
        print(f"gui_bench: {name}: listed {got}, expected {count}", file=sys.stderr)
    row(f"{name}: first page received", "ms", [r[key]["first_page_ms"] for r in runs])
    row(f"{name}: first rows painted", "ms", [r[key]["first_rows_ms"] for r in runs])
    row(f"{name}: first rows after the first page", "ms", [r[key]["first_rows_after_page_ms"] for r in runs],
        "< 300", 300)
    row(f"{name}: selecting it (synchronous)", "ms", [r[key]["action_ms"] for r in runs])
    row(f"{name}: all {count:,} listed", "ms", [r[key]["all_ms"] for r in runs])
    if key == "tags":
        row(f"{name}: all sorted (header's sort, on a worker)", "ms", [r[key]["all_sorted_ms"] for r in runs])
    row(f"{name}: all painted", "ms", [r[key]["all_painted_ms"] for r in runs])
    row(f"{name}: longest stall while listing", "ms", [r[key]["max_stall_ms"] for r in runs], "<= 50", 50.01)

for key, name in (("tag_filter", "tag filter"), ("repo_filter", "repository filter")):
    for direction in ("narrowing", "widening"):
        keys = [r[key][direction] for r in runs]
        count = len(keys[0])
        if count == 0:
            continue
        applied = [max(k["applied_ms"] for k in run) for run in keys]
        painted = [max(k["painted_ms"] for k in run) for run in keys]
        stall = [max(k["stall_ms"] for k in run) for run in keys]
        row(f"{name}, {direction}: slowest keystroke to applied", "ms", applied, "< 30", 30)
        row(f"{name}, {direction}: slowest keystroke to painted", "ms", painted)
        row(f"{name}, {direction}: longest stall", "ms", stall, "<= 50", 50.01)

row("peak RSS (VmHWM), window idle before listing", "MiB", [r["vmhwm_baseline_kib"] / 1024 for r in runs])
row("peak RSS (VmHWM), whole run", "MiB", [r["vmhwm_kib"] / 1024 for r in runs])
row("whole process", "s", [r["process_s"] for r in runs])

print(f"\ngui_bench: {int(repos):,} repositories, {int(tags):,} tags, medians of {n} run(s)")
print(f"load average: {load_start} at the start, {load_end} at the end\n")
print("| metric | unit | median | raw | target | result |")
print("|---|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")

for key, name in (("tag_filter", "tag filter"), ("repo_filter", "repository filter")):
    print(f"\n{name}, per keystroke (medians): filter | rows | applied ms | painted ms | stall ms")
    for direction in ("narrowing", "widening"):
        keys = [r[key][direction] for r in runs]
        for i in range(len(keys[0])):
            ks = [run[i] for run in keys]
            label = ks[0]["filter"] or "(empty)"
            print(f"  {direction:9} {label:10} {ks[0]['rows']:>7} {fmt(med([k['applied_ms'] for k in ks])):>7} "
                  f"{fmt(med([k['painted_ms'] for k in ks])):>7} {fmt(med([k['stall_ms'] for k in ks])):>7}")

for key, name in (("repositories", "repositories"), ("tags", "tags")):
    print(f"\n{name}: per run, stalls over 20 ms [ms after the action, ms] and the slowest GUI-thread events "
          "[ms after the action, ms, CPU ms of the GUI thread (less than ms: it waited for a core), receiver and QEvent type "
          "(43 MetaCall: a queued call or signal, 77 UpdateRequest: a paint)]:")
    for i, r in enumerate(runs):
        print(f"  run {i + 1}: stalls {json.dumps(r[key]['long_stalls'])}; events {json.dumps(r[key]['slow_events'][:3])}")

passed = sum(1 for _, v in verdicts if v == "PASS")
print(f"\n{passed} PASS, {len(verdicts) - passed} FAIL" + "".join(f"\n  FAIL {l}" for l, v in verdicts if v == "FAIL"))
EOF
