#!/usr/bin/env bash
# Builds llama.cpp's Vulkan backend (llama-bench only), the speed reference for Hearth's own
# Vulkan backend (tests/bench/bench_vulkan.cpp), from the same llama-cpp-python sdist as
# build-llama-reference.sh, into its own cache directory. Never shipped or linked.
#
# Debian 12 needs two extra things for ggml-vulkan:
#  * glslc (package glslc, from shaderc) and SPIRV-Headers' CMake config (spirv-headers);
#  * newer Vulkan headers than bookworm's 1.3.239 (ggml-vulkan.cpp uses vulkan.hpp structs
#    added later). They are taken from trixie's libvulkan-dev .deb, fetched with apt through a
#    private source list (the system's apt configuration is untouched) and only its
#    usr/include is unpacked into the build tree. The loader stays bookworm's libvulkan1.
set -euo pipefail
cache="${1:-${HEARTH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hearth}}"
version="0.3.36"
headers_version="1.4.309.0-1"  # trixie's libvulkan-dev
dest="$cache/llama.cpp-$version-vulkan"
stamp="$dest/.built"
[ -f "$stamp" ] && { echo "[reference] llama.cpp $version (Vulkan) present in $dest"; exit 0; }

need=()
command -v glslc >/dev/null || need+=(glslc)
[ -f /usr/share/cmake/SPIRV-Headers/SPIRV-HeadersConfig.cmake ] || need+=(spirv-headers)
if [ ${#need[@]} -gt 0 ]; then
  echo "[reference] installing ${need[*]}"
  apt-get install -y -q "${need[@]}" >/dev/null
fi

python="$cache/venv/bin/python"
[ -x "$python" ] || python=/usr/bin/python3
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
rm -rf "$dest"; mkdir -p "$dest"

echo "[reference] fetching Vulkan headers $headers_version (trixie libvulkan-dev)"
apt_dir="$work/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
echo "deb http://deb.debian.org/debian trixie main" >"$apt_dir/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
          -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
          -o "APT::Sandbox::User=root")
apt-get "${apt_opts[@]}" update -q >/dev/null
(cd "$work" && apt-get "${apt_opts[@]}" download -q "libvulkan-dev=$headers_version" >/dev/null)
dpkg-deb -x "$work"/libvulkan-dev_*.deb "$work/deb"
mkdir -p "$dest/vulkan-headers"
cp -r "$work/deb/usr/include/." "$dest/vulkan-headers/"

cpu_src="$cache/llama.cpp-$version/src"
if [ -f "$cache/llama.cpp-$version/.built" ] && [ -d "$cpu_src" ]; then
  echo "[reference] copying the llama.cpp sources of the CPU reference ($cpu_src)"
  cp -r "$cpu_src" "$dest/src"
else
  echo "[reference] fetching llama-cpp-python $version source package"
  "$python" -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: \
    "llama-cpp-python==$version" -d "$work"
  tar -xzf "$work"/llama_cpp_python-"$version".tar.gz -C "$work"
  mv "$work/llama_cpp_python-$version/vendor/llama.cpp" "$dest/src"
fi

echo "[reference] building llama.cpp (Vulkan) in $dest/build"
cmake -S "$dest/src" -B "$dest/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DGGML_NATIVE=ON -DGGML_VULKAN=ON -DBUILD_SHARED_LIBS=ON -DLLAMA_CURL=OFF \
  -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF -DGGML_OPENMP=ON \
  -DVulkan_INCLUDE_DIR="$dest/vulkan-headers" \
  -DCMAKE_CXX_FLAGS="-isystem $dest/vulkan-headers" >/dev/null
cmake --build "$dest/build" --target llama-bench
touch "$stamp"
echo "[reference] done"
