#include <QSqlDatabase>
#include <QSqlQuery>
// A damaged conversation database seen from the window: a clear banner with a choice, the
// file left byte-identical until the user chooses, and both choices working.
#include <QCryptographicHash>
#include <QDir>
#include <QTest>

#include "gui_fixture.h"

namespace {

QByteArray fileBytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

}  // namespace

class TestGuiDatabase : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { hearth::gui::prepareApplication(*qGuiApp); }

    void damagedDatabaseOffersAChoiceAndStartFreshKeepsTheOldFile() {
        hearth::test::GuiHome home(true);
        QVERIFY(home.ok());
        const QByteArray junk =
            QByteArray("this is somebody's notes file, not a database\n").repeated(50);
        writeFile(home.dbPath(), junk);

        hearth::test::OpenWindow w;
        QVERIFY(w.open());
        QTRY_VERIFY(w.chat->databaseChoicePending());
        QQuickItem* banner = w.item(QStringLiteral("errorBanner"));
        QVERIFY(banner);
        QTRY_VERIFY(banner->isVisible());
        QVERIFY(w.chat->errorText().contains(home.dbPath()));
        QVERIFY(w.item(QStringLiteral("openReadOnly"))->isVisible());
        QQuickItem* fresh = w.item(QStringLiteral("startFresh"));
        QVERIFY(fresh && fresh->isVisible());
        QCOMPARE(fileBytes(home.dbPath()), junk);  // untouched while the user decides

        hearth::test::clickItem(w.window, fresh);
        QTRY_VERIFY(!w.chat->databaseChoicePending());
        QTRY_VERIFY(w.chat->errorText().contains(QStringLiteral("kept at")));
        const QFileInfo db(home.dbPath());
        const QStringList backups =
            db.dir().entryList({db.fileName() + QStringLiteral(".broken-*")}, QDir::Files);
        QCOMPARE(backups.size(), 1);
        QCOMPARE(fileBytes(db.dir().filePath(backups.first())), junk);  // nothing lost
        // The fresh database works: a conversation can be started in it.
        QTRY_COMPARE_WITH_TIMEOUT(w.chat->modelState(), QStringLiteral("ready"), 30000);
        QTRY_VERIFY(w.chat->ready());
        QVERIFY(w.chat->send(QStringLiteral("Once upon a time")));
        QTRY_COMPARE_WITH_TIMEOUT(w.chat->conversationModel().rowCount(), 1, 10000);
        w.chat->stop();
    }

    void tooNewDatabaseCanBeOpenedReadOnly() {
        hearth::test::GuiHome home(true);
        QVERIFY(home.ok());
        {
            // A real database from a future Hearth: valid SQLite with a user_version we don't know.
            hearth::test::OpenWindow w;
            QVERIFY(w.open());
            QTRY_VERIFY(w.chat->ready());
        }
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("future"));
            db.setDatabaseName(home.dbPath());
            QVERIFY(db.open());
            QSqlQuery(db).exec(QStringLiteral("PRAGMA user_version = 9999"));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("future"));
        const QByteArray before = fileBytes(home.dbPath());

        hearth::test::OpenWindow w;
        QVERIFY(w.open());
        QTRY_VERIFY(w.chat->databaseChoicePending());
        QCOMPARE(fileBytes(home.dbPath()), before);
        hearth::test::clickItem(w.window, w.item(QStringLiteral("openReadOnly")));
        QTRY_VERIFY(!w.chat->databaseChoicePending());
        QTRY_VERIFY(w.chat->ready());
        QCOMPARE(fileBytes(home.dbPath()), before);
    }
};

QTEST_MAIN(TestGuiDatabase)
#include "test_gui_database.moc"
