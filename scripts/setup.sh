#!/usr/bin/env bash
# One-time set-up of a fresh Debian/Ubuntu machine for Zero-Error: the system packages the sandbox and the Python
# target need (bubblewrap >= 0.8, util-linux, python3 with python3-seccomp and python3-pytest), redis-server for the
# scale-out queue's tests, promtool for the deploy/ checks, then the npm dependencies (whose `prepare` script builds dist/). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
[ -x /usr/bin/python3 ] || need+=(python3)
command -v prlimit >/dev/null 2>&1 && command -v unshare >/dev/null 2>&1 || need+=(util-linux)
command -v mount >/dev/null 2>&1 || need+=(mount)
# The sandbox's seccomp filter is compiled with libseccomp's Python binding, by the system python.
/usr/bin/python3 -c 'import seccomp' >/dev/null 2>&1 || need+=(python3-seccomp)
# pytest runs the tests of a Python project `zerr build --language python` writes (its verdict does not need it), and
# a repository's own tests for `zerr implement` (they can only reject a candidate).
/usr/bin/python3 -c 'import pytest' >/dev/null 2>&1 || need+=(python3-pytest)
command -v git >/dev/null 2>&1 || need+=(git)
# redis-server: the Redis queue's conformance and failure tests start their own on a free loopback port (the
# package's own daemon on 6379 is not used); `zerr worker --redis` and `--redis` need a Redis somewhere.
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# promtool checks and unit-tests deploy/prometheus/ (test/deploy/deploy-files.test.ts fails without it). Debian ships
# it in the `prometheus` package, whose install also starts a Prometheus daemon; only the promtool binary is used.
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
# Debian's Chromium drives the dashboard's browser test (playwright-core); ZERR_SETUP_BROWSER=0 skips it.
if [ "${ZERR_SETUP_BROWSER:-1}" != "0" ] && [ ! -x /usr/bin/chromium ]; then need+=(chromium); fi
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm install` rather than `npm ci`: node-llama-cpp lists optional prebuilt binaries for every platform, and
  # registry mirrors that lack some of them (win/mac/riscv) make `npm ci` refuse the lock file; `npm install`
  # honours the lock file and skips unavailable optional packages.
  echo "setup: npm install (from package-lock.json)"
  npm install --no-audit --no-fund
else
  npm run build --silent
fi
echo "setup: done (node $(node --version), bwrap $(bwrap --version 2>/dev/null | awk '{print $2}'))"
