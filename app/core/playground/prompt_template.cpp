#include "core/playground/prompt_template.h"

#include <QJsonDocument>
#include <cmath>

namespace hearth::playground {

namespace {

const QString kFormat = QStringLiteral("hearth-prompt-template");
const QString kOpen = QStringLiteral("{{");

// Parameters a template may set, and whether each is a number (else: a list of strings).
bool knownParameter(const QString& key, bool* isNumber) {
    static const QStringList numbers = {QStringLiteral("temperature"),    QStringLiteral("top_k"),
                                        QStringLiteral("top_p"),          QStringLiteral("min_p"),
                                        QStringLiteral("repeat_penalty"), QStringLiteral("seed"),
                                        QStringLiteral("max_tokens")};
    if (numbers.contains(key)) {
        *isNumber = true;
        return true;
    }
    *isNumber = false;
    return key == QLatin1String("stop");
}

// Walks `text`, calling onText for literal runs and onName for each placeholder name.
// Returns false with *error on an unclosed placeholder.
template <typename OnText, typename OnName>
bool scan(const QString& text, OnText onText, OnName onName, QString* error) {
    qsizetype i = 0;
    while (i < text.size()) {
        const qsizetype open = text.indexOf(kOpen, i);
        if (open < 0) {
            onText(QStringView(text).mid(i));
            break;
        }
        if (open > 0 && text[open - 1] == QLatin1Char('\\')) {  // \{{ -> literal {{
            onText(QStringView(text).mid(i, open - 1 - i));
            onText(kOpen);
            i = open + 2;
            continue;
        }
        onText(QStringView(text).mid(i, open - i));
        const qsizetype close = text.indexOf(QStringLiteral("}}"), open + 2);
        if (close < 0) {
            if (error)
                *error = QStringLiteral("unclosed placeholder '{{' at character %1").arg(open + 1);
            return false;
        }
        const QString name = text.mid(open + 2, close - open - 2).trimmed();
        if (name.isEmpty() || name.contains(QLatin1Char('{'))) {
            if (error)
                *error =
                    QStringLiteral("empty or malformed placeholder at character %1").arg(open + 1);
            return false;
        }
        if (!onName(name)) return false;
        i = close + 2;
    }
    return true;
}

QString stringField(const QJsonObject& json, const char* key, bool* ok, QString* error) {
    const QJsonValue v = json.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) return {};
    if (!v.isString()) {
        *ok = false;
        *error = QStringLiteral("template field '%1' must be a string").arg(QLatin1String(key));
    }
    return v.toString();
}

}  // namespace

QString valueText(const QJsonValue& value) {
    switch (value.type()) {
        case QJsonValue::String:
            return value.toString();
        case QJsonValue::Bool:
            return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        case QJsonValue::Double: {
            const double d = value.toDouble();
            if (d == double(qint64(d)) && std::abs(d) < 1e15) return QString::number(qint64(d));
            return QString::number(d, 'g', 17);
        }
        case QJsonValue::Array:
            return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
        case QJsonValue::Object:
            return QString::fromUtf8(
                QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
        default:
            return {};
    }
}

std::optional<QString> renderPlaceholders(const QString& text, const QJsonObject& values,
                                          QString* error) {
    QString out;
    out.reserve(text.size());
    const bool ok = scan(
        text, [&](QStringView piece) { out += piece; },
        [&](const QString& name) {
            const auto it = values.constFind(name);
            if (it == values.constEnd()) {
                if (error) *error = QStringLiteral("missing variable '%1'").arg(name);
                return false;
            }
            out += valueText(*it);
            return true;
        },
        error);
    if (!ok) return std::nullopt;
    return out;
}

QStringList placeholderNames(const QString& text) {
    QStringList names;
    scan(
        text, [](QStringView) {},
        [&](const QString& name) {
            if (!names.contains(name)) names.append(name);
            return true;
        },
        nullptr);
    return names;
}

bool PromptTemplate::sameContent(const PromptTemplate& o) const {
    return systemPrompt == o.systemPrompt && fewShot == o.fewShot && userPrompt == o.userPrompt &&
           parameters == o.parameters && assertions == o.assertions;
}

QJsonObject PromptTemplate::toJson() const {
    QJsonArray shots;
    for (const FewShotExample& e : fewShot)
        shots.append(
            QJsonObject{{QStringLiteral("input"), e.input}, {QStringLiteral("output"), e.output}});
    QJsonObject json{
        {QStringLiteral("format"), kFormat},       {QStringLiteral("name"), name},
        {QStringLiteral("system"), systemPrompt},  {QStringLiteral("few_shot"), shots},
        {QStringLiteral("user"), userPrompt},      {QStringLiteral("parameters"), parameters},
        {QStringLiteral("assertions"), assertions}};
    if (!message.isEmpty()) json.insert(QStringLiteral("message"), message);
    return json;
}

std::optional<PromptTemplate> PromptTemplate::fromJson(const QJsonObject& json, QString* error) {
    const QJsonValue format = json.value(QStringLiteral("format"));
    if (!format.isUndefined() && format.toString() != kFormat) {
        *error = QStringLiteral("not a prompt template (format '%1')").arg(format.toString());
        return std::nullopt;
    }
    bool ok = true;
    PromptTemplate t;
    t.name = stringField(json, "name", &ok, error);
    t.message = stringField(json, "message", &ok, error);
    t.systemPrompt = stringField(json, "system", &ok, error);
    t.userPrompt = stringField(json, "user", &ok, error);
    if (!ok) return std::nullopt;
    if (t.userPrompt.isEmpty()) {
        *error = QStringLiteral("template has no user prompt (field 'user')");
        return std::nullopt;
    }
    if (!scan(
            t.userPrompt, [](QStringView) {}, [](const QString&) { return true; }, error))
        return std::nullopt;

    const QJsonValue shots = json.value(QStringLiteral("few_shot"));
    if (!shots.isUndefined() && !shots.isArray()) {
        *error = QStringLiteral("template field 'few_shot' must be a list");
        return std::nullopt;
    }
    for (qsizetype i = 0; i < shots.toArray().size(); ++i) {
        const QJsonObject shot = shots.toArray().at(i).toObject();
        if (!shot.value(QStringLiteral("input")).isString() ||
            !shot.value(QStringLiteral("output")).isString()) {
            *error =
                QStringLiteral("few-shot example %1 needs string 'input' and 'output'").arg(i + 1);
            return std::nullopt;
        }
        t.fewShot.append({shot.value(QStringLiteral("input")).toString(),
                          shot.value(QStringLiteral("output")).toString()});
    }

    const QJsonValue params = json.value(QStringLiteral("parameters"));
    if (!params.isUndefined() && !params.isObject()) {
        *error = QStringLiteral("template field 'parameters' must be an object");
        return std::nullopt;
    }
    t.parameters = params.toObject();
    for (auto it = t.parameters.constBegin(); it != t.parameters.constEnd(); ++it) {
        bool isNumber = false;
        if (!knownParameter(it.key(), &isNumber)) {
            *error = QStringLiteral("unknown parameter '%1'").arg(it.key());
            return std::nullopt;
        }
        if (isNumber ? !it->isDouble() : !it->isArray()) {
            *error = QStringLiteral("parameter '%1' must be %2")
                         .arg(it.key(), isNumber ? QStringLiteral("a number")
                                                 : QStringLiteral("a list of strings"));
            return std::nullopt;
        }
    }

    const QJsonValue checks = json.value(QStringLiteral("assertions"));
    if (!checks.isUndefined() && !checks.isArray()) {
        *error = QStringLiteral("template field 'assertions' must be a list");
        return std::nullopt;
    }
    t.assertions = checks.toArray();
    return t;
}

std::optional<PromptTemplate> PromptTemplate::fromJsonBytes(const QByteArray& bytes,
                                                            QString* error) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("template is not valid JSON: %1 at byte %2")
                     .arg(parseError.errorString())
                     .arg(parseError.offset);
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("template must be a JSON object");
        return std::nullopt;
    }
    return fromJson(doc.object(), error);
}

store::TemplateVersionRecord PromptTemplate::toVersionRecord(store::Id templateId) const {
    store::TemplateVersionRecord v;
    v.templateId = templateId;
    v.systemPrompt = systemPrompt;
    for (const FewShotExample& e : fewShot) {
        v.fewShot.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                     {QStringLiteral("content"), e.input}});
        v.fewShot.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                                     {QStringLiteral("content"), e.output}});
    }
    v.userPrompt = userPrompt;
    v.defaultParams = parameters;
    v.assertions = assertions;
    v.message = message;
    return v;
}

PromptTemplate PromptTemplate::fromVersion(const QString& name,
                                           const store::TemplateVersionRecord& v) {
    PromptTemplate t;
    t.name = name;
    t.message = v.message;
    t.systemPrompt = v.systemPrompt;
    // Turns are stored in pairs; a trailing unpaired user turn keeps an empty output.
    for (qsizetype i = 0; i < v.fewShot.size(); i += 2) {
        FewShotExample e;
        e.input = v.fewShot.at(i).toObject().value(QStringLiteral("content")).toString();
        if (i + 1 < v.fewShot.size())
            e.output = v.fewShot.at(i + 1).toObject().value(QStringLiteral("content")).toString();
        t.fewShot.append(e);
    }
    t.userPrompt = v.userPrompt;
    t.parameters = v.defaultParams;
    t.assertions = v.assertions;
    return t;
}

bool PromptTemplate::buildMessages(const QJsonObject& row, std::vector<ChatMessage>* messages,
                                   QString* error) const {
    const std::optional<QString> user = renderPlaceholders(userPrompt, row, error);
    if (!user) return false;
    messages->clear();
    if (!systemPrompt.isEmpty()) messages->push_back({"system", systemPrompt.toStdString()});
    for (const FewShotExample& e : fewShot) {
        messages->push_back({"user", e.input.toStdString()});
        messages->push_back({"assistant", e.output.toStdString()});
    }
    messages->push_back({"user", user->toStdString()});
    return true;
}

GenerationRequest PromptTemplate::baseRequest() const {
    GenerationRequest r;
    SamplingParams& s = r.sampling;
    s.temperature = 0;  // reproducible comparisons unless the template asks otherwise
    r.max_tokens = 256;
    const QJsonObject& p = parameters;
    auto number = [&](const char* key, double fallback) {
        return p.value(QLatin1String(key)).toDouble(fallback);
    };
    s.temperature = float(number("temperature", s.temperature));
    s.top_k = int(number("top_k", s.top_k));
    s.top_p = float(number("top_p", s.top_p));
    s.min_p = float(number("min_p", s.min_p));
    s.repeat_penalty = float(number("repeat_penalty", s.repeat_penalty));
    if (p.contains(QStringLiteral("seed"))) s.seed = uint64_t(number("seed", 0));
    r.max_tokens = int(number("max_tokens", r.max_tokens));
    for (const QJsonValue& stop : p.value(QStringLiteral("stop")).toArray())
        r.stop.push_back(stop.toString().toStdString());
    return r;
}

}  // namespace hearth::playground
