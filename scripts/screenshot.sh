#!/usr/bin/env bash
# Takes the README's screenshots of the real app under Xvfb (xcb platform, like a desktop session):
# minato-registry on 127.0.0.1:5000 (the app's default "Local registry" connection) with a temporary root,
# filled with the sample images (tests/support/sampleimages.h), then the app opened on references.
# Usage: scripts/screenshot.sh [BUILD_DIR]
set -euo pipefail
build_dir="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$root/docs"
scratch="$(mktemp -d)"
registry_pid=""
second_pid=""
cleanup() {
    [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null || true
    [ -n "$second_pid" ] && kill "$second_pid" 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT
export XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" XDG_CACHE_HOME="$scratch/cache"
export QT_QPA_PLATFORM=xcb

if ! [ -x "$build_dir/bin/minato-sample-seed" ]; then
    echo "screenshot.sh: $build_dir/bin/minato-sample-seed is missing (configure with tests on)" >&2
    exit 1
fi
if (exec 3<>/dev/tcp/127.0.0.1/5000) 2>/dev/null; then
    echo "screenshot.sh: port 5000 is taken; stop what listens there (the shots use the default Local registry)" >&2
    exit 1
fi
"$build_dir/bin/minato-registry" serve --listen 127.0.0.1:5000 --root "$scratch/registry" --no-fsync \
    >"$scratch/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 50); do
    curl -fs http://127.0.0.1:5000/v2/ >/dev/null 2>&1 && break
    sleep 0.1
done
"$build_dir/bin/minato-sample-seed" http://127.0.0.1:5000 demo 65536 >/dev/null

shot() { # FILE [minato arguments…]
    local file="$1"
    shift
    xvfb-run -a -s "-screen 0 1600x1000x24" "$build_dir/bin/minato" --screenshot "$root/docs/$file" "$@"
}
shot main-window.png --theme light 127.0.0.1:5000/library/nginx:1.27
shot main-window-dark.png --theme dark --tab 1 127.0.0.1:5000/team-a/api:v1.2.3
shot details-config.png --theme light --tab 2 127.0.0.1:5000/team-a/api:v1.2.3
shot details-referrers-dark.png --theme dark --tab 4 127.0.0.1:5000/team-a/api:v1.2.3
shot delete-dialog.png --theme light --delete-dialog 127.0.0.1:5000/team-a/api:v1.2.3
shot tasks-panel.png --theme dark --tasks 127.0.0.1:5000/library/nginx:1.27
shot cleanup-dialog.png --theme light --cleanup-dialog 127.0.0.1:5000/team-a/api:v1.2.3
# The search across all registries merges two: a second minato-registry on 127.0.0.1:5001 with other content,
# which the app adds as a connection when the shot opens one of its references.
"$build_dir/bin/minato-registry" serve --listen 127.0.0.1:5001 --root "$scratch/registry2" --no-fsync \
    >"$scratch/registry2.log" 2>&1 &
second_pid=$!
for _ in $(seq 50); do
    curl -fs http://127.0.0.1:5001/v2/ >/dev/null 2>&1 && break
    sleep 0.1
done
"$build_dir/bin/minato-sample-seed" http://127.0.0.1:5001 repos team-x 6 >/dev/null
shot search-dialog.png --theme light --search-dialog team 127.0.0.1:5001/team-x/g000/r-00002:v1
kill "$second_pid" 2>/dev/null || true
second_pid=""
shot compare-dialog.png --theme light --compare-dialog v1.2.2 127.0.0.1:5000/team-a/api:v1.2.3
shot connection-dialog.png --theme light --connection-dialog
shot about.png --theme light --about
echo "screenshots: docs/main-window.png docs/main-window-dark.png docs/details-config.png docs/details-referrers-dark.png docs/delete-dialog.png docs/tasks-panel.png docs/cleanup-dialog.png docs/search-dialog.png docs/compare-dialog.png docs/connection-dialog.png docs/about.png"
