#pragma once
// GenerationParameters: the parameters side panel's state for the open conversation
// (system prompt, sampling, limits, context size, device). Stored with the conversation as
// JSON; keys are part of the database contents, so never rename them:
//   system_prompt, temperature, top_p, top_k, min_p, max_tokens, seed (-1 = random),
//   context_size (0 = model default), device ("cpu"), preset.
// Changing any value emits edited() (the controller saves it); loading does not.
#include <QtQml/qqmlregistration.h>
#include <QJsonObject>
#include <QObject>
#include <QStringList>

#include "runtime/generation.h"

namespace hearth::gui {

class GenerationParameters : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by ChatController")
    Q_PROPERTY(QString systemPrompt READ systemPrompt WRITE setSystemPrompt NOTIFY changed)
    Q_PROPERTY(double temperature READ temperature WRITE setTemperature NOTIFY changed)
    Q_PROPERTY(double topP READ topP WRITE setTopP NOTIFY changed)
    Q_PROPERTY(int topK READ topK WRITE setTopK NOTIFY changed)
    Q_PROPERTY(double minP READ minP WRITE setMinP NOTIFY changed)
    Q_PROPERTY(int maxTokens READ maxTokens WRITE setMaxTokens NOTIFY changed)
    Q_PROPERTY(int seed READ seed WRITE setSeed NOTIFY changed)
    Q_PROPERTY(int contextSize READ contextSize WRITE setContextSize NOTIFY changed)
    Q_PROPERTY(QString device READ device WRITE setDevice NOTIFY changed)
    Q_PROPERTY(QString preset READ preset NOTIFY changed)
    Q_PROPERTY(QStringList presets READ presets CONSTANT)
    Q_PROPERTY(QStringList devices READ devices CONSTANT)
public:
    explicit GenerationParameters(QObject* parent = nullptr);

    QString systemPrompt() const { return systemPrompt_; }
    double temperature() const { return temperature_; }
    double topP() const { return topP_; }
    int topK() const { return topK_; }
    double minP() const { return minP_; }
    int maxTokens() const { return maxTokens_; }
    int seed() const { return seed_; }
    int contextSize() const { return contextSize_; }
    QString device() const { return device_; }
    QString preset() const { return preset_; }
    QStringList presets() const;
    // "auto", "cpu", then "N: NAME" for each Vulkan device (probed once per process).
    QStringList devices() const;
    // device() as the engine's request: "" (auto: HEARTH_DEVICE or the best GPU), "cpu", "N".
    QString engineDevice() const;

    void setSystemPrompt(const QString& v);
    void setTemperature(double v);
    void setTopP(double v);
    void setTopK(int v);
    void setMinP(double v);
    void setMaxTokens(int v);
    void setSeed(int v);
    void setContextSize(int v);
    void setDevice(const QString& v);

    // Sets the sampling values of a named preset ("Balanced", "Precise", "Creative");
    // the system prompt and limits are left alone.
    Q_INVOKABLE void applyPreset(const QString& name);
    Q_INVOKABLE void resetToDefaults();

    QJsonObject toJson() const;
    void loadJson(const QJsonObject& json);  // missing keys take defaults; no edited()
    SamplingParams sampling() const;

Q_SIGNALS:
    void changed();
    void edited();

private:
    template <class T>
    void set(T& field, const T& value);
    template <class T>
    void setSampling(T& field, const T& value);  // also drops a preset it no longer matches
    void markCustom();

    QString systemPrompt_, device_ = QStringLiteral("auto"), preset_;
    double temperature_ = 0, topP_ = 0, minP_ = 0;
    int topK_ = 0, maxTokens_ = 0, seed_ = -1, contextSize_ = 0;
    bool loading_ = false;
};

}  // namespace hearth::gui
