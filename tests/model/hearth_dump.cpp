// Debugging aid for the model tests (not a test): Hearth's side of llama_dump. Runs the
// forward pass over the given token ids through a backend that writes every op's output,
// in order, in llama_dump's format, so compare_dumps.py can pair them by content.
//
//   hearth_dump MODEL OUT_DIR ID...        (ids as llama_dump printed them)
//
// OUT_DIR/NNNN_<op>.f32: ne0 ne1 1 1 as int64 (cols, rows), then rows x cols floats.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "gguf/gguf_file.h"
#include "model/model_weights.h"
#include "runtime/kv_cache.h"

namespace {

using namespace hearth;

class RecordingBackend final : public Backend {
public:
    explicit RecordingBackend(std::string dir) : dir_(std::move(dir)), cpu_(2) {}

    const char* name() const override { return "recording"; }
    bool supports(Op op, GgmlType type) const override { return cpu_.supports(op, type); }

    void rms_norm(const Rows& x, VectorTensor w, float eps, const Rows& y) override {
        cpu_.rms_norm(x, w, eps, y);
        write("rms_norm", y);
    }
    void matmul(const WeightTensor& w, const Rows& x, const Rows& y) override {
        cpu_.matmul(w, x, y);
        write("matmul", y);
    }
    void add_rows(const Rows& y, VectorTensor b) override {
        cpu_.add_rows(y, b);
        write("add_rows", y);
    }
    void rope(const Rows& x, int n_heads, int head_dim, int pos0, const RopeParams& p) override {
        cpu_.rope(x, n_heads, head_dim, pos0, p);
        write("rope", x);
    }
    void kv_store(const KvLayerView& cache, int pos0, const Rows& k, const Rows& v) override {
        cpu_.kv_store(cache, pos0, k, v);
    }
    void attention(const AttentionParams& params, const Rows& q, const KvLayerView& cache,
                   const Rows& out) override {
        cpu_.attention(params, q, cache, out);
        write("attention", out);
    }
    void get_rows(const WeightTensor& table, const int32_t* ids, const Rows& out) override {
        cpu_.get_rows(table, ids, out);
        write("get_rows", out);
    }
    void silu_gate(const Rows& gate, const Rows& up) override {
        cpu_.silu_gate(gate, up);
        write("silu_gate", gate);
    }
    void gelu_gate(const Rows& gate, const Rows& up) override {
        cpu_.gelu_gate(gate, up);
        write("gelu_gate", gate);
    }
    void add(const Rows& a, const Rows& b, const Rows& y) override {
        cpu_.add(a, b, y);
        write("add", y);
    }
    void scale(const Rows& x, float s) override {
        cpu_.scale(x, s);
        write("scale", x);
    }
    void softcap(const Rows& x, float cap) override {
        cpu_.softcap(x, cap);
        write("softcap", x);
    }

private:
    void write(const char* op, const Rows& r) {
        char path[512];
        std::snprintf(path, sizeof(path), "%s/%04d_%s.f32", dir_.c_str(), counter_++, op);
        FILE* out = std::fopen(path, "wb");
        if (!out) return;
        const int64_t ne[4] = {r.cols, r.rows, 1, 1};
        std::fwrite(ne, sizeof(ne), 1, out);
        std::fwrite(r.data, sizeof(float), size_t(r.rows * r.cols), out);
        std::fclose(out);
    }

    std::string dir_;
    cpu::CpuBackend cpu_;
    int counter_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s MODEL OUT_DIR ID...\n", argv[0]);
        return 2;
    }
    auto file = gguf::GgufFile::open(argv[1]);
    auto weights = ModelWeights::load(*file);
    std::vector<int32_t> ids;
    for (int i = 3; i < argc; ++i)
        ids.push_back(std::atoi(argv[i]));
    KvCache cache(weights->hparams(), 512, KvCacheType::f16);
    RecordingBackend backend(argv[2]);
    Scratch scratch;
    std::vector<float> logits(size_t(weights->hparams().n_vocab));
    ForwardBatch batch;
    batch.tokens = ids.data();
    batch.n_tokens = int(ids.size());
    weights->forward(backend, cache.layers(), batch, scratch, logits.data());
    return 0;
}
