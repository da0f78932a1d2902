#pragma once
// A fixed set of worker threads that run one parallel loop at a time. The calling thread
// takes part, so a pool of n threads starts n-1 workers. Workers spin briefly then sleep,
// because decode issues hundreds of small loops per token.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace hearth::cpu {

class ThreadPool {
public:
    explicit ThreadPool(int n_threads);  // n_threads >= 1
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const;
    // Runs fn(thread_index, n_threads) on every thread and returns when all are done; the
    // caller is thread 0. An exception thrown by fn is rethrown here (the first one) after
    // every thread has finished. Not reentrant: fn must not call run() on the same pool.
    void run(const std::function<void(int thread_index, int n_threads)>& fn);
    // Per-thread scratch memory (grown on demand, 64-byte aligned), valid until the next
    // call with a larger size on the same thread index.
    void* scratch(int thread_index, size_t bytes);
    // A second per-thread buffer reserved for the CPU kernels (matmul's converted
    // activations), so a caller's scratch() data stays intact across a matmul.
    void* kernel_scratch(int thread_index, size_t bytes);

    // Physical cores of this machine (falls back to hardware_concurrency).
    static int physical_cores();

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace hearth::cpu
