#!/usr/bin/env bash
# Issue 5's client benchmark: Minato's client (bench_client) listing a 10,000-repository catalog and a
# 100,000-tag repository on minato-registry, against `skopeo list-tags` on the same repository in the same
# run (alternating which goes first), every figure the median of BENCH_RUNS runs. Loopback only.
#
#   bench/client_bench.sh                     # full sizes, 3 runs (~3-5 min on 2 cores, mostly seeding)
#   BENCH_QUICK=1 bench/client_bench.sh       # 1,000 repositories, 10,000 tags, 1 run
#
# Environment: BUILD_DIR (default build; needs bin/minato-registry and bin/bench_client), BENCH_RUNS,
# BENCH_PAGE (the client's page size, default 1000: the largest n distribution accepts; the client caps it
# there), BENCH_REPOS, BENCH_TAGS.
#
# Figures: first page = start() to the first pageReady (in-process, QElapsedTimer); all = to finished();
# process = wall time of the whole bench_client process (start-up included, like skopeo's); peak memory =
# VmHWM (bench_client reads its own; skopeo's is GNU time's %M, the same kernel counter). "baseline" is
# bench_client's VmHWM right after creating the client, before any request: Qt's and the binary's share.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD_DIR="${BUILD_DIR:-build}"
REGISTRY="${MINATO_REGISTRY:-$BUILD_DIR/bin/minato-registry}"
REFERENCE="${REFERENCE_REGISTRY:-/usr/bin/docker-registry}"
BENCH="${BENCH_CLIENT:-$BUILD_DIR/bin/bench_client}"
if [[ "${BENCH_QUICK:-0}" == 1 ]]; then
    RUNS="${BENCH_RUNS:-1}" REPOS="${BENCH_REPOS:-1000}" TAGS="${BENCH_TAGS:-10000}"
else
    RUNS="${BENCH_RUNS:-3}" REPOS="${BENCH_REPOS:-10000}" TAGS="${BENCH_TAGS:-100000}"
fi
PAGE="${BENCH_PAGE:-1000}"
TAG_REPO=bench/tags

for tool in skopeo curl jq python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "client_bench: $tool is missing" >&2; exit 1; }
done
for exe in "$REGISTRY" "$BENCH"; do
    [[ -x "$exe" ]] || { echo "client_bench: $exe not built (ninja -C $BUILD_DIR minato-registry bench_client)" >&2; exit 1; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/client-bench.XXXXXX")"
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]]; then kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    if [[ -n "${REF_PID:-}" ]]; then kill -TERM "$REF_PID" 2>/dev/null || true; wait "$REF_PID" 2>/dev/null || true; fi
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
    echo "client_bench: minato-registry did not start:" >&2
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
SEED_REPOS_S="$(python3 "$HERE/client_seed.py" "$HOST" repos bench "$REPOS")"
if [[ "${BENCH_SEED_TAGS:-files}" == http ]]; then
    SEED_TAGS_S="$(python3 "$HERE/client_seed.py" "$HOST" tags "$TAG_REPO" "$TAGS")"
else
    # One tag over HTTP (blob, manifest, tag), the rest as tag files while the server is stopped: tag PUTs
    # are a few hundred per second here, so 100,000 of them would take minutes.
    started="$(date +%s.%N)"
    python3 "$HERE/client_seed.py" "$HOST" tags "$TAG_REPO" 1 1 >/dev/null
    stop_registry
    python3 "$HERE/client_seed.py" "$WORK/root" tagfiles "$TAG_REPO" "$TAGS" >/dev/null
    start_registry
    SEED_TAGS_S="$(python3 -c "import sys, time; print(f'{time.time() - float(sys.argv[1]):.1f}')" "$started")"
fi
log "seeded in ${SEED_REPOS_S}s + ${SEED_TAGS_S}s"

# The CNCF reference registry with the same tag repository: it ignores n and answers every tag in one
# response, so the client's own cost (one 100,000-tag body, parsed off the GUI thread, handed over in pages)
# is measured there without minato-registry's per-page cost.
REF_PID=""
if [[ -x "$REFERENCE" ]]; then
    REF_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    REF_HOST="127.0.0.1:$REF_PORT"
    printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n' \
        "$WORK/ref-root" "$REF_HOST" >"$WORK/ref.yml"
    "$REFERENCE" serve "$WORK/ref.yml" >"$WORK/ref.log" 2>&1 &
    REF_PID=$!
    for _ in $(seq 1 200); do
        [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://$REF_HOST/v2/" || true)" == 200 ]] && break
        sleep 0.05
    done
    python3 "$HERE/client_seed.py" "$REF_HOST" tags "$TAG_REPO" 1 1 >/dev/null
    python3 "$HERE/client_seed.py" "$WORK/ref-root" tagdirs "$TAG_REPO" "$TAGS" >/dev/null
    log "reference registry seeded with $TAGS tags"
else
    log "no $REFERENCE: the reference registry rows are skipped"
fi

RESULTS="$WORK/results.txt"
: >"$RESULTS"
record() { printf '%s %s\n' "$1" "$2" >>"$RESULTS"; }

# timed OUT_PREFIX CMD…: runs CMD with GNU time; OUT_PREFIX.out = stdout, OUT_PREFIX.time = "seconds maxrss_kib".
timed() {
    local prefix="$1"
    shift
    /usr/bin/time -f '%e %M' -o "$prefix.time" "$@" >"$prefix.out" 2>"$prefix.err" || {
        echo "client_bench: $* failed:" >&2
        cat "$prefix.err" >&2
        exit 1
    }
}

minato_list() { # name args…
    local name="$1"
    shift
    timed "$WORK/$name" "$BENCH" "$@"
    local json expected
    json="$(cat "$WORK/$name.out")"
    record "$name-first-ms" "$(jq -r .first_ms <<<"$json")"
    record "$name-all-ms" "$(jq -r .all_ms <<<"$json")"
    record "$name-pages" "$(jq -r .pages <<<"$json")"
    record "$name-vmhwm-mib" "$(jq -r '.vmhwm_kib / 1024' <<<"$json")"
    record "$name-process-ms" "$(awk '{print $1 * 1000}' "$WORK/$name.time")"
    expected=$((REPOS + 1)) # the catalog also lists the tag repository
    [[ "$name" == tags || "$name" == reftags ]] && expected="$TAGS"
    [[ "$(jq -r .items <<<"$json")" == "$expected" ]] || { echo "client_bench: $name listed $(jq -r .items <<<"$json") of $expected" >&2; exit 1; }
}

skopeo_tags() { # name host
    local name="$1" host="$2"
    timed "$WORK/$name" skopeo list-tags --tls-verify=false "docker://$host/$TAG_REPO"
    local count
    count="$(jq '.Tags | length' "$WORK/$name.out")"
    [[ "$count" == "$TAGS" ]] || { echo "client_bench: skopeo listed $count of $TAGS" >&2; exit 1; }
    record "$name-process-ms" "$(awk '{print $1 * 1000}' "$WORK/$name.time")"
    record "$name-vmhwm-mib" "$(awk '{print $2 / 1024}' "$WORK/$name.time")"
}

timed "$WORK/baseline" "$BENCH" baseline "$BASE"
record baseline-vmhwm-mib "$(jq -r '.vmhwm_kib / 1024' "$WORK/baseline.out")"

for run in $(seq 1 "$RUNS"); do
    log "run $run/$RUNS"
    minato_list catalog catalog "$BASE" "$PAGE"
    if ((run % 2)); then
        minato_list tags tags "$BASE" "$TAG_REPO" "$PAGE"
        skopeo_tags skopeo "$HOST"
    else
        skopeo_tags skopeo "$HOST"
        minato_list tags tags "$BASE" "$TAG_REPO" "$PAGE"
    fi
    if [[ -n "$REF_PID" ]]; then
        if ((run % 2)); then
            minato_list reftags tags "http://$REF_HOST" "$TAG_REPO" "$PAGE"
            skopeo_tags refskopeo "$REF_HOST"
        else
            skopeo_tags refskopeo "$REF_HOST"
            minato_list reftags tags "http://$REF_HOST" "$TAG_REPO" "$PAGE"
        fi
    fi
done
LOAD_END="$(loadavg)"
log "load average at the end: $LOAD_END"

python3 - "$RESULTS" "$REPOS" "$TAGS" "$RUNS" "$PAGE" "$LOAD_START" "$LOAD_END" <<'EOF'
import statistics
import sys
from collections import defaultdict

path, repos, tags, runs, page, load_start, load_end = sys.argv[1:8]
values = defaultdict(list)
for line in open(path):
    key, value = line.split()
    values[key].append(float(value))
med = {k: statistics.median(v) for k, v in values.items()}
raw = {k: " / ".join(f"{x:g}" for x in v) for k, v in values.items()}

def fmt(x):
    return f"{x:.0f}" if x >= 100 else f"{x:.1f}"

print(f"\nclient_bench: {int(repos):,} repositories, {int(tags):,} tags, page size {page}, medians of {runs} run(s)")
print(f"load average: {load_start} at the start, {load_end} at the end\n")
print("| metric | unit | minato client | skopeo list-tags | ratio (skopeo / minato) | raw minato | raw skopeo |")
print("|---|---|---|---|---|---|---|")
rows = [
    ("catalog: first page", "ms", "catalog-first-ms", None),
    ("catalog: all", "ms", "catalog-all-ms", None),
    ("catalog: whole process", "ms", "catalog-process-ms", None),
    ("catalog: peak memory (VmHWM)", "MiB", "catalog-vmhwm-mib", None),
    ("tags: first page", "ms", "tags-first-ms", None),
    ("tags: all", "ms", "tags-all-ms", None),
    ("tags: whole process", "ms", "tags-process-ms", "skopeo-process-ms"),
    ("tags: peak memory (VmHWM)", "MiB", "tags-vmhwm-mib", "skopeo-vmhwm-mib"),
]
if "reftags-all-ms" in med:
    rows += [
        ("reference registry tags: first page", "ms", "reftags-first-ms", None),
        ("reference registry tags: all", "ms", "reftags-all-ms", None),
        ("reference registry tags: whole process", "ms", "reftags-process-ms", "refskopeo-process-ms"),
        ("reference registry tags: peak memory (VmHWM)", "MiB", "reftags-vmhwm-mib", "refskopeo-vmhwm-mib"),
    ]
for label, unit, mine, theirs in rows:
    ratio = f"{med[theirs] / med[mine]:.2f}x" if theirs and med[mine] else "-"
    print(f"| {label} | {unit} | {fmt(med[mine])} | {fmt(med[theirs]) if theirs else '-'} | {ratio} | "
          f"{raw[mine]} | {raw[theirs] if theirs else '-'} |")
print(f"\nbench_client baseline (Qt start-up, no request): {med['baseline-vmhwm-mib']:.1f} MiB VmHWM; "
      f"HTTP pages fetched: catalog {med['catalog-pages']:.0f}, tags {med['tags-pages']:.0f}"
      + (f", reference tags {med['reftags-pages']:.0f}" if "reftags-pages" in med else ""))
EOF
