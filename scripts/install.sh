#!/usr/bin/env bash
# Install one requirements file into .venv: with uv from the package index when it can (several
# times faster than pip), else with pip. Usage: scripts/install.sh requirements.txt
# VENV names another virtual environment (default .venv; it must exist).
set -euo pipefail
cd "$(dirname "$0")/.."
REQUIREMENTS="$1"
VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
UV_PIN=$(grep -E '^uv==' requirements-dev.txt | head -n 1)
start=$(date +%s%N)
if { [ -x "$VENV/bin/uv" ] || "$PY" -m pip install --quiet --disable-pip-version-check "$UV_PIN"; } &&
  "$VENV/bin/uv" pip install --quiet --python "$PY" -r "$REQUIREMENTS"; then
  how=uv
else
  echo "uv could not install $REQUIREMENTS; installing with pip instead."
  "$PY" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  how=pip
fi
ms=$(( ($(date +%s%N) - start) / 1000000 ))
printf 'install %s (%s): %d.%d s\n' "$REQUIREMENTS" "$how" $((ms / 1000)) $((ms % 1000 / 100))
