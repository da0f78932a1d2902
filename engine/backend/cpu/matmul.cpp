// matmul: y[t][r] = dot(weight row r, activation row t).
//
// Prefill with a GEMM tile (kernels_dispatch.h): the activations are also packed per group of
// gemm.tokens tokens, and each panel of weight rows (unpacked first where the tile wants it)
// is swept by register tiles over every group; leftover tokens and rows go through the
// multi-token / multi-row / single dots, which give the same bits.
//
// Shapes: w is rows x cols (cols = reduction k), x is n_tokens x cols floats, y is
// n_tokens x rows floats. The activations are converted to the weight type's vec_dot_type
// once (into thread 0's kernel scratch, shared read-only by all threads), then the output
// rows are handed out in chunks through an atomic counter, so a thread slowed by another
// process does not hold the others up. Within a chunk, each small tile of weight rows is
// reused across every token before moving on (prefill reads each weight byte once from
// memory).
#include <algorithm>
#include <atomic>
#include <string>

#include "backend/cpu/kernels.h"
#include "backend/cpu/kernels_dispatch.h"
#include "backend/cpu/thread_pool.h"
#include "core/error.h"

namespace hearth::cpu {
namespace {

constexpr int64_t kRowTile = 16;  // weight rows kept hot in L1 while sweeping tokens

void check_view(const WeightView& w) {
    const BlockShape shape = block_shape(w.type);
    if (!supports_weight_type(w.type)) {
        throw Error(ErrorCode::unsupported, "matmul: unsupported weight type " +
                                                std::to_string(static_cast<uint32_t>(w.type)));
    }
    if (w.cols <= 0 || w.rows < 0 || w.cols % shape.elements != 0) {
        throw Error(ErrorCode::invalid_argument,
                    "matmul: columns must be a positive multiple of the block size");
    }
    if (w.row_stride < row_size(w.type, w.cols)) {
        throw Error(ErrorCode::invalid_argument, "matmul: row stride smaller than a row");
    }
}

}  // namespace

void matmul(ThreadPool& pool, const WeightView& w, const float* x, int64_t n_tokens, float* y) {
    check_view(w);
    if (n_tokens <= 0 || w.rows == 0) return;

    static const SimdLevel level = active_simd_level();
    const GgmlType act_type = vec_dot_type(w.type);
    VecDotFn dot = vec_dot_fn(level, w.type);
    const QuantizeFn convert = activation_quantizer_fn(level, act_type);
    const size_t act_row_bytes = row_size(act_type, w.cols);
    const int n_threads = pool.size();

    VecDotMultiFn multi = vec_dot_multi_fn(level, w.type);
    VecDotRowsFn rows_kernel = vec_dot_rows_fn(level, w.type);
    if (n_tokens >= kTiledMinTokens) {
        // llama.cpp's tiled K-quant path: every token in its per-block order.
        if (const VecDotFn tiled = vec_dot_tiled_fn(level, w.type)) {
            dot = tiled;
            multi = vec_dot_multi_tiled_fn(level, w.type);
            rows_kernel = nullptr;
        }
    }
    const GemmKernel gemm = gemm_fn(level, w.type, n_tokens);
    const int64_t unit_tokens = gemm ? gemm.tokens : kGemmTokens;
    const int64_t n_groups = gemm ? n_tokens / gemm.tokens : 0;
    const int64_t cols = w.cols;
    const size_t group_bytes =
        gemm ? size_t(cols / gemm.block_elements) * gemm.packed_block_bytes : 0;
    // Per thread: one panel of unpacked weight rows (tiles with a prepare step).
    const size_t prepared_row_bytes =
        gemm.prepare ? size_t(cols / gemm.block_elements) * gemm.prepared_block_bytes : 0;
    const size_t prepared_bytes = prepared_row_bytes * kRowTile;
    // Activation conversion (and, for the GEMM tiles, packing of each group of gemm.tokens
    // rows), split over the threads by token group. F32 weights dot the floats directly.
    const char* act = reinterpret_cast<const char*>(x);
    const char* packed = nullptr;
    char* prepared = nullptr;
    if (act_type != GgmlType::F32) {
        const size_t act_bytes = (act_row_bytes * static_cast<size_t>(n_tokens) + 63) / 64 * 64;
        const size_t packed_bytes = group_bytes * static_cast<size_t>(n_groups);
        char* buffer = static_cast<char*>(pool.kernel_scratch(
            0, act_bytes + packed_bytes + prepared_bytes * static_cast<size_t>(n_threads)));
        char* packed_buffer = buffer + act_bytes;
        prepared = packed_buffer + packed_bytes;
        // Unit of work: unit_tokens tokens (converted, then packed when a group is full).
        const int64_t n_units = (n_tokens + unit_tokens - 1) / unit_tokens;
        auto convert_unit = [&](int64_t u) {
            const int64_t t0 = u * unit_tokens;
            const int64_t t1 = std::min<int64_t>(n_tokens, t0 + unit_tokens);
            for (int64_t t = t0; t < t1; ++t) {
                convert(x + t * cols, buffer + static_cast<size_t>(t) * act_row_bytes, cols);
            }
            if (u < n_groups) {
                gemm.pack(cols, buffer + static_cast<size_t>(t0) * act_row_bytes, act_row_bytes,
                          packed_buffer + static_cast<size_t>(u) * group_bytes);
            }
        };
        if (n_units == 1 || n_threads == 1) {
            for (int64_t u = 0; u < n_units; ++u)
                convert_unit(u);
        } else {
            pool.run([&](int ith, int nth) {
                for (int64_t u = ith; u < n_units; u += nth)
                    convert_unit(u);
            });
        }
        act = buffer;
        packed = packed_buffer;
    }

    // Chunks: about four per thread for load balance, at least one row tile each.
    const int64_t rows = w.rows;
    int64_t chunk_rows = (rows + n_threads * 4 - 1) / (n_threads * 4);
    chunk_rows = std::max<int64_t>(kRowTile, (chunk_rows + kRowTile - 1) / kRowTile * kRowTile);
    const int64_t n_chunks = (rows + chunk_rows - 1) / chunk_rows;
    std::atomic<int64_t> next_chunk{n_threads};
    const char* weights = static_cast<const char*>(w.data);

    // Tokens [t, t + kMultiTokens) of rows [r_begin, r_end), by the multi-token kernel.
    auto multi_rows = [&](int64_t t, int64_t r_begin, int64_t r_end) {
        const char* a = act + static_cast<size_t>(t) * act_row_bytes;
        for (int64_t r = r_begin; r < r_end; ++r) {
            multi(cols, weights + static_cast<size_t>(r) * w.row_stride, a, act_row_bytes,
                  y + t * rows + r, static_cast<size_t>(rows));
        }
    };
    auto do_chunk = [&](int64_t chunk, int ith) {
        const int64_t r_begin = chunk * chunk_rows;
        const int64_t r_end = std::min(rows, r_begin + chunk_rows);
        for (int64_t r0 = r_begin; r0 < r_end; r0 += kRowTile) {
            const int64_t r1 = std::min(r_end, r0 + kRowTile);
            int64_t t = 0;
            if (gemm) {
                // Register tiles of gemm.rows x gemm.tokens; the panel's leftover rows (fewer
                // than gemm.rows) by the multi-token kernel, or one dot at a time.
                const int64_t r_tiles = r0 + (r1 - r0) / gemm.rows * gemm.rows;
                const char* tile_rows = weights + static_cast<size_t>(r0) * w.row_stride;
                size_t tile_stride = w.row_stride;
                if (gemm.prepare && r_tiles > r0) {
                    char* mine = prepared + static_cast<size_t>(ith) * prepared_bytes;
                    gemm.prepare(cols, tile_rows, w.row_stride, int(r_tiles - r0), mine);
                    tile_rows = mine;
                    tile_stride = prepared_row_bytes;
                }
                for (; t < n_groups * gemm.tokens; t += gemm.tokens) {
                    const char* group = packed + static_cast<size_t>(t / gemm.tokens) * group_bytes;
                    for (int64_t r = r0; r < r_tiles; r += gemm.rows) {
                        gemm.tile(cols, tile_rows + static_cast<size_t>(r - r0) * tile_stride,
                                  tile_stride, group, y + t * rows + r, static_cast<size_t>(rows));
                    }
                    if (multi && gemm.tokens % kMultiTokens == 0) {
                        for (int64_t k = t; k < t + gemm.tokens; k += kMultiTokens)
                            multi_rows(k, r_tiles, r1);
                        continue;
                    }
                    for (int64_t r = r_tiles; r < r1; ++r) {
                        for (int64_t k = t; k < t + gemm.tokens; ++k) {
                            y[k * rows + r] =
                                dot(cols, weights + static_cast<size_t>(r) * w.row_stride,
                                    act + static_cast<size_t>(k) * act_row_bytes);
                        }
                    }
                }
            }
            if (multi) {
                // Groups of kMultiTokens tokens share one unpacking of each weight block.
                for (; t + kMultiTokens <= n_tokens; t += kMultiTokens)
                    multi_rows(t, r0, r1);
            }
            for (; t < n_tokens; ++t) {
                const char* a = act + static_cast<size_t>(t) * act_row_bytes;
                float* out = y + t * rows;
                int64_t r = r0;
                if (rows_kernel) {
                    // Groups of kMultiRows rows share each activation block load.
                    for (; r + kMultiRows <= r1; r += kMultiRows) {
                        rows_kernel(cols, weights + static_cast<size_t>(r) * w.row_stride,
                                    w.row_stride, a, out + r);
                    }
                }
                for (; r < r1; ++r) {
                    out[r] = dot(cols, weights + static_cast<size_t>(r) * w.row_stride, a);
                }
            }
        }
    };

    pool.run([&](int ith, int) {
        for (int64_t chunk = ith; chunk < n_chunks;
             chunk = next_chunk.fetch_add(1, std::memory_order_relaxed)) {
            do_chunk(chunk, ith);
        }
    });
}

}  // namespace hearth::cpu
