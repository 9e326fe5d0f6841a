#!/usr/bin/env bash
# Headless Chromium for test/e2e/report.test.ts: installs Debian's `chromium` package when no
# Chromium is on the PATH (or named by $CHROMIUM). Needs root (or sudo) and apt; elsewhere it says
# what to install and leaves the test to skip with its own message.
set -euo pipefail
for c in "${CHROMIUM:-}" chromium chromium-browser google-chrome google-chrome-stable; do
  if [ -n "$c" ] && command -v "$c" >/dev/null 2>&1; then
    echo "chromium.sh: using $(command -v "$c") ($("$c" --version 2>/dev/null | head -n1))"
    exit 0
  fi
done
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium.sh: no Chromium found and no apt-get here; install Chromium and put it on PATH (or set CHROMIUM) to run the report test." >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "chromium.sh: no Chromium found and not root (no sudo); run 'apt-get install chromium' as root to run the report test." >&2
    exit 0
  fi
fi
echo "chromium.sh: installing Debian's chromium package..."
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
chromium --version
