// GgufFile: mapping the file, lifetime of the mapping, and typed metadata lookups.
#include "gguf/gguf_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "gguf/gguf_parser.h"

namespace hearth::gguf {
namespace {

// Closes the descriptor on every path out of open(); the mapping outlives it.
struct FdCloser {
    int fd;
    ~FdCloser() {
        if (fd >= 0) ::close(fd);
    }
};

[[noreturn]] void throw_io(const std::string& path, const char* doing, int err) {
    throw Error(ErrorCode::io, path + ": cannot " + doing + ": " + std::strerror(err));
}

}  // namespace

GgufError::GgufError(const std::string& file, uint64_t offset, const std::string& what)
    : Error(ErrorCode::format, file + ": offset " + std::to_string(offset) + ": " + what),
      file_(file),
      offset_(offset),
      what_(what) {}

std::unique_ptr<GgufFile> GgufFile::open(const std::string& path) {
    std::unique_ptr<GgufFile> file(new GgufFile());
    file->path_ = path;

    const FdCloser fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (fd.fd < 0) throw_io(path, "open", errno);
    struct stat st {};
    if (::fstat(fd.fd, &st) != 0) throw_io(path, "stat", errno);
    if (!S_ISREG(st.st_mode)) throw Error(ErrorCode::io, path + ": not a regular file");

    const auto size = static_cast<uint64_t>(st.st_size);
    if (size > 0) {
        void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.fd, 0);
        if (map == MAP_FAILED) throw_io(path, "map", errno);
        file->map_ = map;
    }
    file->size_ = size;
    GgufParser(*file, static_cast<const uint8_t*>(file->map_), size).parse();
    return file;
}

GgufFile::~GgufFile() {
    if (map_ != nullptr) ::munmap(map_, size_);
}

const Value* GgufFile::find(const std::string& key) const {
    const auto it = metadata_index_.find(key);
    return it == metadata_index_.end() ? nullptr : &metadata_[it->second].second;
}

namespace {

[[noreturn]] void throw_wrong_type(const std::string& path, uint64_t at, const std::string& key,
                                   const Value& value, const char* expected) {
    throw GgufError(path, at,
                    "metadata key '" + key + "' is " + std::string(value_type_name(value.type)) +
                        ", expected " + expected);
}

}  // namespace

std::optional<std::string> GgufFile::get_string(const std::string& key) const {
    const auto it = metadata_index_.find(key);
    if (it == metadata_index_.end()) return std::nullopt;
    const Value& value = metadata_[it->second].second;
    if (const auto* s = value.as_string()) return *s;
    throw_wrong_type(path_, metadata_offsets_[it->second], key, value, "STRING");
}

std::optional<int64_t> GgufFile::get_int(const std::string& key) const {
    const auto it = metadata_index_.find(key);
    if (it == metadata_index_.end()) return std::nullopt;
    const Value& value = metadata_[it->second].second;
    if (const auto i = value.as_int()) return i;
    if (value.is_integer()) {
        throw GgufError(path_, metadata_offsets_[it->second],
                        "metadata key '" + key + "' does not fit in a signed 64-bit integer");
    }
    throw_wrong_type(path_, metadata_offsets_[it->second], key, value, "an integer");
}

std::optional<double> GgufFile::get_float(const std::string& key) const {
    const auto it = metadata_index_.find(key);
    if (it == metadata_index_.end()) return std::nullopt;
    const Value& value = metadata_[it->second].second;
    if (const auto d = value.as_float()) return d;
    throw_wrong_type(path_, metadata_offsets_[it->second], key, value, "a number");
}

std::optional<bool> GgufFile::get_bool(const std::string& key) const {
    const auto it = metadata_index_.find(key);
    if (it == metadata_index_.end()) return std::nullopt;
    const Value& value = metadata_[it->second].second;
    if (const auto* b = std::get_if<bool>(&value.data)) return *b;
    throw_wrong_type(path_, metadata_offsets_[it->second], key, value, "BOOL");
}

const Array* GgufFile::get_array(const std::string& key) const {
    const auto it = metadata_index_.find(key);
    if (it == metadata_index_.end()) return nullptr;
    const Value& value = metadata_[it->second].second;
    if (const auto* a = value.as_array()) return a;
    throw_wrong_type(path_, metadata_offsets_[it->second], key, value, "ARRAY");
}

const TensorInfo* GgufFile::find_tensor(const std::string& name) const {
    const auto it = tensor_index_.find(name);
    return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

}  // namespace hearth::gguf
