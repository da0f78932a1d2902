#!/usr/bin/env bash
# Hearth developer setup for Debian 12, run as root. Idempotent: every step checks
# before it acts, so running it twice costs seconds.
#
#   bash packaging/setup-debian.sh --run    install, build, fetch the default model, open the window
#   bash packaging/setup-debian.sh --test   install, build, run the whole test suite, then build
#                                           the .deb and test installing it (packaging/test-install.sh)
#   bash packaging/setup-debian.sh          install only
#
# Python reference tools (gguf, jinja2, numpy) live in a virtualenv in the cache dir,
# never system-wide; llama.cpp (the correctness and speed reference) is built there too.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cache="${HEARTH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hearth}"
mode="${1:-}"
case "$mode" in ""|--run|--test|--build) ;; *) echo "usage: $0 [--run|--test|--build]" >&2; exit 2 ;; esac

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

debian_packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git ca-certificates clang-format
  # Qt 6: core, quick/controls, SQL (SQLite driver), network, http server, test
  qt6-base-dev qt6-declarative-dev qt6-httpserver-dev qt6-websockets-dev libqt6sql6-sqlite
  qt6-qpa-plugins libqt6svg6 libqt6opengl6
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
  qml6-module-qtquick-window qml6-module-qtquick-templates qml6-module-qtqml-workerscript
  qml6-module-qtquick-dialogs qml6-module-qt-labs-settings qml6-module-qtcore qml6-module-qtqml-models
  # Vulkan: loader + headers, glslang, SPIR-V tools, Mesa (lavapipe) for CPU-only machines
  libvulkan-dev vulkan-tools glslang-tools glslang-dev spirv-tools mesa-vulkan-drivers
  # storage and logging
  libsqlite3-dev sqlite3 libspdlog-dev libfmt-dev
  # headless GUI tests and screenshots
  xvfb xauth libgl1-mesa-dri fonts-dejavu-core
  # Python for the reference tools
  python3 python3-venv python3-pip
  # the Debian package: icons, checks, and the install test's clean Debian root
  librsvg2-bin lintian desktop-file-utils appstream mmdebstrap bash-completion
)

install_debian_packages() {
  local missing=()
  for p in "${debian_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing ${#missing[@]} Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    log "Debian packages present"
  fi
}

python_venv() {
  local venv="$cache/venv"
  if [ ! -x "$venv/bin/python" ]; then
    log "creating Python virtualenv in $venv"
    mkdir -p "$cache"
    /usr/bin/python3 -m venv "$venv"
  fi
  if ! "$venv/bin/python" -c 'import gguf, jinja2, numpy, openai' 2>/dev/null; then
    log "installing Python reference tools (gguf, jinja2, numpy, openai)"
    "$venv/bin/pip" install -q --disable-pip-version-check 'gguf>=0.17' 'jinja2>=3.1' 'numpy<2.3' 'openai>=1.0'
  fi
}

build() {
  local preset="$1"
  log "configuring and building preset '$preset'"
  cmake --preset "$preset" -DHEARTH_CACHE_DIR="$cache" >/dev/null
  cmake --build --preset "$preset"
}

install_debian_packages
python_venv
[ "$mode" = "" ] && exit 0

if [ "$mode" = "--test" ]; then
  bash "$here/build-llama-reference.sh" "$cache"
  build release
  # The real models the tests compare against llama.cpp, fetched the way users fetch them.
  HEARTH_MODELS_DIR="$cache/models" "$repo/build/bin/hearth" models pull smollm2-135m-instruct gemma3-270m-it
  build asan
  log "running the test suite"
  # Unit tests under ASan/UBSan; model-level tests (llama.cpp comparisons, GUI, CLI) in release.
  ctest --preset asan -j2
  ctest --preset release
  # The .deb: built, linted, installed into a clean Debian 12 root, run there, purged.
  HEARTH_CACHE_DIR="$cache" bash "$here/build-deb.sh"
  version="$("$repo/build/bin/hearth" --version | awk '{ print $2 }')"
  HEARTH_CACHE_DIR="$cache" bash "$here/test-install.sh" \
    "$repo/build/hearth_${version}_$(dpkg --print-architecture).deb"
  exit 0
fi

build release
[ "$mode" = "--build" ] && exit 0
"$repo/build/bin/hearth" models pull smollm2-135m-instruct
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  log "no display found: starting the window under Xvfb"
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$repo/build/bin/hearth"
fi
exec "$repo/build/bin/hearth"
