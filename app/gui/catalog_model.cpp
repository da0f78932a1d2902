#include "gui/catalog_model.h"

#include <QLocale>
#include <QThread>

#include "core/models/model_puller.h"

namespace hearth::gui {
namespace {

// Decimal units, as `hearth models list` and the first-run offer print sizes.
QString sizeText(qint64 bytes) {
    return QLocale::system().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

}  // namespace

CatalogModel::CatalogModel(const ModelStore& store, QObject* parent)
    : QAbstractListModel(parent), store_(store) {
    for (const CatalogEntry& entry : ModelCatalog::builtin().entries()) {
        Row row;
        row.entry = entry;
        rows_.push_back(row);
    }
    refresh();
}

CatalogModel::~CatalogModel() {
    // Cancel and wait: the jobs stop within a poll (a tenth of a second) while downloading,
    // and a job must not outlive the application it reports to. Their partial wheels stay.
    for (Row& r : rows_)
        if (r.running) r.cancel->store(true);
    for (Row& r : rows_)
        if (r.running && r.thread) r.thread->wait();
}

int CatalogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

QHash<int, QByteArray> CatalogModel::roleNames() const {
    return {{NameRole, "name"},           {TitleRole, "title"},
            {DetailsRole, "details"},     {NoteRole, "note"},
            {InstalledRole, "installed"}, {DownloadingRole, "downloading"},
            {ProgressRole, "progress"},   {ProgressTextRole, "progressText"},
            {StatusRole, "status"},       {ErrorRole, "error"},
            {ResumableRole, "resumable"}, {ActionTextRole, "actionText"}};
}

QString CatalogModel::actionText(const Row& r) const {
    if (r.partial > 0 && r.entry.size > 0)
        return tr("Resume (%1 of %2)").arg(sizeText(r.partial), sizeText(r.entry.size));
    if (r.partial > 0) return tr("Resume");
    return r.error.isEmpty() ? tr("Download") : tr("Try again");
}

QVariant CatalogModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const Row& r = rows_[index.row()];
    const CatalogEntry& e = r.entry;
    switch (role) {
        case NameRole:
            return e.name;
        case TitleRole:
            return e.title.isEmpty() ? e.name : e.title;
        case DetailsRole: {
            QStringList parts{sizeText(e.size), tr("licence %1").arg(e.licence)};
            const QString arch = QStringList{e.architecture, e.parameters}.join(QLatin1Char(' '));
            if (!arch.trimmed().isEmpty()) parts << arch.trimmed();
            if (!e.quant.isEmpty()) parts << e.quant;
            return parts.join(QStringLiteral(" · "));
        }
        case NoteRole:
            return e.note;
        case InstalledRole:
            return r.installed;
        case DownloadingRole:
            return r.running;
        case ProgressRole:
            return r.total > 0 ? double(r.done) / double(r.total) : -1.0;
        case ProgressTextRole: {
            if (!r.running) return QString();
            if (r.total <= 0) return tr("Contacting the package index…");
            return downloadProgressText(r.done, r.total, r.bytesPerSecond);
        }
        case StatusRole:
            return r.status;
        case ErrorRole:
            return r.error;
        case ResumableRole:
            return r.partial > 0;
        case ActionTextRole:
            return actionText(r);
        default:
            return {};
    }
}

int CatalogModel::downloading() const {
    return int(std::count_if(rows_.begin(), rows_.end(), [](const Row& r) { return r.running; }));
}

int CatalogModel::rowOf(const QString& name) const {
    for (int i = 0; i < rows_.size(); ++i)
        if (rows_[i].entry.matches(name)) return i;
    return -1;
}

void CatalogModel::refresh() {
    for (int i = 0; i < rows_.size(); ++i) {
        Row& r = rows_[i];
        if (r.running) continue;  // the job owns the cache files meanwhile
        r.installed = store_.isInstalled(r.entry);
        r.partial = r.installed ? 0 : ModelPuller::partialBytes(r.entry);
        changed(i);
    }
}

bool CatalogModel::download(int row) {
    if (row < 0 || row >= rows_.size()) return false;
    Row& r = rows_[row];
    if (r.running || r.installed) return false;
    r.running = true;
    r.error.clear();
    r.status = tr("Starting…");
    r.done = r.partial;
    r.total = 0;
    r.bytesPerSecond = 0;
    auto* job = new PullJob(r.entry);
    r.cancel = job->cancelFlag();
    // Rows are never added or removed, so the row number identifies the entry for good.
    connect(job, &PullJob::status, this, [this, row](const QString& line) {
        rows_[row].status = line;
        changed(row);
    });
    connect(job, &PullJob::progress, this, [this, row](qint64 done, qint64 total, double speed) {
        onProgress(row, done, total, speed);
    });
    connect(job, &PullJob::done, this, [this, row](bool ok, bool cancelled, const QString& error) {
        onDone(row, ok, cancelled, error);
    });
    r.thread = job->start();
    changed(row);
    Q_EMIT downloadingChanged();
    return true;
}

void CatalogModel::cancel(int row) {
    if (row < 0 || row >= rows_.size() || !rows_[row].running) return;
    rows_[row].cancel->store(true);
    rows_[row].status = tr("Cancelling…");
    changed(row);
}

void CatalogModel::onProgress(int row, qint64 done, qint64 total, double bytesPerSecond) {
    Row& r = rows_[row];
    r.done = done;
    r.total = total;
    r.bytesPerSecond = bytesPerSecond;
    changed(row);
}

void CatalogModel::onDone(int row, bool ok, bool cancelled, const QString& error) {
    Row& r = rows_[row];
    r.running = false;
    r.thread = nullptr;
    r.cancel.reset();
    r.status = cancelled ? tr("Cancelled; the part downloaded so far is kept") : QString();
    r.error = ok || cancelled ? QString() : error;
    r.installed = store_.isInstalled(r.entry);
    r.partial = r.installed ? 0 : ModelPuller::partialBytes(r.entry);
    changed(row);
    Q_EMIT downloadingChanged();
    if (ok) Q_EMIT installed(r.entry.name);
}

void CatalogModel::changed(int row) {
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i);
}

}  // namespace hearth::gui
