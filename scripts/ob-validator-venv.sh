#!/usr/bin/env bash
# Create the Open Badges 2.0 reference validator's own venv (PyPI `openbadges` 1.1.2, 2018).
# Its pinned dependencies do not install on Python 3.11, so it is installed without them and
# the libraries are added with the versions that work (see DESIGN.md, "Known traps").
# Usage: scripts/ob-validator-venv.sh [VENV]   (default: .cache/ob-validator-venv)
set -euo pipefail
venv="${1:-.cache/ob-validator-venv}"
python="${PYTHON:-python3}"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import openbadges, jose, Crypto" 2>/dev/null; then
  exit 0
fi
echo "Installation du validateur Open Badges de référence dans $venv"
rm -rf "$venv"
"$python" -m venv "$venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1
log="$venv/installation.log"
# pip reports the (deliberate) conflicts with the 2018 pins: keep that in the log.
if ! { "$venv/bin/python" -m pip install --no-deps "openbadges==1.1.2" &&
       "$venv/bin/python" -m pip install \
         aniso8601 "Click==6.7" future "jsonschema==2.6.0" "language-tags==0.4.3" \
         "openbadges-bakery>=1.1,<2" "pydux==0.2.2" "PyLD==0.7.1" "python-mimeparse==1.6.0" \
         "rfc3986==0.4.1" requests \
         "pycryptodome>=3.20" "python-jose>=3.3" "pytz>=2024.1" "requests-cache>=1.2" \
         "validators>=0.28"; } >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "Échec de l'installation du validateur (journal complet : $log)" >&2
  exit 1
fi
"$venv/bin/python" -c "import openbadges, jose, Crypto"
