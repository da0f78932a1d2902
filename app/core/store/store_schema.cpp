#include "core/store/store_schema.h"

#include <QSqlQuery>
#include <array>

#include "core/store/store_sqlite.h"

namespace hearth::store::detail {
namespace {

// Timestamps are INTEGER milliseconds since the Unix epoch, UTC. JSON columns hold compact
// JSON text. Enums are the integers of store_enums.h. Foreign keys from messages to their
// parent have no ON DELETE action on purpose: a subtree is deleted in one statement and the
// constraint is checked at its end, where a cascade would recurse once per tree level.

// 1: conversations, the message tree, endpoints.
constexpr const char* kV1 = R"sql(
CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0,
    archived INTEGER NOT NULL DEFAULT 0,
    default_target TEXT NOT NULL DEFAULT '',
    parameters TEXT NOT NULL DEFAULT '{}',
    selected_leaf_id INTEGER REFERENCES messages(id) ON DELETE SET NULL
);
CREATE INDEX conversations_by_recency ON conversations(archived, pinned DESC, updated_at DESC);
CREATE INDEX conversations_by_leaf ON conversations(selected_leaf_id);

CREATE TABLE endpoints (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL,
    kind INTEGER NOT NULL,
    region TEXT NOT NULL DEFAULT '',
    price_per_1k_input REAL NOT NULL DEFAULT 0,
    price_per_1k_output REAL NOT NULL DEFAULT 0
);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES messages(id),
    role INTEGER NOT NULL,
    content TEXT NOT NULL DEFAULT '',
    target TEXT NOT NULL DEFAULT '',
    model_sha256 TEXT NOT NULL DEFAULT '',
    endpoint_id INTEGER REFERENCES endpoints(id) ON DELETE SET NULL,
    sampling TEXT NOT NULL DEFAULT '{}',
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    ttft_ms REAL NOT NULL DEFAULT 0,
    tokens_per_s REAL NOT NULL DEFAULT 0,
    cost REAL NOT NULL DEFAULT 0,
    finish_reason INTEGER,
    error_message TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX messages_by_conversation ON messages(conversation_id, parent_id, id);
CREATE INDEX messages_by_parent ON messages(parent_id);
CREATE INDEX messages_by_endpoint ON messages(endpoint_id) WHERE endpoint_id IS NOT NULL;
CREATE INDEX messages_streaming ON messages(finish_reason) WHERE finish_reason = 6;
)sql";

// 2: the prompt playground: templates with immutable versions, datasets, runs.
constexpr const char* kV2 = R"sql(
CREATE TABLE prompt_templates (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE template_versions (
    id INTEGER PRIMARY KEY,
    template_id INTEGER NOT NULL REFERENCES prompt_templates(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    system_prompt TEXT NOT NULL DEFAULT '',
    few_shot TEXT NOT NULL DEFAULT '[]',
    user_prompt TEXT NOT NULL DEFAULT '',
    default_params TEXT NOT NULL DEFAULT '{}',
    message TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    UNIQUE (template_id, version)
);
CREATE TRIGGER template_versions_immutable BEFORE UPDATE ON template_versions
BEGIN
    SELECT RAISE(ABORT, 'template versions are immutable');
END;

CREATE TABLE datasets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    column_names TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL
);
CREATE TABLE dataset_rows (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    row_index INTEGER NOT NULL,
    row_values TEXT NOT NULL DEFAULT '{}',
    UNIQUE (dataset_id, row_index)
);

CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    template_version_id INTEGER NOT NULL REFERENCES template_versions(id),
    dataset_id INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
    targets TEXT NOT NULL DEFAULT '[]',
    parameters TEXT NOT NULL DEFAULT '{}',
    status INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX runs_by_version ON runs(template_version_id);
CREATE INDEX runs_by_dataset ON runs(dataset_id);
CREATE TABLE run_results (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    dataset_row_id INTEGER REFERENCES dataset_rows(id) ON DELETE SET NULL,
    target TEXT NOT NULL DEFAULT '',
    output TEXT NOT NULL DEFAULT '',
    tokens_in INTEGER NOT NULL DEFAULT 0,
    tokens_out INTEGER NOT NULL DEFAULT 0,
    ttft_ms REAL NOT NULL DEFAULT 0,
    latency_ms REAL NOT NULL DEFAULT 0,
    tokens_per_s REAL NOT NULL DEFAULT 0,
    cost REAL NOT NULL DEFAULT 0,
    finish_reason INTEGER,
    error_message TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX run_results_by_run ON run_results(run_id, dataset_row_id);
CREATE INDEX run_results_by_row ON run_results(dataset_row_id);
)sql";

// 3: full-text search over message contents and conversation titles, kept in sync by
// triggers. hearth_fts_text() (store_fts.cpp) spaces out CJK characters; it is registered
// on every connection the store opens.
constexpr const char* kV3 = R"sql(
CREATE VIRTUAL TABLE message_search USING fts5(
    body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE VIRTUAL TABLE conversation_search USING fts5(
    title, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
INSERT INTO message_search(rowid, body) SELECT id, hearth_fts_text(content) FROM messages;
INSERT INTO conversation_search(rowid, title)
    SELECT id, hearth_fts_text(title) FROM conversations;

CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search(rowid, body) VALUES (new.id, hearth_fts_text(new.content));
END;
CREATE TRIGGER messages_search_update AFTER UPDATE OF content ON messages BEGIN
    UPDATE message_search SET body = hearth_fts_text(new.content) WHERE rowid = old.id;
END;
CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_search WHERE rowid = old.id;
END;
CREATE TRIGGER conversations_search_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversation_search(rowid, title) VALUES (new.id, hearth_fts_text(new.title));
END;
CREATE TRIGGER conversations_search_update AFTER UPDATE OF title ON conversations BEGIN
    UPDATE conversation_search SET title = hearth_fts_text(new.title) WHERE rowid = old.id;
END;
CREATE TRIGGER conversations_search_delete AFTER DELETE ON conversations BEGIN
    DELETE FROM conversation_search WHERE rowid = old.id;
END;
)sql";

// 4: playground assertions, baselines and resumable runs. Assertions belong to a template
// version (immutable with it); the baseline is a separate row so versions stay immutable.
// A cell (run, dataset row, target) is written once, complete with its assertion results:
// the unique index makes a resumed run unable to duplicate one. `passed` is NULL when the
// version has no assertions. Datasets remember the SHA-256 of the file they came from so
// re-running the same file finds the same dataset (and its unfinished run).
constexpr const char* kV4 = R"sql(
ALTER TABLE template_versions ADD COLUMN assertions TEXT NOT NULL DEFAULT '[]';
CREATE TABLE template_baselines (
    template_id INTEGER PRIMARY KEY REFERENCES prompt_templates(id) ON DELETE CASCADE,
    version_id INTEGER NOT NULL REFERENCES template_versions(id) ON DELETE CASCADE
);
ALTER TABLE datasets ADD COLUMN source_sha256 TEXT NOT NULL DEFAULT '';
CREATE INDEX datasets_by_source ON datasets(source_sha256);
ALTER TABLE run_results ADD COLUMN passed INTEGER;
ALTER TABLE run_results ADD COLUMN assertion_results TEXT NOT NULL DEFAULT '[]';
DELETE FROM run_results WHERE id NOT IN
    (SELECT MIN(id) FROM run_results GROUP BY run_id, dataset_row_id, target);
CREATE UNIQUE INDEX run_results_one_per_cell ON run_results(run_id, dataset_row_id, target);
)sql";

// 5: remote endpoints billed per instance-hour, PII scrubbing per endpoint, and the exact
// request body sent to a remote endpoint for a reply (after scrubbing), kept with it.
constexpr const char* kV5 = R"sql(
ALTER TABLE endpoints ADD COLUMN price_per_hour REAL NOT NULL DEFAULT 0;
ALTER TABLE endpoints ADD COLUMN scrub_pii INTEGER NOT NULL DEFAULT 1;
CREATE TABLE sent_requests (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    endpoint_id INTEGER REFERENCES endpoints(id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX sent_requests_by_endpoint ON sent_requests(endpoint_id);
)sql";

constexpr std::array<const char*, 5> kMigrations{kV1, kV2, kV3, kV4, kV5};

int currentVersion(QSqlDatabase& db) {
    QSqlQuery query = exec(db, QStringLiteral("PRAGMA user_version"));
    return query.next() ? query.value(0).toInt() : 0;
}

}  // namespace

int latestSchemaVersion() {
    return int(kMigrations.size());
}

void migrate(QSqlDatabase& db, int target) {
    for (int version = currentVersion(db) + 1; version <= target; ++version) {
        execScript(db, "BEGIN IMMEDIATE");
        try {
            execScript(db, kMigrations[version - 1]);
            execScript(
                db, QByteArray("PRAGMA user_version = " + QByteArray::number(version)).constData());
            execScript(db, "COMMIT");
        } catch (...) {
            try {
                execScript(db, "ROLLBACK");
            } catch (...) {  // the original error is the one worth reporting
            }
            throw;
        }
    }
}

}  // namespace hearth::store::detail
