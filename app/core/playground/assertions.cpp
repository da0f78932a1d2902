#include "core/playground/assertions.h"

#include <QHash>
#include <QJsonDocument>
#include <QRegularExpression>
#include <algorithm>

#include "core/playground/dataset_import.h"

namespace hearth::playground {

namespace {

const QStringList kTypes = {QStringLiteral("equals"),      QStringLiteral("contains"),
                            QStringLiteral("regex"),       QStringLiteral("json"),
                            QStringLiteral("json_schema"), QStringLiteral("max_length"),
                            QStringLiteral("similarity"),  QStringLiteral("judge")};

QString typeOf(const QJsonObject& a) {
    return a.value(QStringLiteral("type")).toString();
}

// The output without surrounding whitespace and one Markdown code fence around it.
QString unfenced(const QString& output) {
    QString text = output.trimmed();
    if (text.startsWith(QLatin1String("```")) && text.endsWith(QLatin1String("```")) &&
        text.size() >= 6) {
        const qsizetype firstNewline = text.indexOf(QLatin1Char('\n'));
        if (firstNewline > 0) text = text.mid(firstNewline + 1, text.size() - firstNewline - 4);
    }
    return text.trimmed();
}

bool parseJson(const QString& output, QJsonDocument* doc, QString* error) {
    QJsonParseError parseError;
    // QJsonDocument only takes objects and arrays at the top; wrap to accept any value.
    const QByteArray wrapped = "[" + unfenced(output).toUtf8() + "]";
    const QJsonDocument d = QJsonDocument::fromJson(wrapped, &parseError);
    if (parseError.error != QJsonParseError::NoError || d.array().size() != 1) {
        *error = QStringLiteral("not valid JSON");
        return false;
    }
    const QJsonValue v = d.array().at(0);
    *doc = v.isObject()  ? QJsonDocument(v.toObject())
           : v.isArray() ? QJsonDocument(v.toArray())
                         : QJsonDocument();
    return true;
}

bool hasType(const QJsonValue& v, const QString& type) {
    if (type == QLatin1String("string")) return v.isString();
    if (type == QLatin1String("number")) return v.isDouble();
    if (type == QLatin1String("integer"))
        return v.isDouble() && v.toDouble() == double(qint64(v.toDouble()));
    if (type == QLatin1String("boolean")) return v.isBool();
    if (type == QLatin1String("object")) return v.isObject();
    if (type == QLatin1String("array")) return v.isArray();
    if (type == QLatin1String("null")) return v.isNull();
    return false;
}

AssertionOutcome result(bool passed, const QString& detail = {}, double score = -1) {
    return AssertionOutcome{passed, score, passed ? QString() : detail};
}

AssertionOutcome checkSchema(const QJsonObject& schema, const QString& output) {
    QJsonDocument doc;
    QString error;
    if (!parseJson(output, &doc, &error)) return result(false, error);
    if (!doc.isObject()) return result(false, QStringLiteral("not a JSON object"));
    const QJsonObject object = doc.object();
    for (const QJsonValue& key : schema.value(QStringLiteral("required")).toArray())
        if (!object.contains(key.toString()))
            return result(false, QStringLiteral("missing key '%1'").arg(key.toString()));
    const QJsonObject properties = schema.value(QStringLiteral("properties")).toObject();
    for (auto it = properties.constBegin(); it != properties.constEnd(); ++it) {
        if (!object.contains(it.key())) continue;
        const QString type = it->toObject().value(QStringLiteral("type")).toString();
        if (!type.isEmpty() && !hasType(object.value(it.key()), type))
            return result(false, QStringLiteral("key '%1' is not of type %2").arg(it.key(), type));
    }
    return result(true);
}

QStringList words(const QString& text) {
    static const QRegularExpression separators(QStringLiteral("[^\\p{L}\\p{N}]+"));
    return text.toLower().split(separators, Qt::SkipEmptyParts);
}

// Multiset of character n-grams of `chars`.
QHash<QString, int> ngrams(const QString& chars, int n) {
    QHash<QString, int> out;
    for (qsizetype i = 0; i + n <= chars.size(); ++i)
        ++out[chars.mid(i, n)];
    return out;
}

}  // namespace

QJsonObject AssertionOutcome::toJson(const QString& type) const {
    QJsonObject o{{QStringLiteral("type"), type}, {QStringLiteral("passed"), passed}};
    if (score >= 0) o.insert(QStringLiteral("score"), score);
    if (!detail.isEmpty()) o.insert(QStringLiteral("detail"), detail);
    return o;
}

bool isJudge(const QJsonObject& assertion) {
    return typeOf(assertion) == QLatin1String("judge");
}

bool validateAssertions(const QJsonArray& assertions, QString* error) {
    for (qsizetype i = 0; i < assertions.size(); ++i) {
        const QString where = QStringLiteral("assertion %1").arg(i + 1);
        if (!assertions.at(i).isObject()) {
            *error = where + QStringLiteral(" is not an object");
            return false;
        }
        const QJsonObject a = assertions.at(i).toObject();
        const QString type = typeOf(a);
        if (!kTypes.contains(type)) {
            *error = QStringLiteral("%1: unknown type '%2' (one of %3)")
                         .arg(where, type, kTypes.join(QStringLiteral(", ")));
            return false;
        }
        auto need = [&](const char* key, bool ok) {
            if (!ok)
                *error = QStringLiteral("%1 (%2) needs '%3'").arg(where, type, QLatin1String(key));
            return ok;
        };
        if (type == QLatin1String("regex")) {
            if (!need("pattern", a.value(QStringLiteral("pattern")).isString())) return false;
            const QRegularExpression re(a.value(QStringLiteral("pattern")).toString());
            if (!re.isValid()) {
                *error = QStringLiteral("%1: bad regex: %2").arg(where, re.errorString());
                return false;
            }
        } else if (type == QLatin1String("json_schema")) {
            if (!need("schema", a.value(QStringLiteral("schema")).isObject())) return false;
        } else if (type == QLatin1String("max_length")) {
            if (!need("max", a.value(QStringLiteral("max")).toDouble(-1) >= 0)) return false;
        } else if (type == QLatin1String("similarity")) {
            const QString metric = a.value(QStringLiteral("metric")).toString(QStringLiteral("f1"));
            if (metric != QLatin1String("f1") && metric != QLatin1String("chrf")) {
                *error = QStringLiteral("%1: metric must be f1 or chrf").arg(where);
                return false;
            }
        } else if (type == QLatin1String("judge")) {
            if (!need("target", !a.value(QStringLiteral("target")).toString().isEmpty()) ||
                !need("rubric", !a.value(QStringLiteral("rubric")).toString().isEmpty()))
                return false;
        }
    }
    return true;
}

AssertionOutcome evaluateAssertion(const QJsonObject& a, const QString& output,
                                   const QJsonObject& row) {
    const QString type = typeOf(a);
    const bool hasExpected = row.contains(kExpectedColumn);
    const QString expected = row.value(kExpectedColumn).toVariant().toString();
    const Qt::CaseSensitivity cs =
        a.value(QStringLiteral("ignore_case")).toBool() ? Qt::CaseInsensitive : Qt::CaseSensitive;
    const bool ownValue = a.contains(QStringLiteral("value"));
    const QString value =
        ownValue ? a.value(QStringLiteral("value")).toVariant().toString() : expected;
    if ((type == QLatin1String("equals") || type == QLatin1String("contains") ||
         type == QLatin1String("similarity")) &&
        !ownValue && !hasExpected)
        return result(false, QStringLiteral("the row has no 'expected' value"));

    if (type == QLatin1String("equals"))
        return result(output.trimmed().compare(value.trimmed(), cs) == 0,
                      QStringLiteral("not equal to '%1'").arg(value.left(80)));
    if (type == QLatin1String("contains"))
        return result(output.contains(value, cs),
                      QStringLiteral("does not contain '%1'").arg(value.left(80)));
    if (type == QLatin1String("regex")) {
        const QRegularExpression re(a.value(QStringLiteral("pattern")).toString());
        return result(re.match(output).hasMatch(),
                      QStringLiteral("no match for /%1/").arg(re.pattern()));
    }
    if (type == QLatin1String("json")) {
        QJsonDocument doc;
        QString error;
        return result(parseJson(output, &doc, &error), error);
    }
    if (type == QLatin1String("json_schema"))
        return checkSchema(a.value(QStringLiteral("schema")).toObject(), output);
    if (type == QLatin1String("max_length")) {
        const qsizetype length = output.toUcs4().size();
        const int max = a.value(QStringLiteral("max")).toInt();
        return result(length <= max, QStringLiteral("%1 characters > %2").arg(length).arg(max));
    }
    if (type == QLatin1String("similarity")) {
        const bool chrf = a.value(QStringLiteral("metric")).toString() == QLatin1String("chrf");
        const double score = chrf ? chrF(output, value) : tokenF1(output, value);
        const double min = a.value(QStringLiteral("min")).toDouble(0.5);
        AssertionOutcome o = result(score >= min, QString(), score);
        if (!o.passed)
            o.detail = QStringLiteral("%1 %2 < %3")
                           .arg(chrf ? QStringLiteral("chrF") : QStringLiteral("F1"))
                           .arg(score, 0, 'f', 3)
                           .arg(min);
        return o;
    }
    return result(false, QStringLiteral("unknown assertion type '%1'").arg(type));
}

GenerationRequest judgeRequest(const QJsonObject& a, const QString& input, const QString& output,
                               const QJsonObject& row) {
    QString prompt =
        QStringLiteral("You grade answers. Rubric:\n%1\n\nInput:\n%2\n\nAnswer to grade:\n%3\n")
            .arg(a.value(QStringLiteral("rubric")).toString(), input, output);
    if (row.contains(kExpectedColumn))
        prompt += QStringLiteral("\nReference answer:\n%1\n")
                      .arg(row.value(kExpectedColumn).toVariant().toString());
    prompt += QStringLiteral("\nReply with PASS or FAIL on the first line, then one sentence why.");
    GenerationRequest r;
    r.messages.push_back({"user", prompt.toStdString()});
    r.sampling.temperature = 0;
    r.max_tokens = 48;
    return r;
}

AssertionOutcome judgeVerdict(const QString& reply) {
    static const QRegularExpression firstWord(QStringLiteral("^[^\\p{L}]*(\\p{L}+)"));
    const QString word = firstWord.match(reply).captured(1).toUpper();
    AssertionOutcome o;
    o.passed = word == QLatin1String("PASS");
    o.score = o.passed ? 1 : 0;
    if (!o.passed) o.detail = QStringLiteral("judge: ") + reply.trimmed().left(120);
    return o;
}

double tokenF1(const QString& candidate, const QString& reference) {
    const QStringList c = words(candidate), r = words(reference);
    if (c.isEmpty() && r.isEmpty()) return 1;
    if (c.isEmpty() || r.isEmpty()) return 0;
    QHash<QString, int> counts;
    for (const QString& w : r)
        ++counts[w];
    int common = 0;
    for (const QString& w : c) {
        auto it = counts.find(w);
        if (it != counts.end() && *it > 0) {
            --*it;
            ++common;
        }
    }
    if (common == 0) return 0;
    const double precision = double(common) / double(c.size());
    const double recall = double(common) / double(r.size());
    return 2 * precision * recall / (precision + recall);
}

double chrF(const QString& candidate, const QString& reference) {
    auto squeeze = [](const QString& s) {
        QString out;
        for (QChar ch : s)
            if (!ch.isSpace()) out += ch;
        return out;
    };
    const QString c = squeeze(candidate), r = squeeze(reference);
    double precisionSum = 0, recallSum = 0;
    int orders = 0;
    for (int n = 1; n <= 6; ++n) {
        const QHash<QString, int> cg = ngrams(c, n), rg = ngrams(r, n);
        if (cg.isEmpty() || rg.isEmpty()) continue;
        int matched = 0, cTotal = 0, rTotal = 0;
        for (auto it = cg.constBegin(); it != cg.constEnd(); ++it) {
            cTotal += *it;
            matched += std::min(*it, rg.value(it.key()));
        }
        for (int count : rg)
            rTotal += count;
        precisionSum += double(matched) / cTotal;
        recallSum += double(matched) / rTotal;
        ++orders;
    }
    if (orders == 0) return 0;
    const double p = precisionSum / orders, rc = recallSum / orders;
    if (p + rc == 0) return 0;
    const double beta2 = 4;  // beta = 2: recall weighs twice as much as precision
    return (1 + beta2) * p * rc / (beta2 * p + rc);
}

}  // namespace hearth::playground
