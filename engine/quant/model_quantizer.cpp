#include "quant/model_quantizer.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "backend/cpu/kernels.h"
#include "core/error.h"
#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "quant/quantize_row.h"
#include "quant/tensor_plan.h"

namespace hearth::quant {
namespace {

using gguf::GgmlType;
namespace fs = std::filesystem;

constexpr uint32_t kQuantizationVersion = 2;  // GGML_QNT_VERSION: the current block layouts
constexpr uint64_t kChunkElements = uint64_t(1) << 22;  // rows per progress/cancel step

gguf::Value u32_value(uint32_t v) {
    return {gguf::ValueType::UINT32, uint64_t{v}};
}

// Source metadata with file type and quantization version set (replaced in place when
// present, appended otherwise, as llama-quantize does).
std::vector<std::pair<std::string, gguf::Value>> output_metadata(const gguf::GgufFile& in,
                                                                 GgmlType target) {
    auto metadata = in.metadata();
    auto set = [&](const std::string& key, gguf::Value value) {
        for (auto& [k, v] : metadata) {
            if (k == key) {
                v = std::move(value);
                return;
            }
        }
        metadata.emplace_back(key, std::move(value));
    };
    set("general.quantization_version", u32_value(kQuantizationVersion));
    set("general.file_type", u32_value(file_type_for_target(target)));
    return metadata;
}

bool same_file(const std::string& a, const std::string& b) {
    std::error_code ec;
    return fs::exists(b, ec) && fs::equivalent(a, b, ec);
}

// Converts rows [0, rows) of `src` (type `from`) to `to`, splitting the rows over threads.
void convert_rows(const gguf::TensorInfo& t, GgmlType to, uint64_t row0, uint64_t rows,
                  int n_threads, std::vector<uint8_t>& out) {
    const uint64_t cols = t.shape[0];
    const uint64_t in_row = gguf::tensor_bytes(t.type, {cols});
    const uint64_t out_row = gguf::tensor_bytes(to, {cols});
    out.resize(rows * out_row);
    auto work = [&](uint64_t begin, uint64_t end) {
        std::vector<float> f32(cols);
        for (uint64_t r = begin; r < end; ++r) {
            cpu::dequantize_row(t.type, t.data + (row0 + r) * in_row, f32.data(), int64_t(cols));
            quantize_row(to, f32.data(), out.data() + r * out_row, int64_t(cols));
        }
    };
    const uint64_t n = std::min<uint64_t>(uint64_t(std::max(1, n_threads)), rows);
    if (n <= 1) return work(0, rows);
    std::vector<std::thread> threads;
    std::exception_ptr failure;
    std::mutex failure_lock;
    for (uint64_t i = 0; i < n; ++i) {
        threads.emplace_back([&, i] {
            try {
                work(rows * i / n, rows * (i + 1) / n);
            } catch (...) {
                std::lock_guard lock(failure_lock);
                failure = std::current_exception();
            }
        });
    }
    for (auto& th : threads)
        th.join();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace

QuantizeReport quantize_model(const std::string& input, const std::string& output,
                              const QuantizeOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    if (!is_quantize_target(options.type)) {
        throw Error(ErrorCode::invalid_argument,
                    "cannot quantize to " + gguf::ggml_type_upper_name(options.type) +
                        " (choose one of " + std::string(quantize_target_names()) + ")");
    }
    const auto in = gguf::GgufFile::open(input);
    if (same_file(input, output)) {
        throw Error(ErrorCode::invalid_argument, output + ": the output would overwrite the input");
    }
    PlanOptions plan_options{options.type, options.keep_output_f16,
                             in->find_tensor("output.weight") == nullptr &&
                                 in->find_tensor("token_embd.weight") != nullptr};
    QuantizeReport report;
    report.input_bytes = in->file_size();
    std::vector<gguf::TensorLayout> layout;
    uint64_t elements_total = 0;
    for (const gguf::TensorInfo& t : in->tensors()) {
        TensorPlan plan = plan_tensor(t, plan_options);
        if (plan.type != t.type && gguf::ggml_type_traits(t.type).block_size > 1 &&
            std::find(report.source_quantized_types.begin(), report.source_quantized_types.end(),
                      t.type) == report.source_quantized_types.end()) {
            report.source_quantized_types.push_back(t.type);
        }
        report.tensors.push_back({t.name, t.type, plan.type, 0, plan.note});
        layout.push_back({t.name, t.shape, plan.type});
        elements_total += t.n_elements;
    }
    const int n_threads = options.n_threads > 0
                              ? options.n_threads
                              : int(std::max(1u, std::thread::hardware_concurrency()));
    gguf::GgufWriter writer(output, output_metadata(*in, options.type), layout, in->alignment());

    QuantizeProgress progress;
    progress.n_tensors = in->tensors().size();
    progress.elements_total = elements_total;
    auto cancelled = [&] { return options.cancel && options.cancel->load(); };
    std::vector<uint8_t> buffer;
    for (size_t i = 0; i < in->tensors().size(); ++i) {
        const gguf::TensorInfo& t = in->tensors()[i];
        TensorReport& tr = report.tensors[i];
        progress.tensor_index = i;
        progress.tensor_name = t.name;
        if (cancelled()) throw Error(ErrorCode::cancelled, "quantization cancelled");
        if (options.progress) options.progress(progress);
        if (tr.to == t.type) {
            writer.write_tensor_data(t.data, t.n_bytes);
            tr.bytes_out = t.n_bytes;
            progress.elements_done += t.n_elements;
            continue;
        }
        if (!cpu::supports_weight_type(t.type)) {
            throw Error(ErrorCode::unsupported, t.name + ": cannot requantize a tensor of type " +
                                                    gguf::ggml_type_upper_name(t.type));
        }
        const uint64_t cols = t.shape[0];
        const uint64_t rows = t.n_elements / cols;
        const uint64_t chunk_rows = std::max<uint64_t>(1, kChunkElements / cols);
        for (uint64_t r = 0; r < rows; r += chunk_rows) {
            if (cancelled()) throw Error(ErrorCode::cancelled, "quantization cancelled");
            const uint64_t n = std::min(chunk_rows, rows - r);
            convert_rows(t, tr.to, r, n, n_threads, buffer);
            writer.write_tensor_data(buffer.data(), buffer.size());
            tr.bytes_out += buffer.size();
            progress.elements_done += n * cols;
            if (options.progress) options.progress(progress);
        }
    }
    if (cancelled()) throw Error(ErrorCode::cancelled, "quantization cancelled");
    writer.commit();
    report.output_bytes = writer.total_bytes();
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

}  // namespace hearth::quant
