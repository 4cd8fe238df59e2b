#!/usr/bin/env bash
# Debian's Chromium for the dashboard's browser test; installed once if missing.
set -euo pipefail
if command -v chromium >/dev/null; then exit 0; fi
echo "installing Debian's chromium for the browser test (apt-get) ..."
if [[ $EUID -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null \
  || { echo "error: could not install chromium; install it (apt-get install chromium) and run make test again" >&2; exit 1; }
