#!/usr/bin/env bash
# Takes the README's screenshots of the real app under Xvfb (xcb platform, like a desktop session).
# Usage: scripts/screenshot.sh [BUILD_DIR]
set -euo pipefail
build_dir="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$root/docs"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data"
export QT_QPA_PLATFORM=xcb
xvfb-run -a -s "-screen 0 1600x1000x24" "$build_dir/bin/minato" --screenshot "$root/docs/main-window.png"
xvfb-run -a -s "-screen 0 1600x1000x24" "$build_dir/bin/minato" --screenshot "$root/docs/about.png" --about
echo "screenshots: docs/main-window.png docs/about.png"
