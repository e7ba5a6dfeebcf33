#!/usr/bin/env bash
# Runs the ctest suites headless, the way CI does:
#  - a private D-Bus session (dbus-run-session) with an unlocked gnome-keyring, so keychain tests use the
#    real Secret Service without ever prompting (PLATFORM.md);
#  - an X server from xvfb-run for tests that need one; widget tests default to the offscreen platform;
#  - a throwaway XDG_DATA_HOME/XDG_CONFIG_HOME so nothing touches the user's keyring or settings.
# Usage: scripts/run-tests.sh BUILD_DIR [extra ctest arguments…]
set -euo pipefail
build_dir="${1:?usage: run-tests.sh BUILD_DIR [ctest args…]}"
shift

scratch="$(mktemp -d -t minato-tests.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache"
export XDG_RUNTIME_DIR="$scratch/runtime"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
jobs="${CTEST_JOBS:-$(nproc)}"

printf -v ctest_args '%q ' "$@"
printf -v quoted_build_dir '%q' "$build_dir"
inner="echo -n minato-ci-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null
exec ctest --test-dir $quoted_build_dir --output-on-failure --timeout 600 -j $jobs $ctest_args"

exec xvfb-run -a -s "-screen 0 1920x1080x24" dbus-run-session -- bash -c "$inner"
