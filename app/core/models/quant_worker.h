#pragma once
// QuantWorker: runs quantization and quantization comparisons (engine/quant) off the GUI
// thread. It lives on its own QThread; requests arrive as queued slot calls, progress and
// results leave as queued signals carrying value types. cancel() may be called from any
// thread (atomic flag checked between row chunks / windows).
#include <QObject>
#include <QString>
#include <atomic>

namespace hearth {

struct ComparisonRow {
    QString basePath, candidatePath;
    QString candidateType;
    qint64 baseSize = 0, candidateSize = 0;
    double basePerplexity = 0, candidatePerplexity = 0;
    double meanKld = 0, maxKld = 0, top1 = 0;
    double baseTokensPerS = 0, candidateTokensPerS = 0;
    int windows = 0, contextTokens = 0;
};

class QuantWorker : public QObject {
    Q_OBJECT
public:
    explicit QuantWorker(QObject* parent = nullptr);
    // The flag is cleared by the requester before each request (not by the slot), so a
    // cancel issued right after a request is never lost.
    void cancel() { cancel_.store(true); }
    void clearCancel() { cancel_.store(false); }

public Q_SLOTS:
    // type: a name parse_quantize_target() accepts.
    void quantize(const QString& input, const QString& output, const QString& type);
    // corpus: the text to score; contextTokens: window size; maxWindows < 0: all.
    void compare(const QString& base, const QString& candidate, const QString& corpus,
                 int contextTokens, int maxWindows);

Q_SIGNALS:
    void progress(double fraction, const QString& what);
    void quantized(const QString& output, const QString& summary);
    void compared(const hearth::ComparisonRow& row);
    void failed(const QString& message);  // includes "cancelled"

private:
    std::atomic<bool> cancel_{false};
};

}  // namespace hearth

Q_DECLARE_METATYPE(hearth::ComparisonRow)
