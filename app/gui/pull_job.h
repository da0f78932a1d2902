#pragma once
// PullJob: one ModelPuller::pull on a thread of its own, for the GUI. Status lines, download
// progress and the result come back as signals, queued to whoever connected before start().
// Cancel goes through a shared atomic flag rather than the job object, so the caller never
// touches an object that lives (and deletes itself) on another thread; ModelPuller polls the
// flag. When the pull returns, the thread quits and the job and the thread delete themselves.
#include <QObject>
#include <atomic>
#include <memory>

#include "core/models/model_catalog.h"

class QThread;

namespace hearth::gui {

// "12.3 MB of 98.4 MB · 4.1 MB/s" (the speed while bytes are still coming): how the catalog
// rows and the first-run offer show a PullJob's progress.
QString downloadProgressText(qint64 done, qint64 total, double bytesPerSecond);

class PullJob : public QObject {
    Q_OBJECT
public:
    using CancelFlag = std::shared_ptr<std::atomic<bool>>;

    explicit PullJob(CatalogEntry entry);

    const CancelFlag& cancelFlag() const { return cancel_; }
    // Moves the job to a new thread and runs it there; returns that thread, which the caller
    // may wait() on (it finishes once the pull returns). Do not touch the job afterwards.
    QThread* start();

Q_SIGNALS:
    void status(const QString& line);
    void progress(qint64 done, qint64 total, double bytesPerSecond);
    void done(bool ok, bool cancelled, const QString& error);

private:
    void run();

    const CatalogEntry entry_;
    CancelFlag cancel_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace hearth::gui
