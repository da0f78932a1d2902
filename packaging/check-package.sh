#!/usr/bin/env bash
# Static checks of a built package: lintian (no errors; warnings and notes are printed),
# desktop-file-validate on the shipped .desktop entry, appstreamcli on the shipped metainfo,
# and the sizes.
#
#   bash packaging/check-package.sh build/hearth_<version>_<arch>.deb
set -euo pipefail

deb="${1:?usage: $0 PACKAGE.deb}"
[ -f "$deb" ] || { echo "check-package: no such file: $deb" >&2; exit 2; }
log() { printf '\033[1m[check]\033[0m %s\n' "$*"; }

unpacked="$(mktemp -d)"
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$deb" "$unpacked"

log "lintian"
# Errors fail; warnings, notes and pedantic tags are listed (root is fine in CI).
rc=0
lintian_out="$(lintian --fail-on error --display-info --pedantic "$deb" 2>&1)" || rc=$?
grep -v 'running with root privileges' <<<"$lintian_out" || true
[ "$rc" -eq 0 ] || { echo "check-package: lintian reports errors (exit $rc)" >&2; exit 1; }

log "desktop-file-validate"
desktops=("$unpacked"/usr/share/applications/*.desktop)
[ -f "${desktops[0]}" ] || { echo "check-package: no .desktop entry in $deb" >&2; exit 1; }
desktop-file-validate "${desktops[@]}"

log "appstreamcli validate --no-net"
metainfos=("$unpacked"/usr/share/metainfo/*.metainfo.xml)
[ -f "${metainfos[0]}" ] || { echo "check-package: no metainfo in $deb" >&2; exit 1; }
appstreamcli validate --no-net "${metainfos[@]}"

log "package $(stat -c %s "$deb") bytes, installed size $(dpkg-deb -f "$deb" Installed-Size) KiB"
