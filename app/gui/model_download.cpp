#include "gui/model_download.h"

#include <QLocale>
#include <QThread>

#include "core/models/model_puller.h"
#include "core/models/model_store.h"

namespace hearth::gui {
namespace {

// Runs one pull on its own thread. The facade listens through queued connections, which Qt
// drops by itself if the facade (the window) goes away first; the worker and its thread then
// finish the pull and delete themselves, so a download is never cut off half-written (and
// ModelPuller restarts cleanly from any half-written state anyway).
class PullWorker : public QObject {
    Q_OBJECT
public:
    explicit PullWorker(CatalogEntry entry) : entry_(std::move(entry)) {}

    void run() {
        const ModelStore store;
        ModelPuller puller(store, [this](const QString& line) { Q_EMIT status(line); });
        QString error;
        const bool ok = puller.pull(entry_, &error);
        Q_EMIT done(ok, error);
    }

Q_SIGNALS:
    void status(const QString& line);
    void done(bool ok, const QString& error);

private:
    const CatalogEntry entry_;
};

}  // namespace

ModelDownload::ModelDownload(QObject* parent) : QObject(parent) {
    const ModelCatalog& catalog = ModelCatalog::builtin();
    if (const CatalogEntry* entry = catalog.find(catalog.defaultName())) {
        entry_ = *entry;
        available_ = true;
    }
}

QString ModelDownload::sizeText() const {
    // Decimal units, as `hearth models list` prints them.
    return QLocale::system().formattedDataSize(entry_.size, 1, QLocale::DataSizeSIFormat);
}

void ModelDownload::start() {
    if (!available_ || state_ == State::Downloading) return;
    state_ = State::Downloading;
    error_.clear();
    Q_EMIT stateChanged();
    setStatus(tr("Starting the download…"));

    auto* thread = new QThread;
    auto* worker = new PullWorker(entry_);
    worker->moveToThread(thread);
    connect(thread, &QThread::started, worker, &PullWorker::run);
    connect(worker, &PullWorker::status, this, &ModelDownload::setStatus);
    connect(worker, &PullWorker::done, this, &ModelDownload::finish);
    connect(worker, &PullWorker::done, thread, &QThread::quit);
    connect(thread, &QThread::finished, worker, &QObject::deleteLater);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
}

void ModelDownload::setStatus(const QString& line) {
    if (status_ == line) return;
    status_ = line;
    Q_EMIT statusChanged();
}

void ModelDownload::finish(bool ok, const QString& error) {
    state_ = ok ? State::Installed : State::Failed;
    error_ = error;
    Q_EMIT stateChanged();
    if (ok) Q_EMIT installed(entry_.name);
}

}  // namespace hearth::gui

#include "model_download.moc"
