#!/usr/bin/env bash
# Builds the Debian package from the release tree and checks it:
#
#   bash packaging/build-deb.sh        ->  build/hearth_<version>_<arch>.deb
#
# Then install it like any package: sudo apt install ./build/hearth_*.deb
# Needs the tools packaging/setup-debian.sh installs (cmake, Qt, lintian, rsvg-convert, ...).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cd "$repo"
log() { printf '\033[1m[deb]\033[0m %s\n' "$*"; }

configure=(cmake --preset release)
[ -n "${HEARTH_CACHE_DIR:-}" ] && configure+=(-DHEARTH_CACHE_DIR="$HEARTH_CACHE_DIR")
"${configure[@]}" >/dev/null
# Only what the package holds; the tests are not needed for it.
cmake --build --preset release --target hearth hearth_package_files

version="$(build/bin/hearth --version | awk '{ print $2 }')"
deb="build/hearth_${version}_$(dpkg --print-architecture).deb"
rm -f "$deb"
log "cpack -G DEB"
(cd build && cpack -G DEB >/dev/null)
[ -f "$deb" ] || { echo "build-deb: cpack did not produce $deb" >&2; exit 1; }

bash "$here/check-package.sh" "$deb"
log "built $deb"
