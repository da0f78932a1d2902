#include "tokenizer/tokenizer.h"

#include <algorithm>
#include <array>

#include "core/error.h"
#include "tokenizer/bpe_encoder.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/pretokenizer.h"
#include "tokenizer/special_tokens.h"
#include "tokenizer/spm_encoder.h"
#include "tokenizer/wordpiece_encoder.h"

namespace hearth {
namespace {

constexpr std::string_view kSpmSpace = "\xE2\x96\x81";  // ▁ U+2581

// Token texts that end a turn in the chat formats we know, whatever ids the metadata names.
// Like llama.cpp, such a token is treated as a control token even when the vocabulary calls
// it user-defined or normal, so it is not matched in plain text (Gemma 3's "</s>").
constexpr std::array<std::string_view, 14> kEndOfGenerationTexts = {
    "</s>",
    "<|eot_id|>",
    "<|im_end|>",
    "<|end|>",
    "<end_of_turn>",
    "<|endoftext|>",
    "<|eom_id|>",
    "<EOT>",
    "_<EOT>",
    "<|return|>",
    "<|end_of_text|>",
    "<|call|>",
    "<end_of_utterance>",
    "<\xEF\xBD\x9C"
    "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>",  // DeepSeek's
};

// Builds a new string rather than replacing in place: GCC 12 at -O3 reports a false
// -Wrestrict on std::string::replace.
std::string replace_all(std::string_view s, std::string_view from, std::string_view to) {
    std::string out;
    out.reserve(s.size());
    size_t pos = 0;
    for (size_t hit = s.find(from); hit != std::string_view::npos; hit = s.find(from, pos)) {
        out.append(s.substr(pos, hit - pos));
        out.append(to);
        pos = hit + from.size();
    }
    out.append(s.substr(pos));
    return out;
}

int32_t checked_special_id(int32_t id, size_t n_vocab) {
    return id >= 0 && static_cast<size_t>(id) < n_vocab ? id : -1;
}

}  // namespace

Tokenizer::Tokenizer(Vocab vocab) : vocab_(std::move(vocab)) {
    const size_t n = vocab_.tokens.size();
    if (n == 0) throw Error(ErrorCode::format, "vocabulary has no tokens");
    if (!vocab_.scores.empty() && vocab_.scores.size() != n) {
        throw Error(ErrorCode::format, "vocabulary has " + std::to_string(n) + " tokens but " +
                                           std::to_string(vocab_.scores.size()) + " scores");
    }
    if (!vocab_.types.empty() && vocab_.types.size() != n) {
        throw Error(ErrorCode::format, "vocabulary has " + std::to_string(n) + " tokens but " +
                                           std::to_string(vocab_.types.size()) + " token types");
    }
    for (int32_t* id :
         {&vocab_.bos_id, &vocab_.eos_id, &vocab_.eot_id, &vocab_.eom_id, &vocab_.unk_id,
          &vocab_.sep_id, &vocab_.pad_id, &vocab_.cls_id, &vocab_.mask_id}) {
        *id = checked_special_id(*id, n);
    }

    index_.reserve(n);
    for (size_t id = 0; id < n; ++id) {
        index_.insert_or_assign(vocab_.tokens[id], static_cast<int32_t>(id));  // last wins
    }

    eog_.assign(n, false);
    for (const int32_t id : {vocab_.eos_id, vocab_.eot_id, vocab_.eom_id}) {
        if (id >= 0) eog_[id] = true;
    }
    for (const std::string_view text : kEndOfGenerationTexts) {
        const auto it = index_.find(text);
        if (it == index_.end()) continue;
        eog_[it->second] = true;
        const TokenType type = vocab_.type_of(it->second);
        if (type == TokenType::normal || type == TokenType::user_defined) {
            if (vocab_.types.empty()) vocab_.types.assign(n, TokenType::normal);
            vocab_.types[it->second] = TokenType::control;
        }
    }

    specials_ = std::make_unique<SpecialTokenMatcher>(vocab_);
    switch (vocab_.kind) {
        case VocabKind::spm:
            spm_ = std::make_unique<SpmEncoder>(vocab_, index_);
            break;
        case VocabKind::bpe:
            pre_ = std::make_unique<PreTokenizer>(vocab_.pre);
            bpe_ = std::make_unique<BpeEncoder>(vocab_, index_, pre_->ignore_merges());
            break;
        case VocabKind::wordpiece:
            wordpiece_ = std::make_unique<WordPieceEncoder>(vocab_, index_);
            break;
    }
}

Tokenizer::~Tokenizer() = default;

std::unique_ptr<Tokenizer> Tokenizer::from_gguf(const gguf::GgufFile& file) {
    return std::make_unique<Tokenizer>(vocab_from_gguf(file));
}

std::vector<int32_t> Tokenizer::encode(std::string_view text, bool add_special,
                                       bool parse_special) const {
    std::vector<int32_t> out;
    out.reserve(text.size() / 3 + 2);
    const bool wordpiece = vocab_.kind == VocabKind::wordpiece;
    const int32_t first = wordpiece ? vocab_.cls_id : vocab_.bos_id;
    if (add_special && (wordpiece || vocab_.add_bos) && first >= 0) out.push_back(first);

    bool after_special = true;  // the start of the text counts as a boundary
    for (const Fragment& f : specials_->partition(text, parse_special)) {
        if (f.token >= 0) {
            out.push_back(f.token);
            after_special = true;
        } else {
            encode_text(text.substr(f.begin, f.len), after_special, out);
            after_special = false;
        }
    }

    const int32_t last = wordpiece ? vocab_.sep_id : vocab_.eos_id;
    if (add_special && (wordpiece || vocab_.add_eos) && last >= 0) out.push_back(last);
    return out;
}

void Tokenizer::encode_text(std::string_view text, bool after_special,
                            std::vector<int32_t>& out) const {
    if (spm_) {
        // SentencePiece sees spaces as ▁ and, at the start of the text or after a special
        // token, one extra ▁ (the "dummy prefix") unless the vocabulary turns it off.
        std::string escaped;
        escaped.reserve(text.size() + 16);
        if (vocab_.add_space_prefix && after_special) escaped += kSpmSpace;
        for (const char c : text) {
            if (c == ' ') {
                escaped += kSpmSpace;
            } else {
                escaped += c;
            }
        }
        spm_->encode(escaped, out);
    } else if (bpe_) {
        for (const std::string_view word : pre_->split(text))
            bpe_->encode_word(word, out);
    } else {
        wordpiece_->encode(text, out);
    }
}

TokenType Tokenizer::token_type(int32_t id) const {
    if (id < 0 || id >= n_vocab()) {
        throw Error(ErrorCode::invalid_argument, "token id " + std::to_string(id) +
                                                     " out of range [0, " +
                                                     std::to_string(n_vocab()) + ")");
    }
    return vocab_.type_of(id);
}

std::string Tokenizer::token_to_piece(int32_t id, bool render_control) const {
    const TokenType type = token_type(id);
    const std::string& text = vocab_.tokens[static_cast<size_t>(id)];
    switch (type) {
        case TokenType::normal:
        case TokenType::user_defined: {
            if (vocab_.kind == VocabKind::bpe) {
                return type == TokenType::normal ? byte_level::decode(text) : text;
            }
            return replace_all(text, kSpmSpace, " ");
        }
        case TokenType::byte: {
            // "<0xNN>"
            if (text.size() == 6 && text.compare(0, 3, "<0x") == 0 && text[5] == '>') {
                return std::string(1, static_cast<char>(std::stoi(text.substr(3, 2), nullptr, 16)));
            }
            return text;
        }
        case TokenType::control:
        case TokenType::unknown:
        case TokenType::unused:
        case TokenType::undefined:
            return render_control ? text : std::string();
    }
    return std::string();
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids, bool render_control) const {
    std::string out;
    // The dummy prefix (SPM) and WordPiece's word-start ▁ put a space before the first
    // word that the original text did not have.
    bool strip_space = vocab_.kind == VocabKind::wordpiece ||
                       (vocab_.kind == VocabKind::spm && vocab_.add_space_prefix);
    for (const int32_t id : ids) {
        std::string piece = token_to_piece(id, render_control);
        const TokenType type = vocab_.type_of(id);
        if (type == TokenType::control || type == TokenType::unknown) {
            out += piece;
            continue;
        }
        if (strip_space && !piece.empty() && piece[0] == ' ') piece.erase(0, 1);
        strip_space = false;
        out += piece;
    }
    return out;
}

bool Tokenizer::is_eog(int32_t id) const {
    return id >= 0 && id < n_vocab() && eog_[static_cast<size_t>(id)];
}

std::optional<int32_t> Tokenizer::find_token(std::string_view text) const {
    if (const auto it = index_.find(text); it != index_.end()) return it->second;
    return std::nullopt;
}

}  // namespace hearth
