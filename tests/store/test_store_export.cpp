// Export to JSON / Markdown and import back: exact round trip, bad files rejected whole.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "core/store/store_export.h"
#include "store_test_util.h"

using namespace hearth::store;
using namespace hearth::store::test;

namespace {

// Replaces ids by their order of appearance so two exports from different databases compare.
QJsonObject normalised(const QByteArray& json) {
    QJsonObject root = QJsonDocument::fromJson(json).object();
    root.remove(QStringLiteral("exported_at"));
    QJsonArray conversations;
    for (const QJsonValue& cv : root.value("conversations").toArray()) {
        QJsonObject c = cv.toObject();
        QHash<qint64, int> map;
        auto mapId = [&](const QJsonValue& v) -> QJsonValue {
            if (v.isNull()) return v;
            return map.value(qint64(v.toDouble()), -1);
        };
        QJsonArray tree;
        for (const QJsonValue& mv : c.value("tree").toArray()) {
            QJsonObject m = mv.toObject();
            map.insert(qint64(m.value("id").toDouble()), int(map.size()));
            m["id"] = mapId(m.value("id"));
            m["parent_id"] = mapId(m.value("parent_id"));
            tree.append(m);
        }
        c["tree"] = tree;
        QJsonArray branches;
        for (const QJsonValue& bv : c.value("branches").toArray()) {
            QJsonObject b = bv.toObject();
            b["leaf_id"] = mapId(b.value("leaf_id"));
            branches.append(b);
        }
        c["branches"] = branches;
        c["selected_leaf_id"] = mapId(c.value("selected_leaf_id"));
        c.remove(QStringLiteral("id"));
        conversations.append(c);
    }
    root["conversations"] = conversations;
    return root;
}

}  // namespace

class TestStoreExport : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    // Two conversations, one with a branched tree, stats, an error reply and odd text.
    void fill(StoreDatabase& db) {
        FakeClock clock;
        db.setClock(clock.fn());
        const auto c =
            db.createConversation(QStringLiteral("Branchy «test» 東京"), QStringLiteral("smollm2"),
                                  QJsonObject{{"temperature", 0.7}, {"top_k", 40}});
        db.setPinned(c.id, true);
        NewMessage sys = userMessage(c.id, 0, QStringLiteral("You are terse."));
        sys.role = Role::System;
        const auto s = db.appendMessage(sys);
        clock.now += 10;
        const auto q = db.appendMessage(userMessage(c.id, s.id, QStringLiteral("Hi \"there\"\n😀")));
        clock.now += 10;
        NewMessage reply = replyTo(c.id, q.id);
        reply.modelSha256 = QStringLiteral("ab12");
        reply.sampling = QJsonObject{{"temperature", 0.7}, {"seed", 42}};
        const auto r1 = db.startReply(reply);
        db.appendDelta(r1.id, QStringLiteral("Hello!"));
        db.finishReply(r1.id, MessageStats{5, 2, 12.5, 33.3333333, 0.000125}, FinishReason::Stop);
        clock.now += 10;
        const auto r2 = db.startReply(reply);
        db.appendDelta(r2.id, QStringLiteral("Hel"));
        db.finishReply(r2.id, {}, FinishReason::Error, QStringLiteral("connection reset"));
        db.editMessage(q.id, QStringLiteral("Hello, edited"));
        db.selectBranch(r1.id);
        const auto other = db.createConversation(QStringLiteral("second"));
        db.setArchived(other.id, true);
        db.appendMessage(userMessage(other.id, 0, QStringLiteral("lonely")));
    }

private Q_SLOTS:
    void roundTripIsExact() {
        auto a = StoreDatabase::open(dir_.filePath(QStringLiteral("a.db")));
        fill(*a);
        const QByteArray first = exportJson(*a);
        auto b = StoreDatabase::open(dir_.filePath(QStringLiteral("b.db")));
        b->createConversation(QStringLiteral("already here"));  // so ids differ
        const QVector<Id> ids = importJson(*b, first);
        QCOMPARE(ids.size(), 2);
        const QByteArray second = exportJson(*b, ids);
        QCOMPARE(normalised(second), normalised(first));
        // The imported tree works like the original.
        const auto conv = b->conversation(ids[0]);
        QVERIFY(conv.pinned);
        const auto branch = b->branch(ids[0]);
        QCOMPARE(branch.size(), 3);
        QCOMPARE(branch[2].message.content, QStringLiteral("Hello!"));
        QCOMPARE(branch[2].siblingCount, 2);
        QCOMPARE(b->search(QStringLiteral("lonely")).size(), 1);
        QCOMPARE(b->integrityCheck(), QStringLiteral("ok"));
    }

    void exportHasOpenAiBranchesAndTheFullTree() {
        auto db = StoreDatabase::open(dir_.filePath(QStringLiteral("c.db")));
        fill(*db);
        const Id id = db->listConversations(true).first().id;
        const QJsonObject root = QJsonDocument::fromJson(exportJson(*db, {id})).object();
        QCOMPARE(root.value("format").toString(), QStringLiteral("hearth.conversations"));
        const QJsonObject c = root.value("conversations").toArray().first().toObject();
        QCOMPARE(c.value("tree").toArray().size(), 5);
        const QJsonArray branches = c.value("branches").toArray();
        QCOMPARE(branches.size(), 3);  // r1, r2, and the edited question
        const QJsonArray firstBranch = branches[0].toObject().value("messages").toArray();
        QCOMPARE(firstBranch.size(), 3);
        QCOMPARE(firstBranch[0].toObject(),
                 (QJsonObject{{"role", "system"}, {"content", "You are terse."}}));
        QCOMPARE(firstBranch[2].toObject(),
                 (QJsonObject{{"role", "assistant"}, {"content", "Hello!"}}));
        const QJsonObject errorReply = c.value("tree").toArray()[3].toObject();
        QCOMPARE(errorReply.value("finish_reason").toString(), QStringLiteral("error"));
        QCOMPARE(errorReply.value("error_message").toString(), QStringLiteral("connection reset"));
    }

    void markdownShowsTheSelectedBranch() {
        auto db = StoreDatabase::open(dir_.filePath(QStringLiteral("d.db")));
        fill(*db);
        const Id id = db->listConversations(true).first().id;
        const QString md = exportMarkdown(*db, id);
        QVERIFY2(md.startsWith(QStringLiteral("# Branchy «test» 東京\n")), qPrintable(md));
        QVERIFY(md.contains(QStringLiteral("## System\n\nYou are terse.")));
        QVERIFY(md.contains(QStringLiteral("## User\n\nHi \"there\"\n😀")));
        QVERIFY(md.contains(QStringLiteral("## Assistant (smollm2)\n\nHello!")));
        QVERIFY(!md.contains(QStringLiteral("edited")));
        QVERIFY(!md.contains(QStringLiteral("connection reset")));
    }

    void badJsonIsRejectedWhole_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        auto a = StoreDatabase::open(dir_.filePath(QStringLiteral("e.db")));
        fill(*a);
        const QByteArray good = exportJson(*a);
        QTest::addRow("syntax") << QByteArray(
                                       "{\n  \"format\": \"hearth.conversations\",\n  "
                                       "\"version\": 1,\n  oops\n}")
                                << QStringLiteral("line 4");
        QTest::addRow("not hearth")
            << QByteArray("{\"format\": \"other\"}") << QStringLiteral("format");
        QTest::addRow("version") << QByteArray(
                                        "{\"format\": \"hearth.conversations\", "
                                        "\"version\": 99, \"conversations\": []}")
                                 << QStringLiteral("version");
        auto mutate = [&](auto change) {
            QJsonObject root = QJsonDocument::fromJson(good).object();
            QJsonArray conversations = root["conversations"].toArray();
            QJsonObject second = conversations[1].toObject();
            change(second);
            conversations[1] = second;
            root["conversations"] = conversations;
            return QJsonDocument(root).toJson();
        };
        QTest::addRow("role") << mutate([](QJsonObject& c) {
            QJsonArray tree = c["tree"].toArray();
            QJsonObject m = tree[0].toObject();
            m["role"] = "robot";
            tree[0] = m;
            c["tree"] = tree;
        }) << QStringLiteral("conversations[1].tree[0].role");
        QTest::addRow("parent") << mutate([](QJsonObject& c) {
            QJsonArray tree = c["tree"].toArray();
            QJsonObject m = tree[0].toObject();
            m["parent_id"] = 123456;
            tree[0] = m;
            c["tree"] = tree;
        }) << QStringLiteral("conversations[1].tree[0].parent_id");
        QTest::addRow("time") << mutate([](QJsonObject& c) { c["created_at"] = "yesterday"; })
                              << QStringLiteral("conversations[1].created_at");
        QTest::addRow("content type") << mutate([](QJsonObject& c) {
            QJsonArray tree = c["tree"].toArray();
            QJsonObject m = tree[0].toObject();
            m["content"] = 5;
            tree[0] = m;
            c["tree"] = tree;
        }) << QStringLiteral("conversations[1].tree[0].content");
        QTest::addRow("missing title") << mutate([](QJsonObject& c) { c.remove("title"); })
                                       << QStringLiteral("conversations[1].title");
    }
    void badJsonIsRejectedWhole() {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        QTemporaryDir dir;
        auto db = StoreDatabase::open(dir.filePath(QStringLiteral("f.db")));
        try {
            importJson(*db, json);
            QFAIL("bad import accepted");
        } catch (const StoreException& e) {
            QCOMPARE(e.error().kind, StoreError::Kind::InvalidInput);
            QVERIFY2(e.error().message.contains(mentions), qPrintable(e.error().message));
        }
        // Nothing was written, not even the valid first conversation.
        QCOMPARE(db->listConversations(true).size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestStoreExport)
#include "test_store_export.moc"
