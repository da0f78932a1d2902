#include "gui/playground_controller.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QUrl>

#include "core/playground/assertions.h"
#include "core/playground/dataset_import.h"
#include "core/playground/playground_targets.h"
#include "core/store/store_database.h"

namespace hearth::gui {

namespace {

QString localPath(const QString& pathOrUrl) {
    const QUrl url(pathOrUrl);
    return url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
}

}  // namespace

PlaygroundController::PlaygroundController(QObject* parent)
    : QObject(parent),
      session_(new playground::PlaygroundSession(store::StoreDatabase::defaultPath())) {
    session_->moveToThread(&sessionThread_);
    sessionThread_.setObjectName(QStringLiteral("playground"));
    connectSession();
    sessionThread_.start();
}

// The session (its runner, targets and connection) is deleted on its own thread once that
// thread's loop has stopped; queued signals still on their way here die with this object.
PlaygroundController::~PlaygroundController() {
    session_->deleteLater();
    sessionThread_.quit();
    sessionThread_.wait();
}

void PlaygroundController::connectSession() {
    using playground::PlaygroundSession;
    connect(session_, &PlaygroundSession::prepared, this,
            [this](const playground::PreparedRun& run) {
                versionText_ = tr("%1 · version %2").arg(run.templateName).arg(run.version);
                Q_EMIT versionChanged();
                results_.reset(run.rows, run.inputs, runTargets_, runTitles_);
                // Cells already stored (a resumed run) show at once.
                for (const store::RunResultRecord& r : run.stored)
                    results_.setResult(r);
                showSummary(run.summary);
            });
    connect(session_, &PlaygroundSession::failed, this, [this](const QString& error) {
        setError(tr("Database: %1").arg(error));
        running_ = false;
        Q_EMIT runningChanged();
    });
    connect(session_, &PlaygroundSession::cellStarted, this,
            [this](qint64 rowId, const QString& target) { results_.cellStarted(rowId, target); });
    connect(session_, &PlaygroundSession::cellPiece, this,
            [this](qint64 rowId, const QString& target, const QString& piece) {
                results_.appendPiece(rowId, target, piece);
            });
    connect(
        session_, &PlaygroundSession::cellFinished, this,
        [this](const store::RunResultRecord& r, const QVector<playground::TargetSummary>& summary) {
            results_.setResult(r);
            showSummary(summary);
        });
    connect(session_, &PlaygroundSession::progress, this, [this](int done, int total, double eta) {
        progress_ = total > 0 ? double(done) / total : 0;
        progressText_ = eta >= 0
                            ? tr("%1 of %2 · about %3 s left").arg(done).arg(total).arg(qRound(eta))
                            : tr("%1 of %2").arg(done).arg(total);
        Q_EMIT progressChanged();
    });
    connect(session_, &PlaygroundSession::targetFailed, this,
            [this](const QString& target, const QString& error) {
                setError(QStringLiteral("%1: %2").arg(target, error));
            });
    connect(session_, &PlaygroundSession::exported, this, [this](const QString& path, int cells) {
        exportText_ = tr("%1 results written to %2").arg(cells).arg(path);
        Q_EMIT exportChanged();
    });
    connect(session_, &PlaygroundSession::requestFailed, this,
            [this](const QString& error) { setError(error); });
    connect(session_, &PlaygroundSession::baselineMarked, this, [this](int version) {
        compareText_ = tr("Version %1 is the baseline").arg(version);
        Q_EMIT compareChanged();
    });
    connect(session_, &PlaygroundSession::compared, this,
            [this](int version, int regressions, const QStringList& details) {
                compareText_ =
                    regressions < 0
                        ? tr("Baseline version %1 has no finished run on this dataset").arg(version)
                        : tr("%1 cells pass → fail against baseline version %2")
                              .arg(regressions)
                              .arg(version);
                for (const QString& line : details)
                    compareText_ += QStringLiteral("\n") + line;
                Q_EMIT compareChanged();
            });
    connect(session_, &PlaygroundSession::finished, this, [this](store::RunStatus status) {
        if (status == store::RunStatus::Cancelled)
            progressText_ = tr("Stopped at %1 — run again to resume").arg(progressText_);
        running_ = false;
        Q_EMIT progressChanged();
        Q_EMIT runningChanged();
        Q_EMIT runFinished();
    });
}

bool PlaygroundController::exportResults(const QString& pathOrUrl) {
    const QString path = localPath(pathOrUrl.trimmed());
    if (running_ || runTargets_.isEmpty() || path.isEmpty()) {
        setError(path.isEmpty() ? tr("Type a file name to export to")
                                : tr("Export after a run has finished"));
        return false;
    }
    QMetaObject::invokeMethod(
        session_, [session = session_, path] { session->exportResults(path); },
        Qt::QueuedConnection);
    return true;
}

bool PlaygroundController::markBaseline() {
    if (running_ || runTargets_.isEmpty()) {
        setError(tr("Mark a baseline after a run has finished"));
        return false;
    }
    QMetaObject::invokeMethod(
        session_, [session = session_] { session->markBaseline(); }, Qt::QueuedConnection);
    return true;
}

void PlaygroundController::showSummary(const QVector<playground::TargetSummary>& summary) {
    if (summary.isEmpty()) return;  // the session could not read it; the next cell will
    summary_.reset(summary, runTitles_);
}

void PlaygroundController::setError(const QString& text) {
    errorText_ = text;
    Q_EMIT errorChanged();
}

void PlaygroundController::dismissError() {
    setError({});
}

void PlaygroundController::addExample(const QString& input, const QString& output) {
    fewShot_.append(input, output);
}

void PlaygroundController::removeExample(int row) {
    fewShot_.remove(row);
}

void PlaygroundController::setExample(int row, const QString& input, const QString& output) {
    fewShot_.set(row, input, output);
}

bool PlaygroundController::addTarget(const QString& address) {
    const QString trimmed = localPath(address.trimmed());
    if (trimmed.isEmpty() || targets_.contains(trimmed)) return false;
    playground::TargetSpec spec;
    QString error;
    if (!playground::targetSpecFor(trimmed, &spec, &error)) {
        setError(error);
        return false;
    }
    targets_.append(trimmed);
    specs_.append(spec);
    Q_EMIT targetsChanged();
    return true;
}

void PlaygroundController::removeTarget(int index) {
    if (running() || index < 0 || index >= targets_.size()) return;
    targets_.removeAt(index);
    specs_.removeAt(index);
    Q_EMIT targetsChanged();
}

QStringList PlaygroundController::targetTitles() const {
    QStringList titles;
    for (const QString& t : targets_)
        titles << (t.endsWith(QLatin1String(".gguf")) ? QFileInfo(t).completeBaseName() : t);
    return titles;
}

bool PlaygroundController::loadDataset(const QString& pathOrUrl) {
    const QString path = localPath(pathOrUrl);
    playground::DatasetImport data = playground::importDatasetFile(path);
    if (!data.fatal.isEmpty()) {
        setError(QStringLiteral("%1: %2").arg(QFileInfo(path).fileName(), data.fatal));
        return false;
    }
    dataset_ = std::move(data);
    datasetPath_ = path;
    datasetInfo_ = tr("%1 rows; columns: %2")
                       .arg(dataset_.rows.size())
                       .arg(dataset_.columns.join(QStringLiteral(", ")));
    if (!dataset_.errors.isEmpty()) {
        QStringList lines;
        for (const playground::RowError& e : std::as_const(dataset_.errors))
            lines << QStringLiteral("line %1: %2").arg(e.line).arg(e.message);
        datasetInfo_ += QStringLiteral("\n") + tr("%1 bad rows skipped — %2")
                                                   .arg(dataset_.errors.size())
                                                   .arg(lines.join(QStringLiteral("; ")));
    }
    Q_EMIT datasetChanged();
    return true;
}

bool PlaygroundController::loadTemplate(const QString& pathOrUrl) {
    const QString path = localPath(pathOrUrl);
    QFile file(path);
    QString error;
    if (!file.open(QIODevice::ReadOnly)) {
        setError(QStringLiteral("cannot read %1").arg(path));
        return false;
    }
    const auto t = playground::PromptTemplate::fromJsonBytes(file.readAll(), &error);
    if (!t) {
        setError(QStringLiteral("%1: %2").arg(QFileInfo(path).fileName(), error));
        return false;
    }
    templateName_ = t->name.isEmpty() ? QFileInfo(path).completeBaseName() : t->name;
    systemPrompt_ = t->systemPrompt;
    userPrompt_ = t->userPrompt;
    maxTokens_ = t->parameters.value(QStringLiteral("max_tokens")).toInt(maxTokens_);
    assertionsText_ =
        QString::fromUtf8(QJsonDocument(t->assertions).toJson(QJsonDocument::Compact));
    fewShot_.reset(t->fewShot);
    loadedParameters_ = t->parameters;
    Q_EMIT templateChanged();
    return true;
}

QString PlaygroundController::exampleDirectory() const {
    return QStringLiteral(HEARTH_RESOURCES_DIR "/playground");
}

bool PlaygroundController::buildTemplate(playground::PromptTemplate* t) {
    t->name =
        templateName_.trimmed().isEmpty() ? QStringLiteral("untitled") : templateName_.trimmed();
    t->systemPrompt = systemPrompt_;
    t->fewShot = fewShot_.examples();
    t->userPrompt = userPrompt_;
    t->parameters = loadedParameters_;
    t->parameters.insert(QStringLiteral("max_tokens"), maxTokens_);
    if (!t->parameters.contains(QStringLiteral("temperature")))
        t->parameters.insert(QStringLiteral("temperature"), 0);
    QJsonParseError parseError;
    const QJsonDocument checks = QJsonDocument::fromJson(
        assertionsText_.trimmed().isEmpty() ? QByteArray("[]") : assertionsText_.toUtf8(),
        &parseError);
    if (parseError.error != QJsonParseError::NoError || !checks.isArray()) {
        setError(tr("Assertions must be a JSON list, e.g. [{\"type\": \"contains\"}]"));
        return false;
    }
    t->assertions = checks.array();
    QString error;
    if (!playground::validateAssertions(t->assertions, &error)) {
        setError(error);
        return false;
    }
    if (t->userPrompt.trimmed().isEmpty()) {
        setError(tr("The user prompt is empty"));
        return false;
    }
    return true;
}

bool PlaygroundController::run(int maxRows) {
    if (running()) return false;
    playground::PromptTemplate t;
    if (!buildTemplate(&t)) return false;
    if (targets_.isEmpty()) {
        setError(tr("Add at least one target"));
        return false;
    }
    if (dataset_.rows.isEmpty()) {
        setError(tr("Pick a dataset first"));
        return false;
    }
    for (const QString& name : playground::placeholderNames(t.userPrompt))
        if (!dataset_.columns.contains(name)) {
            setError(tr("Template variable '%1' is not a dataset column").arg(name));
            return false;
        }
    playground::RunOrder order;
    order.tmpl = t;
    order.datasetName = QFileInfo(datasetPath_).fileName();
    order.dataset = dataset_;
    order.targets = targets_;
    order.specs = specs_;
    order.maxRows = maxRows;
    runTargets_ = targets_;
    runTitles_ = targetTitles();
    running_ = true;
    Q_EMIT runningChanged();
    QMetaObject::invokeMethod(
        session_, [session = session_, order] { session->start(order); }, Qt::QueuedConnection);
    return true;
}

void PlaygroundController::cancel() {
    if (!running_) return;
    QMetaObject::invokeMethod(
        session_, [session = session_] { session->cancel(); }, Qt::QueuedConnection);
}

}  // namespace hearth::gui
