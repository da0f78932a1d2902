#!/usr/bin/env bash
# Builds llama.cpp, Hearth's correctness and speed reference, from the llama.cpp sources
# vendored in the llama-cpp-python source package on PyPI. CPU only, built once and cached:
# a second run finds the stamp file and returns at once. Used by tests and benchmarks only;
# nothing of it is shipped or linked into Hearth.
set -euo pipefail
cache="${1:-${HEARTH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hearth}}"
version="0.3.36"   # llama-cpp-python sdist; bump deliberately, the tests' figures depend on it
dest="$cache/llama.cpp-$version"
stamp="$dest/.built"
[ -f "$stamp" ] && { echo "[reference] llama.cpp $version present in $dest"; exit 0; }

python="$cache/venv/bin/python"
[ -x "$python" ] || python=/usr/bin/python3
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
echo "[reference] fetching llama-cpp-python $version source package"
"$python" -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: \
  "llama-cpp-python==$version" -d "$work"
tar -xzf "$work"/llama_cpp_python-"$version".tar.gz -C "$work"
rm -rf "$dest"; mkdir -p "$dest"
mv "$work/llama_cpp_python-$version/vendor/llama.cpp" "$dest/src"

echo "[reference] building llama.cpp (CPU, native) in $dest/build"
cmake -S "$dest/src" -B "$dest/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DGGML_NATIVE=ON -DBUILD_SHARED_LIBS=ON -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF \
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF -DGGML_OPENMP=ON >/dev/null
cmake --build "$dest/build" --target llama-bench llama-tokenize llama-perplexity llama-quantize llama-simple
touch "$stamp"
echo "[reference] done"
