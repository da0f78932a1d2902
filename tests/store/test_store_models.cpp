// The async Store facade (requests on the store thread, answers on this one) and the two
// list models, each under QAbstractItemModelTester.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "core/store/conversation_list_model.h"
#include "core/store/message_thread_model.h"
#include "core/store/store.h"
#include "store_test_util.h"

using namespace hearth::store;
using namespace hearth::store::test;

namespace {
ConversationRecord conversationAt(Id id, const QString& title, const QDateTime& updated,
                                  bool pinned = false) {
    ConversationRecord c;
    c.id = id;
    c.title = title;
    c.updatedAt = updated;
    c.createdAt = updated;
    c.pinned = pinned;
    return c;
}
}  // namespace

class TestStoreModels : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void storeRunsRequestsOffThisThreadAndAnswersOnIt() {
        QTemporaryDir dir;
        Store store;
        QSignalSpy opened(&store, &Store::opened);
        store.open(dir.filePath(QStringLiteral("async.db")));
        QVERIFY(opened.wait(10'000));
        QVERIFY(store.isOpen());

        QThread* const gui = QThread::currentThread();
        ConversationRecord created;
        bool answeredOnGuiThread = false;
        store.createConversation(QStringLiteral("async"), QStringLiteral("smollm2"), {},
                                 [&](ConversationRecord c) {
                                     created = c;
                                     answeredOnGuiThread = QThread::currentThread() == gui;
                                 });
        QTRY_VERIFY(created.id > 0);
        QVERIFY(answeredOnGuiThread);

        // Stream a reply through tickets; deltas may be sent before the id is known.
        MessageRecord user;
        store.appendMessage(userMessage(created.id, 0, QStringLiteral("hi")),
                            [&](MessageRecord m) { user = m; });
        QTRY_VERIFY(user.id > 0);
        MessageRecord started, finished;
        const auto ticket =
            store.startReply(replyTo(created.id, user.id), [&](MessageRecord m) { started = m; });
        for (int i = 0; i < 100; ++i)
            store.appendDelta(ticket, QStringLiteral("w%1 ").arg(i));
        store.finishReply(ticket, MessageStats{3, 100, 10, 50, 0}, FinishReason::Stop, {},
                          [&](MessageRecord m) { finished = m; });
        QTRY_VERIFY(finished.id > 0);
        QCOMPARE(started.finish, FinishReason::Streaming);
        QCOMPARE(finished.id, started.id);
        QCOMPARE(finished.stats.completionTokens, 100);
        QVERIFY(finished.content.startsWith(QStringLiteral("w0 w1 ")));
        QVERIFY(finished.content.endsWith(QStringLiteral("w99 ")));

        QVector<SearchHit> hits;
        store.search(QStringLiteral("w42"), 10, [&](QVector<SearchHit> h) { hits = h; });
        QTRY_COMPARE(hits.size(), 1);

        // Failures come back as typed errors, not callbacks.
        QSignalSpy errors(&store, &Store::errorOccurred);
        bool called = false;
        store.loadBranch(987654, [&](QVector<BranchMessage>) { called = true; });
        QTRY_COMPARE(errors.size(), 1);
        QCOMPARE(errors[0][0].value<StoreError>().kind, StoreError::Kind::NotFound);
        QVERIFY(!called);
    }

    void storeOffersReadOnlyAndFreshStartForBrokenFiles() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.db"));
        writeFile(path, QByteArray(5000, '\x7f'));
        Store store;
        QSignalSpy failed(&store, &Store::openFailed);
        QSignalSpy opened(&store, &Store::opened);
        QSignalSpy moved(&store, &Store::movedAside);
        store.open(path);
        QVERIFY(failed.wait(10'000));
        QCOMPARE(failed[0][0].value<StoreError>().kind, StoreError::Kind::NotADatabase);
        QVERIFY(!store.isOpen());
        store.startFresh(path);
        QTRY_COMPARE(opened.size(), 1);
        QCOMPARE(moved.size(), 1);
        QCOMPARE(fileBytes(moved[0][0].toString()), QByteArray(5000, '\x7f'));
        QVERIFY(store.isOpen());
        QVERIFY(!store.isReadOnly());
    }

    void conversationListModelSectionsAndUpdates() {
        ConversationListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QDate today(2025, 3, 10);
        model.setToday([today] { return today; });
        const QTime noon(12, 0);
        auto at = [&](int daysAgo) { return QDateTime(today.addDays(-daysAgo), noon).toUTC(); };
        model.setConversations(
            {conversationAt(1, "old", at(40)), conversationAt(2, "today", at(0)),
             conversationAt(3, "yesterday", at(1)), conversationAt(4, "pinned", at(100), true),
             conversationAt(5, "week", at(5)), conversationAt(6, "month", at(20))});
        QCOMPARE(model.rowCount(), 6);
        QStringList sections, titles;
        for (int i = 0; i < model.rowCount(); ++i) {
            sections << model.index(i).data(ConversationListModel::SectionRole).toString();
            titles << model.index(i).data(ConversationListModel::TitleRole).toString();
        }
        QCOMPARE(titles, (QStringList{"pinned", "today", "yesterday", "week", "month", "old"}));
        QCOMPARE(sections, (QStringList{"Pinned", "Today", "Yesterday", "Previous 7 days",
                                        "Previous 30 days", "Older"}));
        QCOMPARE(model.roleNames().value(ConversationListModel::SectionRole),
                 QByteArray("section"));

        // Same rows, one changed: dataChanged only, no reset.
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setConversations(
            {conversationAt(1, "old renamed", at(40)), conversationAt(2, "today", at(0)),
             conversationAt(3, "yesterday", at(1)), conversationAt(4, "pinned", at(100), true),
             conversationAt(5, "week", at(5)), conversationAt(6, "month", at(20))});
        QCOMPARE(reset.size(), 0);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.rowOf(1), 5);

        // The old one gets a new message: it moves to the top of the unpinned rows.
        model.upsert(conversationAt(1, "old renamed", at(0).addSecs(60)));
        QCOMPARE(model.rowOf(1), 1);
        QCOMPARE(model.index(1).data(ConversationListModel::SectionRole).toString(),
                 QStringLiteral("Today"));
        model.upsert(conversationAt(7, "brand new", at(0).addSecs(120)));
        QCOMPARE(model.rowCount(), 7);
        QCOMPARE(model.idAt(1), 7);
        model.remove(4);
        QCOMPARE(model.rowCount(), 6);
        QCOMPARE(model.rowOf(4), -1);
    }

    void conversationListModelFollowsTheStore() {
        QTemporaryDir dir;
        Store store;
        QSignalSpy opened(&store, &Store::opened);
        store.open(dir.filePath(QStringLiteral("list.db")));
        QVERIFY(opened.wait(10'000));
        ConversationListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.attach(&store);
        model.reload();
        store.createConversation(QStringLiteral("first"), {}, {}, nullptr);
        QTRY_COMPARE(model.rowCount(), 1);
        store.createConversation(QStringLiteral("second"), {}, {}, nullptr);
        QTRY_COMPARE(model.rowCount(), 2);
        QTRY_COMPARE(model.index(0).data(ConversationListModel::TitleRole).toString(),
                     QStringLiteral("second"));
        store.setPinned(model.idAt(1), true);
        QTRY_COMPARE(model.index(0).data(ConversationListModel::TitleRole).toString(),
                     QStringLiteral("first"));
    }

    void messageThreadModelStreamsIntoTheLastRowOnly() {
        MessageThreadModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        MessageRecord q;
        q.id = 1;
        q.role = Role::User;
        q.content = QStringLiteral("question");
        MessageRecord a;
        a.id = 3;
        a.parentId = 1;
        a.role = Role::Assistant;
        a.finish = FinishReason::Stop;
        a.content = QStringLiteral("answer");
        model.setBranch(9, {BranchMessage{q, 1, 0, {1}}, BranchMessage{a, 2, 1, {2, 3}}});
        QCOMPARE(model.conversationId(), 9);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(1).data(MessageThreadModel::SiblingCountRole).toInt(), 2);
        QCOMPARE(model.index(1).data(MessageThreadModel::SiblingIndexRole).toInt(), 1);
        QCOMPARE(model.index(1).data(MessageThreadModel::RoleRole).toString(),
                 QStringLiteral("assistant"));
        QCOMPARE(model.index(1).data(MessageThreadModel::FinishReasonRole).toString(),
                 QStringLiteral("stop"));

        MessageRecord streaming;
        streaming.id = 4;
        streaming.parentId = 3;
        streaming.role = Role::Assistant;
        streaming.finish = FinishReason::Streaming;
        model.appendMessage(streaming);
        QVERIFY(model.index(2).data(MessageThreadModel::StreamingRole).toBool());

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        for (int i = 0; i < 50; ++i)
            model.appendDelta(QStringLiteral("x"));
        QCOMPARE(changed.size(), 50);
        for (const auto& args : changed) {
            QCOMPARE(args[0].toModelIndex().row(), 2);
            QCOMPARE(args[1].toModelIndex().row(), 2);
            QVERIFY(args[2].value<QList<int>>().contains(MessageThreadModel::ContentRole));
        }
        QCOMPARE(model.index(2).data(MessageThreadModel::ContentRole).toString(), QString(50, 'x'));

        streaming.content = QString(50, 'x');
        streaming.finish = FinishReason::Length;
        streaming.stats.tokensPerS = 42;
        model.updateMessage(streaming);
        QVERIFY(!model.index(2).data(MessageThreadModel::StreamingRole).toBool());
        QCOMPARE(model.index(2)
                     .data(MessageThreadModel::StatsRole)
                     .toMap()
                     .value("tokensPerS")
                     .toDouble(),
                 42.0);

        model.truncateAfter(0);
        QCOMPARE(model.rowCount(), 1);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void messageThreadModelShowsAStoreBranch() {
        QTemporaryDir dir;
        Store store;
        QSignalSpy opened(&store, &Store::opened);
        store.open(dir.filePath(QStringLiteral("thread.db")));
        QVERIFY(opened.wait(10'000));
        ConversationRecord c;
        store.createConversation(QStringLiteral("t"), {}, {}, [&](ConversationRecord r) { c = r; });
        QTRY_VERIFY(c.id > 0);
        MessageRecord q;
        store.appendMessage(userMessage(c.id, 0, QStringLiteral("Q")),
                            [&](MessageRecord m) { q = m; });
        QTRY_VERIFY(q.id > 0);
        MessageRecord edited;
        store.editMessage(q.id, QStringLiteral("Q2"), [&](MessageRecord m) { edited = m; });
        QTRY_VERIFY(edited.id > 0);

        MessageThreadModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        bool loaded = false;
        store.loadBranch(c.id, [&](QVector<BranchMessage> b) {
            model.setBranch(c.id, b);
            loaded = true;
        });
        QTRY_VERIFY(loaded);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0).data(MessageThreadModel::ContentRole).toString(),
                 QStringLiteral("Q2"));
        QCOMPARE(model.index(0).data(MessageThreadModel::SiblingIndexRole).toInt(), 1);
        loaded = false;
        store.selectBranch(q.id, [&](QVector<BranchMessage> b) {
            model.setBranch(c.id, b);
            loaded = true;
        });
        QTRY_VERIFY(loaded);
        QCOMPARE(model.index(0).data(MessageThreadModel::ContentRole).toString(),
                 QStringLiteral("Q"));
    }
};

QTEST_GUILESS_MAIN(TestStoreModels)
#include "test_store_models.moc"
