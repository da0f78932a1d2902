// The chat window against a remote endpoint, driven by objectName: add an OpenAI-compatible
// endpoint in the editor (its PII preview included), pick it, stream a reply from the fake
// server with personal data scrubbed on the wire and restored on screen, see latency and
// cost per message and for the conversation, stop a second reply mid-stream.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QtTest>

#include "fake_http_server.h"
#include "gui_fixture.h"

using hearth::test::FakeHttpServer;
using hearth::test::FakeResponse;

namespace {

QByteArray chunk(const QString& content) {
    const QJsonObject choice{{"index", 0}, {"delta", QJsonObject{{"content", content}}}};
    return "data: " +
           QJsonDocument(QJsonObject{{"choices", QJsonArray{choice}}})
               .toJson(QJsonDocument::Compact) +
           "\n\n";
}

QByteArray ending(int promptTokens, int completionTokens) {
    const QJsonObject choice{{"index", 0}, {"delta", QJsonObject{}}, {"finish_reason", "stop"}};
    const QJsonObject usage{{"prompt_tokens", promptTokens},
                            {"completion_tokens", completionTokens}};
    return "data: " +
           QJsonDocument(QJsonObject{{"choices", QJsonArray{choice}}, {"usage", usage}})
               .toJson(QJsonDocument::Compact) +
           "\n\ndata: [DONE]\n\n";
}

FakeResponse sse(const QByteArray& body, int pieceSize, int delayMs) {
    FakeResponse r;
    r.headers = {{"Content-Type", "text/event-stream"}};
    r.pieces = hearth::test::splitEvery(body, pieceSize);
    r.delayMs = delayMs;
    return r;
}

void typeInto(QQuickWindow* window, QQuickItem* field, const QString& text) {
    field->forceActiveFocus();
    for (const QChar c : text)
        QTest::keyClick(window, c.toLatin1());
}

}  // namespace

class GuiRemote : public QObject {
    Q_OBJECT
    std::unique_ptr<hearth::test::GuiHome> home_;
    std::unique_ptr<hearth::test::OpenWindow> w_;
    FakeHttpServer server_;

    QString lastContent() const {
        auto* thread = w_->chat->thread();
        return thread
            ->data(thread->index(thread->rowCount() - 1, 0),
                   hearth::store::MessageThreadModel::ContentRole)
            .toString();
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(server_.listen());
        home_ = std::make_unique<hearth::test::GuiHome>(true);
        QVERIFY(home_->ok());
        w_ = std::make_unique<hearth::test::OpenWindow>();
        QVERIFY(w_->open());
        QTRY_VERIFY_WITH_TIMEOUT(w_->chat->ready(), 10000);
    }
    void cleanupTestCase() { w_.reset(); }

    void addEndpointStreamScrubbedAndPriced() {
        hearth::test::clickItem(w_->window, w_->item("addEndpointButton"));
        QTRY_VERIFY(w_->item("endpointTitle") && w_->item("endpointTitle")->isVisible());
        typeInto(w_->window, w_->item("endpointTitle"), "fake");
        typeInto(w_->window, w_->item("endpointUrl"), server_.baseUrl() + "/v1");
        typeInto(w_->window, w_->item("endpointModel"), "tiny");
        typeInto(w_->window, w_->item("endpointPriceIn"), "1");
        typeInto(w_->window, w_->item("endpointPriceOut"), "2");
        QVERIFY(w_->item("endpointScrubPii")->property("checked").toBool());  // on by default
        typeInto(w_->window, w_->item("piiPreviewInput"), "mail jane@example.com");
        QTRY_COMPARE(w_->item("piiPreviewOutput")->property("text").toString(),
                     QStringLiteral("mail [EMAIL_1]"));
        const QString address = QStringLiteral("openai+%1/v1?model=tiny").arg(server_.baseUrl());
        QCOMPARE(w_->item("endpointAddress")->property("text").toString(), address);
        hearth::test::clickItem(w_->window, w_->item("endpointSave"));
        QTRY_COMPARE(w_->chat->modelName(), address);
        QCOMPARE(w_->chat->modelState(), QStringLiteral("ready"));
        QTRY_COMPARE(w_->item("modelPicker")->property("currentText").toString(),
                     QStringLiteral("fake"));

        // The reply refers to the placeholder it was sent; pieces cut it in the middle.
        server_.enqueue(sse(
            chunk("Noted, ") + chunk("[EMA") + chunk("IL_1] is ") + chunk("saved.") + ending(20, 5),
            7, 15));
        QSignalSpy finished(w_->chat, &hearth::gui::ChatController::replyFinished);
        QQuickItem* input = w_->item("composerInput");
        typeInto(w_->window, input, "My mail is jane@example.com");
        QTest::keyClick(w_->window, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15000);
        QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("stop"));
        QCOMPARE(lastContent(), QStringLiteral("Noted, jane@example.com is saved."));

        // On the wire: the placeholder, never the address.
        QCOMPARE(server_.requests().size(), 1);
        const QByteArray sent = server_.requests()[0].body;
        QVERIFY2(sent.contains("My mail is [EMAIL_1]"), sent.constData());
        QVERIFY(!sent.contains("jane@example.com"));

        // What was sent is stored with the reply (read back from the database file).
        QString stored;
        {
            auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("peek"));
            db.setDatabaseName(home_->dbPath());
            QVERIFY(db.open());
            QTRY_VERIFY([&] {
                QSqlQuery q(db);
                q.exec(QStringLiteral("SELECT body FROM sent_requests"));
                stored = q.next() ? q.value(0).toString() : QString();
                return !stored.isEmpty();
            }());
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("peek"));
        QVERIFY2(stored.contains("My mail is [EMAIL_1]") && !stored.contains("jane@"),
                 qPrintable(stored));

        // Latency and cost: 20 in at $1/1k + 5 out at $2/1k = $0.03.
        const auto footers = w_->visibleItems("statsFooter");
        QVERIFY(!footers.isEmpty());
        const QString footer = footers.last()->property("text").toString();
        QVERIFY2(footer.contains("first token") && footer.contains("$0.0300"), qPrintable(footer));
        QTRY_COMPARE(w_->chat->conversationCost(), 0.03);
        QCOMPARE(w_->item("conversationCost")->property("text").toString(),
                 QStringLiteral("$0.0300"));
    }

    void stopClosesTheStream() {
        QByteArray body;
        for (int i = 0; i < 200; ++i)
            body += chunk(QStringLiteral("w%1 ").arg(i));
        server_.clear();  // the first test's script would otherwise answer again
        server_.enqueue(sse(body + ending(5, 200), 40, 40));
        const int disconnects = server_.disconnectsSeen();
        QSignalSpy finished(w_->chat, &hearth::gui::ChatController::replyFinished);
        typeInto(w_->window, w_->item("composerInput"), "Go on");
        QTest::keyClick(w_->window, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(lastContent().contains("w2 "), 10000);
        QQuickItem* stop = w_->item("stopButton");
        QVERIFY(stop);
        hearth::test::clickItem(w_->window, stop);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 3000);
        QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("cancelled"));
        QVERIFY(!lastContent().contains("w199"));
        QTRY_VERIFY_WITH_TIMEOUT(server_.disconnectsSeen() > disconnects, 2000);
        QVERIFY(!w_->chat->generating());
    }
};

QTEST_MAIN(GuiRemote)
#include "test_gui_remote.moc"
