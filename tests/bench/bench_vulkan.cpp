// bench_vulkan MODEL.gguf... [--device N] [--prompt P] [--tokens T] [--reps R]
//
// Hearth's Vulkan backend against llama.cpp's (llama-bench -ngl 99 from the build of
// packaging/build-llama-vulkan.sh) on the same device, in the same run, so the ratio holds on
// a loaded machine: prefill of P tokens and decode of T tokens from an empty context (as
// llama-bench's pp/tg tests), best of R repetitions each. Defaults are small (P = 64,
// T = 32) because lavapipe, the CI device, runs shaders on the CPU. Not a test.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/engine.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Speeds {
    double prefill = 0, decode = 0;  // tokens/s
};

Speeds hearth_speeds(const std::string& path, const std::string& device, int n_prompt, int n_gen,
                     int reps) {
    hearth::LoadOptions load;
    load.device = device;
    auto model = hearth::Model::load(path, load);
    const hearth::DeviceStatus where = model->device();
    if (where.backend != "vulkan") {
        std::fprintf(stderr, "hearth: not on a Vulkan device (%s)\n", where.fallback.c_str());
        std::exit(2);
    }
    std::printf("hearth device: %s\n", where.name.c_str());
    const int n_vocab = model->info().n_vocab;
    Speeds best;
    for (int r = 0; r < reps; ++r) {
        hearth::Session session(model, {.n_ctx = 512});
        std::vector<int32_t> prompt(static_cast<size_t>(n_prompt));
        for (size_t i = 0; i < prompt.size(); ++i)
            prompt[i] = int32_t((i * 7919 + 13) % size_t(n_vocab));
        auto t0 = Clock::now();
        std::vector<float> logits = session.eval_logits(prompt);
        best.prefill = std::max(best.prefill, n_prompt / seconds_since(t0));

        session.clear();
        prompt.assign(1, prompt.front());
        t0 = Clock::now();
        logits = session.eval_logits(prompt);
        for (int i = 1; i < n_gen; ++i) {
            prompt.push_back(
                int32_t(std::max_element(logits.begin(), logits.end()) - logits.begin()));
            logits = session.eval_logits(prompt);
        }
        best.decode = std::max(best.decode, n_gen / seconds_since(t0));
    }
    return best;
}

std::vector<std::string> csv_cells(const std::string& line) {
    std::vector<std::string> cells(1);
    bool quoted = false;
    for (char c : line) {
        if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            cells.emplace_back();
        } else {
            cells.back() += c;
        }
    }
    return cells;
}

// llama-bench's CSV: a header, then one row per test; avg_ts is tokens/s.
Speeds llama_speeds(const std::string& path, const std::string& device, int n_prompt, int n_gen,
                    int reps) {
    const std::string bench = std::string(HEARTH_LLAMA_VULKAN_DIR) + "/llama-bench";
    std::string cmd = bench + " -m '" + path + "' -ngl 99 -p " + std::to_string(n_prompt) + " -n " +
                      std::to_string(n_gen) + " -r " + std::to_string(reps) + " -o csv";
    if (device != "auto" && device != "") cmd = "GGML_VK_VISIBLE_DEVICES=" + device + " " + cmd;
    cmd += " 2>/dev/null";
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) {
        std::fprintf(stderr, "cannot run %s\n", bench.c_str());
        std::exit(2);
    }
    std::string text;
    char buf[4096];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0)
        text.append(buf, n);
    if (pclose(pipe) != 0) {
        std::fprintf(stderr, "llama-bench failed (built by packaging/build-llama-vulkan.sh?)\n");
        std::exit(2);
    }
    std::istringstream lines(text);
    std::string line;
    std::getline(lines, line);
    const std::vector<std::string> header = csv_cells(line);
    auto column = [&](const char* name) {
        return size_t(std::find(header.begin(), header.end(), name) - header.begin());
    };
    const size_t prompt_col = column("n_prompt"), ts_col = column("avg_ts");
    Speeds s;
    while (std::getline(lines, line)) {
        const std::vector<std::string> cells = csv_cells(line);
        if (cells.size() <= std::max(prompt_col, ts_col)) continue;
        const double ts = std::atof(cells[ts_col].c_str());
        (std::atoi(cells[prompt_col].c_str()) > 0 ? s.prefill : s.decode) = ts;
    }
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    std::string device = "0";
    int n_prompt = 64, n_gen = 32, reps = 1;
    std::vector<std::string> models;
    for (int i = 1; i < argc; ++i) {
        const bool has_value = i + 1 < argc;
        if (!std::strcmp(argv[i], "--device") && has_value) {
            device = argv[++i];
        } else if (!std::strcmp(argv[i], "--prompt") && has_value) {
            n_prompt = std::atoi(argv[++i]);
        } else if (!std::strcmp(argv[i], "--tokens") && has_value) {
            n_gen = std::atoi(argv[++i]);
        } else if (!std::strcmp(argv[i], "--reps") && has_value) {
            reps = std::atoi(argv[++i]);
        } else {
            models.push_back(argv[i]);
        }
    }
    if (models.empty() || n_prompt < 1 || n_gen < 2 || reps < 1) {
        std::fprintf(stderr,
                     "usage: bench_vulkan MODEL.gguf... [--device N] [--prompt P] [--tokens T] "
                     "[--reps R]\n");
        return 2;
    }
    std::printf("%-36s %12s %12s %7s %12s %12s %7s\n", "model", "hearth pp", "llama pp", "ratio",
                "hearth tg", "llama tg", "ratio");
    for (const std::string& path : models) {
        const Speeds h = hearth_speeds(path, device, n_prompt, n_gen, reps);
        const Speeds l = llama_speeds(path, device, n_prompt, n_gen, reps);
        const std::string name = path.substr(path.find_last_of('/') + 1);
        std::printf("%-36s %12.2f %12.2f %7.2f %12.2f %12.2f %7.2f\n", name.c_str(), h.prefill,
                    l.prefill, l.prefill > 0 ? h.prefill / l.prefill : 0, h.decode, l.decode,
                    l.decode > 0 ? h.decode / l.decode : 0);
    }
    return 0;
}
