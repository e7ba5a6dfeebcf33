#!/usr/bin/env bash
# Runs every benchmark and prints its figures. Not part of `make test`: these machines are noisy, so each
# benchmark reports medians and ratios measured in the same run.
set -euo pipefail
BUILD_DIR="${BUILD_DIR:-build}"
"$BUILD_DIR/bin/bench_sha256" "${SHA_MIB:-256}" "${SHA_RUNS:-7}"
