#include "core/playground/template_diff.h"

#include <QJsonDocument>
#include <vector>

namespace hearth::playground {

namespace {

QString prettyJson(const QJsonObject& o) {
    return o.isEmpty()
               ? QString()
               : QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented)).trimmed();
}

QString prettyJson(const QJsonArray& a) {
    return a.isEmpty()
               ? QString()
               : QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Indented)).trimmed();
}

void addField(QVector<FieldDiff>* out, const QString& field, const QString& before,
              const QString& after) {
    if (before == after) return;
    out->append({field, diffLines(before, after)});
}

}  // namespace

QStringList diffLines(const QString& before, const QString& after) {
    const QStringList a = before.isEmpty() ? QStringList() : before.split(QLatin1Char('\n'));
    const QStringList b = after.isEmpty() ? QStringList() : after.split(QLatin1Char('\n'));
    const qsizetype n = a.size(), m = b.size();
    // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..]. Templates
    // are short (tens of lines), so the quadratic table is fine.
    std::vector<std::vector<int>> lcs(size_t(n + 1), std::vector<int>(size_t(m + 1), 0));
    for (qsizetype i = n - 1; i >= 0; --i)
        for (qsizetype j = m - 1; j >= 0; --j)
            lcs[size_t(i)][size_t(j)] = a[i] == b[j] ? lcs[size_t(i + 1)][size_t(j + 1)] + 1
                                                     : std::max(lcs[size_t(i + 1)][size_t(j)],
                                                                lcs[size_t(i)][size_t(j + 1)]);
    QStringList out;
    qsizetype i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] == b[j]) {
            out.append(QStringLiteral("  ") + a[i]);
            ++i;
            ++j;
        } else if (i < n &&
                   (j == m || lcs[size_t(i + 1)][size_t(j)] >= lcs[size_t(i)][size_t(j + 1)])) {
            out.append(QStringLiteral("- ") + a[i++]);  // removals before additions
        } else {
            out.append(QStringLiteral("+ ") + b[j++]);
        }
    }
    return out;
}

QVector<FieldDiff> diffTemplates(const PromptTemplate& before, const PromptTemplate& after) {
    QVector<FieldDiff> out;
    addField(&out, QStringLiteral("system"), before.systemPrompt, after.systemPrompt);
    const qsizetype shots = std::max(before.fewShot.size(), after.fewShot.size());
    for (qsizetype k = 0; k < shots; ++k) {
        const FewShotExample a = k < before.fewShot.size() ? before.fewShot[k] : FewShotExample{};
        const FewShotExample b = k < after.fewShot.size() ? after.fewShot[k] : FewShotExample{};
        addField(&out, QStringLiteral("few_shot[%1].input").arg(k + 1), a.input, b.input);
        addField(&out, QStringLiteral("few_shot[%1].output").arg(k + 1), a.output, b.output);
    }
    addField(&out, QStringLiteral("user"), before.userPrompt, after.userPrompt);
    addField(&out, QStringLiteral("parameters"), prettyJson(before.parameters),
             prettyJson(after.parameters));
    addField(&out, QStringLiteral("assertions"), prettyJson(before.assertions),
             prettyJson(after.assertions));
    return out;
}

QString formatDiff(const QVector<FieldDiff>& diff) {
    QString text;
    for (const FieldDiff& f : diff) {
        text += QStringLiteral("@@ ") + f.field + QLatin1Char('\n');
        for (const QString& line : f.lines)
            text += line + QLatin1Char('\n');
    }
    return text;
}

}  // namespace hearth::playground
