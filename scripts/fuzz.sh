#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time on a scratch copy of its seed corpus.
# Findings are written to fuzz-findings/<target>/; each becomes a regression test in the normal suites.
# Usage: scripts/fuzz.sh FUZZ_BUILD_DIR SECONDS
set -euo pipefail
build_dir="${1:?usage: fuzz.sh FUZZ_BUILD_DIR SECONDS}"
seconds="${2:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
status=0
for exe in "$build_dir"/bin/fuzz_*; do
    name="$(basename "$exe")"
    work="$(mktemp -d)"
    cp -r "$root/tests/fuzz/corpus/$name/." "$work/" 2>/dev/null || true
    mkdir -p "$root/fuzz-findings/$name"
    echo "fuzz: $name for ${seconds}s"
    if ! "$exe" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
            -artifact_prefix="$root/fuzz-findings/$name/" "$work" 2>"$work.log"; then
        echo "fuzz: $name FOUND A PROBLEM (see fuzz-findings/$name/, log $work.log)"
        tail -40 "$work.log"
        status=1
    else
        grep -E '^(#[0-9]+\s+DONE|Done)' "$work.log" | tail -1 || true
    fi
    rm -rf "$work"
done
exit $status
