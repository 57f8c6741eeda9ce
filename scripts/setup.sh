#!/usr/bin/env bash
# Installs what the app and its tests need on a fresh Debian machine, then the
# npm dependencies. Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v socat >/dev/null 2>&1 || missing+=(socat)
{ ldconfig -p 2>/dev/null | grep -q 'libusb-1.0.so.0'; } || missing+=(libusb-1.0-0)
# The store server (issue 13): `npm run store -- init` and the store tests run Debian's PostgreSQL server programs.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)

if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "setup: installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: please install these system packages, then run again: ${missing[*]}" >&2
    exit 1
  fi
fi

# better-sqlite3 compiles from source; use the machine's Node headers when present.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi
# Electron's runtime is fetched from GitHub by its postinstall, which cannot be
# reached here; the package still gives the types, and `npm start` falls back
# to browser mode when the runtime is absent.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi
