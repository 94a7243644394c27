#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (internal/web) when it is
# absent. The tests drive it headless through the DevTools protocol; without
# it they skip with a message. Idempotent; prints the binary's path.
set -euo pipefail
if ! command -v chromium >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
command -v chromium
chromium --headless --no-sandbox --disable-gpu --version 2>/dev/null || true
