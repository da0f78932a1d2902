// Full-text search: accents, CJK, prefixes, hostile input, snippets, index kept in sync.
#include <QTemporaryDir>
#include <QTest>

#include "core/store/store_database.h"
#include "store_test_util.h"

using namespace hearth::store;
using namespace hearth::store::test;

class TestStoreSearch : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::unique_ptr<StoreDatabase> db_;
    Id conv_ = 0;

    Id add(const QString& text) { return db_->appendMessage(userMessage(conv_, 0, text)).id; }
    QVector<Id> messageIds(const QString& query) {
        QVector<Id> ids;
        for (const SearchHit& h : db_->search(query))
            if (h.messageId) ids.append(h.messageId);
        std::sort(ids.begin(), ids.end());
        return ids;
    }

private Q_SLOTS:
    void init() {
        db_ = StoreDatabase::open(dir_.filePath(QStringLiteral("search.db")));
        conv_ = db_->createConversation(QStringLiteral("Search fixture")).id;
    }
    void cleanup() {
        db_.reset();
        QFile::remove(dir_.filePath(QStringLiteral("search.db")));
    }

    void accentsAreFolded() {
        const Id a = add(QStringLiteral("Un café crème à Noël"));
        const Id b = add(QStringLiteral("plain cafe"));
        QCOMPARE(messageIds(QStringLiteral("cafe ")), (QVector<Id>{a, b}));
        QCOMPARE(messageIds(QStringLiteral("CAFÉ ")), (QVector<Id>{a, b}));
        QCOMPARE(messageIds(QStringLiteral("noel creme")), (QVector<Id>{a}));
    }

    void cjkIsSearchableBySubstring() {
        const Id tokyo = add(QStringLiteral("我住在東京タワーの近くです"));
        const Id chinese = add(QStringLiteral("今天天气很好，我们去公园吧"));
        const Id korean = add(QStringLiteral("서울에서 만나요"));
        add(QStringLiteral("English only"));
        QCOMPARE(messageIds(QStringLiteral("東京")), (QVector<Id>{tokyo}));
        QCOMPARE(messageIds(QStringLiteral("タワー")), (QVector<Id>{tokyo}));
        QCOMPARE(messageIds(QStringLiteral("天气")), (QVector<Id>{chinese}));
        QCOMPARE(messageIds(QStringLiteral("公园")), (QVector<Id>{chinese}));
        QCOMPARE(messageIds(QStringLiteral("我")), (QVector<Id>{tokyo, chinese}));
        QCOMPARE(messageIds(QStringLiteral("서울")), (QVector<Id>{korean}));
        QCOMPARE(messageIds(QStringLiteral("京東")), QVector<Id>{});  // order matters
        // The snippet shows the original text, not the indexing spaces.
        const auto hits = db_->search(QStringLiteral("東京"));
        QCOMPARE(hits.size(), 1);
        QVERIFY2(hits[0].snippet.contains(QString(kHighlightOpen) + QStringLiteral("東京") +
                                          QString(kHighlightClose)),
                 qPrintable(hits[0].snippet));
        QVERIFY2(hits[0].snippet.contains(QStringLiteral("タワーの近く")),
                 qPrintable(hits[0].snippet));
    }

    void mixedScriptText() {
        const Id m = add(QStringLiteral("Meeting in 東京 on Monday"));
        QCOMPARE(messageIds(QStringLiteral("東京 monday")), (QVector<Id>{m}));
    }

    void prefixQueries() {
        const Id hello = add(QStringLiteral("hello world"));
        const Id help = add(QStringLiteral("please help me"));
        add(QStringLiteral("shell script"));
        QCOMPARE(messageIds(QStringLiteral("hel*")), (QVector<Id>{hello, help}));
        // Search as you type: the last bare word is a prefix...
        QCOMPARE(messageIds(QStringLiteral("hel")), (QVector<Id>{hello, help}));
        QCOMPARE(messageIds(QStringLiteral("world hel")), (QVector<Id>{hello}));
        // ...but a finished word (followed by a space) is matched whole.
        QCOMPARE(messageIds(QStringLiteral("hel ")), QVector<Id>{});
        QCOMPARE(messageIds(QStringLiteral("hel* wor")), (QVector<Id>{hello}));
    }

    void anyInputIsAValidQuery_data() {
        QTest::addColumn<QString>("query");
        for (const char* q :
             {"\"", "\"\"", "a\"b",      "AND",          "OR NOT", "*",     "(",   ")",
              "-",  "+",    "NEAR(a b)", "col:value",    "^start", "a OR",  "{x}", "'",
              "%",  "\\",   "***",       "hello\"world", "😀",      "a - b", "  ",  ""})
            QTest::addRow("%s", q) << QString::fromUtf8(q);
    }
    void anyInputIsAValidQuery() {
        QFETCH(QString, query);
        add(QStringLiteral("hello world, with AND and OR inside"));
        try {
            db_->search(query);
        } catch (const StoreException& e) {
            QFAIL(qPrintable(QStringLiteral("query rejected: ") + e.error().message));
        }
    }

    void operatorsAreLiteralWords() {
        const Id m = add(QStringLiteral("black AND white"));
        add(QStringLiteral("black"));
        QCOMPARE(messageIds(QStringLiteral("black AND white")), (QVector<Id>{m}));
        QCOMPARE(messageIds(QStringLiteral("\"black white\"")), (QVector<Id>{m}));
    }

    void titlesAreSearchedAndHighlighted() {
        const Id other = db_->createConversation(QStringLiteral("Trip to Kyōto")).id;
        const auto hits = db_->search(QStringLiteral("kyoto"));
        QCOMPARE(hits.size(), 1);
        QCOMPARE(hits[0].conversationId, other);
        QCOMPARE(hits[0].messageId, Id(0));
        QCOMPARE(hits[0].snippet, QString(QStringLiteral("Trip to ") + kHighlightOpen +
                                          QStringLiteral("Kyōto") + kHighlightClose));
        QCOMPARE(snippetToHtml(QStringLiteral("a<b ") + kHighlightOpen + "x" + kHighlightClose),
                 QStringLiteral("a&lt;b <b>x</b>"));
        db_->renameConversation(other, QStringLiteral("Trip to Osaka"));
        QCOMPARE(db_->search(QStringLiteral("kyoto")).size(), 0);
        QCOMPARE(db_->search(QStringLiteral("osaka")).size(), 1);
    }

    void indexFollowsEditsStreamingAndDeletes() {
        const auto r = db_->startReply(replyTo(conv_, 0));
        db_->appendDelta(r.id, QStringLiteral("streamed "));
        db_->appendDelta(r.id, QStringLiteral("zebra"));
        db_->finishReply(r.id, {}, FinishReason::Stop);
        QCOMPARE(messageIds(QStringLiteral("zebra")), (QVector<Id>{r.id}));
        db_->deleteMessage(r.id);
        QCOMPARE(messageIds(QStringLiteral("zebra")), QVector<Id>{});
        add(QStringLiteral("giraffe"));
        db_->deleteConversation(conv_);
        QCOMPARE(db_->search(QStringLiteral("giraffe")).size(), 0);
        QCOMPARE(db_->search(QStringLiteral("fixture")).size(), 0);
    }

    void rankedBestFirstAndLimited() {
        add(QStringLiteral("apple banana cherry date elderberry fig grape"));
        const Id best = add(QStringLiteral("apple apple apple"));
        for (int i = 0; i < 10; ++i)
            add(QStringLiteral("apple pie number %1 with extra words").arg(i));
        const auto hits = db_->search(QStringLiteral("apple "), 5);
        QCOMPARE(hits.size(), 5);
        QCOMPARE(hits[0].messageId, best);
        for (int i = 1; i < hits.size(); ++i)
            QVERIFY(hits[i - 1].rank <= hits[i].rank);
    }
};

QTEST_GUILESS_MAIN(TestStoreSearch)
#include "test_store_search.moc"
