// ThreadPool: n-1 workers plus the caller run one loop at a time. A run is published by
// bumping `generation`; workers spin on it for a short while (decode issues hundreds of
// loops per token, each a few microseconds) and then sleep on a condition variable. The
// caller waits for `pending` to reach zero the same way.
//
// Lock order: only `mutex` exists; it guards the sleeping handshake, never the fast path.
#include "backend/cpu/thread_pool.h"

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/error.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HEARTH_CPU_RELAX() _mm_pause()
#else
#define HEARTH_CPU_RELAX() std::this_thread::yield()
#endif

namespace hearth::cpu {
namespace {

// ~50 µs of spinning on current x86 before sleeping: long enough to bridge the gap between
// the ops of one token, short enough not to burn a core while the app is idle.
constexpr int kSpinIterations = 2000;

struct AlignedBuffer {
    void* data = nullptr;
    size_t size = 0;
    AlignedBuffer() = default;
    AlignedBuffer(const AlignedBuffer&) = delete;
    AlignedBuffer& operator=(const AlignedBuffer&) = delete;
    ~AlignedBuffer() { std::free(data); }
    void* ensure(size_t bytes) {
        if (bytes > size) {
            const size_t rounded = (bytes + 63) / 64 * 64;
            void* fresh = std::aligned_alloc(64, rounded);
            if (!fresh) throw Error(ErrorCode::internal, "thread pool scratch allocation failed");
            std::free(data);
            data = fresh;
            size = rounded;
        }
        return data;
    }
};

// One cache line per thread so scratch bookkeeping never false-shares.
struct alignas(64) ThreadSlot {
    AlignedBuffer scratch;
    AlignedBuffer kernel_scratch;
};

}  // namespace

struct ThreadPool::Impl {
    int n_threads = 1;
    std::vector<std::thread> workers;
    std::vector<ThreadSlot> slots;

    std::mutex run_mutex;  // one run() at a time, whoever calls
    const std::function<void(int, int)>* job = nullptr;
    alignas(64) std::atomic<uint64_t> generation{0};
    alignas(64) std::atomic<int> pending{0};
    std::atomic<bool> stopping{false};

    std::mutex mutex;
    std::condition_variable wake_workers;
    std::condition_variable wake_caller;
    std::atomic<int> sleeping_workers{0};
    std::atomic<bool> caller_sleeping{false};

    std::mutex error_mutex;
    std::exception_ptr first_error;

    void record_error() {
        std::lock_guard lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
    }

    void run_job(int index) {
        try {
            (*job)(index, n_threads);
        } catch (...) {
            record_error();
        }
    }

    void worker_loop(int index) {
        uint64_t seen = 0;
        for (;;) {
            uint64_t now = generation.load(std::memory_order_acquire);
            for (int spin = 0; now == seen && spin < kSpinIterations; ++spin) {
                HEARTH_CPU_RELAX();
                now = generation.load(std::memory_order_acquire);
            }
            if (now == seen) {
                std::unique_lock lock(mutex);
                sleeping_workers.fetch_add(1, std::memory_order_seq_cst);
                wake_workers.wait(lock, [&] {
                    return generation.load(std::memory_order_seq_cst) != seen ||
                           stopping.load(std::memory_order_acquire);
                });
                sleeping_workers.fetch_sub(1, std::memory_order_seq_cst);
                now = generation.load(std::memory_order_acquire);
            }
            if (stopping.load(std::memory_order_acquire)) return;
            seen = now;
            run_job(index);
            if (pending.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
                caller_sleeping.load(std::memory_order_seq_cst)) {
                std::lock_guard lock(mutex);
                wake_caller.notify_one();
            }
        }
    }

    void wait_for_workers() {
        for (int spin = 0; spin < kSpinIterations * 4; ++spin) {
            if (pending.load(std::memory_order_acquire) == 0) return;
            HEARTH_CPU_RELAX();
        }
        std::unique_lock lock(mutex);
        caller_sleeping.store(true, std::memory_order_seq_cst);
        wake_caller.wait(lock, [&] { return pending.load(std::memory_order_seq_cst) == 0; });
        caller_sleeping.store(false, std::memory_order_seq_cst);
    }
};

ThreadPool::ThreadPool(int n_threads) : impl_(std::make_unique<Impl>()) {
    if (n_threads < 1) throw Error(ErrorCode::invalid_argument, "thread pool needs >= 1 thread");
    impl_->n_threads = n_threads;
    impl_->slots = std::vector<ThreadSlot>(static_cast<size_t>(n_threads));
    impl_->workers.reserve(static_cast<size_t>(n_threads - 1));
    for (int i = 1; i < n_threads; ++i) {
        impl_->workers.emplace_back([impl = impl_.get(), i] { impl->worker_loop(i); });
    }
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping.store(true, std::memory_order_release);
        impl_->generation.fetch_add(1, std::memory_order_acq_rel);
    }
    impl_->wake_workers.notify_all();
    for (auto& t : impl_->workers)
        t.join();
}

int ThreadPool::size() const {
    return impl_->n_threads;
}

void ThreadPool::run(const std::function<void(int thread_index, int n_threads)>& fn) {
    Impl& p = *impl_;
    std::lock_guard run_lock(p.run_mutex);
    if (p.n_threads == 1) {
        fn(0, 1);
        return;
    }
    p.job = &fn;
    p.first_error = nullptr;
    p.pending.store(p.n_threads - 1, std::memory_order_relaxed);
    p.generation.fetch_add(1, std::memory_order_seq_cst);
    if (p.sleeping_workers.load(std::memory_order_seq_cst) > 0) {
        // Taking the mutex orders this notify after a worker's check-then-wait.
        std::lock_guard lock(p.mutex);
        p.wake_workers.notify_all();
    }
    p.run_job(0);
    p.wait_for_workers();
    p.job = nullptr;
    if (p.first_error) std::rethrow_exception(std::exchange(p.first_error, nullptr));
}

void* ThreadPool::scratch(int thread_index, size_t bytes) {
    return impl_->slots.at(static_cast<size_t>(thread_index)).scratch.ensure(bytes);
}

void* ThreadPool::kernel_scratch(int thread_index, size_t bytes) {
    return impl_->slots.at(static_cast<size_t>(thread_index)).kernel_scratch.ensure(bytes);
}

int ThreadPool::physical_cores() {
    // Distinct (physical id, core id) pairs; SMT siblings share a pair.
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::set<std::pair<int, int>> cores;
    std::string line;
    int physical = 0;
    while (std::getline(cpuinfo, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        const std::string key = line.substr(0, line.find_first_of(" \t"));
        const int value = std::atoi(line.c_str() + colon + 1);
        if (key == "physical") physical = value;
        if (key == "core" && line.rfind("core id", 0) == 0) cores.emplace(physical, value);
    }
    if (!cores.empty()) return static_cast<int>(cores.size());
    const unsigned hw = std::thread::hardware_concurrency();
    return hw > 0 ? static_cast<int>(hw) : 1;
}

}  // namespace hearth::cpu
