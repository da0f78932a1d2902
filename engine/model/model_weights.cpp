#include "model/model_weights.h"

#include <functional>
#include <map>

#include "core/error.h"
#include "gguf/gguf_file.h"

namespace hearth {

Rows Scratch::get(size_t slot, int64_t rows, int64_t cols) {
    if (slots_.size() <= slot) slots_.resize(slot + 1);
    auto& buffer = slots_[slot];
    const size_t needed = size_t(rows * cols);
    if (buffer.size() < needed) buffer.resize(needed);
    return Rows{buffer.data(), rows, cols};
}

std::unique_ptr<ModelWeights> ModelWeights::load(const gguf::GgufFile& file) {
    using Maker = std::function<std::unique_ptr<ModelWeights>(const gguf::GgufFile&)>;
    static const std::map<std::string, Maker> makers = {
        {"llama", model::make_llama},
        {"qwen2", model::make_qwen2},
        {"qwen3", model::make_qwen3},
        {"gemma3", model::make_gemma3},
    };
    const std::string arch = file.get_string("general.architecture").value_or("");
    auto it = makers.find(arch);
    if (it == makers.end()) {
        throw Error(ErrorCode::unsupported, "unknown architecture '" + arch + "'");
    }
    return it->second(file);
}

}  // namespace hearth
