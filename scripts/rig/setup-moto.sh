#!/usr/bin/env bash
# Creates (once) the virtual environment with moto's server, keyed by moto's version, in the rig's cache.
# Prints the path of the moto_server executable.
set -euo pipefail
version="${PHOENIX_MOTO_VERSION:-5.2.5}"
cache="${PHOENIX_RIG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/phoenix-rig}"
venv="$cache/moto-v$version"
if [ ! -x "$venv/bin/moto_server" ] || [ ! -f "$venv/installed" ]; then
  echo "setup-moto: installing moto[server]==$version into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$version" >&2
  touch "$venv/installed"
fi
echo "$venv/bin/moto_server"
