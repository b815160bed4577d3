#!/bin/sh
# Installs what portrace needs from Debian 12's packages — only what is missing — so the README's
# commands work on a fresh machine. `tools/setup.sh test` adds what the test suite uses: clang
# with libFuzzer for the fuzz targets, and QEMU as the fidelity oracle.
set -eu
pkgs="bazel-bootstrap bazel-rules-java g++ libabsl-dev libprotobuf-dev protobuf-compiler \
libgtest-dev libgmock-dev libbenchmark-dev libzstd-dev libdeflate-dev liblzma-dev zlib1g-dev pkg-config xz-utils"
if [ "${1:-}" = test ]; then
  pkgs="$pkgs clang libclang-rt-14-dev qemu-system-x86"
fi
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing$missing" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # shellcheck disable=SC2086
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
fi
