// AVX-512 prefill attention for a block of query tokens of one KV head (attention_tiled.h).
//
// For each tile of kKvTile cells the block needs, K is converted to F32 and transposed
// (kt[i][cell], so 16 cells sit in one register) and V converted to F32 rows, once. Every
// query row of the block then computes the tile's scores 16 cells per register, lane by lane
// the reference's fma chain over the head dimension, and accumulates V 16 dimensions per
// register. The tile's probabilities come from the same vector softmax (vec_math.h).
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "backend/cpu/attention_tiled.h"
#include "backend/cpu/kernels.h"
#include "backend/cpu/ops_attention.h"
#include "backend/cpu/vec_math.h"

namespace hearth::cpu {
namespace {

constexpr int kLanes = 16;
constexpr int kGroups = kKvTile / kLanes;  // registers per tile row
static_assert(kKvTile % kLanes == 0);

size_t round_up16(size_t n) {
    return (n + 15) / 16 * 16;
}

int first_visible_cell(const AttentionParams& params, int p) {
    return params.sliding_window > 0 ? std::max(0, p - params.sliding_window + 1) : 0;
}

// As the reference: the softcap folds the scale in (ggml's order), else one multiply.
float finish_score(const AttentionParams& params, float dot) {
    if (params.softcap > 0.0f) {
        const float s = dot * (params.scale / params.softcap);
        return params.softcap * std::tanh(s);
    }
    return dot * params.scale;
}

// Scratch layout, in floats: kt [dk * kKvTile] | vt [kKvTile * dv_pad] |
// acc [rows * dv_pad] | max [rows] | sum [rows] | dots [kKvTile] | krow [dk_pad].
struct Layout {
    size_t kt, vt, acc, max, sum, dots, krow, total;
    Layout(const AttentionParams& p) {
        const size_t dv_pad = round_up16(size_t(p.head_dim_v));
        const size_t rows = size_t(kTiledBlockTokens) * size_t(p.n_heads / p.n_kv_heads);
        kt = 0;
        vt = kt + size_t(p.head_dim_k) * kKvTile;
        acc = vt + kKvTile * dv_pad;
        max = acc + rows * dv_pad;
        sum = round_up16(max + rows);
        dots = round_up16(sum + rows);
        krow = dots + kKvTile;
        total = krow + round_up16(size_t(p.head_dim_k));
    }
};

// Cell row -> n floats (F16 or F32 cache).
void row_to_f32(GgmlType type, const uint8_t* src, float* dst, int n) {
    if (type == GgmlType::F32) {
        std::memcpy(dst, src, size_t(n) * sizeof(float));
        return;
    }
    const auto* h = reinterpret_cast<const uint16_t*>(src);
    int i = 0;
    for (; i + kLanes <= n; i += kLanes) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(h + i));
        // maskz: the unmasked form trips GCC 12's maybe-uninitialized on its undefined source.
        _mm512_storeu_ps(dst + i, _mm512_maskz_cvtph_ps(0xFFFF, v));
    }
    if (i < n) {
        const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1);
        const __m256i v = _mm256_maskz_loadu_epi16(m, h + i);
        _mm512_mask_storeu_ps(dst + i, m, _mm512_maskz_cvtph_ps(m, v));
    }
}

// Raw q.k dots of register groups [g0, g0 + NG) of the tile into dots[].
template <int NG>
void tile_dots(const float* qv, const float* kt, int dk, int g0, float* dots) {
    __m512 acc[NG];
    for (int g = 0; g < NG; ++g)
        acc[g] = _mm512_setzero_ps();
    const float* col = kt + g0 * kLanes;
    for (int i = 0; i < dk; ++i) {
        const __m512 qi = _mm512_set1_ps(qv[i]);
        for (int g = 0; g < NG; ++g) {
            const __m512 k = _mm512_load_ps(col + size_t(i) * kKvTile + g * kLanes);
            acc[g] = _mm512_fmadd_ps(k, qi, acc[g]);
        }
    }
    for (int g = 0; g < NG; ++g)
        _mm512_store_ps(dots + (g0 + g) * kLanes, acc[g]);
}

void tile_dots_range(const float* qv, const float* kt, int dk, int g0, int ng, float* dots) {
    switch (ng) {
        case 1:
            return tile_dots<1>(qv, kt, dk, g0, dots);
        case 2:
            return tile_dots<2>(qv, kt, dk, g0, dots);
        case 3:
            return tile_dots<3>(qv, kt, dk, g0, dots);
        default:
            return tile_dots<4>(qv, kt, dk, g0, dots);
    }
}

// acc[0, dv) = acc * s   (padding lanes hold zeros and stay zero)
void scale_acc(float* acc, int dv_pad, float s) {
    const __m512 vs = _mm512_set1_ps(s);
    for (int i = 0; i < dv_pad; i += kLanes) {
        _mm512_store_ps(acc + i, _mm512_mul_ps(_mm512_load_ps(acc + i), vs));
    }
}

// Registers [r0, r0 + kRegs) of acc (16 floats each): acc = fma(v_c, p[c], acc) for the
// cells c = 0 .. n_cells - 1 in order, v_c = v + c * dv_pad, the accumulators held in
// registers across the cells (per element the same fma chain as one cell at a time). With
// `tail` set, v's lanes past `tail` read as zero (the end of a row off the 16-lane grid).
template <int kRegs>
void add_scaled_cells_regs(float* acc, const float* v, int dv_pad, const float* p, int n_cells,
                           int r0, int tail = kLanes) {
    const auto mask = static_cast<__mmask16>((1u << tail) - 1);
    __m512 a[kRegs];
    for (int k = 0; k < kRegs; ++k)
        a[k] = _mm512_load_ps(acc + (r0 + k) * kLanes);
    for (int c = 0; c < n_cells; ++c) {
        const __m512 vp = _mm512_set1_ps(p[c]);
        const float* vc = v + size_t(c) * size_t(dv_pad) + size_t(r0) * kLanes;
        for (int k = 0; k < kRegs; ++k) {
            const __m512 vk = tail == kLanes ? _mm512_load_ps(vc + k * kLanes)
                                             : _mm512_maskz_load_ps(mask, vc + k * kLanes);
            a[k] = _mm512_fmadd_ps(vk, vp, a[k]);
        }
    }
    for (int k = 0; k < kRegs; ++k)
        _mm512_store_ps(acc + (r0 + k) * kLanes, a[k]);
}

// acc = fma(v_c, p[c], acc) for the cells in order, v_c tile rows of dv floats.
void add_scaled_cells(float* acc, const float* v, int dv, int dv_pad, const float* p, int n_cells) {
    const int full = dv / kLanes;
    int r = 0;
    for (; r + 16 <= full; r += 16)
        add_scaled_cells_regs<16>(acc, v, dv_pad, p, n_cells, r);
    for (; r + 4 <= full; r += 4)
        add_scaled_cells_regs<4>(acc, v, dv_pad, p, n_cells, r);
    for (; r < full; ++r)
        add_scaled_cells_regs<1>(acc, v, dv_pad, p, n_cells, r);
    if (dv % kLanes) add_scaled_cells_regs<1>(acc, v, dv_pad, p, n_cells, r, dv % kLanes);
}

}  // namespace

size_t attention_tiled_scratch_bytes(const AttentionParams& params) {
    return Layout(params).total * sizeof(float);
}

void attention_tiled_block_avx512(const AttentionParams& params, const Rows& q,
                                  const KvLayerView& cache, const Rows& out, int kv_head, int t0,
                                  int t1, void* scratch) {
    const int dk = params.head_dim_k;
    const int dv = params.head_dim_v;
    const int dv_pad = int(round_up16(size_t(dv)));
    const int group = params.n_heads / params.n_kv_heads;
    const int n_rows = (t1 - t0) * group;
    const Layout layout(params);
    float* base = static_cast<float*>(scratch);
    float* kt = base + layout.kt;
    float* vt = base + layout.vt;
    float* accs = base + layout.acc;
    float* maxs = base + layout.max;
    float* sums = base + layout.sum;
    float* dots = base + layout.dots;
    float* krow = base + layout.krow;
    std::fill(accs, accs + size_t(n_rows) * size_t(dv_pad), 0.0f);
    std::fill(maxs, maxs + n_rows, -INFINITY);
    std::fill(sums, sums + n_rows, 0.0f);

    const size_t k_off = size_t(kv_head) * row_size(cache.type, dk);
    const size_t v_off = size_t(kv_head) * row_size(cache.type, dv);
    const auto* k_base = static_cast<const uint8_t*>(cache.k) + k_off;
    const auto* v_base = static_cast<const uint8_t*>(cache.v) + v_off;
    const int cell_min = first_visible_cell(params, params.pos0 + t0);
    const int cell_max = params.pos0 + t1 - 1;

    for (int tile = cell_min / kKvTile * kKvTile; tile <= cell_max; tile += kKvTile) {
        const int lo_all = std::max(tile, cell_min);
        const int hi_all = std::min(tile + kKvTile - 1, cell_max);
        if (lo_all > tile || hi_all < tile + kKvTile - 1) {
            // Lanes no query uses are still multiplied: keep them zero, not stale.
            std::fill(kt, kt + size_t(dk) * kKvTile, 0.0f);
        }
        for (int c = lo_all; c <= hi_all; ++c) {
            row_to_f32(cache.type, k_base + size_t(c) * cache.k_row_bytes, krow, dk);
            for (int i = 0; i < dk; ++i)
                kt[size_t(i) * kKvTile + size_t(c - tile)] = krow[i];
            row_to_f32(cache.type, v_base + size_t(c) * cache.v_row_bytes,
                       vt + size_t(c - tile) * size_t(dv_pad), dv);
        }

        for (int t = t0; t < t1; ++t) {
            const int p = params.pos0 + t;
            const int first = first_visible_cell(params, p);
            if (tile > p || tile + kKvTile - 1 < first) continue;
            const int lo = std::max(tile, first);
            const int hi = std::min(tile + kKvTile - 1, p);
            const int g0 = (lo - tile) / kLanes;
            const int ng = (hi - tile) / kLanes - g0 + 1;
            for (int j = 0; j < group; ++j) {
                const int row = (t - t0) * group + j;
                const int head = kv_head * group + j;
                tile_dots_range(q.row(t) + int64_t(head) * dk, kt, dk, g0, ng, dots);
                float tile_max = -INFINITY;
                for (int c = tile; c < tile + kKvTile; ++c) {
                    if (c < lo || c > hi) {
                        dots[c - tile] = -INFINITY;  // invisible: weight 0 in the softmax
                        continue;
                    }
                    const float s = finish_score(params, dots[c - tile]);
                    dots[c - tile] = s;
                    tile_max = std::max(tile_max, s);
                }
                if (tile_max == -INFINITY) continue;
                float* acc = accs + size_t(row) * size_t(dv_pad);
                const float new_max = std::max(maxs[row], tile_max);
                if (new_max > maxs[row]) {
                    const float ms = std::exp(maxs[row] - new_max);
                    scale_acc(acc, dv_pad, ms);
                    sums[row] *= ms;
                }
                maxs[row] = new_max;
                sums[row] = float(double(sums[row]) + soft_max(dots, dots, kKvTile, new_max));
                add_scaled_cells(acc, vt + size_t(lo - tile) * size_t(dv_pad), dv, dv_pad,
                                 dots + (lo - tile), hi - lo + 1);
            }
        }
    }

    for (int t = t0; t < t1; ++t) {
        for (int j = 0; j < group; ++j) {
            const int row = (t - t0) * group + j;
            const float* acc = accs + size_t(row) * size_t(dv_pad);
            const float inv = sums[row] == 0.0f ? 0.0f : 1.0f / sums[row];
            float* o = out.row(t) + int64_t(kv_head * group + j) * dv;
            for (int i = 0; i < dv; ++i)
                o[i] = acc[i] * inv;
        }
    }
}

}  // namespace hearth::cpu
