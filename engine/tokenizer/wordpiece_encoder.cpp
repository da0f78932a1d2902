#include "tokenizer/wordpiece_encoder.h"

#include <algorithm>
#include <iterator>
#include <string>

#include "tokenizer/unicode_props.h"

namespace hearth {
namespace {

using unicode::UnicodeClass;

constexpr std::string_view kWordStart = "\xE2\x96\x81";  // ▁

struct Fold {
    uint32_t cp;
    const char* text;
};

// Sorted by cp: what uncased normalisation (NFD, lower case, no nonspacing marks) turns a
// code point into; code points not listed stay as they are.
constexpr Fold kFolds[] = {
#include "tokenizer/wordpiece_fold.inc"
};

void append_folded(std::string& out, uint32_t cp) {
    // Hangul syllables decompose into their conjoining jamo (Unicode ch. 3.12).
    constexpr uint32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
    constexpr uint32_t kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount, kSCount = 11172;
    if (cp >= kSBase && cp < kSBase + kSCount) {
        const uint32_t s = cp - kSBase;
        unicode::append_utf8(out, kLBase + s / kNCount);
        unicode::append_utf8(out, kVBase + (s % kNCount) / kTCount);
        if (s % kTCount != 0) unicode::append_utf8(out, kTBase + s % kTCount);
        return;
    }
    const auto* end = std::end(kFolds);
    const auto* it = std::lower_bound(std::begin(kFolds), end, cp,
                                      [](const Fold& f, uint32_t v) { return f.cp < v; });
    if (it != end && it->cp == cp) {
        out += it->text;
    } else {
        unicode::append_utf8(out, cp);
    }
}

// BERT's "Chinese character" blocks: each such character is a word of its own.
bool is_cjk_ideograph(uint32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
           (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

}  // namespace

WordPieceEncoder::WordPieceEncoder(const Vocab& vocab, const TokenIndex& index)
    : vocab_(vocab), index_(index) {
    for (const std::string& token : vocab.tokens) {
        max_token_len_ = std::max(max_token_len_, token.size());
    }
}

std::vector<std::string> WordPieceEncoder::split_words(std::string_view text) {
    std::vector<std::string> words(1);
    const auto end_word = [&] {
        if (!words.back().empty()) words.emplace_back();
    };
    for (size_t pos = 0; pos < text.size();) {
        const auto ch = unicode::decode_utf8(text, pos);
        pos += ch.len;
        if (unicode::is_whitespace(ch.cp)) {
            end_word();
            continue;
        }
        const UnicodeClass cls = unicode::unicode_class(ch.cp);
        if (!ch.valid || ch.cp == 0 || cls == UnicodeClass::other) continue;  // controls
        if (cls == UnicodeClass::punctuation || (ch.cp < 0x80 && cls == UnicodeClass::symbol) ||
            is_cjk_ideograph(ch.cp)) {
            end_word();
            append_folded(words.back(), ch.cp);
            words.emplace_back();
            continue;
        }
        append_folded(words.back(), ch.cp);
    }
    if (words.back().empty()) words.pop_back();
    return words;
}

void WordPieceEncoder::encode(std::string_view text, std::vector<int32_t>& out) const {
    std::string word;
    for (const std::string& bare : split_words(text)) {
        word.assign(kWordStart);
        word += bare;
        // Greedy longest match from the left; a word with any unmatched rest is one [UNK].
        const size_t first = out.size();
        bool complete = true;
        for (size_t i = 0; i < word.size() && complete;) {
            complete = false;
            for (size_t j = std::min(word.size(), i + max_token_len_); j > i; --j) {
                const auto it = index_.find(std::string_view(word).substr(i, j - i));
                if (it != index_.end()) {
                    out.push_back(it->second);
                    i = j;
                    complete = true;
                    break;
                }
            }
        }
        if (!complete) {
            out.resize(first);
            if (vocab_.unk_id >= 0) out.push_back(vocab_.unk_id);
        }
    }
}

}  // namespace hearth
