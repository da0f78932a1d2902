#pragma once
// What changed between two template versions: per field (system prompt, each few-shot
// example, user prompt, parameters, assertions) a line diff in the unified style
// ("  same", "- removed", "+ added"). Fields that did not change are left out.
#include <QString>
#include <QStringList>
#include <QVector>

#include "core/playground/prompt_template.h"

namespace hearth::playground {

struct FieldDiff {
    QString field;      // "system", "few_shot[2].input", "user", "parameters", "assertions"
    QStringList lines;  // each starts with "  ", "- " or "+ "
};

// Longest-common-subsequence line diff of `before` and `after` (split on '\n').
QStringList diffLines(const QString& before, const QString& after);

QVector<FieldDiff> diffTemplates(const PromptTemplate& before, const PromptTemplate& after);

// The diff as text: "@@ field" headers followed by the field's lines; empty if identical.
QString formatDiff(const QVector<FieldDiff>& diff);

}  // namespace hearth::playground
