#!/usr/bin/env bash
# Installs the Debian tools the tests use: pdftoppm, zbarimg and dmtxread (Data Matrix) to
# check labels as a scanner would, tmux for the flow scripts, chromium for `floor serve` in a headless browser.
# Needs root or sudo; elsewhere it says what is missing.
set -u
need=()
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
command -v dmtxread >/dev/null 2>&1 || need+=(dmtx-utils)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else SUDO=none; fi
if [ "$SUDO" = none ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test-deps: missing ${need[*]} (install them; the tests that need them skip)" >&2
  [ "${CI:-}" = true ] && exit 1
  exit 0
fi
echo "test-deps: installing ${need[*]}"
$SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
