// StoreDatabase: endpoints and the prompt playground (templates, immutable versions,
// datasets, runs and their per-cell results).
#include <QJsonArray>

#include "core/store/store_database.h"
#include "core/store/store_sqlite.h"

namespace hearth::store {

using detail::exec;

namespace {

void requireOneRow(const QSqlQuery& q, const char* what, Id id) {
    if (q.numRowsAffected() != 1)
        throw StoreException(StoreError::Kind::NotFound,
                             QStringLiteral("no %1 %2").arg(QLatin1String(what)).arg(id));
}

QJsonArray toJson(const QStringList& list) {
    return QJsonArray::fromStringList(list);
}

QStringList toStrings(const QJsonArray& array) {
    QStringList out;
    for (const QJsonValue& v : array)
        out.append(v.toString());
    return out;
}

TemplateVersionRecord readVersion(const QSqlQuery& q) {
    TemplateVersionRecord v;
    v.id = q.value(0).toLongLong();
    v.templateId = q.value(1).toLongLong();
    v.version = q.value(2).toInt();
    v.systemPrompt = q.value(3).toString();
    v.fewShot = detail::jsonArray(q.value(4));
    v.userPrompt = q.value(5).toString();
    v.defaultParams = detail::jsonObject(q.value(6));
    v.message = q.value(7).toString();
    v.createdAt = detail::fromMs(q.value(8).toLongLong());
    v.assertions = detail::jsonArray(q.value(9));
    return v;
}

constexpr const char* kVersionColumns =
    "id, template_id, version, system_prompt, few_shot, user_prompt, default_params, message, "
    "created_at, assertions";

RunRecord readRun(const QSqlQuery& q) {
    RunRecord r;
    r.id = q.value(0).toLongLong();
    r.templateVersionId = q.value(1).toLongLong();
    r.datasetId = q.value(2).toLongLong();
    r.targets = toStrings(detail::jsonArray(q.value(3)));
    r.parameters = detail::jsonObject(q.value(4));
    r.status = static_cast<RunStatus>(q.value(5).toInt());
    r.createdAt = detail::fromMs(q.value(6).toLongLong());
    return r;
}

constexpr const char* kRunColumns =
    "id, template_version_id, dataset_id, targets, parameters, status, created_at";

}  // namespace

// ---- endpoints --------------------------------------------------------------------

EndpointRecord StoreDatabase::addEndpoint(const EndpointRecord& e) {
    QSqlQuery q =
        exec(db_,
             QStringLiteral("INSERT INTO endpoints (name, url, kind, region, "
                            "price_per_1k_input, price_per_1k_output, price_per_hour, scrub_pii) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
             {e.name, e.url, int(e.kind), e.region, e.pricePer1kInput, e.pricePer1kOutput,
              e.pricePerHour, int(e.scrubPii)});
    EndpointRecord out = e;
    out.id = q.lastInsertId().toLongLong();
    return out;
}

void StoreDatabase::updateEndpoint(const EndpointRecord& e) {
    QSqlQuery q = exec(db_,
                       QStringLiteral("UPDATE endpoints SET name = ?, url = ?, kind = ?, "
                                      "region = ?, price_per_1k_input = ?, "
                                      "price_per_1k_output = ?, price_per_hour = ?, scrub_pii = ? "
                                      "WHERE id = ?"),
                       {e.name, e.url, int(e.kind), e.region, e.pricePer1kInput, e.pricePer1kOutput,
                        e.pricePerHour, int(e.scrubPii), e.id});
    requireOneRow(q, "endpoint", e.id);
}

QVector<EndpointRecord> StoreDatabase::endpoints() {
    QSqlQuery q = exec(db_, QStringLiteral("SELECT id, name, url, kind, region, "
                                           "price_per_1k_input, price_per_1k_output, "
                                           "price_per_hour, scrub_pii FROM endpoints ORDER BY id"));
    QVector<EndpointRecord> out;
    while (q.next()) {
        EndpointRecord e;
        e.id = q.value(0).toLongLong();
        e.name = q.value(1).toString();
        e.url = q.value(2).toString();
        e.kind = static_cast<EndpointKind>(q.value(3).toInt());
        e.region = q.value(4).toString();
        e.pricePer1kInput = q.value(5).toDouble();
        e.pricePer1kOutput = q.value(6).toDouble();
        e.pricePerHour = q.value(7).toDouble();
        e.scrubPii = q.value(8).toBool();
        out.append(e);
    }
    return out;
}

void StoreDatabase::removeEndpoint(Id id) {
    requireOneRow(exec(db_, QStringLiteral("DELETE FROM endpoints WHERE id = ?"), {id}), "endpoint",
                  id);
}

void StoreDatabase::setSentRequest(Id messageId, Id endpointId, const QString& body) {
    exec(db_,
         QStringLiteral("INSERT OR REPLACE INTO sent_requests (message_id, endpoint_id, body, "
                        "created_at) VALUES (?, ?, ?, ?)"),
         {messageId, endpointId > 0 ? QVariant(endpointId) : QVariant(), body, nowMs()});
}

QString StoreDatabase::sentRequest(Id messageId) {
    QSqlQuery q = exec(db_, QStringLiteral("SELECT body FROM sent_requests WHERE message_id = ?"),
                       {messageId});
    return q.next() ? q.value(0).toString() : QString();
}

double StoreDatabase::conversationCost(Id conversationId) {
    QSqlQuery q = exec(db_,
                       QStringLiteral("SELECT COALESCE(SUM(cost), 0) FROM messages "
                                      "WHERE conversation_id = ?"),
                       {conversationId});
    return q.next() ? q.value(0).toDouble() : 0;
}

// ---- templates ----------------------------------------------------------------------

PromptTemplateRecord StoreDatabase::createTemplate(const QString& name) {
    const qint64 now = nowMs();
    QSqlQuery q = exec(db_,
                       QStringLiteral("INSERT INTO prompt_templates (name, created_at) "
                                      "VALUES (?, ?)"),
                       {name, now});
    return PromptTemplateRecord{q.lastInsertId().toLongLong(), name, detail::fromMs(now)};
}

QVector<PromptTemplateRecord> StoreDatabase::templates() {
    QSqlQuery q =
        exec(db_, QStringLiteral("SELECT id, name, created_at FROM prompt_templates ORDER BY id"));
    QVector<PromptTemplateRecord> out;
    while (q.next())
        out.append({q.value(0).toLongLong(), q.value(1).toString(),
                    detail::fromMs(q.value(2).toLongLong())});
    return out;
}

TemplateVersionRecord StoreDatabase::addTemplateVersion(const TemplateVersionRecord& v) {
    Id id = 0;
    transaction([&] {
        QSqlQuery next = exec(db_,
                              QStringLiteral("SELECT COALESCE(MAX(version), 0) + 1 FROM "
                                             "template_versions WHERE template_id = ?"),
                              {v.templateId});
        next.next();
        QSqlQuery q =
            exec(db_,
                 QStringLiteral("INSERT INTO template_versions (template_id, version, "
                                "system_prompt, few_shot, user_prompt, default_params, "
                                "message, created_at, assertions) VALUES "
                                "(?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                 {v.templateId, next.value(0).toInt(), v.systemPrompt, detail::jsonText(v.fewShot),
                  v.userPrompt, detail::jsonText(v.defaultParams), v.message, nowMs(),
                  detail::jsonText(v.assertions)});
        id = q.lastInsertId().toLongLong();
    });
    return templateVersion(id);
}

QVector<TemplateVersionRecord> StoreDatabase::templateVersions(Id templateId) {
    QSqlQuery q = exec(db_,
                       QStringLiteral("SELECT %1 FROM template_versions WHERE template_id = ? "
                                      "ORDER BY version")
                           .arg(QLatin1String(kVersionColumns)),
                       {templateId});
    QVector<TemplateVersionRecord> out;
    while (q.next())
        out.append(readVersion(q));
    return out;
}

TemplateVersionRecord StoreDatabase::templateVersion(Id versionId) {
    QSqlQuery q = exec(db_,
                       QStringLiteral("SELECT %1 FROM template_versions WHERE id = ?")
                           .arg(QLatin1String(kVersionColumns)),
                       {versionId});
    if (!q.next())
        throw StoreException(StoreError::Kind::NotFound,
                             QStringLiteral("no template version %1").arg(versionId));
    return readVersion(q);
}

void StoreDatabase::setBaseline(Id templateId, Id versionId) {
    transaction([&] {
        QSqlQuery owner =
            exec(db_, QStringLiteral("SELECT template_id FROM template_versions WHERE id = ?"),
                 {versionId});
        if (!owner.next() || owner.value(0).toLongLong() != templateId)
            throw StoreException(
                StoreError::Kind::NotFound,
                QStringLiteral("template %1 has no version id %2").arg(templateId).arg(versionId));
        exec(db_,
             QStringLiteral("INSERT OR REPLACE INTO template_baselines (template_id, version_id) "
                            "VALUES (?, ?)"),
             {templateId, versionId});
    });
}

Id StoreDatabase::baselineVersion(Id templateId) {
    QSqlQuery q =
        exec(db_, QStringLiteral("SELECT version_id FROM template_baselines WHERE template_id = ?"),
             {templateId});
    return q.next() ? q.value(0).toLongLong() : 0;
}

// ---- datasets -------------------------------------------------------------------------

DatasetRecord StoreDatabase::createDataset(const QString& name, const QStringList& columns,
                                           const QString& sourceSha256) {
    const qint64 now = nowMs();
    QSqlQuery q = exec(db_,
                       QStringLiteral("INSERT INTO datasets (name, column_names, created_at, "
                                      "source_sha256) VALUES (?, ?, ?, ?)"),
                       {name, detail::jsonText(toJson(columns)), now, sourceSha256});
    return DatasetRecord{q.lastInsertId().toLongLong(), name, columns, detail::fromMs(now),
                         sourceSha256};
}

QVector<DatasetRecord> StoreDatabase::datasets() {
    QSqlQuery q = exec(db_, QStringLiteral("SELECT id, name, column_names, created_at, "
                                           "source_sha256 FROM datasets ORDER BY id"));
    QVector<DatasetRecord> out;
    while (q.next())
        out.append({q.value(0).toLongLong(), q.value(1).toString(),
                    toStrings(detail::jsonArray(q.value(2))),
                    detail::fromMs(q.value(3).toLongLong()), q.value(4).toString()});
    return out;
}

void StoreDatabase::addDatasetRows(Id datasetId, const QVector<QJsonObject>& rows) {
    transaction([&] {
        QSqlQuery next = exec(db_,
                              QStringLiteral("SELECT COALESCE(MAX(row_index), -1) + 1 FROM "
                                             "dataset_rows WHERE dataset_id = ?"),
                              {datasetId});
        next.next();
        int index = next.value(0).toInt();
        for (const QJsonObject& row : rows)
            exec(db_,
                 QStringLiteral("INSERT INTO dataset_rows (dataset_id, row_index, row_values) "
                                "VALUES (?, ?, ?)"),
                 {datasetId, index++, detail::jsonText(row)});
    });
}

QVector<DatasetRow> StoreDatabase::datasetRows(Id datasetId) {
    QSqlQuery q = exec(db_,
                       QStringLiteral("SELECT id, dataset_id, row_index, row_values FROM "
                                      "dataset_rows WHERE dataset_id = ? ORDER BY row_index"),
                       {datasetId});
    QVector<DatasetRow> out;
    while (q.next())
        out.append({q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toInt(),
                    detail::jsonObject(q.value(3))});
    return out;
}

// ---- runs -----------------------------------------------------------------------------

RunRecord StoreDatabase::createRun(const RunRecord& run) {
    const qint64 now = nowMs();
    QSqlQuery q = exec(db_,
                       QStringLiteral("INSERT INTO runs (template_version_id, dataset_id, "
                                      "targets, parameters, status, created_at) VALUES "
                                      "(?, ?, ?, ?, ?, ?)"),
                       {run.templateVersionId, detail::idToSql(run.datasetId),
                        detail::jsonText(toJson(run.targets)), detail::jsonText(run.parameters),
                        int(run.status), now});
    RunRecord out = run;
    out.id = q.lastInsertId().toLongLong();
    out.createdAt = detail::fromMs(now);
    return out;
}

void StoreDatabase::setRunStatus(Id runId, RunStatus status) {
    requireOneRow(
        exec(db_, QStringLiteral("UPDATE runs SET status = ? WHERE id = ?"), {int(status), runId}),
        "run", runId);
}

QVector<RunRecord> StoreDatabase::runs() {
    QSqlQuery q = exec(
        db_, QStringLiteral("SELECT %1 FROM runs ORDER BY id").arg(QLatin1String(kRunColumns)));
    QVector<RunRecord> out;
    while (q.next())
        out.append(readRun(q));
    return out;
}

RunRecord StoreDatabase::run(Id runId) {
    QSqlQuery q = exec(
        db_, QStringLiteral("SELECT %1 FROM runs WHERE id = ?").arg(QLatin1String(kRunColumns)),
        {runId});
    if (!q.next())
        throw StoreException(StoreError::Kind::NotFound, QStringLiteral("no run %1").arg(runId));
    return readRun(q);
}

RunResultRecord StoreDatabase::addRunResult(const RunResultRecord& r) {
    const qint64 now = nowMs();
    QSqlQuery q =
        exec(db_,
             QStringLiteral("INSERT INTO run_results (run_id, dataset_row_id, target, "
                            "output, tokens_in, tokens_out, ttft_ms, latency_ms, "
                            "tokens_per_s, cost, finish_reason, error_message, "
                            "created_at, passed, assertion_results) VALUES "
                            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
             {r.runId, detail::idToSql(r.datasetRowId), r.target, r.output, r.tokensIn, r.tokensOut,
              r.ttftMs, r.latencyMs, r.tokensPerS, r.cost, detail::finishToSql(r.finish),
              r.errorMessage, now, r.passed < 0 ? QVariant() : QVariant(r.passed),
              detail::jsonText(r.assertionResults)});
    RunResultRecord out = r;
    out.id = q.lastInsertId().toLongLong();
    out.createdAt = detail::fromMs(now);
    return out;
}

QVector<RunResultRecord> StoreDatabase::runResults(Id runId) {
    QSqlQuery q = exec(db_,
                       QStringLiteral("SELECT id, run_id, dataset_row_id, target, output, "
                                      "tokens_in, tokens_out, ttft_ms, latency_ms, tokens_per_s, "
                                      "cost, finish_reason, error_message, created_at, passed, "
                                      "assertion_results FROM "
                                      "run_results WHERE run_id = ? ORDER BY id"),
                       {runId});
    QVector<RunResultRecord> out;
    while (q.next()) {
        RunResultRecord r;
        r.id = q.value(0).toLongLong();
        r.runId = q.value(1).toLongLong();
        r.datasetRowId = q.value(2).toLongLong();
        r.target = q.value(3).toString();
        r.output = q.value(4).toString();
        r.tokensIn = q.value(5).toInt();
        r.tokensOut = q.value(6).toInt();
        r.ttftMs = q.value(7).toDouble();
        r.latencyMs = q.value(8).toDouble();
        r.tokensPerS = q.value(9).toDouble();
        r.cost = q.value(10).toDouble();
        r.finish = detail::finishFromSql(q.value(11));
        r.errorMessage = q.value(12).toString();
        r.createdAt = detail::fromMs(q.value(13).toLongLong());
        r.passed = q.value(14).isNull() ? -1 : q.value(14).toInt();
        r.assertionResults = detail::jsonArray(q.value(15));
        out.append(r);
    }
    return out;
}

}  // namespace hearth::store
