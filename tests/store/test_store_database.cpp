// StoreDatabase: schema and migrations, pragmas, the message tree, streaming writes and the
// playground tables.
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "core/store/store_database.h"
#include "store_test_util.h"

using namespace hearth::store;
using namespace hearth::store::test;

class TestStoreDatabase : public QObject {
    Q_OBJECT

    QString pragma(StoreDatabase& db, const char* name) {
        QSqlQuery q(db.connection());
        if (!q.exec(QStringLiteral("PRAGMA %1").arg(QLatin1String(name))) || !q.next()) return {};
        return q.value(0).toString();
    }

private Q_SLOTS:
    void freshDatabaseIsAtLatestVersionWithSettings() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sub/dir/hearth.db"));
        auto db = StoreDatabase::open(path);
        QCOMPARE(db->userVersion(), StoreDatabase::schemaVersion());
        QCOMPARE(pragma(*db, "journal_mode"), QStringLiteral("wal"));
        QCOMPARE(pragma(*db, "foreign_keys"), QStringLiteral("1"));
        QCOMPARE(pragma(*db, "synchronous"), QStringLiteral("1"));  // NORMAL
        QCOMPARE(pragma(*db, "busy_timeout"), QStringLiteral("5000"));
        QCOMPARE(db->integrityCheck(), QStringLiteral("ok"));
    }

    // A database created at every earlier schema version, holding data valid at that
    // version, migrates to the latest without losing it.
    void migratesFromEveryEarlierVersion_data() {
        QTest::addColumn<int>("from");
        for (int v = 0; v < StoreDatabase::schemaVersion(); ++v)
            QTest::addRow("v%d", v) << v;
    }
    void migratesFromEveryEarlierVersion() {
        QFETCH(int, from);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("old.db"));
        {
            auto old = StoreDatabase::openAtVersionForTesting(path, from);
            QCOMPARE(old->userVersion(), from);
            if (from >= 1) {
                QSqlQuery q(old->connection());
                QVERIFY(q.exec(QStringLiteral(
                    "INSERT INTO conversations (id, title, created_at, updated_at) VALUES "
                    "(1, 'Café notes', 1000, 2000)")));
                QVERIFY(q.exec(QStringLiteral(
                    "INSERT INTO messages (id, conversation_id, parent_id, role, content, "
                    "finish_reason, created_at, updated_at) VALUES "
                    "(1, 1, NULL, 1, 'hello résumé', NULL, 1000, 1000), "
                    "(2, 1, 1, 2, 'partial answ', 6, 1001, 1001)")));
            }
            if (from >= 2) {
                QSqlQuery q(old->connection());
                QVERIFY(
                    q.exec(QStringLiteral("INSERT INTO prompt_templates (id, name, "
                                          "created_at) VALUES (1, 'summarise', 5)")));
            }
        }
        auto db = StoreDatabase::open(path);
        QCOMPARE(db->userVersion(), StoreDatabase::schemaVersion());
        QCOMPARE(db->integrityCheck(), QStringLiteral("ok"));
        if (from >= 1) {
            QCOMPARE(db->conversation(1).title, QStringLiteral("Café notes"));
            QCOMPARE(db->message(1).content, QStringLiteral("hello résumé"));
            // A reply left streaming by the old process is marked interrupted on open.
            QCOMPARE(db->message(2).finish, FinishReason::Interrupted);
            // Rows written before search existed are indexed by the migration.
            const auto hits = db->search(QStringLiteral("resume"));
            QCOMPARE(hits.size(), 1);
            QCOMPARE(hits[0].messageId, Id(1));
            QCOMPARE(db->search(QStringLiteral("cafe")).size(), 1);
        }
        if (from >= 2) QCOMPARE(db->templates().size(), 1);
        // The migrated database is fully usable.
        const auto c = db->createConversation(QStringLiteral("new"));
        db->appendMessage(userMessage(c.id, 0, QStringLiteral("after migration")));
        QCOMPARE(db->search(QStringLiteral("migration")).size(), 1);
    }

    void conversationsListPinnedFirstThenRecent() {
        QTemporaryDir dir;
        auto db = StoreDatabase::open(dir.filePath(QStringLiteral("h.db")));
        FakeClock clock;
        db->setClock(clock.fn());
        const auto a = db->createConversation(QStringLiteral("a"));
        clock.now += 1000;
        const auto b = db->createConversation(QStringLiteral("b"), QStringLiteral("gemma"),
                                              QJsonObject{{"temperature", 0.2}});
        clock.now += 1000;
        const auto c = db->createConversation(QStringLiteral("c"));
        db->setPinned(a.id, true);
        db->setArchived(c.id, true);
        auto list = db->listConversations();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].id, a.id);
        QCOMPARE(list[1].id, b.id);
        QCOMPARE(list[1].defaultTarget, QStringLiteral("gemma"));
        QCOMPARE(list[1].parameters.value("temperature").toDouble(), 0.2);
        QCOMPARE(db->listConversations(true).size(), 3);
        // A new message moves a conversation up.
        clock.now += 1000;
        db->setPinned(a.id, false);
        db->appendMessage(userMessage(a.id, 0, QStringLiteral("bump")));
        list = db->listConversations();
        QCOMPARE(list[0].id, a.id);
        db->renameConversation(b.id, QStringLiteral("renamed"));
        QCOMPARE(db->conversation(b.id).title, QStringLiteral("renamed"));
        db->deleteConversation(a.id);
        QCOMPARE(db->listConversations(true).size(), 2);
        QVERIFY_THROWS_EXCEPTION(StoreException, db->conversation(a.id));
    }

    void editAndRegenerateCreateSiblingsAndRememberTheLeaf() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("h.db"));
        Id conversation = 0, firstReply = 0, regenerated = 0, edited = 0, editedReply = 0;
        {
            auto db = StoreDatabase::open(path);
            conversation = db->createConversation(QStringLiteral("tree")).id;
            const auto q1 = db->appendMessage(userMessage(conversation, 0, QStringLiteral("Q1")));
            firstReply = db->startReply(replyTo(conversation, q1.id)).id;
            db->appendDelta(firstReply, QStringLiteral("A1"));
            db->finishReply(firstReply, {}, FinishReason::Stop);
            // Regenerate: another reply under the same question.
            regenerated = db->startReply(replyTo(conversation, q1.id)).id;
            db->appendDelta(regenerated, QStringLiteral("A1 again"));
            db->finishReply(regenerated, {}, FinishReason::Stop);
            auto branch = db->branch(conversation);
            QCOMPARE(branch.size(), 2);
            QCOMPARE(branch[1].message.id, regenerated);
            QCOMPARE(branch[1].siblingCount, 2);
            QCOMPARE(branch[1].siblingIndex, 1);
            QCOMPARE(branch[1].siblingIds, (QVector<Id>{firstReply, regenerated}));
            // Edit the question: a sibling of Q1 with its own reply.
            edited = db->editMessage(q1.id, QStringLiteral("Q1 edited")).id;
            editedReply = db->startReply(replyTo(conversation, edited)).id;
            db->finishReply(editedReply, {}, FinishReason::Stop);
            branch = db->branch(conversation);
            QCOMPARE(branch.size(), 2);
            QCOMPARE(branch[0].message.content, QStringLiteral("Q1 edited"));
            QCOMPARE(branch[0].siblingCount, 2);
            QCOMPARE(branch[0].siblingIndex, 1);
            QCOMPARE(branch[1].message.id, editedReply);
            QCOMPARE(branch[1].siblingCount, 1);
            // Back to the original question: its newest reply (the regenerated one).
            QCOMPARE(db->selectBranch(q1.id), regenerated);
            QCOMPARE(db->childrenOf(conversation, q1.id), (QVector<Id>{firstReply, regenerated}));
            QCOMPARE(db->messages(conversation).size(), 5);
        }
        // The selection survives reopening.
        auto db = StoreDatabase::open(path);
        QCOMPARE(db->conversation(conversation).selectedLeafId, regenerated);
        const auto branch = db->branch(conversation);
        QCOMPARE(branch.last().message.content, QStringLiteral("A1 again"));
        // Deleting a subtree removes it and moves the selection to what is left.
        db->deleteMessage(regenerated);
        QCOMPARE(db->conversation(conversation).selectedLeafId, firstReply);
        db->deleteMessage(db->branch(conversation).first().message.id);
        QCOMPARE(db->messages(conversation).size(), 2);  // the edited question and its reply
        QCOMPARE(db->branch(conversation).last().message.id, editedReply);
        QCOMPARE(db->integrityCheck(), QStringLiteral("ok"));
    }

    void parentMustBeInTheSameConversation() {
        QTemporaryDir dir;
        auto db = StoreDatabase::open(dir.filePath(QStringLiteral("h.db")));
        const auto a = db->createConversation(QStringLiteral("a"));
        const auto b = db->createConversation(QStringLiteral("b"));
        const auto m = db->appendMessage(userMessage(a.id, 0, QStringLiteral("x")));
        try {
            db->appendMessage(userMessage(b.id, m.id, QStringLiteral("y")));
            QFAIL("cross-conversation parent accepted");
        } catch (const StoreException& e) {
            QCOMPARE(e.error().kind, StoreError::Kind::InvalidInput);
        }
        QCOMPARE(db->messages(b.id).size(), 0);
    }

    // Deltas reach the disk after 32 of them or 500 ms, whichever first.
    void streamingFlushesEvery32DeltasOr500Ms() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("h.db"));
        auto db = StoreDatabase::open(path);
        FakeClock clock;
        db->setClock(clock.fn());
        auto reader = StoreDatabase::open(path, StoreDatabase::OpenMode::ReadOnly);
        const auto c = db->createConversation(QStringLiteral("s"));
        const auto q = db->appendMessage(userMessage(c.id, 0, QStringLiteral("go")));
        const auto reply = db->startReply(replyTo(c.id, q.id));
        QCOMPARE(reply.finish, FinishReason::Streaming);
        QCOMPARE(reader->message(reply.id).finish, FinishReason::Streaming);

        for (int i = 0; i < 31; ++i)
            db->appendDelta(reply.id, QStringLiteral("x"));
        QCOMPARE(reader->message(reply.id).content, QString());
        db->appendDelta(reply.id, QStringLiteral("x"));  // the 32nd
        QCOMPARE(reader->message(reply.id).content, QString(32, QLatin1Char('x')));

        db->appendDelta(reply.id, QStringLiteral("y"));
        clock.now += 499;
        db->flushDueReplies();
        QCOMPARE(reader->message(reply.id).content.size(), 32);
        clock.now += 1;
        db->flushDueReplies();
        QCOMPARE(reader->message(reply.id).content.size(), 33);
        // A delta arriving 500 ms after the oldest pending one writes both.
        db->appendDelta(reply.id, QStringLiteral("a"));
        clock.now += 500;
        db->appendDelta(reply.id, QStringLiteral("b"));
        QVERIFY(reader->message(reply.id).content.endsWith(QStringLiteral("yab")));
        // Slack lets a timer flush just before the deadline.
        db->appendDelta(reply.id, QStringLiteral("c"));
        clock.now += 460;
        db->flushDueReplies(50);
        QVERIFY(reader->message(reply.id).content.endsWith(QStringLiteral("abc")));

        db->appendDelta(reply.id, QStringLiteral("!"));
        MessageStats stats{12, 36, 85.5, 41.25, 0.0012};
        const auto done = db->finishReply(reply.id, stats, FinishReason::Length);
        QVERIFY(done.content.endsWith(QStringLiteral("c!")));
        const auto saved = reader->message(reply.id);
        QCOMPARE(saved.finish, FinishReason::Length);
        QCOMPARE(saved.stats.promptTokens, 12);
        QCOMPARE(saved.stats.completionTokens, 36);
        QCOMPARE(saved.stats.ttftMs, 85.5);
        QCOMPARE(saved.stats.tokensPerS, 41.25);
        QCOMPARE(saved.stats.cost, 0.0012);
        QVERIFY_THROWS_EXCEPTION(StoreException, db->appendDelta(reply.id, QStringLiteral("late")));
        QVERIFY_THROWS_EXCEPTION(StoreException, db->finishReply(reply.id, {}, FinishReason::Stop));
    }

    void errorReplyKeepsItsMessage() {
        QTemporaryDir dir;
        auto db = StoreDatabase::open(dir.filePath(QStringLiteral("h.db")));
        const auto c = db->createConversation(QStringLiteral("e"));
        const auto r = db->startReply(replyTo(c.id, 0));
        db->appendDelta(r.id, QStringLiteral("par"));
        const auto done =
            db->finishReply(r.id, {}, FinishReason::Error, QStringLiteral("HTTP 500"));
        QCOMPARE(done.content, QStringLiteral("par"));
        QCOMPARE(done.errorMessage, QStringLiteral("HTTP 500"));
        QCOMPARE(done.finish, FinishReason::Error);
    }

    void unfinishedReplyIsInterruptedOnNextOpen() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("h.db"));
        Id reply = 0;
        {
            auto db = StoreDatabase::open(path);
            const auto c = db->createConversation(QStringLiteral("i"));
            reply = db->startReply(replyTo(c.id, 0)).id;
            db->appendDelta(reply, QStringLiteral("half"));
            // Closed without finishReply (the destructor still writes what it has).
        }
        auto db = StoreDatabase::open(path);
        QCOMPARE(db->message(reply).finish, FinishReason::Interrupted);
        QCOMPARE(db->message(reply).content, QStringLiteral("half"));
    }

    void endpointsTemplatesDatasetsRuns() {
        QTemporaryDir dir;
        auto db = StoreDatabase::open(dir.filePath(QStringLiteral("h.db")));
        EndpointRecord e{0,
                         QStringLiteral("prod"),
                         QStringLiteral("https://api.example/v1"),
                         EndpointKind::SageMaker,
                         QStringLiteral("eu-west-1"),
                         0.5,
                         1.5};
        e = db->addEndpoint(e);
        QVERIFY(e.id > 0);
        e.pricePer1kOutput = 2.0;
        db->updateEndpoint(e);
        QCOMPARE(db->endpoints().size(), 1);
        QCOMPARE(db->endpoints()[0].pricePer1kOutput, 2.0);
        QCOMPARE(db->endpoints()[0].kind, EndpointKind::SageMaker);

        const auto t = db->createTemplate(QStringLiteral("summarise"));
        TemplateVersionRecord v;
        v.templateId = t.id;
        v.systemPrompt = QStringLiteral("Be brief.");
        v.fewShot = QJsonArray{QJsonObject{{"role", "user"}, {"content", "hi"}}};
        v.userPrompt = QStringLiteral("Summarise {{text}}");
        v.defaultParams = QJsonObject{{"temperature", 0.1}};
        v.message = QStringLiteral("first");
        const auto v1 = db->addTemplateVersion(v);
        v.message = QStringLiteral("second");
        const auto v2 = db->addTemplateVersion(v);
        QCOMPARE(v1.version, 1);
        QCOMPARE(v2.version, 2);
        QCOMPARE(db->templateVersions(t.id).size(), 2);
        QCOMPARE(db->templateVersion(v1.id).fewShot, v.fewShot);
        // Versions are immutable.
        QSqlQuery q(db->connection());
        QVERIFY(!q.exec(QStringLiteral("UPDATE template_versions SET message = 'x'")));

        const auto ds = db->createDataset(QStringLiteral("docs"), {QStringLiteral("text")});
        db->addDatasetRows(ds.id, {QJsonObject{{"text", "one"}}, QJsonObject{{"text", "two"}}});
        const auto rows = db->datasetRows(ds.id);
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[1].rowIndex, 1);
        QCOMPARE(db->datasets()[0].columns, QStringList{QStringLiteral("text")});

        RunRecord run;
        run.templateVersionId = v2.id;
        run.datasetId = ds.id;
        run.targets = {QStringLiteral("smollm2"), QStringLiteral("https://api.example/v1")};
        run = db->createRun(run);
        RunResultRecord cell;
        cell.runId = run.id;
        cell.datasetRowId = rows[0].id;
        cell.target = QStringLiteral("smollm2");
        cell.output = QStringLiteral("One.");
        cell.tokensIn = 20;
        cell.tokensOut = 3;
        cell.latencyMs = 120;
        cell.finish = FinishReason::Stop;
        db->addRunResult(cell);
        db->setRunStatus(run.id, RunStatus::Done);
        QCOMPARE(db->runs()[0].status, RunStatus::Done);
        QCOMPARE(db->runs()[0].targets, run.targets);
        const auto results = db->runResults(run.id);
        QCOMPARE(results.size(), 1);
        QCOMPARE(results[0].output, QStringLiteral("One."));
        QCOMPARE(results[0].finish, FinishReason::Stop);
        QCOMPARE(results[0].latencyMs, 120.0);
        db->removeEndpoint(e.id);
        QCOMPARE(db->endpoints().size(), 0);
    }

    void remoteEndpointsBillingSentRequestsAndCost() {
        QTemporaryDir dir;
        auto db = StoreDatabase::open(dir.filePath(QStringLiteral("h.db")));
        EndpointRecord e;
        e.name = QStringLiteral("inf2");
        e.url = QStringLiteral("sagemaker://ep?region=us-east-1&format=tgi");
        e.kind = EndpointKind::SageMaker;
        e.pricePerHour = 0.76;
        e.scrubPii = false;
        e = db->addEndpoint(e);
        QCOMPARE(db->endpoints()[0].pricePerHour, 0.76);
        QCOMPARE(db->endpoints()[0].scrubPii, false);
        e.scrubPii = true;
        db->updateEndpoint(e);
        QCOMPARE(db->endpoints()[0].scrubPii, true);

        const auto c = db->createConversation(QStringLiteral("billed"));
        const auto user = db->appendMessage(userMessage(c.id, 0, QStringLiteral("hi")));
        double total = 0;
        Id lastReply = 0;
        for (const double cost : {0.25, 0.5}) {  // two branches: both count
            NewMessage reply;
            reply.conversationId = c.id;
            reply.parentId = user.id;
            reply.role = Role::Assistant;
            reply.endpointId = e.id;
            lastReply = db->startReply(reply).id;
            MessageStats stats;
            stats.cost = cost;
            db->finishReply(lastReply, stats, FinishReason::Stop);
            total += cost;
        }
        QCOMPARE(db->conversationCost(c.id), total);
        QCOMPARE(db->sentRequest(lastReply), QString());
        db->setSentRequest(lastReply, e.id, QStringLiteral("{\"messages\":[\"[EMAIL_1]\"]}"));
        QCOMPARE(db->sentRequest(lastReply), QStringLiteral("{\"messages\":[\"[EMAIL_1]\"]}"));
        db->deleteMessage(lastReply);  // the record of what was sent goes with its reply
        QSqlQuery q(db->connection());
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM sent_requests")) && q.next());
        QCOMPARE(q.value(0).toInt(), 0);
    }

    void backupIsAConsistentCopy() {
        QTemporaryDir dir;
        auto db = StoreDatabase::open(dir.filePath(QStringLiteral("h.db")));
        const auto c = db->createConversation(QStringLiteral("keep me"));
        db->appendMessage(userMessage(c.id, 0, QStringLiteral("precious")));
        const QString copy = dir.filePath(QStringLiteral("copy.db"));
        db->backupTo(copy);
        QVERIFY(!QFile::exists(copy + QStringLiteral(".partial")));
        auto restored = StoreDatabase::open(copy);
        QCOMPARE(restored->conversation(c.id).title, QStringLiteral("keep me"));
        QCOMPARE(restored->search(QStringLiteral("precious")).size(), 1);
        // The file-level variant reads the source read-only while it is open elsewhere.
        const QString copy2 = dir.filePath(QStringLiteral("copy2.db"));
        StoreDatabase::backupFile(db->path(), copy2);
        QCOMPARE(StoreDatabase::open(copy2)->messages(c.id).size(), 1);
    }

    void persistedEnumValuesNeverChange() {
        QCOMPARE(int(FinishReason::Stop), 0);
        QCOMPARE(int(FinishReason::Length), 1);
        QCOMPARE(int(FinishReason::Cancelled), 2);
        QCOMPARE(int(FinishReason::Error), 3);
        QCOMPARE(int(FinishReason::Interrupted), 4);
        QCOMPARE(int(FinishReason::Context), 5);
        QCOMPARE(int(FinishReason::Streaming), 6);
        QCOMPARE(int(Role::System), 0);
        QCOMPARE(int(Role::User), 1);
        QCOMPARE(int(Role::Assistant), 2);
        QCOMPARE(int(Role::Tool), 3);
        Role r;
        QVERIFY(roleFromName(QStringLiteral("assistant"), &r));
        QCOMPARE(r, Role::Assistant);
        QVERIFY(!roleFromName(QStringLiteral("robot"), &r));
    }
};

QTEST_GUILESS_MAIN(TestStoreDatabase)
#include "test_store_database.moc"
