// ThreadPool: every index runs exactly once per run, many short runs in a row (the decode
// pattern), scratch alignment and growth, exceptions, 1..4 threads.
#include <QtTest>
#include <atomic>
#include <thread>

#include "backend/cpu/thread_pool.h"
#include "core/error.h"

using hearth::cpu::ThreadPool;

class TestThreadPool : public QObject {
    Q_OBJECT

private slots:
    void everyIndexRunsOncePerRun() {
        for (int n = 1; n <= 4; ++n) {
            ThreadPool pool(n);
            QCOMPARE(pool.size(), n);
            std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
            for (int run = 0; run < 2000; ++run) {
                pool.run([&](int ith, int nth) {
                    QCOMPARE(nth, n);
                    hits[static_cast<size_t>(ith)].fetch_add(1);
                });
            }
            for (auto& h : hits)
                QCOMPARE(h.load(), 2000);
        }
    }

    void runsAfterWorkersFellAsleep() {
        ThreadPool pool(3);
        std::atomic<int> total{0};
        for (int run = 0; run < 3; ++run) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));  // past the spin phase
            pool.run([&](int, int) { total.fetch_add(1); });
        }
        QCOMPARE(total.load(), 9);
    }

    void resultsAreVisibleToCaller() {
        ThreadPool pool(4);
        std::vector<long> partial(4, 0);
        pool.run([&](int ith, int nth) {
            long s = 0;
            for (int i = ith; i < 100000; i += nth)
                s += i;
            partial[static_cast<size_t>(ith)] = s;
        });
        long sum = 0;
        for (long p : partial)
            sum += p;
        QCOMPARE(sum, 100000L * 99999L / 2);
    }

    void scratchIsAlignedAndGrows() {
        ThreadPool pool(2);
        void* a = pool.scratch(1, 100);
        QCOMPARE(reinterpret_cast<uintptr_t>(a) % 64, uintptr_t(0));
        QCOMPARE(pool.scratch(1, 64), a);  // smaller request keeps the buffer
        void* b = pool.scratch(1, 1 << 20);
        QCOMPARE(reinterpret_cast<uintptr_t>(b) % 64, uintptr_t(0));
        static_cast<char*>(b)[(1 << 20) - 1] = 1;
        QVERIFY(pool.kernel_scratch(1, 64) != pool.scratch(1, 64));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, pool.scratch(2, 8));
    }

    void workerExceptionReachesCaller() {
        ThreadPool pool(3);
        QVERIFY_THROWS_EXCEPTION(hearth::Error, pool.run([](int ith, int) {
            if (ith == 2) throw hearth::Error(hearth::ErrorCode::internal, "boom");
        }));
        std::atomic<int> after{0};
        pool.run([&](int, int) { after.fetch_add(1); });  // still usable
        QCOMPARE(after.load(), 3);
    }

    void rejectsZeroThreads() {
        QVERIFY_THROWS_EXCEPTION(hearth::Error, ThreadPool(0));
        QVERIFY(ThreadPool::physical_cores() >= 1);
    }
};

QTEST_GUILESS_MAIN(TestThreadPool)
#include "test_thread_pool.moc"
