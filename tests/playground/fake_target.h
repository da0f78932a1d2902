#pragma once
// A remote-like Target for playground tests: replies "ECHO <last user message>" word by
// word on a timer (so several jobs overlap in time), reports token counts it knows
// exactly (one per word), honours cancel, and records how many of its jobs (across every
// FakeTarget sharing the same counter) were in flight at once.
#include <QPointer>
#include <QTimer>
#include <memory>

#include "core/target/target.h"

namespace hearth::test {

struct FakeEndpointStats {
    int inFlight = 0;
    int maxInFlight = 0;
    int started = 0;
};

class FakeTarget : public Target {
public:
    FakeTarget(QString address, std::shared_ptr<FakeEndpointStats> stats, int pieceDelayMs = 3)
        : address_(std::move(address)), stats_(std::move(stats)), delayMs_(pieceDelayMs) {}

    QString id() const override { return address_; }
    QString displayName() const override { return address_; }

    // The reply for a request (the judge prompt gets "PASS" when it sees "ECHO").
    static QStringList replyWords(const GenerationRequest& request) {
        const QString last = QString::fromStdString(request.messages.back().content);
        if (last.startsWith(QLatin1String("You grade answers")))
            return {last.contains(QLatin1String("ECHO")) ? QStringLiteral("PASS")
                                                         : QStringLiteral("FAIL")};
        return (QStringLiteral("ECHO ") + last).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    }

    std::shared_ptr<Job> start(const GenerationRequest& request, Sink sink) override {
        struct State : Job {
            QTimer timer;
            QStringList words;
            int next = 0;
            bool done = false;
            GenerationStats stats;
            Sink sink;
            std::shared_ptr<FakeEndpointStats> endpoint;
            void finish(FinishReason reason) {
                if (done) return;
                done = true;
                timer.stop();
                --endpoint->inFlight;
                stats.finish = reason;
                stats.completion_tokens = next;
                // Deliver asynchronously, as a real target does.
                QTimer::singleShot(0, [sink = sink, stats = stats] { sink.onFinished(stats); });
            }
            void cancel() override { finish(FinishReason::cancelled); }
        };
        auto job = std::make_shared<State>();
        job->words = replyWords(request);
        job->sink = std::move(sink);
        job->endpoint = stats_;
        int promptWords = 0;
        for (const ChatMessage& m : request.messages)
            promptWords += int(QString::fromStdString(m.content).split(QLatin1Char(' ')).size());
        job->stats.prompt_tokens = promptWords;
        ++stats_->started;
        stats_->maxInFlight = std::max(stats_->maxInFlight, ++stats_->inFlight);
        job->timer.setInterval(delayMs_);
        std::weak_ptr<State> weak = job;
        QObject::connect(&job->timer, &QTimer::timeout, [weak] {
            auto j = weak.lock();
            if (!j || j->done) return;
            if (j->next >= j->words.size()) {
                j->finish(FinishReason::stop);
                return;
            }
            j->sink.onPiece((j->next ? QStringLiteral(" ") : QString()) + j->words[j->next]);
            ++j->next;
        });
        job->timer.start();
        jobs_.push_back(job);  // kept alive until the target goes
        return job;
    }

private:
    QString address_;
    std::shared_ptr<FakeEndpointStats> stats_;
    int delayMs_;
    std::vector<std::shared_ptr<Job>> jobs_;
};

}  // namespace hearth::test
