#include "tokenizer/utf8_stream.h"

#include <cstdint>

#include "tokenizer/unicode_props.h"

namespace hearth {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Whether bytes[0..n) (n < full length) can still grow into a valid sequence: each byte a
// continuation, and the second byte inside the range the lead allows (no overlongs, no
// surrogates, nothing above U+10FFFF).
bool is_valid_prefix(std::string_view bytes) {
    const auto lead = static_cast<uint8_t>(bytes[0]);
    for (size_t i = 1; i < bytes.size(); ++i) {
        const auto b = static_cast<uint8_t>(bytes[i]);
        if ((b & 0xC0) != 0x80) return false;
        if (i == 1) {
            if (lead == 0xE0 && b < 0xA0) return false;
            if (lead == 0xED && b > 0x9F) return false;
            if (lead == 0xF0 && b < 0x90) return false;
            if (lead == 0xF4 && b > 0x8F) return false;
        }
    }
    return true;
}

}  // namespace

std::string Utf8StreamDecoder::push(std::string_view bytes) {
    pending_.append(bytes);
    std::string out;
    const std::string_view text(pending_);
    size_t pos = 0;
    while (pos < text.size()) {
        const auto ch = unicode::decode_utf8(text, pos);
        if (ch.valid) {
            out.append(text.substr(pos, ch.len));
            pos += ch.len;
            continue;
        }
        const size_t need = unicode::utf8_sequence_length(static_cast<uint8_t>(text[pos]));
        const std::string_view rest = text.substr(pos);
        if (need > 1 && rest.size() < need && is_valid_prefix(rest)) break;  // wait for more
        out.append(kReplacement);
        pos += 1;
    }
    pending_.erase(0, pos);
    return out;
}

std::string Utf8StreamDecoder::flush() {
    std::string out;
    if (!pending_.empty()) out.append(kReplacement);
    pending_.clear();
    return out;
}

}  // namespace hearth
