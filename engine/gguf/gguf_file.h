#pragma once
// Read-only, mmap-based GGUF (v2, v3) reader. Every offset and length is bounds-checked
// against the mapped file before it is touched; on any inconsistency open() throws
// GgufError naming the file, the byte offset and what was wrong. Allocation is bounded by
// the file size (a count that cannot fit in the remaining bytes is rejected up front).
//
// Tensor data stays in the mapping: TensorInfo::data points into it and is valid for the
// lifetime of the GgufFile.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.h"
#include "gguf/ggml_type.h"

namespace hearth::gguf {

// clang-format off
enum class ValueType : uint32_t {
    UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7,
    STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12,
};
// clang-format on

// "UINT32", "STRING", ... (the names the GGUF tools use); "?" for ids outside the enum.
std::string_view value_type_name(ValueType type);

struct Value;
struct Array {
    ValueType element_type = ValueType::UINT8;
    std::vector<Value> items;
};

// One metadata value. Integers keep their declared type in `type`; the variant holds
// uint64_t for UINT8/16/32/64, int64_t for INT8/16/32/64, double for FLOAT32/64 (a FLOAT32
// is widened exactly), bool, std::string (raw bytes, not validated as UTF-8) or Array.
struct Value {
    ValueType type = ValueType::UINT8;
    std::variant<uint64_t, int64_t, double, bool, std::string, Array> data;

    bool is_integer() const;
    std::optional<int64_t> as_int() const;   // any integer type (uint64 > INT64_MAX -> nullopt)
    std::optional<double> as_float() const;  // floats and integers
    const std::string* as_string() const;
    const Array* as_array() const;
};

struct TensorInfo {
    std::string name;
    std::vector<uint64_t> shape;  // ggml order: shape[0] is the contiguous (row) dimension
    GgmlType type = GgmlType::F32;
    uint64_t offset = 0;  // relative to the start of the tensor data section
    uint64_t n_elements = 0;
    uint64_t n_bytes = 0;
    const uint8_t* data = nullptr;  // into the mapping
};

class GgufError : public Error {
public:
    GgufError(const std::string& file, uint64_t offset, const std::string& what);
    const std::string& file() const noexcept { return file_; }
    uint64_t offset() const noexcept { return offset_; }
    const std::string& what_was_wrong() const noexcept { return what_; }

private:
    std::string file_;
    uint64_t offset_;
    std::string what_;
};

// A GGUF file, parsed completely on open(): header, every metadata value and every tensor
// info. Layout (little-endian): "GGUF", u32 version, u64 tensor count, u64 kv count, the
// key/value entries, the tensor infos, padding to `alignment`, then the tensor data section.
class GgufFile {
public:
    // Throws GgufError (format) or Error (io).
    static std::unique_ptr<GgufFile> open(const std::string& path);
    ~GgufFile();
    GgufFile(const GgufFile&) = delete;
    GgufFile& operator=(const GgufFile&) = delete;

    const std::string& path() const { return path_; }
    uint32_t version() const { return version_; }
    uint64_t alignment() const { return alignment_; }
    uint64_t data_offset() const { return data_offset_; }  // file offset of tensor data
    uint64_t file_size() const { return size_; }

    // Metadata in file order.
    const std::vector<std::pair<std::string, Value>>& metadata() const { return metadata_; }
    const Value* find(const std::string& key) const;
    // Typed lookups; nullopt when absent, GgufError when present with the wrong type.
    std::optional<std::string> get_string(const std::string& key) const;
    std::optional<int64_t> get_int(const std::string& key) const;
    std::optional<double> get_float(const std::string& key) const;
    std::optional<bool> get_bool(const std::string& key) const;
    const Array* get_array(const std::string& key) const;

    const std::vector<TensorInfo>& tensors() const { return tensors_; }
    const TensorInfo* find_tensor(const std::string& name) const;

private:
    GgufFile() = default;
    std::string path_;
    uint32_t version_ = 0;
    uint64_t alignment_ = 32;
    uint64_t data_offset_ = 0;
    uint64_t size_ = 0;
    void* map_ = nullptr;
    std::vector<std::pair<std::string, Value>> metadata_;
    std::vector<uint64_t> metadata_offsets_;  // file offset of each key/value entry
    std::map<std::string, size_t> metadata_index_;
    std::vector<TensorInfo> tensors_;
    std::map<std::string, size_t> tensor_index_;
    friend class GgufParser;
};

}  // namespace hearth::gguf
