#pragma once
// Writes a GGUF (v3) file: header, metadata, tensor infos, padding, tensor data, each tensor
// padded to the alignment. The bytes go to a temporary file beside the destination that is
// renamed over it only by commit(); a writer destroyed without commit() (error, cancel)
// removes the temporary, so the destination never holds a half-written file.
//
//   GgufWriter w("out.gguf", metadata, tensors, 32);
//   for (each tensor in order) w.write_tensor_data(bytes, n);  // exactly n_bytes each
//   w.commit();
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gguf/gguf_file.h"

namespace hearth::gguf {

struct TensorLayout {
    std::string name;
    std::vector<uint64_t> shape;  // ggml order
    GgmlType type = GgmlType::F32;
};

// Bytes of a tensor of `type` and `shape`; throws Error(invalid_argument) when the row
// length is not a whole number of blocks.
uint64_t tensor_bytes(GgmlType type, const std::vector<uint64_t>& shape);

class GgufWriter {
public:
    // Creates the temporary file and writes everything up to the tensor data.
    // Throws Error(io) when the directory is not writable.
    GgufWriter(std::string path, const std::vector<std::pair<std::string, Value>>& metadata,
               const std::vector<TensorLayout>& tensors, uint64_t alignment);
    ~GgufWriter();
    GgufWriter(const GgufWriter&) = delete;
    GgufWriter& operator=(const GgufWriter&) = delete;

    // Appends data of the current tensor; a tensor may arrive in several pieces. Throws
    // Error(internal) when more bytes arrive than the tensor holds.
    void write_tensor_data(const void* data, uint64_t n);
    // Checks every tensor is complete, flushes to disk and renames into place.
    void commit();

    uint64_t total_bytes() const { return total_; }  // the final file size
    const std::string& temp_path() const { return temp_path_; }

private:
    void put(const void* data, uint64_t n);
    void flush();
    void pad_to(uint64_t alignment);

    std::string path_;
    std::string temp_path_;
    int fd_ = -1;
    bool committed_ = false;
    uint64_t alignment_;
    std::vector<uint64_t> sizes_;  // bytes per tensor
    size_t current_ = 0;           // tensor being written
    uint64_t current_written_ = 0;
    uint64_t position_ = 0;  // bytes handed to put()
    uint64_t total_ = 0;
    std::string buffer_;
};

}  // namespace hearth::gguf
