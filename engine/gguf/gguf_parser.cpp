#include "gguf/gguf_parser.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <numeric>

namespace hearth::gguf {

static_assert(std::endian::native == std::endian::little,
              "GgufParser reads little-endian fields with memcpy");

namespace {

constexpr uint32_t kMaxDims = 4;                 // GGML_MAX_DIMS
constexpr int kMaxArrayDepth = 16;               // nesting limit; keeps recursion bounded
constexpr uint64_t kMaxArrayItems = 1ull << 26;  // ~67M; real vocabularies are < 1M
constexpr uint64_t kDefaultAlignment = 32;
constexpr uint64_t kInt64Max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

// Smallest encoding of one KV entry: u64 key length, u32 type, 1-byte value.
constexpr uint64_t kMinKvBytes = 8 + 4 + 1;
// Smallest tensor info: u64 name length, u32 n_dims, u32 type, u64 offset.
constexpr uint64_t kMinTensorInfoBytes = 8 + 4 + 4 + 8;

bool is_known_value_type(uint32_t id) {
    return id <= static_cast<uint32_t>(ValueType::FLOAT64);
}

// Fewest bytes one element of this type can occupy in the file; bounds array counts.
uint64_t min_encoded_size(ValueType type) {
    switch (type) {
        case ValueType::UINT8:
        case ValueType::INT8:
        case ValueType::BOOL:
            return 1;
        case ValueType::UINT16:
        case ValueType::INT16:
            return 2;
        case ValueType::UINT32:
        case ValueType::INT32:
        case ValueType::FLOAT32:
            return 4;
        case ValueType::UINT64:
        case ValueType::INT64:
        case ValueType::FLOAT64:
        case ValueType::STRING:
            return 8;  // the length prefix
        case ValueType::ARRAY:
            return 12;  // element type + count
    }
    return 1;
}

std::string quoted(std::string_view s) {
    // Names in messages are clipped and stripped of control bytes so a hostile file cannot
    // flood or garble the terminal.
    std::string out = "'";
    for (size_t i = 0; i < s.size() && i < 80; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
    }
    if (s.size() > 80) out += "...";
    return out + "'";
}

using ValueData = decltype(Value::data);

// Builds the variant in place: default-constructing a Value and then emplacing would first
// destroy the default alternative, which is measurable across a 256k-entry vocabulary.
template <typename Stored, typename Raw>
Value make_value(ValueType type, Raw raw) {
    return Value{type, ValueData(std::in_place_type<Stored>, static_cast<Stored>(raw))};
}

Value make_string(std::string_view s) {
    return Value{ValueType::STRING, ValueData(std::in_place_type<std::string>, s)};
}

}  // namespace

GgufParser::GgufParser(GgufFile& file, const uint8_t* bytes, uint64_t size)
    : file_(file), bytes_(bytes), size_(size) {}

void GgufParser::fail_at(uint64_t offset, const std::string& what) const {
    throw GgufError(file_.path_, offset, what);
}

void GgufParser::need(uint64_t n, const char* what) const {
    if (n > size_ - pos_) {
        fail_at(pos_, std::string("truncated: ") + what + " needs " + std::to_string(n) +
                          " bytes but the file ends " + std::to_string(size_ - pos_) +
                          " bytes later");
    }
}

template <typename T>
T GgufParser::read(const char* what) {
    need(sizeof(T), what);
    T value;
    std::memcpy(&value, bytes_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return value;
}

std::string_view GgufParser::read_string(const char* what) {
    const uint64_t at = pos_;
    const auto length = read<uint64_t>(what);
    if (length > size_ - pos_) {
        fail_at(at, std::string(what) + " length " + std::to_string(length) +
                        " runs past the end of the file (" + std::to_string(size_ - pos_) +
                        " bytes left)");
    }
    std::string_view s(reinterpret_cast<const char*>(bytes_ + pos_), length);
    pos_ += length;
    return s;
}

void GgufParser::parse() {
    parse_header();
    parse_metadata();
    apply_alignment();
    parse_tensor_infos();
    check_tensor_data();
}

void GgufParser::parse_header() {
    if (size_ < 4 || std::memcmp(bytes_, "GGUF", 4) != 0) {
        fail_at(0, "not a GGUF file (the first 4 bytes are not \"GGUF\")");
    }
    pos_ = 4;
    const auto version = read<uint32_t>("version");
    if (version == 1) {
        fail_at(4,
                "GGUF version 1 is not supported (only v2 and v3); re-convert the model "
                "with a current llama.cpp");
    }
    if (version != 2 && version != 3) {
        const uint32_t swapped = __builtin_bswap32(version);
        if (swapped == 2 || swapped == 3) {
            fail_at(4, "big-endian GGUF files are not supported (version " +
                           std::to_string(swapped) + " written big-endian)");
        }
        fail_at(4, "unsupported GGUF version " + std::to_string(version) + " (supported: 2 and 3)");
    }
    file_.version_ = version;

    tensor_count_at_ = pos_;
    tensor_count_ = read<uint64_t>("tensor count");
    kv_count_at_ = pos_;
    kv_count_ = read<uint64_t>("metadata count");
    // Both sections follow, so together they must fit in what is left; checking each
    // against its minimum entry size keeps reserve() bounded by the file size.
    const uint64_t left = size_ - pos_;
    if (kv_count_ > left / kMinKvBytes) {
        fail_at(kv_count_at_, "metadata count " + std::to_string(kv_count_) +
                                  " cannot fit in the remaining " + std::to_string(left) +
                                  " bytes");
    }
    if (tensor_count_ > left / kMinTensorInfoBytes) {
        fail_at(tensor_count_at_, "tensor count " + std::to_string(tensor_count_) +
                                      " cannot fit in the remaining " + std::to_string(left) +
                                      " bytes");
    }
}

void GgufParser::parse_metadata() {
    file_.metadata_.reserve(kv_count_);
    file_.metadata_offsets_.reserve(kv_count_);
    for (uint64_t i = 0; i < kv_count_; ++i) {
        const uint64_t entry_at = pos_;
        const std::string_view key = read_string("metadata key");
        const uint64_t type_at = pos_;
        const auto type_id = read<uint32_t>("metadata value type");
        Value value = read_value(type_id, type_at, 0);
        const auto [it, inserted] = file_.metadata_index_.emplace(key, file_.metadata_.size());
        if (!inserted) fail_at(entry_at, "duplicate metadata key " + quoted(key));
        file_.metadata_.emplace_back(it->first, std::move(value));
        file_.metadata_offsets_.push_back(entry_at);
    }
}

Value GgufParser::read_value(uint32_t type_id, uint64_t type_at, int depth) {
    if (!is_known_value_type(type_id)) {
        fail_at(type_at, "unknown metadata value type " + std::to_string(type_id));
    }
    const auto type = static_cast<ValueType>(type_id);
    switch (type) {
        case ValueType::UINT8:
            return make_value<uint64_t>(type, read<uint8_t>("UINT8 value"));
        case ValueType::INT8:
            return make_value<int64_t>(type, read<int8_t>("INT8 value"));
        case ValueType::UINT16:
            return make_value<uint64_t>(type, read<uint16_t>("UINT16 value"));
        case ValueType::INT16:
            return make_value<int64_t>(type, read<int16_t>("INT16 value"));
        case ValueType::UINT32:
            return make_value<uint64_t>(type, read<uint32_t>("UINT32 value"));
        case ValueType::INT32:
            return make_value<int64_t>(type, read<int32_t>("INT32 value"));
        case ValueType::UINT64:
            return make_value<uint64_t>(type, read<uint64_t>("UINT64 value"));
        case ValueType::INT64:
            return make_value<int64_t>(type, read<int64_t>("INT64 value"));
        case ValueType::FLOAT32:
            return make_value<double>(type, read<float>("FLOAT32 value"));
        case ValueType::FLOAT64:
            return make_value<double>(type, read<double>("FLOAT64 value"));
        case ValueType::BOOL: {
            const uint64_t at = pos_;
            const auto b = read<uint8_t>("BOOL value");
            if (b > 1) fail_at(at, "BOOL value is " + std::to_string(b) + " (must be 0 or 1)");
            return make_value<bool>(type, b != 0);
        }
        case ValueType::STRING:
            return make_string(read_string("string"));
        case ValueType::ARRAY:
            return read_array(depth + 1);
    }
    fail_at(type_at, "unknown metadata value type " + std::to_string(type_id));
}

Value GgufParser::read_array(int depth) {
    const uint64_t type_at = pos_;
    const auto element_id = read<uint32_t>("array element type");
    if (!is_known_value_type(element_id)) {
        fail_at(type_at, "unknown array element type " + std::to_string(element_id));
    }
    const auto element_type = static_cast<ValueType>(element_id);
    if (element_type == ValueType::ARRAY && depth >= kMaxArrayDepth) {
        fail_at(type_at, "arrays nested deeper than " + std::to_string(kMaxArrayDepth));
    }
    const uint64_t count_at = pos_;
    const auto count = read<uint64_t>("array count");
    const uint64_t min_bytes = min_encoded_size(element_type);
    if (count > (size_ - pos_) / min_bytes) {
        fail_at(count_at, "array of " + std::to_string(count) + " " +
                              std::string(value_type_name(element_type)) +
                              " cannot fit in the remaining " + std::to_string(size_ - pos_) +
                              " bytes");
    }
    if (count > kMaxArrayItems) {
        fail_at(count_at, "array of " + std::to_string(count) + " items exceeds the limit of " +
                              std::to_string(kMaxArrayItems));
    }

    Value v;
    v.type = ValueType::ARRAY;
    Array& array = v.data.emplace<Array>();
    array.element_type = element_type;
    array.items.reserve(count);
    // Strings dominate real files (vocabularies, merges), so they get a direct loop.
    if (element_type == ValueType::STRING) {
        for (uint64_t i = 0; i < count; ++i)
            array.items.push_back(make_string(read_string("string")));
        return v;
    }
    for (uint64_t i = 0; i < count; ++i) {
        array.items.push_back(read_value(element_id, type_at, depth));
    }
    return v;
}

void GgufParser::apply_alignment() {
    file_.alignment_ = kDefaultAlignment;
    const auto it = file_.metadata_index_.find("general.alignment");
    if (it == file_.metadata_index_.end()) return;
    const uint64_t at = file_.metadata_offsets_[it->second];
    const Value& value = file_.metadata_[it->second].second;
    if (value.type != ValueType::UINT32) {
        fail_at(at, "general.alignment must be UINT32, not " +
                        std::string(value_type_name(value.type)));
    }
    const uint64_t alignment = std::get<uint64_t>(value.data);
    if (alignment == 0 || !std::has_single_bit(alignment)) {
        fail_at(at, "general.alignment " + std::to_string(alignment) + " is not a power of two");
    }
    file_.alignment_ = alignment;
}

void GgufParser::parse_tensor_infos() {
    if (tensor_count_ > (size_ - pos_) / kMinTensorInfoBytes) {
        fail_at(tensor_count_at_, "tensor count " + std::to_string(tensor_count_) +
                                      " cannot fit in the " + std::to_string(size_ - pos_) +
                                      " bytes after the metadata");
    }
    file_.tensors_.reserve(tensor_count_);
    tensor_offset_field_at_.reserve(tensor_count_);
    for (uint64_t i = 0; i < tensor_count_; ++i) {
        const uint64_t info_at = pos_;
        TensorInfo info;
        info.name = read_string("tensor name");
        const std::string name = quoted(info.name);

        const uint64_t dims_at = pos_;
        const auto n_dims = read<uint32_t>("tensor dimension count");
        if (n_dims > kMaxDims) {
            fail_at(dims_at, "tensor " + name + " has " + std::to_string(n_dims) +
                                 " dimensions (at most " + std::to_string(kMaxDims) + ")");
        }
        info.shape.resize(n_dims);
        uint64_t n_elements = 1;
        for (uint32_t d = 0; d < n_dims; ++d) {
            const uint64_t dim_at = pos_;
            const auto dim = read<uint64_t>("tensor dimension");
            if (dim > kInt64Max) {
                fail_at(dim_at, "tensor " + name + " dimension " + std::to_string(d) + " is " +
                                    std::to_string(dim) + " (more than 2^63-1)");
            }
            if (dim != 0 && n_elements > kInt64Max / dim) {
                fail_at(dim_at, "tensor " + name + " element count overflows 64 bits");
            }
            n_elements *= dim;
            info.shape[d] = dim;
        }
        info.n_elements = n_elements;

        const uint64_t type_at = pos_;
        const auto type_id = read<uint32_t>("tensor type");
        const auto traits = ggml_type_traits(type_id);
        if (!traits) {
            fail_at(type_at, "tensor " + name + " has type id " + std::to_string(type_id) + ", " +
                                 std::string(ggml_type_id_problem(type_id)));
        }
        info.type = traits->type;
        const uint64_t row = n_dims > 0 ? info.shape[0] : 1;
        if (row % traits->block_size != 0) {
            fail_at(dims_at, "tensor " + name + " row length " + std::to_string(row) +
                                 " is not a multiple of the " + std::string(traits->name) +
                                 " block size " + std::to_string(traits->block_size));
        }
        if (__builtin_mul_overflow(n_elements / traits->block_size, uint64_t{traits->type_size},
                                   &info.n_bytes)) {
            fail_at(dims_at, "tensor " + name + " byte size overflows 64 bits");
        }

        tensor_offset_field_at_.push_back(pos_);
        info.offset = read<uint64_t>("tensor data offset");

        const auto [it, inserted] = file_.tensor_index_.emplace(info.name, file_.tensors_.size());
        if (!inserted) fail_at(info_at, "duplicate tensor name " + name);
        file_.tensors_.push_back(std::move(info));
    }
}

void GgufParser::check_tensor_data() {
    // The data section starts at the first aligned offset after the tensor infos. A file
    // without tensors (a vocabulary) may end before it; only tensor ranges must be inside.
    const uint64_t alignment = file_.alignment_;
    file_.data_offset_ = (pos_ + alignment - 1) / alignment * alignment;
    file_.size_ = size_;

    auto& tensors = file_.tensors_;
    for (size_t i = 0; i < tensors.size(); ++i) {
        TensorInfo& t = tensors[i];
        const uint64_t at = tensor_offset_field_at_[i];
        if (t.offset % alignment != 0) {
            fail_at(at, "tensor " + quoted(t.name) + " data offset " + std::to_string(t.offset) +
                            " is not a multiple of the alignment " + std::to_string(alignment));
        }
        uint64_t begin = 0;
        uint64_t end = 0;
        if (__builtin_add_overflow(file_.data_offset_, t.offset, &begin) ||
            __builtin_add_overflow(begin, t.n_bytes, &end) || end > size_) {
            fail_at(at, "tensor " + quoted(t.name) + " data (offset " + std::to_string(t.offset) +
                            ", " + std::to_string(t.n_bytes) + " bytes) runs past the end of the " +
                            std::to_string(size_) + "-byte file");
        }
        t.data = bytes_ + begin;
    }

    // Overlapping tensors would alias each other's weights; no writer produces them.
    std::vector<size_t> order(tensors.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return tensors[a].offset < tensors[b].offset; });
    uint64_t previous_end = 0;
    size_t previous = 0;
    for (size_t k = 0; k < order.size(); ++k) {
        const TensorInfo& t = tensors[order[k]];
        if (t.n_bytes == 0) continue;
        if (t.offset < previous_end) {
            fail_at(tensor_offset_field_at_[order[k]], "tensor " + quoted(t.name) +
                                                           " data overlaps tensor " +
                                                           quoted(tensors[previous].name));
        }
        if (t.offset + t.n_bytes > previous_end) {
            previous_end = t.offset + t.n_bytes;
            previous = order[k];
        }
    }
}

}  // namespace hearth::gguf
