#include "tokenizer/byte_level.h"

#include <array>

#include "tokenizer/unicode_props.h"

namespace hearth::byte_level {
namespace {

struct Tables {
    std::array<std::string, 256> byte_to_utf8;
    std::array<int16_t, 512> cp_to_byte;  // every mapped code point is below U+0200

    Tables() {
        cp_to_byte.fill(-1);
        const auto stands_for_itself = [](int b) {
            return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        };
        uint32_t next_extra = 0x100;
        for (int b = 0; b < 256; ++b) {
            const uint32_t cp = stands_for_itself(b) ? static_cast<uint32_t>(b) : next_extra++;
            unicode::append_utf8(byte_to_utf8[b], cp);
            cp_to_byte[cp] = static_cast<int16_t>(b);
        }
    }
};

const Tables& tables() {
    static const Tables t;
    return t;
}

}  // namespace

const std::string& encode_byte(uint8_t byte) {
    return tables().byte_to_utf8[byte];
}

void encode(std::string_view raw, std::string& out) {
    const auto& t = tables();
    for (const char c : raw)
        out += t.byte_to_utf8[static_cast<uint8_t>(c)];
}

int decode_code_point(uint32_t cp) {
    return cp < 512 ? tables().cp_to_byte[cp] : -1;
}

std::string decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t pos = 0;
    while (pos < text.size()) {
        const auto ch = unicode::decode_utf8(text, pos);
        const int byte = ch.valid ? decode_code_point(ch.cp) : -1;
        if (byte >= 0) {
            out.push_back(static_cast<char>(byte));
        } else {
            out.append(text.substr(pos, ch.len));
        }
        pos += ch.len;
    }
    return out;
}

}  // namespace hearth::byte_level
