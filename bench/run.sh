#!/usr/bin/env bash
# Runs every benchmark and prints its figures. Not part of `make test`: these machines are noisy, so each
# benchmark reports medians and ratios measured in the same run.
set -euo pipefail
BUILD_DIR="${BUILD_DIR:-build}"
"$BUILD_DIR/bin/bench_sha256" "${SHA_MIB:-256}" "${SHA_RUNS:-7}"
# minato-registry against the reference registry (issue 3): ~15 minutes, so only on request.
if [[ "${BENCH_REGISTRY:-0}" == 1 ]]; then
    BUILD_DIR="$BUILD_DIR" "$(dirname "$0")/registry_bench.sh"
fi
# The real window against 10,000 repositories and 100,000 tags ("desktop app part 1"): ~3 minutes, on request.
if [[ "${BENCH_GUI:-0}" == 1 ]]; then
    BUILD_DIR="$BUILD_DIR" "$(dirname "$0")/gui_bench.sh"
fi
