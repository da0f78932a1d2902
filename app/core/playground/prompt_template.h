#pragma once
// A playground prompt template: a system prompt, few-shot examples (input/output pairs sent
// as user/assistant turns before the real input), a user prompt with {{variable}}
// placeholders filled from a dataset row, default generation parameters and the assertions
// every output is checked against.
//
// Placeholder syntax (renderPlaceholders):
//   {{name}} or {{ name }}  the row's value for column `name` (surrounding spaces trimmed;
//                           a name is any text without '}'); a missing column is an error
//                           that names it. Strings are inserted as they are, numbers and
//                           booleans in their JSON spelling, arrays/objects as compact JSON.
//   \{{                     a literal "{{" (the backslash is dropped); nothing else is
//                           an escape, so a lone backslash or a single '{' stays as written.
//   {{ without a closing }} is an error naming its position.
// Values are inserted verbatim and never re-scanned, so a value containing "{{x}}" is text.
//
// The JSON file format (import/export, `hearth playground run TEMPLATE.json`):
//   {"format": "hearth-prompt-template", "name": "...", "message": "...",
//    "system": "...", "few_shot": [{"input": "...", "output": "..."}, ...],
//    "user": "... {{column}} ...", "parameters": {"temperature": 0, "max_tokens": 64, ...},
//    "assertions": [{"type": "contains", "value": "..."}, ...]}
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QVector>
#include <optional>

#include "core/store/store_types.h"
#include "runtime/generation.h"

namespace hearth::playground {

struct FewShotExample {
    QString input;   // sent as a user turn, verbatim (no placeholders)
    QString output;  // sent as the assistant's reply
    bool operator==(const FewShotExample&) const = default;
};

struct PromptTemplate {
    QString name;
    QString message;  // what changed in this version (the "commit message")
    QString systemPrompt;
    QVector<FewShotExample> fewShot;
    QString userPrompt;
    QJsonObject parameters;  // temperature, top_k, top_p, min_p, seed, max_tokens, stop
    QJsonArray assertions;   // see assertions.h

    // Same content (name and message aside): saving it again would add nothing.
    bool sameContent(const PromptTemplate& other) const;

    // JSON file <-> template. fromJson returns nullopt and sets *error (one line) for a
    // document that is not a template.
    QJsonObject toJson() const;
    static std::optional<PromptTemplate> fromJson(const QJsonObject& json, QString* error);
    static std::optional<PromptTemplate> fromJsonBytes(const QByteArray& bytes, QString* error);

    // Store record <-> template (few-shot pairs are stored as user/assistant turns).
    store::TemplateVersionRecord toVersionRecord(store::Id templateId) const;
    static PromptTemplate fromVersion(const QString& name, const store::TemplateVersionRecord& v);

    // The chat turns for one dataset row: system (if any), the few-shot pairs, then the
    // rendered user prompt. Returns false and sets *error naming the missing variable.
    bool buildMessages(const QJsonObject& row, std::vector<ChatMessage>* messages,
                       QString* error) const;
    // Default parameters as a request (temperature 0 and 256 tokens unless set).
    GenerationRequest baseRequest() const;
};

// Fills {{name}} placeholders from `values` (syntax above). On error returns nullopt and
// sets *error, e.g. "missing variable 'city'".
std::optional<QString> renderPlaceholders(const QString& text, const QJsonObject& values,
                                          QString* error);
// The placeholder names used in `text`, in order of first use.
QStringList placeholderNames(const QString& text);
// A JSON value as text for a placeholder or an export cell.
QString valueText(const QJsonValue& value);

}  // namespace hearth::playground
