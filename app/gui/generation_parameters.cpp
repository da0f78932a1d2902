#include "gui/generation_parameters.h"

#include <cmath>

#include "gui/device_report.h"

namespace hearth::gui {

namespace {

struct Preset {
    const char* name;
    double temperature, topP;
    int topK;
    double minP;
};
constexpr Preset kPresets[] = {
    {"Balanced", 0.8, 0.95, 40, 0.05},
    {"Precise", 0.2, 0.9, 20, 0.1},
    {"Creative", 1.1, 0.98, 80, 0.02},
};
constexpr int kDefaultMaxTokens = 512;

}  // namespace

GenerationParameters::GenerationParameters(QObject* parent) : QObject(parent) {
    resetToDefaults();
    connect(this, &GenerationParameters::changed, this, [this] {
        if (!loading_) Q_EMIT edited();
    });
}

QStringList GenerationParameters::presets() const {
    QStringList names;
    for (const auto& p : kPresets)
        names << QString::fromLatin1(p.name);
    return names;
}

template <class T>
void GenerationParameters::set(T& field, const T& value) {
    if (field == value) return;
    field = value;
    Q_EMIT changed();
}

template <class T>
void GenerationParameters::setSampling(T& field, const T& value) {
    if (field == value) return;
    field = value;
    markCustom();
    Q_EMIT changed();
}

void GenerationParameters::markCustom() {
    if (loading_ || preset_.isEmpty()) return;
    // A sampling value no longer matches the named preset.
    for (const auto& p : kPresets) {
        if (preset_ == QLatin1String(p.name) && std::abs(temperature_ - p.temperature) < 1e-6 &&
            std::abs(topP_ - p.topP) < 1e-6 && topK_ == p.topK && std::abs(minP_ - p.minP) < 1e-6)
            return;
    }
    preset_.clear();
}

void GenerationParameters::setSystemPrompt(const QString& v) {
    set(systemPrompt_, v);
}
void GenerationParameters::setTemperature(double v) {
    setSampling(temperature_, std::round(v * 100) / 100);
}
void GenerationParameters::setTopP(double v) {
    setSampling(topP_, std::round(v * 100) / 100);
}
void GenerationParameters::setTopK(int v) {
    setSampling(topK_, v);
}
void GenerationParameters::setMinP(double v) {
    setSampling(minP_, std::round(v * 100) / 100);
}
void GenerationParameters::setMaxTokens(int v) {
    set(maxTokens_, v);
}
void GenerationParameters::setSeed(int v) {
    set(seed_, v);
}
void GenerationParameters::setContextSize(int v) {
    set(contextSize_, v);
}
void GenerationParameters::setDevice(const QString& v) {
    set(device_, v);
}

QStringList GenerationParameters::devices() const {
    static const QStringList list = [] {
        QStringList out{QStringLiteral("auto"), QStringLiteral("cpu")};
        for (const auto& d : deviceReport().devices) {
            if (d.usable())
                out << QStringLiteral("%1: %2").arg(d.index).arg(QString::fromStdString(d.name));
        }
        return out;
    }();
    return list;
}

QString GenerationParameters::engineDevice() const {
    if (device_ == QLatin1String("cpu")) return device_;
    const QString number = device_.section(QLatin1Char(':'), 0, 0);
    bool ok = false;
    number.toInt(&ok);
    return ok ? number : QString();  // "auto" and anything unknown: automatic
}

void GenerationParameters::applyPreset(const QString& name) {
    for (const auto& p : kPresets) {
        if (name != QLatin1String(p.name)) continue;
        preset_ = name;
        temperature_ = p.temperature;
        topP_ = p.topP;
        topK_ = p.topK;
        minP_ = p.minP;
        Q_EMIT changed();
        return;
    }
}

void GenerationParameters::resetToDefaults() {
    systemPrompt_.clear();
    device_ = QStringLiteral("auto");
    maxTokens_ = kDefaultMaxTokens;
    seed_ = -1;
    contextSize_ = 0;
    applyPreset(QStringLiteral("Balanced"));
}

QJsonObject GenerationParameters::toJson() const {
    return {
        {QStringLiteral("system_prompt"), systemPrompt_},
        {QStringLiteral("temperature"), temperature_},
        {QStringLiteral("top_p"), topP_},
        {QStringLiteral("top_k"), topK_},
        {QStringLiteral("min_p"), minP_},
        {QStringLiteral("max_tokens"), maxTokens_},
        {QStringLiteral("seed"), seed_},
        {QStringLiteral("context_size"), contextSize_},
        {QStringLiteral("device"), device_},
        {QStringLiteral("preset"), preset_},
    };
}

void GenerationParameters::loadJson(const QJsonObject& json) {
    loading_ = true;
    resetToDefaults();
    if (!json.isEmpty()) {
        systemPrompt_ = json.value(QStringLiteral("system_prompt")).toString();
        temperature_ = json.value(QStringLiteral("temperature")).toDouble(temperature_);
        topP_ = json.value(QStringLiteral("top_p")).toDouble(topP_);
        topK_ = json.value(QStringLiteral("top_k")).toInt(topK_);
        minP_ = json.value(QStringLiteral("min_p")).toDouble(minP_);
        maxTokens_ = json.value(QStringLiteral("max_tokens")).toInt(maxTokens_);
        seed_ = json.value(QStringLiteral("seed")).toInt(seed_);
        contextSize_ = json.value(QStringLiteral("context_size")).toInt(contextSize_);
        device_ = json.value(QStringLiteral("device")).toString(device_);
        preset_ = json.value(QStringLiteral("preset")).toString();
    }
    Q_EMIT changed();
    loading_ = false;
}

SamplingParams GenerationParameters::sampling() const {
    SamplingParams s;
    s.temperature = float(temperature_);
    s.top_p = float(topP_);
    s.top_k = topK_;
    s.min_p = float(minP_);
    s.seed = seed_ < 0 ? 0xFFFFFFFFu : uint64_t(seed_);
    return s;
}

}  // namespace hearth::gui
