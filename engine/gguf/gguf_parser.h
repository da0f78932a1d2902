#pragma once
// Internal: turns the bytes of a mapped GGUF file into a GgufFile. Not part of the API;
// use GgufFile::open().
#include <cstdint>
#include <string>
#include <string_view>

#include "gguf/gguf_file.h"

namespace hearth::gguf {

class GgufParser {
public:
    // `bytes` stays owned by `file` (its mapping); size may be 0 (then bytes may be null).
    GgufParser(GgufFile& file, const uint8_t* bytes, uint64_t size);

    // Fills the file's version, metadata, alignment, tensors and data offset, or throws
    // GgufError at the first inconsistency.
    void parse();

private:
    [[noreturn]] void fail_at(uint64_t offset, const std::string& what) const;
    // Throws unless `n` more bytes are available at the cursor. `what` names the field.
    void need(uint64_t n, const char* what) const;
    template <typename T>
    T read(const char* what);
    std::string_view read_string(const char* what);

    void parse_header();
    void parse_metadata();
    void apply_alignment();
    void parse_tensor_infos();
    void check_tensor_data();

    Value read_value(uint32_t type_id, uint64_t type_at, int depth);
    Value read_array(int depth);

    GgufFile& file_;
    const uint8_t* bytes_;
    uint64_t size_;
    uint64_t pos_ = 0;

    uint64_t tensor_count_ = 0;
    uint64_t tensor_count_at_ = 0;
    uint64_t kv_count_ = 0;
    uint64_t kv_count_at_ = 0;
    // File offset of each tensor info's offset field, for error messages about the data.
    std::vector<uint64_t> tensor_offset_field_at_;
};

}  // namespace hearth::gguf
