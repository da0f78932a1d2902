#pragma once
// CatalogModel: the catalog on the models page. One row per catalog entry with what a user
// wants to know before fetching it (size, licence, parameters, quant), whether it is
// installed, and its download: progress (bytes done of total, speed), cancel, and resume of
// what an earlier attempt left in the download cache. Each download is a PullJob on a
// thread of its own; its queued signals update the row here, on the GUI thread. Closing
// the page cancels running downloads (their partial wheels stay for a resume).
#include <QAbstractListModel>
#include <QHash>
#include <QVector>

#include "core/models/model_catalog.h"
#include "core/models/model_store.h"
#include "gui/pull_job.h"

class QThread;

namespace hearth::gui {

class CatalogModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int downloading READ downloading NOTIFY downloadingChanged)
public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        TitleRole,
        DetailsRole,  // "98.4 MB · Apache-2.0 · llama 135M · Q4_1"
        NoteRole,
        InstalledRole,
        DownloadingRole,
        ProgressRole,      // 0..1, or -1 while the total is unknown
        ProgressTextRole,  // "41.0 of 98.4 MB · 12.5 MB/s"
        StatusRole,        // the job's last status line (extracting, verifying …)
        ErrorRole,
        ResumableRole,   // a partial download waits in the cache
        ActionTextRole,  // "Download", "Resume (41 MB of 98 MB)", "Try again"
    };
    Q_ENUM(Role)

    explicit CatalogModel(const ModelStore& store, QObject* parent = nullptr);
    ~CatalogModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int downloading() const;
    Q_INVOKABLE int rowOf(const QString& name) const;
    // Starts (or resumes) the download of a row; false when it is installed or running.
    Q_INVOKABLE bool download(int row);
    Q_INVOKABLE void cancel(int row);
    // Re-reads installed / partial state from disk (after a delete or an import).
    Q_INVOKABLE void refresh();

Q_SIGNALS:
    void downloadingChanged();
    void installed(const QString& name);

private:
    struct Row {
        CatalogEntry entry;
        bool installed = false;
        qint64 partial = 0;  // bytes in the download cache
        bool running = false;
        qint64 done = 0, total = 0;
        double bytesPerSecond = 0;
        QString status, error;
        PullJob::CancelFlag cancel;
        QThread* thread = nullptr;
    };

    void onProgress(int row, qint64 done, qint64 total, double bytesPerSecond);
    void onDone(int row, bool ok, bool cancelled, const QString& error);
    void changed(int row);
    QString actionText(const Row& r) const;

    const ModelStore& store_;
    QVector<Row> rows_;
};

}  // namespace hearth::gui
