// bench_store: the store at a heavy user's size. Builds (or reuses, with --keep DIR) a
// database of 100 000 messages in 1000 conversations, then times the two queries the UI
// waits on: loading the conversation list and a full-text search. Target: < 100 ms each.
//
//   bench_store [--keep DIR]
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QStringList>
#include <QTemporaryDir>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/store/store_database.h"

using namespace hearth::store;

namespace {

constexpr int kConversations = 1000;
constexpr int kMessagesPerConversation = 100;
constexpr double kTargetMs = 100;

// A Zipf-like vocabulary of 20 000 pseudo-words (log-uniform rank), so that, as in real
// text, a few words are everywhere and most are rare. The searched words sit at fixed ranks.
constexpr int kVocabulary = 20000;
const QStringList kSyllables = {"ka", "lo", "mi", "ne",  "su", "ta", "ri", "po", "ve", "zu",
                                "an", "el", "or", "ith", "ul", "ba", "de", "go", "hy", "ju"};
const QStringList kPlanted = {"throughput", "latency", "mountain", "café", "東京", "天气"};

QString wordAt(int rank) {
    if (rank % 997 == 500) return kPlanted[(rank / 997) % kPlanted.size()];
    QString w;
    for (int r = rank + 1; r > 0; r /= kSyllables.size())
        w += kSyllables[r % kSyllables.size()];
    return w;
}

QString sentence(QRandomGenerator& random, int words) {
    QStringList out;
    for (int i = 0; i < words; ++i) {
        const int rank = int(std::pow(double(kVocabulary), random.generateDouble())) - 1;
        out << wordAt(rank);
    }
    return out.join(' ');
}

void populate(StoreDatabase& db) {
    QRandomGenerator random(7);
    qint64 clock = 1'600'000'000'000;
    db.setClock([&clock] { return clock; });
    for (int c = 0; c < kConversations; ++c) {
        db.transaction([&] {
            const auto conversation = db.createConversation(sentence(random, 4));
            Id parent = 0;
            for (int m = 0; m < kMessagesPerConversation; ++m) {
                clock += 1000;
                NewMessage message;
                message.conversationId = conversation.id;
                message.parentId = parent;
                message.role = m % 2 == 0 ? Role::User : Role::Assistant;
                message.content = sentence(random, m % 2 == 0 ? 15 : 60);
                parent = db.appendMessage(message).id;
            }
            if (c % 50 == 0) db.setPinned(conversation.id, true);
        });
    }
    db.setClock(nullptr);
}

template <class F>
double bestOfMs(int runs, F&& f) {
    double best = 1e18;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        f();
        best = std::min(best, t.nsecsElapsed() / 1e6);
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QTemporaryDir tmp;
    QString dir = tmp.path();
    const QStringList args = app.arguments();
    if (int i = int(args.indexOf(QStringLiteral("--keep"))); i > 0 && i + 1 < args.size())
        dir = args[i + 1];
    const QString path = dir + QStringLiteral("/bench.db");

    try {
        const bool exists = QFileInfo::exists(path);
        auto db = StoreDatabase::open(path);
        if (!exists) {
            QElapsedTimer t;
            t.start();
            populate(*db);
            std::printf("populate: %d conversations, %d messages in %.0f ms\n", kConversations,
                        kConversations * kMessagesPerConversation, double(t.elapsed()));
        }
        QSqlQuery(db->connection()).exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
        std::printf("database: %.1f MB\n", QFileInfo(path).size() / 1e6);

        // Cold-ish: a fresh connection, as at application start. After a crash (no clean-close
        // mark) open() reads every page with quick_check; after a clean close it does not.
        db.reset();
        QFile::remove(path + QStringLiteral(".clean"));
        QElapsedTimer openTimer;
        openTimer.start();
        db = StoreDatabase::open(path);
        const double afterCrashMs = openTimer.nsecsElapsed() / 1e6;
        db.reset();
        openTimer.restart();
        db = StoreDatabase::open(path);
        const double afterCleanMs = openTimer.nsecsElapsed() / 1e6;
        std::printf("open after a crash (header + quick_check): %.1f ms\n", afterCrashMs);
        std::printf("open after a clean close (header only):    %.1f ms\n", afterCleanMs);

        int listed = 0;
        const double listMs = bestOfMs(5, [&] { listed = int(db->listConversations().size()); });
        int hits = 0;
        const double wordMs = bestOfMs(
            5, [&] { hits = int(db->search(QStringLiteral("throughput latency")).size()); });
        // Worst case: the most frequent word, in most messages (every match gets ranked).
        int commonHits = 0;
        const QString common = wordAt(0);
        const double commonMs =
            bestOfMs(5, [&] { commonHits = int(db->search(common + QLatin1Char(' ')).size()); });
        int prefixHits = 0;
        const double prefixMs =
            bestOfMs(5, [&] { prefixHits = int(db->search(QStringLiteral("mou")).size()); });
        int cjkHits = 0;
        const double cjkMs =
            bestOfMs(5, [&] { cjkHits = int(db->search(QStringLiteral("東京")).size()); });
        int branchSize = 0;
        const Id someConversation = db->listConversations().at(500).id;
        const double branchMs =
            bestOfMs(5, [&] { branchSize = int(db->branch(someConversation).size()); });

        auto verdict = [](double ms) { return ms < kTargetMs ? "ok" : "SLOW"; };
        std::printf("list conversations: %8.2f ms  (%d rows)  %s\n", listMs, listed,
                    verdict(listMs));
        std::printf("search words:       %8.2f ms  (%d hits)  %s\n", wordMs, hits, verdict(wordMs));
        std::printf("search common word: %8.2f ms  (%d hits)  %s\n", commonMs, commonHits,
                    verdict(commonMs));
        std::printf("search prefix:      %8.2f ms  (%d hits)  %s\n", prefixMs, prefixHits,
                    verdict(prefixMs));
        std::printf("search CJK:         %8.2f ms  (%d hits)  %s\n", cjkMs, cjkHits,
                    verdict(cjkMs));
        std::printf("load branch:        %8.2f ms  (%d messages)  %s\n", branchMs, branchSize,
                    verdict(branchMs));
        // What the user waits for at start: open the file, then the first page of the list.
        const double startMs = afterCleanMs + listMs;
        std::printf("app start (open + list): %.2f ms  %s\n", startMs, verdict(startMs));
        const bool ok =
            startMs < kTargetMs && wordMs < kTargetMs && prefixMs < kTargetMs && cjkMs < kTargetMs;
        return ok ? 0 : 1;
    } catch (const StoreException& e) {
        std::fprintf(stderr, "bench_store: %s\n", qPrintable(e.error().message));
        return 1;
    }
}
