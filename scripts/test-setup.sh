#!/usr/bin/env bash
# Everything the test suite needs on this machine, installed and started by the project itself:
# PostgreSQL + Redis (scripts/services.sh), the LanguageTool server, the speech test clips and
# Debian's Chromium for the browser tests. Safe to run again: each step skips what is there.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

need_root_for() {
  if [ "$(id -u)" != 0 ]; then
    echo "test-setup.sh: missing $*; install it (apt-get install $*) or run as root" >&2
    exit 1
  fi
}

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  need_root_for "${missing[*]}"
  if [ $apt_updated = 0 ]; then apt-get update -qq; apt_updated=1; fi
  echo "test-setup.sh: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

apt_install postgresql redis-server chromium chromium-driver espeak-ng
command -v java >/dev/null || apt_install default-jre-headless
command -v mvn >/dev/null || apt_install maven
scripts/services.sh start
if [ -x scripts/languagetool.sh ]; then
  scripts/languagetool.sh fetch
  scripts/languagetool.sh start "${LT_PORT:-8081}"
fi
if [ -x scripts/fetch-test-audio.sh ]; then
  scripts/fetch-test-audio.sh
fi
