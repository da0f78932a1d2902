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
constexpr int kMaxGroup = 8;               // query heads per KV head handled together
static_assert(kKvTile % kLanes == 0);

size_t round_up16(size_t n) {
    return (n + 15) / 16 * 16;
}

// Scratch layout, in floats: kt [dk * kKvTile] | vt [kKvTile * dv_pad] |
// acc [rows * dv_pad] | max [rows] | sum [rows] | dots [group * kKvTile] | krow [dk_pad].
struct Layout {
    size_t kt, vt, acc, max, sum, dots, krow, total;
    Layout(const AttentionParams& p) {
        const size_t dv_pad = round_up16(size_t(p.head_dim_v));
        const size_t group = size_t(p.n_heads / p.n_kv_heads);
        const size_t rows = size_t(kTiledBlockTokens) * group;
        kt = 0;
        vt = kt + size_t(p.head_dim_k) * kKvTile;
        acc = vt + kKvTile * dv_pad;
        max = acc + rows * dv_pad;
        sum = round_up16(max + rows);
        dots = round_up16(sum + rows);
        krow = dots + group * kKvTile;
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

// Raw q.k dots of register groups [g0, g0 + NG) of the tile for NR query rows (qv[r]) into
// dots[r * kKvTile ...]: each kt load serves every row; per row the same fma chain.
template <int NG, int NR>
void tile_dots(const float* const* qv, const float* kt, int dk, int g0, float* dots) {
    __m512 acc[NR][NG];
    for (int r = 0; r < NR; ++r)
        for (int g = 0; g < NG; ++g)
            acc[r][g] = _mm512_setzero_ps();
    const float* col = kt + g0 * kLanes;
    for (int i = 0; i < dk; ++i) {
        __m512 qi[NR];
        for (int r = 0; r < NR; ++r)
            qi[r] = _mm512_set1_ps(qv[r][i]);
        for (int g = 0; g < NG; ++g) {
            const __m512 k = _mm512_load_ps(col + size_t(i) * kKvTile + g * kLanes);
            for (int r = 0; r < NR; ++r)
                acc[r][g] = _mm512_fmadd_ps(k, qi[r], acc[r][g]);
        }
    }
    for (int r = 0; r < NR; ++r)
        for (int g = 0; g < NG; ++g)
            _mm512_store_ps(dots + r * kKvTile + (g0 + g) * kLanes, acc[r][g]);
}

template <int NR>
void tile_dots_rows(const float* const* qv, const float* kt, int dk, int g0, int ng, float* dots) {
    switch (ng) {
        case 1:
            return tile_dots<1, NR>(qv, kt, dk, g0, dots);
        case 2:
            return tile_dots<2, NR>(qv, kt, dk, g0, dots);
        case 3:
            return tile_dots<3, NR>(qv, kt, dk, g0, dots);
        default:
            return tile_dots<4, NR>(qv, kt, dk, g0, dots);
    }
}

// Dots of n_rows (any number) query rows, up to 4 at a time.
void tile_dots_range(const float* const* qv, int n_rows, const float* kt, int dk, int g0, int ng,
                     float* dots) {
    int r = 0;
    for (; r + 4 <= n_rows; r += 4)
        tile_dots_rows<4>(qv + r, kt, dk, g0, ng, dots + r * kKvTile);
    if (n_rows - r == 3) tile_dots_rows<3>(qv + r, kt, dk, g0, ng, dots + r * kKvTile);
    if (n_rows - r == 2) tile_dots_rows<2>(qv + r, kt, dk, g0, ng, dots + r * kKvTile);
    if (n_rows - r == 1) tile_dots_rows<1>(qv + r, kt, dk, g0, ng, dots + r * kKvTile);
}

// acc[0, dv) = acc * s   (padding lanes hold zeros and stay zero)
void scale_acc(float* acc, int dv_pad, float s) {
    const __m512 vs = _mm512_set1_ps(s);
    for (int i = 0; i < dv_pad; i += kLanes) {
        _mm512_store_ps(acc + i, _mm512_mul_ps(_mm512_load_ps(acc + i), vs));
    }
}

// For each of NR rows: registers [r0, r0 + kRegs) of acc[r] (16 floats each) get
// acc = fma(v_c, p[r][c], acc) for the cells c = 0 .. n_cells - 1 in order, v_c = v + c *
// dv_pad, held in registers across the cells and each v load serving every row (per element
// the same fma chain as one row and one cell at a time). With `tail` set, v's lanes past
// `tail` read as zero (the end of a row off the 16-lane grid).
template <int kRegs, int NR>
void add_scaled_cells_regs(float* const* acc, const float* v, int dv_pad, const float* const* p,
                           int n_cells, int r0, int tail = kLanes) {
    const auto mask = static_cast<__mmask16>((1u << tail) - 1);
    __m512 a[NR][kRegs];
    for (int r = 0; r < NR; ++r)
        for (int k = 0; k < kRegs; ++k)
            a[r][k] = _mm512_load_ps(acc[r] + (r0 + k) * kLanes);
    for (int c = 0; c < n_cells; ++c) {
        __m512 vp[NR];
        for (int r = 0; r < NR; ++r)
            vp[r] = _mm512_set1_ps(p[r][c]);
        const float* vc = v + size_t(c) * size_t(dv_pad) + size_t(r0) * kLanes;
        for (int k = 0; k < kRegs; ++k) {
            const __m512 vk = tail == kLanes ? _mm512_load_ps(vc + k * kLanes)
                                             : _mm512_maskz_load_ps(mask, vc + k * kLanes);
            for (int r = 0; r < NR; ++r)
                a[r][k] = _mm512_fmadd_ps(vk, vp[r], a[r][k]);
        }
    }
    for (int r = 0; r < NR; ++r)
        for (int k = 0; k < kRegs; ++k)
            _mm512_store_ps(acc[r] + (r0 + k) * kLanes, a[r][k]);
}

// acc[r] = fma(v_c, p[r][c], acc[r]) for NR rows and the cells in order, v_c tile rows of dv
// floats; 16 accumulator registers at a time.
template <int NR>
void add_scaled_cells(float* const* acc, const float* v, int dv, int dv_pad, const float* const* p,
                      int n_cells) {
    constexpr int kRegs = 16 / NR;
    const int full = dv / kLanes;
    int r = 0;
    for (; r + kRegs <= full; r += kRegs)
        add_scaled_cells_regs<kRegs, NR>(acc, v, dv_pad, p, n_cells, r);
    for (; r < full; ++r)
        add_scaled_cells_regs<1, NR>(acc, v, dv_pad, p, n_cells, r);
    if (dv % kLanes) add_scaled_cells_regs<1, NR>(acc, v, dv_pad, p, n_cells, r, dv % kLanes);
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
            // The group's heads (same positions, so the same cells) together: dots, then
            // per head its scores, running max and softmax, then the V sums of the heads
            // that see a finite score.
            const float* qv[kMaxGroup];
            float* acc_rows[kMaxGroup];
            const float* probs[kMaxGroup];
            int active = 0;
            for (int j0 = 0; j0 < group; j0 += kMaxGroup) {
                const int nj = std::min(kMaxGroup, group - j0);
                for (int j = 0; j < nj; ++j)
                    qv[j] = q.row(t) + int64_t(kv_head * group + j0 + j) * dk;
                tile_dots_range(qv, nj, kt, dk, g0, ng, dots);
                active = 0;
                for (int j = 0; j < nj; ++j) {
                    const int row = (t - t0) * group + j0 + j;
                    float* d = dots + j * kKvTile;
                    float tile_max = -INFINITY;
                    for (int c = tile; c < tile + kKvTile; ++c) {
                        if (c < lo || c > hi) {
                            d[c - tile] = -INFINITY;  // invisible: weight 0 in the softmax
                            continue;
                        }
                        const float s = finish_score(params, d[c - tile]);
                        d[c - tile] = s;
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
                    sums[row] = float(double(sums[row]) + soft_max(d, d, kKvTile, new_max));
                    acc_rows[active] = acc;
                    probs[active] = d + (lo - tile);
                    ++active;
                }
                const float* v_lo = vt + size_t(lo - tile) * size_t(dv_pad);
                const int n_cells = hi - lo + 1;
                int r = 0;
                for (; r + 4 <= active; r += 4)
                    add_scaled_cells<4>(acc_rows + r, v_lo, dv, dv_pad, probs + r, n_cells);
                for (; r + 2 <= active; r += 2)
                    add_scaled_cells<2>(acc_rows + r, v_lo, dv, dv_pad, probs + r, n_cells);
                for (; r < active; ++r)
                    add_scaled_cells<1>(acc_rows + r, v_lo, dv, dv_pad, probs + r, n_cells);
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
