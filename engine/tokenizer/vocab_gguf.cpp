// vocab_from_gguf(): tokenizer.ggml.* metadata -> Vocab. Kept apart from the tokenizer so
// the algorithms can be built and tested without the GGUF reader.
#include <string>

#include "core/error.h"
#include "gguf/gguf_file.h"
#include "tokenizer/vocab.h"

namespace hearth {
namespace {

const gguf::Array* optional_array(const gguf::GgufFile& file, const std::string& key,
                                  gguf::ValueType element, size_t expected_size) {
    const gguf::Array* array = file.get_array(key);
    if (!array) return nullptr;
    if (array->element_type != element) {
        throw Error(ErrorCode::format, file.path() + ": " + key + " has the wrong element type");
    }
    if (expected_size != 0 && array->items.size() != expected_size) {
        throw Error(ErrorCode::format, file.path() + ": " + key + " has " +
                                           std::to_string(array->items.size()) +
                                           " entries, expected " + std::to_string(expected_size));
    }
    return array;
}

void read_id(const gguf::GgufFile& file, const std::string& key, int32_t& id) {
    if (const auto v = file.get_int(key)) id = static_cast<int32_t>(*v);
}

void read_flag(const gguf::GgufFile& file, const std::string& key, bool& flag) {
    if (const auto v = file.get_bool(key)) flag = *v;
}

}  // namespace

Vocab vocab_from_gguf(const gguf::GgufFile& file) {
    Vocab vocab;
    const auto model = file.get_string("tokenizer.ggml.model");
    if (!model) throw Error(ErrorCode::format, file.path() + ": no tokenizer.ggml.model");
    // Defaults per model kind, as llama.cpp assumes them when the metadata is silent.
    if (*model == "llama") {
        vocab.kind = VocabKind::spm;
        vocab.bos_id = 1;
        vocab.eos_id = 2;
        vocab.unk_id = 0;
        vocab.add_bos = true;
        vocab.add_space_prefix = true;
    } else if (*model == "gpt2") {
        vocab.kind = VocabKind::bpe;
        vocab.add_space_prefix = false;
    } else if (*model == "bert") {
        vocab.kind = VocabKind::wordpiece;
        vocab.unk_id = 100;
        vocab.cls_id = 101;
        vocab.sep_id = 102;
        vocab.pad_id = 0;
        vocab.add_bos = true;
        vocab.add_sep = true;
        vocab.add_space_prefix = false;
    } else {
        throw Error(ErrorCode::unsupported,
                    file.path() + ": unsupported tokenizer.ggml.model '" + *model + "'");
    }
    vocab.pre = file.get_string("tokenizer.ggml.pre").value_or("default");

    const gguf::Array* tokens =
        optional_array(file, "tokenizer.ggml.tokens", gguf::ValueType::STRING, 0);
    if (!tokens || tokens->items.empty()) {
        throw Error(ErrorCode::format, file.path() + ": no tokenizer.ggml.tokens");
    }
    const size_t n = tokens->items.size();
    vocab.tokens.reserve(n);
    for (const gguf::Value& v : tokens->items)
        vocab.tokens.push_back(*v.as_string());

    if (const auto* scores =
            optional_array(file, "tokenizer.ggml.scores", gguf::ValueType::FLOAT32, n)) {
        vocab.scores.reserve(n);
        for (const gguf::Value& v : scores->items) {
            vocab.scores.push_back(static_cast<float>(v.as_float().value_or(0.0)));
        }
    }
    if (const auto* types =
            optional_array(file, "tokenizer.ggml.token_type", gguf::ValueType::INT32, n)) {
        vocab.types.reserve(n);
        for (const gguf::Value& v : types->items) {
            const int64_t t = v.as_int().value_or(1);
            vocab.types.push_back(t >= 0 && t <= 6 ? static_cast<TokenType>(t) : TokenType::normal);
        }
    }
    if (const auto* merges =
            optional_array(file, "tokenizer.ggml.merges", gguf::ValueType::STRING, 0)) {
        vocab.merges.reserve(merges->items.size());
        for (const gguf::Value& v : merges->items)
            vocab.merges.push_back(*v.as_string());
    }
    if (vocab.kind == VocabKind::bpe && vocab.merges.empty()) {
        throw Error(ErrorCode::format, file.path() + ": gpt2 vocabulary without merges");
    }

    read_id(file, "tokenizer.ggml.bos_token_id", vocab.bos_id);
    read_id(file, "tokenizer.ggml.eos_token_id", vocab.eos_id);
    read_id(file, "tokenizer.ggml.eot_token_id", vocab.eot_id);
    read_id(file, "tokenizer.ggml.eom_token_id", vocab.eom_id);
    read_id(file, "tokenizer.ggml.unknown_token_id", vocab.unk_id);
    read_id(file, "tokenizer.ggml.seperator_token_id", vocab.sep_id);  // sic, the GGUF key
    read_id(file, "tokenizer.ggml.padding_token_id", vocab.pad_id);
    read_id(file, "tokenizer.ggml.cls_token_id", vocab.cls_id);
    read_id(file, "tokenizer.ggml.mask_token_id", vocab.mask_id);
    read_flag(file, "tokenizer.ggml.add_bos_token", vocab.add_bos);
    read_flag(file, "tokenizer.ggml.add_eos_token", vocab.add_eos);
    read_flag(file, "tokenizer.ggml.add_sep_token", vocab.add_sep);
    read_flag(file, "tokenizer.ggml.add_space_prefix", vocab.add_space_prefix);
    return vocab;
}

}  // namespace hearth
