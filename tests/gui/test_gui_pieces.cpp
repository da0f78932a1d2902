// The window's non-visual pieces: code-block splitting, parameters and their JSON, the
// installed-model list and search results (with QAbstractItemModelTester).
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include "gui/generation_parameters.h"
#include "gui/installed_models_model.h"
#include "gui/message_blocks.h"
#include "gui/model_picker_model.h"
#include "gui/search_results_model.h"
#include "gui_fixture.h"

using namespace hearth::gui;

class TestGuiPieces : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void splitsProseAndFencedCode() {
        const auto blocks = splitMessageBlocks(QStringLiteral(
            "Here is **code**:\n\n```python title\ndef f():\n    return 1\n```\nAnd after.\n"
            "~~~~\n``` not a close\n~~~~"));
        QCOMPARE(blocks.size(), 4);
        QCOMPARE(blocks[0].kind, MessageBlock::Kind::Markdown);
        QCOMPARE(blocks[0].text, QStringLiteral("Here is **code**:"));
        QCOMPARE(blocks[1].kind, MessageBlock::Kind::Code);
        QCOMPARE(blocks[1].language, QStringLiteral("python"));
        QCOMPARE(blocks[1].text, QStringLiteral("def f():\n    return 1"));
        QVERIFY(!blocks[1].open);
        QCOMPARE(blocks[2].text, QStringLiteral("And after."));
        QCOMPARE(blocks[3].text, QStringLiteral("``` not a close"));  // different fence char
    }

    void unclosedFenceIsOpenCodeWhileStreaming() {
        const auto blocks = splitMessageBlocks(QStringLiteral("Start\n```js\nlet x = 1;"));
        QCOMPARE(blocks.size(), 2);
        QCOMPARE(blocks[1].kind, MessageBlock::Kind::Code);
        QVERIFY(blocks[1].open);
        QCOMPARE(blocks[1].text, QStringLiteral("let x = 1;"));
    }

    void inlineBackticksAreNotFences() {
        const auto blocks = splitMessageBlocks(QStringLiteral("Use ```x``` inline\nok"));
        QCOMPARE(blocks.size(), 1);
        QCOMPARE(blocks[0].kind, MessageBlock::Kind::Markdown);
    }

    void parametersRoundTripAndPresets() {
        GenerationParameters p;
        QCOMPARE(p.preset(), QStringLiteral("Balanced"));
        QSignalSpy edited(&p, &GenerationParameters::edited);
        p.setTemperature(0.33);
        QCOMPARE(edited.size(), 1);
        QCOMPARE(p.preset(), QString());  // no longer the preset
        p.applyPreset(QStringLiteral("Precise"));
        QCOMPARE(p.temperature(), 0.2);
        QCOMPARE(p.topK(), 20);
        p.setSystemPrompt(QStringLiteral("Be terse."));
        p.setSeed(42);
        p.setContextSize(1024);
        const QJsonObject json = p.toJson();

        GenerationParameters q;
        QSignalSpy qEdited(&q, &GenerationParameters::edited);
        q.loadJson(json);
        QCOMPARE(qEdited.size(), 0);  // loading is not an edit
        QCOMPARE(q.toJson(), json);
        QCOMPARE(q.sampling().seed, uint64_t(42));
        QCOMPARE(q.sampling().top_k, 20);
        q.setSeed(-1);
        QCOMPARE(q.sampling().seed, uint64_t(0xFFFFFFFF));
    }

    void modelPickerListsInstalledModels() {
        hearth::test::GuiHome home(true);
        QVERIFY(home.ok());
        ModelPickerModel models;
        QAbstractItemModelTester tester(&models,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(models.rowCount(), 1);
        QCOMPARE(models.nameAt(0), QStringLiteral("stories260K"));
        QCOMPARE(models.indexOf(QStringLiteral("stories260K")), 0);
        const auto roles = models.roleNames();
        QVERIFY(roles.values().contains("quant"));
        QVERIFY(models.data(models.index(0), ModelPickerModel::ErrorRole).toString().isEmpty());
        QVERIFY(!models.data(models.index(0), ModelPickerModel::SizeTextRole).toString().isEmpty());
        QFile::remove(home.modelsDir() + QStringLiteral("/stories260K.gguf"));
        models.refresh();
        QCOMPARE(models.rowCount(), 0);
    }

    void memoryEstimateNamesTheDeviceAndItsMemory() {
        hearth::test::GuiHome home(true);
        QVERIFY(home.ok());
        InstalledModelsModel models;
        QAbstractItemModelTester tester(&models,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        models.refresh(hearth::ModelStore(home.modelsDir()));
        QCOMPARE(models.rowCount(), 1);
        const auto text = [&] {
            return models.data(models.index(0), InstalledModelsModel::MemoryTextRole).toString();
        };
        const auto fits = [&] {
            return models.data(models.index(0), InstalledModelsModel::FitsInMemoryRole).toBool();
        };
        QVERIFY2(
            text().contains(QStringLiteral(" free")) && !text().contains(QStringLiteral(" on ")),
            qPrintable(text()));
        QVERIFY(fits());  // stories260K needs a few MB of RAM

        QSignalSpy changed(&models, &QAbstractItemModel::dataChanged);
        models.setComputeDevice(QStringLiteral("Test GPU"), 1024);  // 1 KiB: too small
        QCOMPARE(changed.size(), 1);
        QVERIFY2(text().endsWith(QStringLiteral(" on Test GPU")), qPrintable(text()));
        QVERIFY(!fits());
        models.setComputeDevice(QStringLiteral("Test GPU"), quint64(8) << 30);
        QVERIFY(fits());
        models.setComputeDevice(QString(), 0);
        QVERIFY(!text().contains(QStringLiteral("Test GPU")));
    }

    void searchResultsHighlightMatches() {
        SearchResultsModel results;
        QAbstractItemModelTester tester(&results,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        hearth::store::SearchHit hit;
        hit.conversationId = 3;
        hit.messageId = 7;
        hit.conversationTitle = QStringLiteral("Pythons");
        hit.snippet = QStringLiteral("a ") + hearth::store::kHighlightOpen +
                      QStringLiteral("snake") + hearth::store::kHighlightClose +
                      QStringLiteral(" <b>");
        results.setHits({hit, hit});
        QCOMPARE(results.rowCount(), 2);
        const QString html =
            results.data(results.index(0), SearchResultsModel::SnippetHtmlRole).toString();
        QVERIFY2(html.contains(QStringLiteral("<b>snake</b>")), qPrintable(html));
        QVERIFY2(html.contains(QStringLiteral("&lt;b&gt;")), qPrintable(html));
        QCOMPARE(results.data(results.index(1), SearchResultsModel::MessageIdRole).toLongLong(), 7);
        results.setHits({});
        QCOMPARE(results.rowCount(), 0);
    }
};

QTEST_MAIN(TestGuiPieces)
#include "test_gui_pieces.moc"
