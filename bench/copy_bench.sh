#!/usr/bin/env bash
# Issue 6's copy benchmark: `minatoctl cp` against `skopeo copy` of the same image between two local
# registries, both measured in the same run, alternating which goes first, every figure the median of
# BENCH_RUNS runs. Loopback only.
#
#   bench/copy_bench.sh                      # a 1 GiB two-layer image, 3 runs (~3-5 min on 2 cores)
#   BENCH_QUICK=1 bench/copy_bench.sh        # 2 x 32 MiB, 1 run: a smoke test
#
# Environment: BUILD_DIR (default build; needs bin/minato-registry and bin/minatoctl), BENCH_RUNS,
# BENCH_IMAGE_DIR (keep the generated image there and reuse it), BENCH_TARGET=minato|reference (the
# destination registry; default minato).
#
# Registries: the source is minato-registry (--no-fsync: the servers' disks should not decide a client
# benchmark), seeded once with skopeo; every copy goes to a FRESH destination (a new data dir, a new server),
# so neither tool finds blobs the other sent. skopeo runs with its own empty blob-info cache per call
# (PLATFORM.md) and `--all`, so both copy the image exactly (digests checked after every copy).
# Time = wall clock of the whole process (start-up included); peak memory = the process's maximum RSS
# (getrusage of the child, the same counter GNU time's %M reads). "flat memory": minatoctl's peak RSS for
# the small image (2 x 32 MiB) and for the big one are printed side by side.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD_DIR="${BUILD_DIR:-build}"
MINATO_REGISTRY="${MINATO_REGISTRY:-$BUILD_DIR/bin/minato-registry}"
MINATOCTL="${MINATOCTL:-$BUILD_DIR/bin/minatoctl}"
REFERENCE="${REFERENCE_REGISTRY:-/usr/bin/docker-registry}"
TARGET_KIND="${BENCH_TARGET:-minato}"
if [[ "${BENCH_QUICK:-0}" == 1 ]]; then
    RUNS="${BENCH_RUNS:-1}" BIG_LAYER=$((32 << 20))
else
    RUNS="${BENCH_RUNS:-3}" BIG_LAYER=$((512 << 20))
fi
SMALL_LAYER=$((32 << 20))

for tool in skopeo curl python3 "$REFERENCE"; do
    command -v "$tool" >/dev/null || { echo "copy_bench: $tool is missing (make deps)" >&2; exit 1; }
done
for bin in "$MINATO_REGISTRY" "$MINATOCTL"; do
    [[ -x "$bin" ]] || { echo "copy_bench: $bin not built (ninja -C $BUILD_DIR minato-registry minatoctl)" >&2; exit 1; }
done
MINATO_REGISTRY="$(realpath "$MINATO_REGISTRY")" MINATOCTL="$(realpath "$MINATOCTL")"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/copy-bench.XXXXXX")"
RESULTS="$WORK/results.txt"
: >"$RESULTS"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Runs a command; prints "seconds max_rss_kib" (wall clock, and the child's peak RSS from wait4's rusage).
measure() {
    python3 - "$@" <<'EOF'
import os, subprocess, sys, time
t0 = time.monotonic()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
_, status, usage = os.wait4(p.pid, 0)
t1 = time.monotonic()
err = p.stderr.read().decode(errors="replace")
code = os.waitstatus_to_exitcode(status)
if code != 0:
    sys.stderr.write(err)
    sys.exit(f"exit {code}: {' '.join(sys.argv[1:])}")
print(f"{t1 - t0:.3f} {usage.ru_maxrss}")
EOF
}

# start_registry KIND ROOT → sets REG (host:port) and REG_PID
start_registry() {
    local kind="$1" root="$2" port
    port="$(free_port)"
    mkdir -p "$root"
    if [[ "$kind" == minato ]]; then
        "$MINATO_REGISTRY" serve --listen "127.0.0.1:$port" --root "$root" --no-fsync --log-level error \
            >>"$WORK/registry.log" 2>&1 &
    else
        cat >"$root.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $root
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
EOF
        "$REFERENCE" serve "$root.yml" >>"$WORK/registry.log" 2>&1 &
    fi
    REG_PID=$!
    PIDS+=("$REG_PID")
    REG="127.0.0.1:$port"
    for _ in $(seq 1 200); do
        [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://$REG/v2/" || true)" == 200 ]] && return 0
        sleep 0.05
    done
    echo "copy_bench: the $kind registry did not start" >&2
    tail -20 "$WORK/registry.log" >&2
    exit 1
}
stop_registry() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

skopeo_fresh() {
    local cache
    cache="$(mktemp -d "$WORK/skopeo-cache.XXXXXX")"
    _CONTAINERS_ROOTLESS_UID=65534 XDG_DATA_HOME="$cache" skopeo "$@"
}

raw_digest() { # REF → sha256:… of the manifest bytes as the registry serves them
    skopeo_fresh inspect --raw --tls-verify=false "docker://$1" | python3 -c \
        'import hashlib, sys; print("sha256:" + hashlib.sha256(sys.stdin.buffer.read()).hexdigest())'
}

# ---- images and the source --------------------------------------------------------------------------------
IMAGES="${BENCH_IMAGE_DIR:-$WORK/images}"
mkdir -p "$IMAGES"
BIG="$IMAGES/copy-big-$BIG_LAYER" SMALL="$IMAGES/copy-small-$SMALL_LAYER"
[[ -f "$BIG/index.json" ]] || { log "generating 2 x $((BIG_LAYER >> 20)) MiB"; python3 "$HERE/gen_oci_image.py" "$BIG" v1 2 "$BIG_LAYER"; }
[[ -f "$SMALL/index.json" ]] || { log "generating 2 x $((SMALL_LAYER >> 20)) MiB"; python3 "$HERE/gen_oci_image.py" "$SMALL" v1 2 "$SMALL_LAYER"; }

start_registry minato "$WORK/source"
SRC="$REG" SRC_PID="$REG_PID"
log "seeding the source $SRC"
skopeo_fresh copy --quiet --dest-tls-verify=false "oci:$BIG:v1" "docker://$SRC/bench/big:v1"
skopeo_fresh copy --quiet --dest-tls-verify=false "oci:$SMALL:v1" "docker://$SRC/bench/small:v1"
BIG_DIGEST="$(raw_digest "$SRC/bench/big:v1")"
SMALL_DIGEST="$(raw_digest "$SRC/bench/small:v1")"

# copy_once TOOL IMAGE DIGEST → records "TOOL-IMAGE seconds rss_mib"
copy_once() {
    local tool="$1" image="$2" digest="$3" figures dst
    start_registry "$TARGET_KIND" "$WORK/target-$RANDOM-$RANDOM"
    dst="$REG/bench/$image:v1"
    if [[ "$tool" == minatoctl ]]; then
        figures="$(HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/config" DOCKER_CONFIG="$WORK/docker" \
            measure "$MINATOCTL" cp --progress none "$SRC/bench/$image:v1" "$dst")"
    else
        local cache
        cache="$(mktemp -d "$WORK/skopeo-cache.XXXXXX")"
        figures="$(_CONTAINERS_ROOTLESS_UID=65534 XDG_DATA_HOME="$cache" measure skopeo copy --quiet --all \
            --src-tls-verify=false --dest-tls-verify=false "docker://$SRC/bench/$image:v1" "docker://$dst")"
    fi
    local got
    got="$(raw_digest "$dst")"
    [[ "$got" == "$digest" ]] || { echo "copy_bench: $tool copied $image as $got, expected $digest" >&2; exit 1; }
    stop_registry "$REG_PID"
    read -r secs rss <<<"$figures"
    printf '%s-%s %s %s\n' "$tool" "$image" "$secs" "$((rss / 1024))" >>"$RESULTS"
    log "$tool $image: ${secs} s, peak RSS $((rss / 1024)) MiB"
}

for run in $(seq 1 "$RUNS"); do
    if (( run % 2 )); then order=(minatoctl skopeo); else order=(skopeo minatoctl); fi
    for tool in "${order[@]}"; do copy_once "$tool" big "$BIG_DIGEST"; done
    for tool in "${order[@]}"; do copy_once "$tool" small "$SMALL_DIGEST"; done
done
stop_registry "$SRC_PID"

python3 - "$RESULTS" "$BIG_LAYER" "$SMALL_LAYER" "$TARGET_KIND" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    key, secs, rss = line.split()
    rows.setdefault(key, []).append((float(secs), int(rss)))
big, small, target = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def med(key, i):
    return statistics.median(v[i] for v in rows[key])
print(f"\nCopy between two local registries (source minato-registry, destination {target}), "
      f"median of {len(rows['minatoctl-big'])} run(s)\n")
print("| image | tool | time (s) | MB/s | peak RSS (MiB) |")
print("|---|---|---|---|---|")
for image, layer in (("big", big), ("small", small)):
    for tool in ("minatoctl", "skopeo"):
        key = f"{tool}-{image}"
        t = med(key, 0)
        print(f"| 2 x {layer >> 20} MiB | {tool} | {t:.2f} | {2 * layer / 1e6 / t:.0f} | {med(key, 1):.0f} |")
ratio = med("skopeo-big", 0) / med("minatoctl-big", 0)
print(f"\nspeed-up minatoctl vs skopeo (2 x {big >> 20} MiB): {ratio:.2f}x  (target >= 1.0x: "
      f"{'PASS' if ratio >= 1.0 else 'FAIL'})")
print(f"minatoctl peak RSS: {med('minatoctl-small', 1):.0f} MiB for 2 x {small >> 20} MiB, "
      f"{med('minatoctl-big', 1):.0f} MiB for 2 x {big >> 20} MiB (flat: independent of the image size)")
print("raw:", {k: v for k, v in sorted(rows.items())})
EOF
