// hearth db backup FILE | path
// Maintenance of the conversation database ($HEARTH_DB, else $XDG_DATA_HOME/hearth/hearth.db).
#include <QTextStream>
#include <cstdio>

#include "cli/commands.h"
#include "core/store/store_database.h"

namespace hearth::cli {
namespace {

const QString kUsage = QStringLiteral(
    "Usage: hearth db backup FILE   consistent copy of the conversation database (safe while\n"
    "                               the app is running; SQLite online backup)\n"
    "       hearth db path          print the database path\n"
    "The database is $HEARTH_DB, else $XDG_DATA_HOME/hearth/hearth.db.");

int backup(const QStringList& args) {
    if (args.size() != 2 || args[1].startsWith(QLatin1Char('-')))
        return fail(2, QStringLiteral("db backup needs exactly one FILE\n") + kUsage);
    const QString source = store::StoreDatabase::defaultPath();
    try {
        store::StoreDatabase::backupFile(source, args[1]);
    } catch (const store::StoreException& e) {
        return fail(1, QStringLiteral("backup failed (%1): %2")
                           .arg(store::StoreError::kindName(e.error().kind), e.error().message));
    }
    QTextStream(stdout) << QStringLiteral("backed up %1 to %2\n").arg(source, args[1]);
    return 0;
}

}  // namespace

int cmdDb(const QStringList& args) {
    if (args.isEmpty()) return fail(2, QStringLiteral("db needs a subcommand\n") + kUsage);
    const QString& sub = args[0];
    if (sub == QLatin1String("--help") || sub == QLatin1String("-h")) {
        QTextStream(stdout) << kUsage << '\n';
        return 0;
    }
    if (sub == QLatin1String("backup")) return backup(args);
    if (sub == QLatin1String("path") && args.size() == 1) {
        QTextStream(stdout) << store::StoreDatabase::defaultPath() << '\n';
        return 0;
    }
    return fail(2, QStringLiteral("unknown db subcommand '%1'\n").arg(sub) + kUsage);
}

}  // namespace hearth::cli
