#include "gguf/gguf_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/error.h"

namespace hearth::gguf {
namespace {

constexpr size_t kBufferSize = 1 << 20;

[[noreturn]] void throw_io(const std::string& path, const char* doing, int err) {
    throw Error(ErrorCode::io, path + ": cannot " + doing + ": " + std::strerror(err));
}

uint64_t padded(uint64_t n, uint64_t alignment) {
    return (n + alignment - 1) / alignment * alignment;
}

// Little-endian serialisation of metadata into a byte string (x86-64 and aarch64 are
// little-endian; the reader makes the same assumption).
class Bytes {
public:
    template <typename T>
    void pod(T v) {
        out.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
    void str(const std::string& s) {
        pod<uint64_t>(s.size());
        out += s;
    }
    void value_payload(const Value& v);
    std::string out;
};

void Bytes::value_payload(const Value& v) {
    switch (v.type) {
        case ValueType::UINT8:
            return pod(static_cast<uint8_t>(std::get<uint64_t>(v.data)));
        case ValueType::UINT16:
            return pod(static_cast<uint16_t>(std::get<uint64_t>(v.data)));
        case ValueType::UINT32:
            return pod(static_cast<uint32_t>(std::get<uint64_t>(v.data)));
        case ValueType::UINT64:
            return pod(std::get<uint64_t>(v.data));
        case ValueType::INT8:
            return pod(static_cast<int8_t>(std::get<int64_t>(v.data)));
        case ValueType::INT16:
            return pod(static_cast<int16_t>(std::get<int64_t>(v.data)));
        case ValueType::INT32:
            return pod(static_cast<int32_t>(std::get<int64_t>(v.data)));
        case ValueType::INT64:
            return pod(std::get<int64_t>(v.data));
        case ValueType::FLOAT32:
            return pod(static_cast<float>(std::get<double>(v.data)));  // was widened exactly
        case ValueType::FLOAT64:
            return pod(std::get<double>(v.data));
        case ValueType::BOOL:
            return pod(static_cast<uint8_t>(std::get<bool>(v.data) ? 1 : 0));
        case ValueType::STRING:
            return str(std::get<std::string>(v.data));
        case ValueType::ARRAY: {
            const Array& a = std::get<Array>(v.data);
            pod(static_cast<uint32_t>(a.element_type));
            pod<uint64_t>(a.items.size());
            for (const Value& item : a.items)
                value_payload(item);
            return;
        }
    }
    throw Error(ErrorCode::internal, "metadata value of unknown type");
}

}  // namespace

uint64_t tensor_bytes(GgmlType type, const std::vector<uint64_t>& shape) {
    const auto& traits = ggml_type_traits(type);
    if (shape.empty() || shape[0] % traits.block_size != 0) {
        throw Error(ErrorCode::invalid_argument,
                    "a row does not fill whole " + ggml_type_upper_name(type) + " blocks");
    }
    uint64_t rows = 1;
    for (size_t i = 1; i < shape.size(); ++i)
        rows *= shape[i];
    return rows * (shape[0] / traits.block_size) * traits.type_size;
}

GgufWriter::GgufWriter(std::string path, const std::vector<std::pair<std::string, Value>>& metadata,
                       const std::vector<TensorLayout>& tensors, uint64_t alignment)
    : path_(std::move(path)), alignment_(alignment) {
    if (alignment_ == 0 || (alignment_ & (alignment_ - 1)) != 0) {
        throw Error(ErrorCode::invalid_argument, "GGUF alignment must be a power of two");
    }
    Bytes header;
    header.out = "GGUF";
    header.pod<uint32_t>(3);
    header.pod<uint64_t>(tensors.size());
    header.pod<uint64_t>(metadata.size());
    for (const auto& [key, value] : metadata) {
        header.str(key);
        header.pod(static_cast<uint32_t>(value.type));
        header.value_payload(value);
    }
    uint64_t offset = 0;
    for (const TensorLayout& t : tensors) {
        header.str(t.name);
        header.pod<uint32_t>(static_cast<uint32_t>(t.shape.size()));
        for (uint64_t d : t.shape)
            header.pod(d);
        header.pod(static_cast<uint32_t>(t.type));
        header.pod(offset);
        sizes_.push_back(tensor_bytes(t.type, t.shape));
        offset += padded(sizes_.back(), alignment_);
    }
    total_ = padded(header.out.size(), alignment_) + offset;

    std::string pattern = path_ + ".partial-XXXXXX";
    fd_ = ::mkstemp(pattern.data());
    if (fd_ < 0) throw_io(path_, "create a temporary file beside it", errno);
    temp_path_ = pattern;
    ::fchmod(fd_, 0644);  // mkstemp creates 0600; a model file is readable like any other
    buffer_.reserve(kBufferSize);
    put(header.out.data(), header.out.size());
    pad_to(alignment_);
}

GgufWriter::~GgufWriter() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
}

void GgufWriter::put(const void* data, uint64_t n) {
    const auto* p = static_cast<const char*>(data);
    while (n > 0) {
        const size_t take =
            static_cast<size_t>(std::min<uint64_t>(n, kBufferSize - buffer_.size()));
        buffer_.append(p, take);
        p += take;
        n -= take;
        position_ += take;
        if (buffer_.size() == kBufferSize) flush();
    }
}

void GgufWriter::flush() {
    size_t done = 0;
    while (done < buffer_.size()) {
        const ssize_t w = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
        if (w < 0) {
            if (errno == EINTR) continue;
            throw_io(temp_path_, "write", errno);
        }
        done += static_cast<size_t>(w);
    }
    buffer_.clear();
}

void GgufWriter::pad_to(uint64_t alignment) {
    static const char zeros[64] = {};
    uint64_t pad = padded(position_, alignment) - position_;
    while (pad > 0) {
        const uint64_t take = std::min<uint64_t>(pad, sizeof zeros);
        put(zeros, take);
        pad -= take;
    }
}

void GgufWriter::write_tensor_data(const void* data, uint64_t n) {
    if (current_ >= sizes_.size() || current_written_ + n > sizes_[current_]) {
        throw Error(ErrorCode::internal, "GGUF writer: more tensor data than the layout declares");
    }
    put(data, n);
    current_written_ += n;
    if (current_written_ == sizes_[current_]) {
        pad_to(alignment_);
        ++current_;
        current_written_ = 0;
    }
}

void GgufWriter::commit() {
    if (current_ != sizes_.size()) {
        throw Error(ErrorCode::internal, "GGUF writer: commit before all tensor data was written");
    }
    flush();
    if (::fsync(fd_) != 0) throw_io(temp_path_, "sync", errno);
    if (::close(fd_) != 0) {
        fd_ = -1;
        throw_io(temp_path_, "close", errno);
    }
    fd_ = -1;
    if (std::rename(temp_path_.c_str(), path_.c_str()) != 0)
        throw_io(path_, "rename into place", errno);
    committed_ = true;
}

}  // namespace hearth::gguf
