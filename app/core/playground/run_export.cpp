#include "core/playground/run_export.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <memory>

#include "core/playground/dataset_import.h"
#include "core/remote/pii_scrubber.h"

namespace hearth::playground {

namespace {

QHash<store::Id, const store::DatasetRow*> rowsById(const QVector<store::DatasetRow>& rows) {
    QHash<store::Id, const store::DatasetRow*> out;
    for (const store::DatasetRow& row : rows)
        out.insert(row.id, &row);
    return out;
}

QByteArray csvField(const QString& text) {
    QByteArray bytes = text.toUtf8();
    if (bytes.contains(',') || bytes.contains('"') || bytes.contains('\n') || bytes.contains('\r'))
        bytes = '"' + bytes.replace("\"", "\"\"") + '"';
    return bytes;
}

QJsonValue passedValue(int passed) {
    return passed < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(passed == 1);
}

// Results in dataset order, then column order as stored.
QVector<const store::RunResultRecord*> ordered(const QVector<store::DatasetRow>& rows,
                                               const QVector<store::RunResultRecord>& results) {
    QHash<store::Id, int> index;
    for (const store::DatasetRow& row : rows)
        index.insert(row.id, row.rowIndex);
    QVector<const store::RunResultRecord*> out;
    for (const store::RunResultRecord& r : results)
        out.append(&r);
    std::stable_sort(out.begin(), out.end(), [&](auto* a, auto* b) {
        return index.value(a->datasetRowId) < index.value(b->datasetRowId);
    });
    return out;
}

}  // namespace

QByteArray resultsToJsonl(const QVector<store::DatasetRow>& rows,
                          const QVector<store::RunResultRecord>& results) {
    const auto byId = rowsById(rows);
    QByteArray out;
    for (const store::RunResultRecord* r : ordered(rows, results)) {
        const store::DatasetRow* row = byId.value(r->datasetRowId);
        QJsonObject line{{QStringLiteral("row"), row ? row->rowIndex : -1},
                         {QStringLiteral("target"), r->target},
                         {QStringLiteral("variables"), row ? row->values : QJsonObject()},
                         {QStringLiteral("output"), r->output},
                         {QStringLiteral("tokens_in"), r->tokensIn},
                         {QStringLiteral("tokens_out"), r->tokensOut},
                         {QStringLiteral("ttft_ms"), r->ttftMs},
                         {QStringLiteral("latency_ms"), r->latencyMs},
                         {QStringLiteral("tokens_per_s"), r->tokensPerS},
                         {QStringLiteral("cost"), r->cost},
                         {QStringLiteral("finish"), store::finishReasonName(r->finish)},
                         {QStringLiteral("passed"), passedValue(r->passed)},
                         {QStringLiteral("assertions"), r->assertionResults}};
        if (!r->errorMessage.isEmpty()) line.insert(QStringLiteral("error"), r->errorMessage);
        out += QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
    }
    return out;
}

QByteArray resultsToCsv(const QVector<store::DatasetRow>& rows,
                        const QVector<store::RunResultRecord>& results) {
    const auto byId = rowsById(rows);
    QByteArray out =
        "row,target,output,expected,passed,tokens_in,tokens_out,ttft_ms,latency_ms,"
        "tokens_per_s,cost,finish,error\r\n";
    for (const store::RunResultRecord* r : ordered(rows, results)) {
        const store::DatasetRow* row = byId.value(r->datasetRowId);
        const QStringList fields = {QString::number(row ? row->rowIndex : -1),
                                    r->target,
                                    r->output,
                                    row ? valueText(row->values.value(kExpectedColumn)) : QString(),
                                    r->passed < 0 ? QString()
                                    : r->passed   ? QStringLiteral("true")
                                                  : QStringLiteral("false"),
                                    QString::number(r->tokensIn),
                                    QString::number(r->tokensOut),
                                    QString::number(r->ttftMs, 'f', 1),
                                    QString::number(r->latencyMs, 'f', 1),
                                    QString::number(r->tokensPerS, 'f', 2),
                                    QString::number(r->cost, 'g', 8),
                                    store::finishReasonName(r->finish),
                                    r->errorMessage};
        QByteArrayList encoded;
        for (const QString& f : fields)
            encoded.append(csvField(f));
        out += encoded.join(',') + "\r\n";
    }
    return out;
}

TextScrubber piiScrubber() {
    // One vault for the whole file: a value gets the same placeholder in every example.
    auto scrubber = std::make_shared<remote::PiiScrubber>();
    auto vault = std::make_shared<remote::PiiVault>();
    return [scrubber, vault](const QString& text) { return scrubber->scrub(text, vault.get()); };
}

QByteArray fineTuningJsonl(const PromptTemplate& tmpl, const QVector<store::DatasetRow>& rows,
                           const QVector<store::RunResultRecord>& results, const QString& target,
                           const TextScrubber& scrub, int* count) {
    const auto byId = rowsById(rows);
    const bool checked = !tmpl.assertions.isEmpty();
    QByteArray out;
    int written = 0;
    for (const store::RunResultRecord* r : ordered(rows, results)) {
        if (r->target != target) continue;
        const bool good = checked ? r->passed == 1 : r->finish == store::FinishReason::Stop;
        const store::DatasetRow* row = byId.value(r->datasetRowId);
        if (!good || !row) continue;
        std::vector<ChatMessage> messages;
        QString error;
        if (!tmpl.buildMessages(row->values, &messages, &error)) continue;
        messages.push_back({"assistant", r->output.toStdString()});
        QJsonArray json;
        for (const ChatMessage& m : messages) {
            QString content = QString::fromStdString(m.content);
            if (scrub) content = scrub(content);
            json.append(QJsonObject{{QStringLiteral("role"), QString::fromStdString(m.role)},
                                    {QStringLiteral("content"), content}});
        }
        out += QJsonDocument(QJsonObject{{QStringLiteral("messages"), json}})
                   .toJson(QJsonDocument::Compact) +
               '\n';
        ++written;
    }
    if (count) *count = written;
    return out;
}

}  // namespace hearth::playground
