#!/usr/bin/env bash
# Issue 3's registry benchmark: minato-registry against the CNCF reference registry (Debian's
# docker-registry 2.8, filesystem storage, delete enabled), both measured in the same run, alternating
# server order from run to run, every figure the median of BENCH_RUNS runs. Loopback only.
#
#   bench/registry_bench.sh                      # full sizes, 3 runs (~15 min on 2 cores)
#   BENCH_QUICK=1 bench/registry_bench.sh        # small sizes, 1 run: a ~2-minute smoke test
#
# Environment: BUILD_DIR (default build; needs bin/minato-registry and bin/bench_sink), BENCH_RUNS (default 3; 1 when
# quick), BENCH_AB_SECS (seconds per requests/s measurement), BENCH_IMAGE_DIR (keep the generated test
# images there and reuse them next time; default: a temp dir removed on exit), BENCH_KEEP_LOGS=DIR
# (copy the server logs there on exit).
#
# Pulls write into tmpfs (/dev/shm; BENCH_PULL_DIR=DIR to choose) so that skopeo's disk does not decide them.
# Rows: skopeo push/pull of a 1 GiB two-layer image and of a 200 x 64 KiB-layer image (each skopeo call
# with its own empty blob-info cache, fresh repository names, fresh data dirs), blob GET with 1 and 8
# parallel curl clients, monolithic curl PUT of 512 MiB, HEAD manifest and tags/list requests/s (ab -k)
# at 1 and 16 connections without and with Basic auth, _catalog at 1,000 repositories, and peak RSS
# (VmHWM, reset through /proc/PID/clear_refs before the 8 parallel GETs); the pushes again into bench_sink (the
# floor), and the pulls and GETs again with `minato-registry --no-sendfile`.
#
# fsync: distribution's filesystem driver fsyncs every blob and metadata file it writes (fileWriter
# Commit/Close call File.Sync), so "minato" (fsync on, the default) is the like-for-like comparison
# and the verdicts use it. "minato --no-fsync" is measured on the write rows for information.
#
# sendfile: "minato" serves blob GETs with sendfile(2) (its default on plain HTTP); the pull and GET rows are
# measured again on the same data with `--no-sendfile` (the buffered copy), in alternating order.
#
# Push floor: bench_sink (bench/bench_sink.cpp, built with the benchmarks) takes a push and drops the bytes —
# no hashing, no disk. skopeo pushing into it is the fastest any registry could be pushed to on this machine:
# "max possible speed-up = reference time / sink time" bounds the push targets. Its CPU use during the 1 GiB push
# is printed, to show that it is not the bottleneck, with skopeo's own CPU time per push.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD_DIR="${BUILD_DIR:-build}"
MINATO="${MINATO_REGISTRY:-$BUILD_DIR/bin/minato-registry}"
SINK="${BENCH_SINK:-$BUILD_DIR/bin/bench_sink}"
REFERENCE="${REFERENCE_REGISTRY:-/usr/bin/docker-registry}"
QUICK="${BENCH_QUICK:-0}"

if [[ "$QUICK" == 1 ]]; then
    RUNS="${BENCH_RUNS:-1}"
    BIG_LAYER=$((32 << 20)) SMALL_COUNT=40 PUT_BYTES=$((64 << 20)) CATALOG_REPOS=100
    AB_SECS="${BENCH_AB_SECS:-1}"
else
    RUNS="${BENCH_RUNS:-3}"
    BIG_LAYER=$((512 << 20)) SMALL_COUNT=200 PUT_BYTES=$((512 << 20)) CATALOG_REPOS=1000
    AB_SECS="${BENCH_AB_SECS:-3}"
fi
SMALL_LAYER=$((64 << 10))
PARALLEL_GETS=8
OCI_MANIFEST=application/vnd.oci.image.manifest.v1+json
AUTH_USER=bench AUTH_PASS=bench-password

for tool in skopeo curl jq python3 ab htpasswd "$REFERENCE"; do
    command -v "$tool" >/dev/null || { echo "registry_bench: $tool is missing (make deps)" >&2; exit 1; }
done
[[ -x "$MINATO" ]] || { echo "registry_bench: $MINATO not built (ninja -C $BUILD_DIR minato-registry)" >&2; exit 1; }
MINATO="$(realpath "$MINATO")"
[[ -x "$SINK" ]] || { echo "registry_bench: $SINK not built (ninja -C $BUILD_DIR bench_sink)" >&2; exit 1; }
SINK="$(realpath "$SINK")"
if ! "$MINATO" --help 2>/dev/null | grep -q -- --no-sendfile; then
    echo "registry_bench: $MINATO has no --no-sendfile option (rebuild it)" >&2
    exit 1
fi
HAVE_HTPASSWD=0
if "$MINATO" --help 2>/dev/null | grep -q -- --htpasswd; then HAVE_HTPASSWD=1; fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/registry-bench.XXXXXX")"
PULL_DIR="${BENCH_PULL_DIR:-$WORK}"
if [[ -z "${BENCH_PULL_DIR:-}" && -d /dev/shm && -w /dev/shm ]]; then
    PULL_DIR="$(mktemp -d /dev/shm/registry-bench-pull.XXXXXX)"
fi
RESULTS="$WORK/results.txt"
NOTES="$WORK/notes.txt"
: >"$RESULTS"
: >"$NOTES"
mkdir -p "$WORK/logs"
SERVER_PID="" SERVER_PORT="" SERVER_KIND="" READ_HWM=0

cleanup() {
    stop_server || true
    if [[ -n "${BENCH_KEEP_LOGS:-}" ]]; then mkdir -p "$BENCH_KEEP_LOGS" && cp -r "$WORK/logs/." "$BENCH_KEEP_LOGS/" || true; fi
    rm -rf "$WORK"
    if [[ "$PULL_DIR" == /dev/shm/registry-bench-pull.* ]]; then rm -rf "$PULL_DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
note() { printf '%s\n' "$*" >>"$NOTES"; log "NOTE: $*"; }
record() { printf '%s %s %s\n' "$1" "$2" "$3" >>"$RESULTS"; }  # metric server value
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.4f}')" "$1" "$2"; }
rate_mb() { python3 -c "import sys; print(f'{float(sys.argv[1]) / 1e6 / float(sys.argv[2]):.1f}')" "$1" "$2"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$SERVER_PID/status"; }
CLK_TCK="$(getconf CLK_TCK)"
# CPU ticks (user + system) of the server process, and of this shell's waited-for children (skopeo).
server_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
child_ticks() { awk '{print $16 + $17}' "/proc/$$/stat"; }

# ---- servers -----------------------------------------------------------------------------------------
# start_server KIND NAME ROOT [auth]. KIND: minato | minato-nofsync | minato-nosendfile | reference | sink.
start_server() {
    local kind="$1" name="$2" root="$3" auth="${4:-}"
    SERVER_PORT="$(free_port)"
    local logf="$WORK/logs/$name.log"
    mkdir -p "$root"
    case "$kind" in
        sink)
            "$SINK" "$SERVER_PORT" >>"$logf" 2>&1 &
            ;;
        minato|minato-nofsync|minato-nosendfile)
            local args=(serve --listen "127.0.0.1:$SERVER_PORT" --root "$root" --log-level error)
            if [[ "$kind" == minato-nofsync ]]; then args+=(--no-fsync); fi
            if [[ "$kind" == minato-nosendfile ]]; then args+=(--no-sendfile); fi
            if [[ -n "$auth" ]]; then args+=(--htpasswd "$WORK/htpasswd"); fi
            "$MINATO" "${args[@]}" >>"$logf" 2>&1 &
            ;;
        reference)
            local cfg="$WORK/$name.yml"
            {
                printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n'
                printf 'storage:\n  cache:\n    blobdescriptor: inmemory\n  filesystem:\n    rootdirectory: %s\n' "$root"
                printf '  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:%s\n' "$SERVER_PORT"
                if [[ -n "$auth" ]]; then printf 'auth:\n  htpasswd:\n    realm: bench\n    path: %s\n' "$WORK/htpasswd"; fi
            } >"$cfg"
            "$REFERENCE" serve "$cfg" >>"$logf" 2>&1 &
            ;;
    esac
    SERVER_PID=$!
    SERVER_KIND="$kind"
    local code
    for _ in $(seq 1 200); do
        code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SERVER_PORT/v2/" || true)"
        [[ "$code" == 200 || "$code" == 401 ]] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    echo "registry_bench: $name did not start; log:" >&2
    tail -20 "$logf" >&2
    exit 1
}

stop_server() {
    [[ -n "$SERVER_PID" ]] || return 0
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

alive_or_note() { # name what
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        note "$1: server process died during $2; log tail: $(tail -5 "$WORK/logs/$1.log" | tr '\n' ' ')"
        return 1
    fi
}

# ---- measurements ------------------------------------------------------------------------------------
# skopeo with a private, empty blob-info cache per call (otherwise it may mount instead of upload).
skopeo_fresh() {
    local cache
    cache="$(mktemp -d "$WORK/skopeo-cache.XXXXXX")"
    _CONTAINERS_ROOTLESS_UID=65534 XDG_DATA_HOME="$cache" skopeo "$@"
    local rc=$?
    rm -rf "$cache"
    return $rc
}

timed_skopeo() { # metric server name skopeo-args...
    local metric="$1" server="$2" name="$3"
    shift 3
    local t0 t1 c0 c1 s0 s1 err="$WORK/skopeo.err"
    c0="$(child_ticks)" s0="$(server_ticks)"
    t0="$(now)"
    if skopeo_fresh copy --quiet "$@" 2>"$err"; then
        t1="$(now)"
        c1="$(child_ticks)" s1="$(server_ticks)"
        record "$metric" "$server" "$(elapsed "$t0" "$t1")"
        # CPU seconds of skopeo (this shell's children in between: skopeo, mktemp, rm) and of the server.
        record "cpu_$metric" "$server" "$(python3 -c "print(($c1 - $c0) / $CLK_TCK)")"
        record "srvcpu_$metric" "$server" "$(python3 -c "print(($s1 - $s0) / $CLK_TCK)")"
    else
        note "$name: $metric failed: $(tail -3 "$err" | tr '\n' ' ')"
        alive_or_note "$name" "$metric" || true
    fi
}

blob_get() { # metric server name repo digest bytes clients
    local metric="$1" server="$2" name="$3" repo="$4" digest="$5" bytes="$6" clients="$7"
    local url="http://127.0.0.1:$SERVER_PORT/v2/$repo/blobs/$digest" t0 t1 i ok=1 pids=()
    t0="$(now)"
    for i in $(seq 1 "$clients"); do
        curl -s -o /dev/null -w '%{http_code} %{size_download}\n' "$url" >"$WORK/get.$i" 2>&1 &
        pids+=($!)
    done
    wait "${pids[@]}" 2>/dev/null || true
    t1="$(now)"
    for i in $(seq 1 "$clients"); do
        if [[ "$(cat "$WORK/get.$i")" != "200 $bytes" ]]; then
            ok=0
            note "$name: $metric client $i got '$(cat "$WORK/get.$i")' (expected '200 $bytes')"
        fi
    done
    if ((ok)); then record "$metric" "$server" "$(rate_mb $((bytes * clients)) "$(elapsed "$t0" "$t1")")"; fi
}

monolithic_put() { # metric server name repo file digest
    local metric="$1" server="$2" name="$3" repo="$4" file="$5" digest="$6"
    local bytes location sep t0 t1 code
    bytes="$(stat -c %s "$file")"
    location="$(curl -s -o /dev/null -D - -X POST "http://127.0.0.1:$SERVER_PORT/v2/$repo/blobs/uploads/" |
        tr -d '\r' | awk 'tolower($1) == "location:" {print $2}')"
    [[ "$location" == http* ]] || location="http://127.0.0.1:$SERVER_PORT$location"
    [[ "$location" == *\?* ]] && sep='&' || sep='?'
    t0="$(now)"
    code="$(curl -s -o "$WORK/put.out" -w '%{http_code}' -X PUT -H 'Expect:' \
        -H 'Content-Type: application/octet-stream' --data-binary "@$file" "$location${sep}digest=$digest" 2>&1 || true)"
    t1="$(now)"
    if [[ "$code" == 201 ]]; then
        record "$metric" "$server" "$(rate_mb "$bytes" "$(elapsed "$t0" "$t1")")"
    else
        note "$name: $metric answered '$code': $(head -c 300 "$WORK/put.out" 2>/dev/null)"
        alive_or_note "$name" "$metric" || true
    fi
}

# ab_rate metric server name conns url [ab-args...]: requests/s over BENCH_AB_SECS with keep-alive.
ab_rate() {
    local metric="$1" server="$2" name="$3" conns="$4" url="$5"
    shift 5
    local out="$WORK/ab.out" rps failed non2xx
    if ! ab -q -k -t "$AB_SECS" -n 10000000 -c "$conns" "$@" "$url" >"$out" 2>&1; then
        note "$name: $metric: ab failed: $(tail -3 "$out" | tr '\n' ' ')"
        alive_or_note "$name" "$metric" || true
        return 0
    fi
    rps="$(awk '/^Requests per second:/ {print $4}' "$out")"
    failed="$(awk '/^Failed requests:/ {print $3}' "$out")"
    non2xx="$(awk '/^Non-2xx responses:/ {print $3}' "$out")"
    if [[ "${failed:-0}" != 0 || -n "$non2xx" ]]; then
        note "$name: $metric: ${failed:-0} failed and ${non2xx:-0} non-2xx of $(awk '/^Complete requests:/ {print $3}' "$out") requests"
        return 0
    fi
    record "$metric" "$server" "$rps"
}

# ---- test data ---------------------------------------------------------------------------------------
IMAGES="${BENCH_IMAGE_DIR:-$WORK/images}"
mkdir -p "$IMAGES"
SIZE_TAG="$((BIG_LAYER >> 20))m-${SMALL_COUNT}-gz"
BIG="$IMAGES/big-$SIZE_TAG" SMALL="$IMAGES/small-$SIZE_TAG" PUT_FILE="$IMAGES/put-$((PUT_BYTES >> 20))m.bin"
t0="$(now)"
if [[ ! -f "$BIG/index.json" ]]; then
    rm -rf "$BIG"
    python3 "$HERE/gen_oci_image.py" "$BIG" v1 2 "$BIG_LAYER" >"$BIG.first"
fi
if [[ ! -f "$SMALL/index.json" ]]; then
    rm -rf "$SMALL"
    python3 "$HERE/gen_oci_image.py" "$SMALL" v1 "$SMALL_COUNT" "$SMALL_LAYER" >"$SMALL.first"
fi
if [[ ! -f "$PUT_FILE.sha256" ]]; then
    head -c "$PUT_BYTES" /dev/urandom >"$PUT_FILE"
    sha256sum "$PUT_FILE" | awk '{print "sha256:" $1}' >"$PUT_FILE.sha256"
fi
GET_DIGEST="$(cat "$BIG.first")"
GET_BYTES="$(stat -c %s "$BIG/blobs/sha256/${GET_DIGEST#sha256:}")"
PUT_DIGEST="$(cat "$PUT_FILE.sha256")"
BIG_BYTES="$(du -sb "$BIG/blobs" | cut -f1)"
log "test images ready in $(elapsed "$t0" "$(now)") s: big $((BIG_BYTES >> 20)) MiB, small $SMALL_COUNT x 64 KiB, PUT $((PUT_BYTES >> 20)) MiB"
htpasswd -Bbc "$WORK/htpasswd" "$AUTH_USER" "$AUTH_PASS" 2>/dev/null

# ---- sessions ----------------------------------------------------------------------------------------
# Data session (fresh root): push, pull, blob GET, PUT, RSS. The --no-fsync variant only does the writes.
data_session() { # kind run
    local kind="$1" run="$2" name="$1-data-$2"
    local root="$WORK/root-$name"
    log "run $run: $kind: pushes, pulls, blob GETs, PUT"
    start_server "$kind" "$name" "$root"
    local reg="127.0.0.1:$SERVER_PORT"
    timed_skopeo push_big "$kind" "$name" --dest-tls-verify=false "oci:$BIG:v1" "docker://$reg/bench/big:v1"
    timed_skopeo push_small "$kind" "$name" --dest-tls-verify=false "oci:$SMALL:v1" "docker://$reg/bench/small:v1"
    monolithic_put put "$kind" "$name" bench/put "$PUT_FILE" "$PUT_DIGEST"
    if [[ "$kind" != minato-nofsync ]]; then
        # Pulls land in memory (tmpfs) when there is one: skopeo's own disk writes of a 1 GiB pull hit the
        # kernel's dirty-page throttling at random and made pull times bimodal (4.4 s or 7.1 s for the same
        # server), which measured the disk, not the registry.
        # minato: the reads twice on the same data, with sendfile (the default) and --no-sendfile, the order
        # alternating from run to run; the server restarts on the same root between the two.
        local variants=("$kind") variant peak=0 hwm
        if [[ "$kind" == minato ]]; then
            if ((run % 2)); then variants=(minato minato-nosendfile); else variants=(minato-nosendfile minato); fi
        fi
        for variant in "${variants[@]}"; do
            if [[ "$variant" != "$SERVER_KIND" ]]; then
                if [[ "$SERVER_KIND" != minato-nosendfile ]]; then hwm="$(kib VmHWM)"; peak=$((hwm > peak ? hwm : peak)); fi
                stop_server
                start_server "$variant" "$name-$variant" "$root"
                reg="127.0.0.1:$SERVER_PORT"
            fi
            read_rows "$variant" "$name" "$reg"
            if [[ "$variant" != minato-nosendfile ]]; then
                hwm="$(kib VmHWM)"
                peak=$((READ_HWM > peak ? READ_HWM : peak)) peak=$((hwm > peak ? hwm : peak))
            fi
        done
        record rss_peak "$kind" "$((peak / 1024))"
    fi
    stop_server
    rm -rf "$root"
}

# The read rows on the running server, recorded as KIND: skopeo pulls, then blob GETs with 1 and 8 clients.
read_rows() { # kind name registry
    local kind="$1" name="$2" reg="$3" pulled="$PULL_DIR/pulled-$2"
    rm -rf "$pulled"
    timed_skopeo pull_big "$kind" "$name" --src-tls-verify=false "docker://$reg/bench/big:v1" "dir:$pulled"
    rm -rf "$pulled"
    timed_skopeo pull_small "$kind" "$name" --src-tls-verify=false "docker://$reg/bench/small:v1" "dir:$pulled"
    rm -rf "$pulled"
    blob_get get1 "$kind" "$name" bench/big "$GET_DIGEST" "$GET_BYTES" 1
    READ_HWM="$(kib VmHWM)" # the peak so far, before the reset
    if ! echo 5 >"/proc/$SERVER_PID/clear_refs" 2>/dev/null; then
        note "cannot reset VmHWM (/proc/PID/clear_refs); rss_get8 is the lifetime peak"
    fi
    blob_get get8 "$kind" "$name" bench/big "$GET_DIGEST" "$GET_BYTES" "$PARALLEL_GETS"
    alive_or_note "$name" get8 && record rss_get8 "$kind" "$(($(kib VmHWM) / 1024))"
}

# Push floor: the same pushes into bench_sink, which drops the bytes (its CPU time is recorded by timed_skopeo).
sink_session() { # run
    local run="$1" name="sink-$1"
    log "run $run: sink: pushes into bench_sink (the floor)"
    start_server sink "$name" "$WORK/root-$name"
    local reg="127.0.0.1:$SERVER_PORT"
    timed_skopeo push_big sink "$name" --dest-tls-verify=false "oci:$BIG:v1" "docker://$reg/bench/big:v1"
    timed_skopeo push_small sink "$name" --dest-tls-verify=false "oci:$SMALL:v1" "docker://$reg/bench/small:v1"
    stop_server
    rm -rf "$WORK/root-$name"
}

# Small-request session on a persistent root seeded once with CATALOG_REPOS tiny images.
meta_session() { # kind run auth
    local kind="$1" run="$2" auth="${3:-}" name="$1-meta${3:-}-$2"
    local root="$WORK/meta-$kind" sfx=""
    if [[ ! -f "$root.seeded" ]]; then
        log "$kind: seeding $CATALOG_REPOS repositories for _catalog (once, not timed)"
        start_server "$kind" "$kind-seed" "$root"
        local shards=4 s pids=()
        for s in $(seq 0 $((shards - 1))); do
            python3 "$HERE/registry_seed.py" "127.0.0.1:$SERVER_PORT" "cat$s" $((CATALOG_REPOS / shards)) &
            pids+=($!)
        done
        for s in "${pids[@]}"; do wait "$s" || { echo "registry_bench: seeding $kind failed" >&2; exit 1; }; done
        stop_server
        touch "$root.seeded"
    fi
    log "run $run: $kind: HEAD manifest / tags/list$([[ -n "$auth" ]] && echo " (Basic auth)" || echo " / _catalog")"
    start_server "$kind" "$name" "$root" "$auth"
    local base="http://127.0.0.1:$SERVER_PORT/v2" args=()
    if [[ -n "$auth" ]]; then sfx=_auth args=(-A "$AUTH_USER:$AUTH_PASS"); fi
    local c
    for c in 1 16; do
        ab_rate "head${sfx}_c$c" "$kind" "$name" "$c" "$base/cat0-0/manifests/v1" -i -H "Accept: $OCI_MANIFEST" "${args[@]}"
        ab_rate "tags${sfx}_c$c" "$kind" "$name" "$c" "$base/cat0-0/tags/list" "${args[@]}"
    done
    if [[ -z "$auth" ]]; then
        local count
        count="$(curl -s "$base/_catalog?n=$CATALOG_REPOS" | jq '.repositories | length')"
        [[ "$count" == "$CATALOG_REPOS" ]] || note "$name: _catalog?n=$CATALOG_REPOS returned $count repositories"
        ab_rate catalog "$kind" "$name" 1 "$base/_catalog?n=$CATALOG_REPOS"
    fi
    stop_server
}

T_START="$(now)"
log "$RUNS run(s); minato: $MINATO; reference: $REFERENCE ($(dpkg-query -W -f '${Version}' docker-registry 2>/dev/null || echo '?'))"
log "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
LOADS=("$(cut -d' ' -f1 /proc/loadavg)")
for run in $(seq 1 "$RUNS"); do
    if ((run % 2)); then order=(minato reference minato-nofsync sink); else order=(sink reference minato-nofsync minato); fi
    for kind in "${order[@]}"; do
        if [[ "$kind" == sink ]]; then sink_session "$run"; else data_session "$kind" "$run"; fi
    done
    if ((run % 2)); then order=(minato reference); else order=(reference minato); fi
    for kind in "${order[@]}"; do meta_session "$kind" "$run"; done
    for kind in "${order[@]}"; do
        if [[ "$kind" == minato && "$HAVE_HTPASSWD" == 0 ]]; then continue; fi
        meta_session "$kind" "$run" auth
    done
    LOADS+=("$(cut -d' ' -f1 /proc/loadavg)")
done
[[ "$HAVE_HTPASSWD" == 1 ]] || note "minato-registry has no --htpasswd option yet: Basic-auth rows measured for the reference only"

# ---- table -------------------------------------------------------------------------------------------
python3 - "$RESULTS" "$NOTES" "$RUNS" "$QUICK" "$(elapsed "$T_START" "$(now)")" "$(nproc)" "${LOADS[*]}" \
    "$((BIG_BYTES >> 20))" "$SMALL_COUNT" "$((PUT_BYTES >> 20))" "$CATALOG_REPOS" "$((GET_BYTES >> 20))" <<'PY'
import statistics, sys
results, notes, runs, quick, secs, cores, loads, big_mib, small_n, put_mib, cat_n, get_mib = sys.argv[1:]
data = {}
for line in open(results):
    metric, server, value = line.split()
    data.setdefault((metric, server), []).append(float(value))
med = lambda m, s: statistics.median(data[(m, s)]) if (m, s) in data else None
# metric, label, unit, higher-is-better, target (speed-up vs reference, or absolute MiB for RSS), and the server
# whose figures fill the "minato" column (default minato; "sink" for the push floor, minato-nosendfile for reads)
NOSF = "minato-nosendfile"
rows = [
    ("push_big", f"skopeo push {big_mib} MiB, 2 layers", "s", False, 1.5),
    ("push_big", f"floor: skopeo push {big_mib} MiB into bench_sink", "s", False, "floor", "sink"),
    ("push_small", f"skopeo push {small_n} x 64 KiB layers", "s", False, 1.5),
    ("push_small", f"floor: skopeo push {small_n} x 64 KiB into bench_sink", "s", False, "floor", "sink"),
    ("pull_big", f"skopeo pull {big_mib} MiB, 2 layers", "s", False, 1.0),
    ("pull_big", f"skopeo pull {big_mib} MiB, 2 layers, --no-sendfile", "s", False, None, NOSF),
    ("pull_small", f"skopeo pull {small_n} x 64 KiB layers", "s", False, 1.0),
    ("pull_small", f"skopeo pull {small_n} x 64 KiB layers, --no-sendfile", "s", False, None, NOSF),
    ("get1", f"blob GET {get_mib} MiB, 1 client", "MB/s", True, None),
    ("get1", f"blob GET {get_mib} MiB, 1 client, --no-sendfile", "MB/s", True, None, NOSF),
    ("get8", f"blob GET {get_mib} MiB, 8 clients", "MB/s", True, 1.3),
    ("get8", f"blob GET {get_mib} MiB, 8 clients, --no-sendfile", "MB/s", True, None, NOSF),
    ("put", f"monolithic PUT {put_mib} MiB", "MB/s", True, None),
    ("head_c1", "HEAD manifest, 1 conn", "req/s", True, 5.0),
    ("head_c16", "HEAD manifest, 16 conns", "req/s", True, 5.0),
    ("tags_c1", "tags/list, 1 conn", "req/s", True, 5.0),
    ("tags_c16", "tags/list, 16 conns", "req/s", True, 5.0),
    ("head_auth_c1", "HEAD manifest, Basic auth, 1 conn", "req/s", True, 5.0),
    ("head_auth_c16", "HEAD manifest, Basic auth, 16 conns", "req/s", True, 5.0),
    ("tags_auth_c1", "tags/list, Basic auth, 1 conn", "req/s", True, 5.0),
    ("tags_auth_c16", "tags/list, Basic auth, 16 conns", "req/s", True, 5.0),
    ("catalog", f"_catalog?n={cat_n} ({cat_n} repos), 1 conn", "req/s", True, None),
    ("rss_get8", f"peak RSS during 8 x {get_mib} MiB GETs", "MiB", False, "rss"),
    ("rss_get8", f"peak RSS during 8 x {get_mib} MiB GETs, --no-sendfile", "MiB", False, None, NOSF),
    ("rss_peak", "peak RSS, whole data session", "MiB", False, None),
]
def fmt(v):
    if v is None: return "-"
    return f"{v:.2f}" if v < 10 else f"{v:.0f}"
def speedup(m, s, higher):
    a, r = med(m, s), med(m, "reference")
    if a is None or r is None or a == 0 or r == 0: return None
    return a / r if higher else r / a
print()
print(f"Registry benchmark: medians of {runs} run(s){' (BENCH_QUICK=1: small sizes)' if quick == '1' else ''}; "
      f"{cores} cores; load average {loads} (start, after each run); {float(secs):.0f} s")
print("Speed-up = minato / reference for rates, reference / minato for times (> 1: minato faster). "
      "RSS: absolute. Floor rows: bench_sink's time in the minato column; their speed-up is the max possible.")
hdr = ("| metric | unit | minato | minato --no-fsync | reference | speed-up | speed-up (no-fsync) | target | result |")
print(hdr)
print("|" + "---|" * 9)
verdicts = []
for m, label, unit, higher, target, *col in rows:
    server = col[0] if col else "minato"
    a, r = med(m, server), med(m, "reference")
    n = med(m, "minato-nofsync") if server == "minato" else None
    if a is None and n is None and r is None: continue
    su = speedup(m, server, higher)
    sun = speedup(m, "minato-nofsync", higher) if server == "minato" else None
    if target == "rss":
        tgt, ok = "<= 64 MiB", (None if a is None else a <= 64)
        su = sun = None
    elif target == "floor":
        tgt, ok = "max possible", None
    elif target is None:
        tgt, ok = "-", None
    else:
        tgt, ok = f">= {target}x", (None if su is None else su >= target)
    if target == "floor":
        res = "n/a" if su is None else ("1.5x possible" if su >= 1.5 else "1.5x IMPOSSIBLE")
    else:
        res = "-" if target is None else ("n/a" if ok is None else ("PASS" if ok else "FAIL"))
    if res in ("PASS", "FAIL"): verdicts.append(res)
    if m.startswith("rss") and a is not None and r is not None: sus = f"{r / a:.2f}x less" if a else "-"
    else: sus = "-" if su is None else f"{su:.2f}x"
    print(f"| {label} | {unit} | {fmt(a)} | {fmt(n)} | {fmt(r)} | {sus} | "
          f"{'-' if sun is None else f'{sun:.2f}x'} | {tgt} | {res} |")
print(f"\n{verdicts.count('PASS')} PASS, {verdicts.count('FAIL')} FAIL against the issue 3 targets "
      "(verdicts use minato with fsync, like the reference; the default sendfile on).")

# The push floor, spelled out: the best any registry could do here is to take no time at all beyond skopeo's own.
print("\nPush floor (bench_sink takes the upload and drops the bytes):")
for m, label in (("push_big", f"{big_mib} MiB, 2 layers"), ("push_small", f"{small_n} x 64 KiB layers")):
    ref, sink, mi, nf = med(m, "reference"), med(m, "sink"), med(m, "minato"), med(m, "minato-nofsync")
    if ref is None or sink is None or mi is None:
        continue
    best = ref / sink
    runs_ratio = [f"{r / k:.2f}" for r, k in zip(data[(m, "reference")], data[(m, "sink")])]
    line = (f"  - {label}: max possible speed-up = reference time / sink time = {ref:.2f} s / {sink:.2f} s = "
            f"{best:.2f}x (per run: {', '.join(runs_ratio)}x); minato {ref / mi:.2f}x = {100 * (ref / mi) / best:.0f} % "
            f"of it (sink + {mi - sink:.2f} s)")
    if nf is not None:
        line += f", --no-fsync {ref / nf:.2f}x (sink + {nf - sink:.2f} s)"
    line += "." + (" A 1.5x target is physically impossible on this machine." if best < 1.5 else "")
    print(line)
print("  CPU seconds during the push (medians; skopeo = this shell's waited-for children, server = the server "
      "process's user + system time):")
for m in ("push_big", "push_small"):
    parts = []
    for s in ("sink", "minato", "minato-nofsync", "reference"):
        t, c, sc = med(m, s), med("cpu_" + m, s), med("srvcpu_" + m, s)
        if t is None or c is None or sc is None: continue
        parts.append(f"{s}: wall {t:.2f}, skopeo {c:.2f} ({100 * c / t:.0f} % of a core), "
                     f"server {sc:.2f} ({100 * sc / t:.0f} %)")
    if parts: print(f"    {m}: " + "; ".join(parts))

raw = {}
for (m, s), vs in sorted(data.items()):
    raw.setdefault(m, []).append(f"{s}=[{', '.join(fmt(v) for v in vs)}]")
print("\nRaw values per run:")
for m, parts in raw.items(): print(f"  {m}: {'; '.join(parts)}")
lines = [l.rstrip() for l in open(notes) if l.strip()]
if lines:
    print("\nNotes:")
    for l in lines: print(f"  - {l}")
PY
