#include "gui/pull_job.h"

#include <QLocale>
#include <QThread>

#include "core/models/model_puller.h"
#include "core/models/model_store.h"

namespace hearth::gui {

QString downloadProgressText(qint64 done, qint64 total, double bytesPerSecond) {
    const QLocale locale = QLocale::system();
    const auto size = [&](qint64 bytes) {
        return locale.formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
    };
    QString text = PullJob::tr("%1 of %2").arg(size(done), size(total));
    if (bytesPerSecond > 0 && done < total)
        text += QStringLiteral(" · ") + PullJob::tr("%1/s").arg(size(qint64(bytesPerSecond)));
    return text;
}

PullJob::PullJob(CatalogEntry entry) : entry_(std::move(entry)) {}

QThread* PullJob::start() {
    auto* thread = new QThread;
    thread->setObjectName(QStringLiteral("pull-") + entry_.name);
    moveToThread(thread);
    connect(thread, &QThread::started, this, &PullJob::run);
    connect(thread, &QThread::finished, this, &QObject::deleteLater);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
    return thread;
}

void PullJob::run() {
    const ModelStore store;
    ModelPuller puller(store, [this](const QString& line) { Q_EMIT status(line); });
    puller.setCancelFlag(cancel_.get());
    puller.setProgressSink([this](const ModelPuller::Progress& p) {
        Q_EMIT progress(p.done, p.total, p.bytesPerSecond);
    });
    QString error;
    const bool ok = puller.pull(entry_, &error);
    Q_EMIT done(ok, puller.cancelled(), error);
    // quit() from here, not through a queued connection: the GUI thread may be blocked in
    // wait() on this thread (closing the window cancels and waits for running pulls).
    thread()->quit();
}

}  // namespace hearth::gui
