// Inference speed of Hearth's CPU engine against llama.cpp, measured in the same run on the
// same machine: prefill (512-token prompt) and decode (128 tokens) tokens/s, their ratio,
// the machine's memory read bandwidth and the share of the decode roofline reached, and
// peak RSS of each side (both run as child processes so neither pays for the other).
//
//   bench_engine [--threads N] [--reps R] [--hearth-only] MODEL.gguf...
//
// --hearth-only skips llama-bench (for profiling Hearth alone, e.g. under perf).
//
// Not a test: figures go in issue notes. The llama.cpp side is llama-bench from the
// reference build (packaging/build-llama-reference.sh).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gguf/gguf_file.h"
#include "runtime/engine.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Read bandwidth with n threads each summing its slice of a buffer far larger than the
// caches; the best of several passes.
double measure_read_bandwidth_gbs(int n_threads) {
    const size_t bytes = size_t(1) << 30;
    std::vector<uint64_t> buf(bytes / 8);
    for (size_t i = 0; i < buf.size(); i += 512)
        buf[i] = i;  // fault every page in
    std::iota(buf.begin(), buf.begin() + 1024, 0);
    double best = 0;
    for (int pass = 0; pass < 5; ++pass) {
        std::atomic<uint64_t> sink{0};
        const auto t0 = Clock::now();
        std::vector<std::thread> threads;
        for (int t = 0; t < n_threads; ++t) {
            threads.emplace_back([&, t] {
                const size_t n = buf.size() / n_threads;
                const uint64_t* p = buf.data() + t * n;
                uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                for (size_t i = 0; i + 4 <= n; i += 4) {
                    s0 += p[i];
                    s1 += p[i + 1];
                    s2 += p[i + 2];
                    s3 += p[i + 3];
                }
                sink += s0 + s1 + s2 + s3;
            });
        }
        for (auto& th : threads)
            th.join();
        best = std::max(best, double(bytes) / seconds_since(t0) / 1e9);
    }
    return best;
}

struct SideResult {
    double prefill_tps = 0, decode_tps = 0;
    long peak_rss_kb = 0;
};

// Runs fn in a child process that writes two doubles to a pipe; returns them with the
// child's peak RSS.
template <typename Fn>
SideResult in_child(Fn fn) {
    int fds[2];
    if (pipe(fds) != 0) return {};
    std::fflush(stdout);  // or the child may print the parent's buffered lines again
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        double out[2] = {0, 0};
        fn(out);
        if (write(fds[1], out, sizeof out) != sizeof out) _exit(3);
        _exit(0);
    }
    close(fds[1]);
    double out[2] = {0, 0};
    const bool ok = read(fds[0], out, sizeof out) == sizeof out;
    close(fds[0]);
    int status = 0;
    struct rusage usage {};
    wait4(pid, &status, 0, &usage);
    if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return {};
    return {out[0], out[1], usage.ru_maxrss};
}

void hearth_side(const std::string& path, int threads, int reps, double* out) {
    try {
        hearth::LoadOptions load;
        load.n_threads = threads;
        // The CPU engine against llama.cpp's CPU build: no Vulkan probing (a software Vulkan
        // driver alone adds tens of MB to the peak RSS).
        load.device = "cpu";
        auto model = hearth::Model::load(path, load);
        const int n_vocab = model->info().n_vocab;
        double best_prefill = 0, best_decode = 0;
        for (int r = 0; r < reps; ++r) {
            hearth::Session session(model, {.n_ctx = 1024});
            std::vector<int32_t> prompt(512);
            for (size_t i = 0; i < prompt.size(); ++i)
                prompt[i] = int32_t((i * 7919 + 13) % n_vocab);
            auto t0 = Clock::now();
            auto logits = session.eval_logits(prompt);
            best_prefill = std::max(best_prefill, 512 / seconds_since(t0));
            // Like llama-bench's tg128, decode starts from an empty context: one token,
            // then 127 more, each evaluated on its own.
            session.clear();
            prompt.assign(1, prompt.front());
            t0 = Clock::now();
            logits = session.eval_logits(prompt);
            for (int i = 1; i < 128; ++i) {
                const int32_t next =
                    int32_t(std::max_element(logits.begin(), logits.end()) - logits.begin());
                prompt.push_back(next);
                logits = session.eval_logits(prompt);
            }
            best_decode = std::max(best_decode, 128 / seconds_since(t0));
        }
        out[0] = best_prefill;
        out[1] = best_decode;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "hearth: %s\n", e.what());
        _exit(2);
    }
}

// llama-bench -o csv prints one line per test with avg_ts.
void llama_side(const std::string& path, int threads, int reps, double* out) {
    const std::string cmd = std::string(HEARTH_LLAMA_DIR) + "/llama-bench -m '" + path + "' -t " +
                            std::to_string(threads) + " -p 512 -n 128 -r " + std::to_string(reps) +
                            " -o csv 2>/dev/null";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) _exit(2);
    std::string text;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        text.append(buf, n);
    if (pclose(p) != 0) _exit(2);
    std::istringstream lines(text);
    std::string header, line;
    std::getline(lines, header);
    auto split = [](const std::string& s) {
        std::vector<std::string> cells;
        std::string cell;
        bool quoted = false;
        for (char c : s) {
            if (c == '"')
                quoted = !quoted;
            else if (c == ',' && !quoted)
                cells.push_back(cell), cell.clear();
            else
                cell += c;
        }
        cells.push_back(cell);
        return cells;
    };
    const auto cols = split(header);
    const auto col = [&](const char* name) {
        return int(std::find(cols.begin(), cols.end(), name) - cols.begin());
    };
    while (std::getline(lines, line)) {
        const auto cells = split(line);
        const int n_prompt = std::atoi(cells[col("n_prompt")].c_str());
        const double ts = std::atof(cells[col("avg_ts")].c_str());
        (n_prompt > 0 ? out[0] : out[1]) = ts;
    }
}

}  // namespace

int main(int argc, char** argv) {
    int threads = 2, reps = 3;
    bool hearth_only = false;
    std::vector<std::string> models;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--reps") && i + 1 < argc)
            reps = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--hearth-only"))
            hearth_only = true;
        else
            models.push_back(argv[i]);
    }
    if (models.empty()) {
        std::fprintf(
            stderr, "usage: bench_engine [--threads N] [--reps R] [--hearth-only] MODEL.gguf...\n");
        return 2;
    }
    const double bandwidth = measure_read_bandwidth_gbs(threads);
    std::printf("machine read bandwidth (%d threads): %.1f GB/s\n\n", threads, bandwidth);
    std::printf(
        "| model | test | hearth t/s | llama.cpp t/s | ratio | hearth roofline | hearth RSS MB | "
        "llama.cpp RSS MB | RSS ratio |\n");
    std::printf("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (const std::string& path : models) {
        uint64_t weight_bytes = 0;
        std::string name = path.substr(path.find_last_of('/') + 1);
        try {
            auto file = hearth::gguf::GgufFile::open(path);
            for (const auto& t : file->tensors())
                weight_bytes += t.n_bytes;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%s\n", e.what());
            return 1;
        }
        const SideResult ours =
            in_child([&](double* out) { hearth_side(path, threads, reps, out); });
        const SideResult ref =
            hearth_only ? SideResult{}
                        : in_child([&](double* out) { llama_side(path, threads, reps, out); });
        // Decode reads every weight once per token (the token embedding table only one row,
        // but tied embeddings are read whole as the output matrix): bytes/token x tokens/s.
        const double roofline = ours.decode_tps * double(weight_bytes) / 1e9 / bandwidth * 100;
        const auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
        std::printf("| %s | pp512 | %.1f | %.1f | %.2f | | %.0f | %.0f | %.2f |\n", name.c_str(),
                    ours.prefill_tps, ref.prefill_tps, ratio(ours.prefill_tps, ref.prefill_tps),
                    ours.peak_rss_kb / 1024.0, ref.peak_rss_kb / 1024.0,
                    ratio(double(ours.peak_rss_kb), double(ref.peak_rss_kb)));
        std::printf("| %s | tg128 | %.1f | %.1f | %.2f | %.0f%% | | | |\n", name.c_str(),
                    ours.decode_tps, ref.decode_tps, ratio(ours.decode_tps, ref.decode_tps),
                    roofline);
        std::fflush(stdout);
    }
    return 0;
}
