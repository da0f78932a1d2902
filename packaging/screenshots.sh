#!/usr/bin/env bash
# Renders the README screenshots into resources/screenshots/ with the real app and a real
# model, in a throwaway home (database, settings, models dir), under Xvfb.
#
#   packaging/screenshots.sh [BUILD_DIR [SHOT...]]   (default: build, every shot)
#
# SHOT names a file without .png (chat, search, parameters, chat-dark, playground, models)
# to render only those; search and parameters reuse the conversation chat makes.
#
# Needs xvfb-run and an installed model: HEARTH_SCREENSHOT_MODEL (a .gguf path; default the
# SmolLM2 file setup fetched into ~/.cache/hearth/models).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$repo/build}"
only=("${@:2}")
hearth="$build/bin/hearth"
model="${HEARTH_SCREENSHOT_MODEL:-$HOME/.cache/hearth/models/smollm2-135m-instruct-q4_1.gguf}"
# The playground shot compares two models side by side: this second one when it exists.
model2="${HEARTH_SCREENSHOT_MODEL2:-$HOME/.cache/hearth/models/gemma3-270m-it-q4_k_m.gguf}"
out="$repo/resources/screenshots"

[[ -x "$hearth" ]] || { echo "screenshots: no $hearth (build it first)" >&2; exit 1; }
[[ -f "$model" ]] || { echo "screenshots: no model at $model" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "screenshots: xvfb-run is not installed" >&2; exit 1; }

home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
mkdir -p "$home/models" "$home/config" "$home/data" "$out"
ln -s "$model" "$home/models/$(basename "$model")"
[[ -f "$model2" ]] && ln -s "$model2" "$home/models/$(basename "$model2")"

export HEARTH_DB="$home/hearth.db"
export HEARTH_MODELS_DIR="$home/models"
export XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" XDG_STATE_HOME="$home/state"
export HEARTH_LOG=warn

wanted() {  # wanted SHOT: no SHOT arguments, or SHOT among them
    [[ ${#only[@]} -eq 0 || " ${only[*]} " == *" $1 "* ]]
}

shoot() {  # shoot SCENE THEME FILE
    wanted "${3%.png}" || return 0
    echo "screenshots: $3 (scene $1, $2)"
    HEARTH_SCREENSHOT_SCENE="$1" HEARTH_THEME="$2" \
        xvfb-run -a -s "-screen 0 1280x800x24" "$hearth" --screenshot "$out/$3"
}

# The chat scene asks the model for code first; later scenes reuse that conversation.
shoot chat light chat.png
shoot search light search.png
shoot parameters light parameters.png
shoot chat dark chat-dark.png
# The example template over six rows of its dataset, every installed model a column.
shoot playground light playground.png

# The models page with the catalog and a comparison: the model dequantized to F32 (the
# highest precision its release allows), requantized into four types, each scored against
# the F32 file by eval-quant (HEARTH_SCREENSHOT_CHUNKS windows of 512 tokens, default 8);
# the page loads those results from <models dir>/.comparisons/ as it opens.
if wanted models; then
    scene="$home/models-scene"
    mkdir -p "$scene/.comparisons"
    ln -s "$model" "$scene/$(basename "$model")"
    stem="$(basename "$model" .gguf | cut -d- -f1)"
    base="$scene/$stem-f32.gguf"
    echo "screenshots: quantizing and comparing for the models page"
    "$hearth" quantize "$model" "$base" --type F32 >/dev/null
    for type in Q8_0 Q5_K Q4_K Q4_0; do
        candidate="$scene/$stem-$type.gguf"
        "$hearth" quantize "$base" "$candidate" --type "$type" >/dev/null
        "$hearth" eval-quant "$base" "$candidate" --json --chunks "${HEARTH_SCREENSHOT_CHUNKS:-8}" \
            >"$scene/.comparisons/$(basename "$candidate").json"
    done
    HEARTH_MODELS_DIR="$scene" shoot models light models.png
fi
echo "screenshots: written to $out"
