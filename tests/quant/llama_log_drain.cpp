// Preloaded (LD_PRELOAD) into llama-perplexity by test_quantize_vs_llama. llama.cpp prints its
// log from a worker thread it leaves running at exit (its common_log_main() leaks the logger
// on purpose, ggml-org/llama.cpp#22142), so the closing statistics the test reads can be
// lost when main() returns. This library's destructor runs last and gives that thread time
// to drain its queue before the process ends.
#include <unistd.h>

__attribute__((destructor)) static void let_llama_log_drain() {
    usleep(300000);
}
