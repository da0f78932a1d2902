#include "gui/model_download.h"

#include <QLocale>

#include "gui/pull_job.h"

namespace hearth::gui {
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

    // Queued connections, which Qt drops by itself if the facade (the window) goes away
    // first; the job then finishes the pull and deletes itself, so a download is never cut
    // off half-written (ModelPuller keeps partial wheels to resume anyway).
    auto* job = new PullJob(entry_);
    connect(job, &PullJob::status, this, &ModelDownload::setStatus);
    connect(job, &PullJob::progress, this, [this](qint64 done, qint64 total, double speed) {
        setStatus(tr("Downloaded %1").arg(downloadProgressText(done, total, speed)));
    });
    connect(job, &PullJob::done, this,
            [this](bool ok, bool, const QString& error) { finish(ok, error); });
    job->start();
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
