// bench_kernels: matmul throughput for the shapes of the models we ship. Decode (1 token)
// should be memory-bandwidth bound, so it reports GB/s of weights streamed; "cold" rotates
// through enough copies of the matrix to defeat the caches, as a real forward pass does.
// Prefill reports GFLOP/s. Run with HEARTH_CPU=scalar|avx2|avx512 to compare levels.
//
//   bench_kernels [threads] [seconds_per_case]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "backend/cpu/cpu_features.h"
#include "backend/cpu/fp16.h"
#include "backend/cpu/kernels.h"
#include "backend/cpu/kernels_dispatch.h"
#include "backend/cpu/thread_pool.h"

using namespace hearth::cpu;
using Clock = std::chrono::steady_clock;

namespace {

struct Case {
    const char* label;
    GgmlType type;
    int64_t cols, rows;
};

// Weight bytes with valid scales: quantize random floats when a quantizer exists, else
// random bytes with the half fields cleared to small values by dequantize-safe patterns.
std::vector<uint8_t> make_matrix(GgmlType t, int64_t cols, int64_t rows, std::mt19937& rng) {
    const size_t rb = row_size(t, cols);
    std::vector<uint8_t> m(rb * static_cast<size_t>(rows));
    std::uniform_int_distribution<int> byte(0, 255);
    for (auto& b : m)
        b = static_cast<uint8_t>(byte(rng));
    const BlockShape shape = block_shape(t);
    // Patch every 16-bit word at block offsets that hold halves with 0x2000 (~0.0078):
    // the benchmark only needs finite numbers.
    for (size_t off = 0; off + shape.bytes <= m.size(); off += shape.bytes) {
        uint16_t small = fp32_to_fp16(0.01f);
        switch (t) {
            case GgmlType::Q4_1:
            case GgmlType::Q4_K:
            case GgmlType::Q5_K:
                std::memcpy(&m[off], &small, 2);
                std::memcpy(&m[off + 2], &small, 2);
                break;
            case GgmlType::Q4_0:
            case GgmlType::Q5_0:
            case GgmlType::Q8_0:
                std::memcpy(&m[off], &small, 2);
                break;
            case GgmlType::Q6_K:
                std::memcpy(&m[off + 208], &small, 2);
                break;
            case GgmlType::F16:
                for (size_t k = 0; k < m.size(); k += 2)
                    std::memcpy(&m[k], &small, 2);
                off = m.size();
                break;
            case GgmlType::F32:
                for (size_t k = 0; k < m.size(); k += 4) {
                    const float f = 0.01f;
                    std::memcpy(&m[k], &f, 4);
                }
                off = m.size();
                break;
            default:
                break;
        }
    }
    return m;
}

double run_case(ThreadPool& pool, const Case& c, int64_t tokens, bool cold, double seconds) {
    std::mt19937 rng(1);
    const size_t rb = row_size(c.type, c.cols);
    const size_t bytes = rb * static_cast<size_t>(c.rows);
    // Cold: copies totalling >= 256 MiB so each call streams from DRAM.
    const size_t copies = cold ? std::max<size_t>(2, (256u << 20) / bytes) : 1;
    const auto one = make_matrix(c.type, c.cols, c.rows, rng);
    std::vector<uint8_t> all(bytes * copies);
    for (size_t k = 0; k < copies; ++k)
        std::memcpy(all.data() + k * bytes, one.data(), bytes);
    std::vector<float> x(static_cast<size_t>(c.cols * tokens));
    std::normal_distribution<float> nd;
    for (auto& v : x)
        v = nd(rng);
    std::vector<float> y(static_cast<size_t>(c.rows * tokens));

    size_t calls = 0;
    const auto start = Clock::now();
    double elapsed = 0.0;
    while (elapsed < seconds || calls < 3) {
        const WeightView w{c.type, c.cols, c.rows, all.data() + (calls % copies) * bytes, rb};
        matmul(pool, w, x.data(), tokens, y.data());
        ++calls;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    }
    return elapsed / static_cast<double>(calls);
}

}  // namespace

int main(int argc, char** argv) {
    const int threads = argc > 1 ? std::atoi(argv[1]) : ThreadPool::physical_cores();
    const double seconds = argc > 2 ? std::atof(argv[2]) : 0.5;
    ThreadPool pool(threads);
    std::printf("simd %s (detected %s), %d threads, %d physical cores\n",
                simd_level_name(active_simd_level()), simd_level_name(detected_simd_level()),
                threads, ThreadPool::physical_cores());

    // Shapes and types as stored in the shipped GGUFs (cols = reduction dimension).
    const Case cases[] = {
        {"smollm2 ffn_up q4_1", GgmlType::Q4_1, 576, 1536},
        {"smollm2 ffn_down q4_1", GgmlType::Q4_1, 1536, 576},
        {"smollm2 output q8_0", GgmlType::Q8_0, 576, 49152},
        {"gemma3 ffn_up q5_0", GgmlType::Q5_0, 640, 2048},
        {"gemma3 ffn_down q4_K", GgmlType::Q4_K, 2048, 640},
        {"gemma3 ffn_down q6_K", GgmlType::Q6_K, 2048, 640},
        {"gemma3 output q8_0", GgmlType::Q8_0, 640, 262144},
        {"q4_0 2048x2048", GgmlType::Q4_0, 2048, 2048},
        {"f16 576x1536", GgmlType::F16, 576, 1536},
        {"f32 576x1536", GgmlType::F32, 576, 1536},
    };
    std::printf("%-24s %12s %10s %12s %10s %14s\n", "case", "decode hot", "GB/s", "decode cold",
                "GB/s", "prefill64 GF/s");
    for (const Case& c : cases) {
        const double bytes = static_cast<double>(row_size(c.type, c.cols)) * c.rows;
        const double hot = run_case(pool, c, 1, false, seconds);
        const double cold = run_case(pool, c, 1, true, seconds);
        const double pre = run_case(pool, c, 64, false, seconds);
        std::printf("%-24s %10.1fus %10.1f %10.1fus %10.1f %14.1f\n", c.label, hot * 1e6,
                    bytes / hot / 1e9, cold * 1e6, bytes / cold / 1e9,
                    2.0 * c.cols * c.rows * 64 / pre / 1e9);
    }
    return 0;
}
