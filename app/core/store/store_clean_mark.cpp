#include "core/store/store_clean_mark.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace hearth::store::clean_mark {
namespace {

QString markPath(const QString& databasePath) {
    return databasePath + QStringLiteral(".clean");
}

bool walHasContent(const QString& databasePath) {
    const QFileInfo wal(databasePath + QStringLiteral("-wal"));
    return wal.exists() && wal.size() > 0;
}

// Size, modification time and a hash of the 100-byte header (page size, change counter,
// schema cookie, user_version): any write through SQLite or otherwise changes one of them.
QByteArray fingerprint(const QString& databasePath) {
    QFile file(databasePath);
    if (!file.open(QIODevice::ReadOnly)) return {};
    const QByteArray header = file.read(100);
    const QFileInfo info(databasePath);
    return QByteArray::number(info.size()) + ' ' +
           QByteArray::number(info.lastModified().toMSecsSinceEpoch()) + ' ' +
           QCryptographicHash::hash(header, QCryptographicHash::Sha256).toHex();
}

}  // namespace

void write(const QString& databasePath) {
    if (walHasContent(databasePath)) return;
    const QByteArray print = fingerprint(databasePath);
    if (print.isEmpty()) return;
    QSaveFile mark(markPath(databasePath));
    if (!mark.open(QIODevice::WriteOnly)) return;  // no mark only means a slower next open
    mark.write(print);
    mark.commit();
}

bool matches(const QString& databasePath) {
    if (walHasContent(databasePath)) return false;
    QFile mark(markPath(databasePath));
    if (!mark.open(QIODevice::ReadOnly)) return false;
    const QByteArray recorded = mark.readAll();
    return !recorded.isEmpty() && recorded == fingerprint(databasePath);
}

void remove(const QString& databasePath) {
    QFile::remove(markPath(databasePath));
}

}  // namespace hearth::store::clean_mark
