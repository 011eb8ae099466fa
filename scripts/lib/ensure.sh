#!/usr/bin/env bash
# Sourced by setup and check scripts: installs Debian packages only when their command is missing.
#   ensure_apt shellcheck:shellcheck promtool:prometheus
ensure_apt() {
  local need=() pair cmd pkg
  for pair in "$@"; do
    cmd="${pair%%:*}"
    pkg="${pair##*:}"
    if ! command -v "$cmd" >/dev/null 2>&1 && [[ ! -x "/usr/sbin/$cmd" ]]; then
      need+=("$pkg")
    fi
  done
  if [[ ${#need[@]} -gt 0 ]]; then
    echo "installing: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # root here; a GitHub runner is a user with password-less sudo
    local sudo=()
    [[ "$(id -u)" != 0 ]] && command -v sudo >/dev/null 2>&1 && sudo=(sudo -E)
    # apt's lock is shared: wait for another install rather than fail
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
}
