// ChatController: remote endpoints. Saved endpoints (the store's endpoints table) appear in
// the model picker by their address; a conversation whose target is such an address streams
// from it through makeTarget(). For an endpoint with PII scrubbing on, the request is scrubbed
// with the conversation's vault before it leaves, the body actually sent is stored with the
// reply, and the reply is shown (and saved) with the originals put back. Each finished remote
// reply gets its cost from the endpoint's price, and the conversation's total follows.
#include <QUrl>
#include <QUrlQuery>

#include "core/local/local_target.h"
#include "core/remote/openai_protocol.h"
#include "core/target/target_factory.h"
#include "gui/chat_controller.h"

namespace hearth::gui {

namespace {

remote::Pricing pricingOf(const store::EndpointRecord& e) {
    remote::Pricing p;
    p.per1kInput = e.pricePer1kInput;
    p.per1kOutput = e.pricePer1kOutput;
    p.perHour = e.pricePerHour;
    return p;
}

QString priceText(const store::EndpointRecord& e) {
    if (e.pricePerHour > 0) return QStringLiteral("$%1/h").arg(e.pricePerHour);
    if (e.pricePer1kInput > 0 || e.pricePer1kOutput > 0)
        return QStringLiteral("$%1/$%2 per 1k").arg(e.pricePer1kInput).arg(e.pricePer1kOutput);
    return QStringLiteral("remote");
}

}  // namespace

QVariantList ChatController::endpoints() const {
    QVariantList out;
    for (const store::EndpointRecord& e : endpoints_)
        out.append(QVariantMap{{QStringLiteral("address"), e.url},
                               {QStringLiteral("title"), e.name.isEmpty() ? e.url : e.name},
                               {QStringLiteral("detail"), priceText(e)},
                               {QStringLiteral("scrubPii"), e.scrubPii}});
    return out;
}

bool ChatController::isRemote() const {
    return isRemoteAddress(modelName_);
}

Target* ChatController::activeTarget() const {
    if (isRemote()) return remoteTarget_.get();
    return target_.get();
}

const store::EndpointRecord* ChatController::currentEndpoint() const {
    for (const store::EndpointRecord& e : endpoints_)
        if (e.url == modelName_) return &e;
    return nullptr;
}

QString ChatController::endpointAddress(const QVariantMap& fields) const {
    const QString kind = fields.value(QStringLiteral("kind")).toString();
    if (kind == QLatin1String("sagemaker")) {
        const QString name = fields.value(QStringLiteral("name")).toString().trimmed();
        if (name.isEmpty()) return {};
        QUrlQuery query;
        const QString region = fields.value(QStringLiteral("region")).toString().trimmed();
        if (!region.isEmpty()) query.addQueryItem(QStringLiteral("region"), region);
        query.addQueryItem(
            QStringLiteral("format"),
            fields.value(QStringLiteral("format"), QStringLiteral("tgi")).toString());
        return QStringLiteral("sagemaker://") + name + QLatin1Char('?') + query.toString();
    }
    QString url = fields.value(QStringLiteral("url")).toString().trimmed();
    if (url.isEmpty()) return {};
    if (!url.startsWith(QLatin1String("openai+"))) url.prepend(QStringLiteral("openai+"));
    const QString model = fields.value(QStringLiteral("model")).toString().trimmed();
    if (!model.isEmpty() && !url.contains(QLatin1Char('?')))
        url += QStringLiteral("?model=") + QString::fromUtf8(QUrl::toPercentEncoding(model));
    return url;
}

QString ChatController::addEndpoint(const QVariantMap& fields) {
    const QString address = endpointAddress(fields);
    if (address.isEmpty()) {
        setError(tr("The endpoint needs a URL (OpenAI-compatible) or a name (SageMaker)."));
        return {};
    }
    const TargetOrError probe = makeTarget(address);
    if (!probe.target) {
        setError(tr("Cannot use this endpoint: %1").arg(probe.error));
        return {};
    }
    store::EndpointRecord e;
    e.name = fields.value(QStringLiteral("title")).toString().trimmed();
    e.url = address;
    e.kind = address.startsWith(QLatin1String("sagemaker://"))
                 ? store::EndpointKind::SageMaker
                 : store::EndpointKind::OpenAICompatible;
    e.region = fields.value(QStringLiteral("region")).toString().trimmed();
    e.pricePer1kInput = qMax(0.0, fields.value(QStringLiteral("priceIn")).toDouble());
    e.pricePer1kOutput = qMax(0.0, fields.value(QStringLiteral("priceOut")).toDouble());
    e.pricePerHour = qMax(0.0, fields.value(QStringLiteral("priceHour")).toDouble());
    e.scrubPii = fields.value(QStringLiteral("scrubPii"), true).toBool();
    // Shown at once; the id arrives with the store's answer.
    endpoints_.removeIf([&](const store::EndpointRecord& old) { return old.url == address; });
    endpoints_.append(e);
    Q_EMIT endpointsChanged();
    store_.run<store::EndpointRecord>(
        [e](store::StoreDatabase& db) {
            for (store::EndpointRecord old : db.endpoints()) {
                if (old.url != e.url) continue;
                store::EndpointRecord updated = e;
                updated.id = old.id;
                db.updateEndpoint(updated);
                return updated;
            }
            return db.addEndpoint(e);
        },
        [this](const store::EndpointRecord& saved) {
            for (store::EndpointRecord& known : endpoints_)
                if (known.url == saved.url) known.id = saved.id;
        });
    setModelName(address);
    return address;
}

QString ChatController::previewScrub(const QString& text) const {
    remote::PiiVault vault;
    return remote::PiiScrubber().scrub(text, &vault);
}

void ChatController::loadEndpoints() {
    store_.run<QVector<store::EndpointRecord>>(
        [](store::StoreDatabase& db) { return db.endpoints(); },
        [this](const QVector<store::EndpointRecord>& list) {
            endpoints_ = list;
            Q_EMIT endpointsChanged();
        });
}

bool ChatController::ensureRemoteTarget() {
    if (!isRemote()) {
        if (remoteTarget_ && job_) {  // its job dies with it and reports nothing
            job_->cancel();
            GenerationStats stats;
            stats.finish = FinishReason::cancelled;
            finishStream(stats);
        }
        remoteTarget_.reset();
        return false;
    }
    if (remoteTarget_ && remoteTarget_->id() == modelName_) return true;
    if (job_) {
        job_->cancel();
        GenerationStats stats;
        stats.finish = FinishReason::cancelled;
        finishStream(stats);
    }
    TargetOrError made = makeTarget(modelName_);
    remoteTarget_ = std::move(made.target);
    if (!remoteTarget_) setError(tr("Cannot use %1: %2").arg(modelName_, made.error));
    Q_EMIT modelChanged();
    Q_EMIT contextChanged();
    return true;
}

GenerationRequest ChatController::prepareRemoteRequest(GenerationRequest request) {
    restorer_.reset();
    streamVault_.reset();
    sentBody_.clear();
    if (!isRemote()) return request;
    const store::EndpointRecord* endpoint = currentEndpoint();
    if (!endpoint || endpoint->scrubPii) {  // on unless the endpoint says otherwise
        auto& vault = vaults_[conversationId_];
        if (!vault) vault = std::make_shared<remote::PiiVault>();
        streamVault_ = vault;
        const remote::PiiScrubber scrubber;
        for (ChatMessage& m : request.messages)
            m.content =
                scrubber.scrub(QString::fromStdString(m.content), vault.get()).toStdString();
        restorer_ = std::make_unique<remote::PiiStreamRestorer>(vault.get());
    }
    // The chat-completions body as sent (the model name rides in the address).
    sentBody_ = QString::fromUtf8(remote::openai::requestBody(request, QString(), true));
    return request;
}

QString ChatController::restorePiece(const QString& piece) {
    return restorer_ ? restorer_->feed(piece) : piece;
}

QString ChatController::finishRestore() {
    const QString rest = restorer_ ? restorer_->finish() : QString();
    restorer_.reset();
    return rest;
}

void ChatController::recordRemoteReply(qint64 messageId, const GenerationStats& stats,
                                       store::MessageStats* messageStats) {
    if (sentBody_.isEmpty()) return;
    const store::EndpointRecord* endpoint = currentEndpoint();
    if (endpoint) messageStats->cost = remote::replyCost(pricingOf(*endpoint), stats);
    const qint64 endpointId = endpoint ? endpoint->id : 0;
    const QString body = sentBody_;
    sentBody_.clear();
    store_.runVoid([messageId, endpointId, body](store::StoreDatabase& db) {
        db.setSentRequest(messageId, endpointId, body);
    });
}

void ChatController::refreshCost() {
    const qint64 conversation = conversationId_;
    if (conversation == 0) {
        conversationCost_ = 0;
        Q_EMIT costChanged();
        return;
    }
    store_.run<double>(
        [conversation](store::StoreDatabase& db) { return db.conversationCost(conversation); },
        [this, conversation](double cost) {
            if (conversation != conversationId_) return;
            conversationCost_ = cost;
            Q_EMIT costChanged();
        });
}

}  // namespace hearth::gui
