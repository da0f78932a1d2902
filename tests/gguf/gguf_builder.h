#pragma once
// Test-only writer of synthetic GGUF files: every field is written explicitly so a test can
// build valid files of any version and layout, and also files that lie (wrong counts,
// misaligned offsets, bogus types) to check that the reader refuses them.
#include <QByteArray>
#include <QFile>
#include <QString>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gguf/gguf_file.h"

namespace hearth::test {

// Little-endian byte sink.
class ByteWriter {
public:
    template <typename T>
    ByteWriter& pod(T value) {
        char raw[sizeof(T)];
        std::memcpy(raw, &value, sizeof(T));
        bytes.append(raw, sizeof(T));
        return *this;
    }
    ByteWriter& u8(uint8_t v) { return pod(v); }
    ByteWriter& u32(uint32_t v) { return pod(v); }
    ByteWriter& u64(uint64_t v) { return pod(v); }
    ByteWriter& str(std::string_view s) {
        u64(s.size());
        bytes.append(s);
        return *this;
    }
    ByteWriter& type(gguf::ValueType t) { return u32(static_cast<uint32_t>(t)); }
    // Array header: element type and count; the caller writes the elements.
    ByteWriter& array(gguf::ValueType element, uint64_t count) {
        type(element);
        return u64(count);
    }
    std::string bytes;
};

class GgufBuilder {
public:
    uint32_t version = 3;
    uint64_t alignment = 32;  // padding used when laying out; add general.alignment yourself
    std::optional<uint64_t> tensor_count_override;
    std::optional<uint64_t> kv_count_override;

    // Starts a key/value entry; write the value into the returned writer.
    ByteWriter& kv(std::string_view key, gguf::ValueType type) {
        ++kv_count_;
        kvs_.str(key).type(type);
        return kvs_;
    }

    // A tensor whose data is `n_bytes` bytes of a counting pattern, placed at the next
    // aligned offset unless `offset` says otherwise. Returns the offset used.
    uint64_t tensor(std::string_view name, uint32_t type_id, std::vector<uint64_t> shape,
                    uint64_t n_bytes, std::optional<uint64_t> offset = std::nullopt) {
        const uint64_t at = offset.value_or((data_.size() + alignment - 1) / alignment * alignment);
        infos_.str(name).u32(static_cast<uint32_t>(shape.size()));
        for (uint64_t d : shape)
            infos_.u64(d);
        infos_.u32(type_id).u64(at);
        ++tensor_count_;
        if (data_.size() < at + n_bytes) data_.resize(at + n_bytes, '\0');
        for (uint64_t i = 0; i < n_bytes; ++i)
            data_[at + i] = static_cast<char>((i * 7 + 1) & 0xff);
        return at;
    }

    // Raw tensor-info bytes, for infos no honest writer would produce.
    ByteWriter& raw_tensor_info() {
        ++tensor_count_;
        return infos_;
    }

    // Whole file: header, key/values, tensor infos, padding, data. With no tensors the file
    // ends right after the infos (as vocabulary-only files do).
    std::string build() const {
        ByteWriter out;
        out.bytes = "GGUF";
        out.u32(version);
        out.u64(tensor_count_override.value_or(tensor_count_));
        out.u64(kv_count_override.value_or(kv_count_));
        out.bytes += kvs_.bytes;
        out.bytes += infos_.bytes;
        if (!data_.empty()) {
            while (out.bytes.size() % alignment != 0)
                out.bytes += '\0';
            out.bytes += data_;
        }
        return out.bytes;
    }

    // Offset in build() output where the tensor data section starts (when there is data).
    uint64_t data_offset() const {
        const uint64_t end = 24 + kvs_.bytes.size() + infos_.bytes.size();
        return (end + alignment - 1) / alignment * alignment;
    }

private:
    ByteWriter kvs_;
    ByteWriter infos_;
    std::string data_;
    uint64_t kv_count_ = 0;
    uint64_t tensor_count_ = 0;
};

inline bool write_file(const QString& path, std::string_view bytes) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
    return f.write(bytes.data(), static_cast<qint64>(bytes.size())) ==
           static_cast<qint64>(bytes.size());
}

inline QByteArray read_file(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

}  // namespace hearth::test
