#pragma once
// Value types the store hands out. Plain copyable structs so they can travel through queued
// signals between the store thread and the GUI thread.
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QVector>
#include <stdexcept>

#include "core/store/store_enums.h"

namespace hearth::store {

using Id = qint64;  // SQLite rowid; 0 means "none"

struct StoreError {
    enum class Kind {
        None,
        NotADatabase,  // the file is not an SQLite database (bad header, random bytes)
        Corrupt,       // SQLite database that is truncated or fails quick_check
        TooNew,        // user_version newer than this build knows; refusing to touch it
        Io,            // cannot open, read or write the file (permissions, disk full)
        Busy,          // another process holds the lock past busy_timeout
        ReadOnly,      // a write was attempted on a database opened read-only
        NotFound,      // no such conversation / message / row
        InvalidInput,  // bad argument or bad import file (message names the line / field)
        Sql,           // any other SQLite failure
    };
    Kind kind = Kind::None;
    QString message;

    bool ok() const { return kind == Kind::None; }
    static QString kindName(Kind kind);
};

// What StoreDatabase throws; the async Store converts it back to a StoreError value.
class StoreException : public std::runtime_error {
public:
    explicit StoreException(StoreError error);
    StoreException(StoreError::Kind kind, const QString& message);
    const StoreError& error() const noexcept { return error_; }

private:
    StoreError error_;
};

struct MessageStats {
    int promptTokens = 0;
    int completionTokens = 0;
    double ttftMs = 0;      // time to first token
    double tokensPerS = 0;  // decode speed
    double cost = 0;        // in the endpoint's currency; 0 for local models
};

struct ConversationRecord {
    Id id = 0;
    QString title;
    QDateTime createdAt;  // UTC
    QDateTime updatedAt;  // UTC; bumped by every message write
    bool pinned = false;
    bool archived = false;
    QString defaultTarget;   // target address (catalog name, path or URL); may be empty
    QJsonObject parameters;  // default sampling parameters etc.
    Id selectedLeafId = 0;   // leaf of the branch the user looks at; 0 when empty
};

struct MessageRecord {
    Id id = 0;
    Id conversationId = 0;
    Id parentId = 0;  // 0 for a root message
    Role role = Role::User;
    QString content;
    QString target;       // target address that produced it (assistant) or was addressed
    QString modelSha256;  // local model file hash, when local
    Id endpointId = 0;    // remote endpoint, when remote
    QJsonObject sampling;
    MessageStats stats;
    FinishReason finish = FinishReason::None;
    QString errorMessage;
    QDateTime createdAt;
    QDateTime updatedAt;

    bool isStreaming() const { return finish == FinishReason::Streaming; }
};

// What a caller supplies to create a message (ids and timestamps are the store's).
struct NewMessage {
    Id conversationId = 0;
    Id parentId = 0;  // 0 = a root
    Role role = Role::User;
    QString content;
    QString target;
    QString modelSha256;
    Id endpointId = 0;
    QJsonObject sampling;
};

// One message on the selected branch, with its position among its siblings (messages that
// share its parent, ordered by creation): "< 2/3 >" in the UI.
struct BranchMessage {
    MessageRecord message;
    int siblingCount = 1;
    int siblingIndex = 0;    // 0-based
    QVector<Id> siblingIds;  // in creation order, this message included
};

// Search results: snippet text with the matched terms wrapped in kHighlightOpen/Close.
inline constexpr QChar kHighlightOpen = QChar(0xE000);
inline constexpr QChar kHighlightClose = QChar(0xE001);

struct SearchHit {
    Id conversationId = 0;
    Id messageId = 0;  // 0 when the conversation title matched
    QString conversationTitle;
    QString snippet;
    double rank = 0;  // lower is better (bm25)
};
// Escapes the snippet for rich text and turns the markers into <b>...</b>.
QString snippetToHtml(const QString& snippet);

struct EndpointRecord {  // no secrets here: credentials live in the OS keychain
    Id id = 0;
    QString name;
    QString url;
    EndpointKind kind = EndpointKind::OpenAICompatible;
    QString region;
    double pricePer1kInput = 0;
    double pricePer1kOutput = 0;
    double pricePerHour = 0;  // dedicated instance billing; when > 0 the token prices are unused
    bool scrubPii = true;     // replace personal data by placeholders before sending
};

struct PromptTemplateRecord {
    Id id = 0;
    QString name;
    QDateTime createdAt;
};

// Immutable once written: editing a template adds a version.
struct TemplateVersionRecord {
    Id id = 0;
    Id templateId = 0;
    int version = 0;  // 1, 2, ... per template, assigned by the store
    QString systemPrompt;
    QJsonArray fewShot;  // [{"role":..., "content":...}, ...]
    QString userPrompt;  // may contain {{column}} placeholders
    QJsonObject defaultParams;
    QJsonArray assertions;  // [{"type": "contains", ...}, ...] (core/playground/assertions.h)
    QString message;        // the "commit message"
    QDateTime createdAt;
};

struct DatasetRecord {
    Id id = 0;
    QString name;
    QStringList columns;
    QDateTime createdAt;
    QString sourceSha256;  // of the imported file; empty when built by hand
};

struct DatasetRow {
    Id id = 0;
    Id datasetId = 0;
    int rowIndex = 0;
    QJsonObject values;  // column -> value
};

struct RunRecord {
    Id id = 0;
    Id templateVersionId = 0;
    Id datasetId = 0;        // 0 = no dataset (single prompt)
    QStringList targets;     // target addresses compared side by side
    QJsonObject parameters;  // overrides of the version's default params
    RunStatus status = RunStatus::Pending;
    QDateTime createdAt;
};

// One cell of a run: (dataset row, target).
struct RunResultRecord {
    Id id = 0;
    Id runId = 0;
    Id datasetRowId = 0;  // 0 when the run has no dataset
    QString target;
    QString output;
    int tokensIn = 0;
    int tokensOut = 0;
    double ttftMs = 0;
    double latencyMs = 0;
    double tokensPerS = 0;
    double cost = 0;
    FinishReason finish = FinishReason::None;
    QString errorMessage;
    QDateTime createdAt;
    int passed = -1;              // 1 all assertions passed, 0 one failed, -1 none to check
    QJsonArray assertionResults;  // [{"type", "passed", "score", "detail"}, ...]
};

}  // namespace hearth::store

Q_DECLARE_METATYPE(hearth::store::StoreError)
Q_DECLARE_METATYPE(hearth::store::ConversationRecord)
Q_DECLARE_METATYPE(hearth::store::MessageRecord)
Q_DECLARE_METATYPE(hearth::store::BranchMessage)
Q_DECLARE_METATYPE(hearth::store::SearchHit)
