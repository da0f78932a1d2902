// The Playground page driven by objectName: open it from the sidebar, write a template with
// two few-shot examples, add two local targets (stories260K and the tiny random Llama) from
// the target field, load a 5-row dataset, run, and see the grid (5 rows x input + two
// target columns, every cell coloured by its verdict) and a summary line per target.
#include <QAbstractItemModelTester>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "gui/playground_controller.h"
#include "gui_fixture.h"

namespace {

const QString kStories = QStringLiteral(HEARTH_TEST_DATA_DIR "/models/stories260K.gguf");
const QString kTiny = QStringLiteral(HEARTH_TEST_DATA_DIR "/models/llama-2-tiny-random.gguf");

// Layouts place items when the window polishes, before the next frame: let that happen so
// an item that just appeared or moved is clicked where it is now.
// Layouts place items when the window polishes, before the next frame: let that happen so
// an item that just appeared or moved is clicked where it is now.
void dump(QQuickItem* root, QPointF scenePoint, int depth) {
    for (QQuickItem* c : root->childItems()) {
        if (!c->isVisible()) continue;
        const QPointF p = c->mapFromScene(scenePoint);
        if (c->contains(p) || c->clip() == false)
            if (c->contains(p)) {
                qWarning() << "HIT" << depth << c << c->acceptedMouseButtons() << c->z();
                dump(c, scenePoint, depth + 1);
            } else
                dump(c, scenePoint, depth + 1);
        else
            dump(c, scenePoint, depth + 1);
    }
}

void settle() {
    QTest::qWait(120);
}

void press(QQuickWindow* window, QQuickItem* button) {
    QVERIFY(button && button->isVisible() && button->isEnabled());
    settle();
    hearth::test::clickItem(window, button);
}

void typeInto(QQuickWindow* window, QQuickItem* field, const QString& text) {
    settle();
    hearth::test::clickItem(window, field);
    QTRY_VERIFY(field->hasActiveFocus());
    field->setProperty("text", QString());
    for (const QChar c : text)  // QTest::keyClicks is for widgets; type ASCII key by key
        QTest::keyClick(window, c.toLatin1());
}

}  // namespace

class TestGuiPlayground : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { hearth::gui::prepareApplication(*qGuiApp); }

    void templateTwoExamplesTwoTargetsFiveRows() {
        hearth::test::GuiHome home(true);
        QVERIFY(home.ok());
        QVERIFY2(QFile::exists(kTiny), qPrintable(kTiny));
        const QString csv = home.modelsDir() + QStringLiteral("/../rows.csv");
        {
            QFile f(csv);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(
                "topic,expected\nthe sea,sea\na red fox,fox\n\"rain, wind\",rain\n"
                "snow,zebra\nthe moon,moon\n");
        }

        hearth::test::OpenWindow w;
        QVERIFY(w.open());
        QTRY_VERIFY(w.chat->ready());
        QQuickItem* page = w.item(QStringLiteral("playgroundPage"));
        QVERIFY(page);
        QVERIFY(!page->isVisible());
        hearth::test::clickItem(w.window, w.item(QStringLiteral("playgroundButton")));
        QTRY_VERIFY(page->isVisible());
        auto* ctl = w.window->findChild<hearth::gui::PlaygroundController*>(
            QStringLiteral("playgroundController"));
        QVERIFY(ctl);
        QAbstractItemModelTester gridTester(ctl->results());
        QAbstractItemModelTester summaryTester(ctl->summary());
        QAbstractItemModelTester shotsTester(ctl->fewShot());

        // The template, typed into the page's fields.
        typeInto(w.window, w.item(QStringLiteral("templateNameField")), QStringLiteral("stories"));
        typeInto(w.window, w.item(QStringLiteral("systemPromptField")),
                 QStringLiteral("You tell short stories."));
        typeInto(w.window, w.item(QStringLiteral("userPromptField")),
                 QStringLiteral("Tell me about {{topic}}."));
        QCOMPARE(ctl->property("userPrompt").toString(),
                 QStringLiteral("Tell me about {{topic}}."));
        QQuickItem* maxTokens = w.item(QStringLiteral("maxTokensField"));
        maxTokens->setProperty("value", 6);
        QMetaObject::invokeMethod(maxTokens, "valueModified");
        QCOMPARE(ctl->property("maxTokens").toInt(), 6);
        ctl->setProperty("assertionsText",
                         QStringLiteral("[{\"type\": \"contains\"}, {\"type\": \"max_length\", "
                                        "\"max\": 2000}]"));

        // Two few-shot examples through the add button and their fields.
        for (int i = 0; i < 2; ++i)
            press(w.window, w.item(QStringLiteral("addExampleButton")));
        QTRY_COMPARE(ctl->fewShot()->rowCount(), 2);
        QTRY_COMPARE(w.visibleItems(QStringLiteral("fewShotExample")).size(), 2);
        const auto inputs = w.visibleItems(QStringLiteral("exampleInput"));
        const auto outputs = w.visibleItems(QStringLiteral("exampleOutput"));
        QCOMPARE(inputs.size(), 2);
        const char* shots[][2] = {{"a cat", "Once there was a cat."},
                                  {"a dog", "Once there was a dog."}};
        for (int i = 0; i < 2; ++i) {
            typeInto(w.window, inputs[i], QString::fromLatin1(shots[i][0]));
            typeInto(w.window, outputs[i], QString::fromLatin1(shots[i][1]));
        }
        QTest::keyClick(w.window, Qt::Key_Tab);  // leave the last field: editing finished
        QTRY_COMPARE(ctl->fewShot()->index(1, 0).data(hearth::gui::FewShotModel::OutputRole),
                     QVariant(QStringLiteral("Once there was a dog.")));
        QCOMPARE(ctl->fewShot()->index(0, 0).data(hearth::gui::FewShotModel::InputRole),
                 QVariant(QStringLiteral("a cat")));

        // Two targets typed into the picker's editable field.
        for (const QString& target : {kStories, kTiny}) {
            QQuickItem* picker = w.item(QStringLiteral("targetPicker"));
            picker->setProperty("currentIndex", -1);
            picker->setProperty("editText", target);
            press(w.window, w.item(QStringLiteral("addTargetButton")));
        }
        QTRY_COMPARE(w.visibleItems(QStringLiteral("targetRow")).size(), 2);
        QCOMPARE(ctl->targets(), (QStringList{kStories, kTiny}));

        // The dataset.
        typeInto(w.window, w.item(QStringLiteral("datasetPathField")), csv);
        press(w.window, w.item(QStringLiteral("loadDatasetButton")));
        QTRY_VERIFY(w.item(QStringLiteral("datasetInfo"))
                        ->property("text")
                        .toString()
                        .startsWith(QLatin1String("5 rows")));

        // Run.
        hearth::test::clickItem(w.window, w.item(QStringLiteral("playgroundRunButton")));
        QTRY_VERIFY(ctl->running());
        QTRY_VERIFY_WITH_TIMEOUT(!ctl->running(), 120000);
        QCOMPARE(ctl->errorText(), QString());

        QAbstractItemModel* grid = ctl->results();
        QCOMPARE(grid->rowCount(), 5);
        QCOMPARE(grid->columnCount(), 3);
        QCOMPARE(grid->headerData(1, Qt::Horizontal).toString(), QStringLiteral("stories260K"));
        QCOMPARE(grid->headerData(2, Qt::Horizontal).toString(),
                 QStringLiteral("llama-2-tiny-random"));
        QCOMPARE(grid->index(2, 0).data().toString(), QStringLiteral("Tell me about rain, wind."));
        for (int row = 0; row < 5; ++row)
            for (int column = 1; column < 3; ++column) {
                const QString verdict = grid->index(row, column)
                                            .data(hearth::gui::ResultsGridModel::VerdictRole)
                                            .toString();
                QVERIFY2(verdict == QLatin1String("pass") || verdict == QLatin1String("fail"),
                         qPrintable(verdict));
            }
        // Row 4's expected answer "zebra" is in no story: it fails on both targets.
        QCOMPARE(grid->index(3, 1).data(hearth::gui::ResultsGridModel::VerdictRole).toString(),
                 QStringLiteral("fail"));

        // On screen: 10 result cells beside 5 input cells, coloured by verdict.
        QTRY_COMPARE(w.visibleItems(QStringLiteral("resultCell")).size(), 10);
        QCOMPARE(w.visibleItems(QStringLiteral("inputCell")).size(), 5);
        QVERIFY(w.item(QStringLiteral("resultsHeader"))->isVisible());
        // Cells are coloured by verdict: one colour per verdict, distinct from the inputs'.
        QHash<QString, QSet<QString>> colourOf;
        for (QQuickItem* cell : w.visibleItems(QStringLiteral("resultCell")))
            colourOf[cell->property("verdict").toString()].insert(
                cell->property("color").value<QColor>().name(QColor::HexArgb));
        QVERIFY(colourOf.contains(QStringLiteral("fail")));
        for (const QSet<QString>& colours : std::as_const(colourOf))
            QCOMPARE(colours.size(), 1);
        if (colourOf.contains(QStringLiteral("pass")))
            QVERIFY(colourOf.value(QStringLiteral("pass")) !=
                    colourOf.value(QStringLiteral("fail")));
        const QString inputColour =
            w.visibleItems(QStringLiteral("inputCell"))[0]->property("color").value<QColor>().name(
                QColor::HexArgb);
        QVERIFY(!colourOf.value(QStringLiteral("fail")).contains(inputColour));

        // The summary: one line per target, with its pass count out of 5.
        QTRY_COMPARE(w.visibleItems(QStringLiteral("summaryRow")).size(), 2);
        QCOMPARE(ctl->summary()->rowCount(), 2);
        for (int i = 0; i < 2; ++i) {
            const QString passRate = ctl->summary()
                                         ->index(i, 0)
                                         .data(hearth::gui::RunSummaryModel::PassRateRole)
                                         .toString();
            QVERIFY2(passRate.contains(QLatin1String("/5 (")), qPrintable(passRate));
        }
        QVERIFY(w.item(QStringLiteral("playgroundProgressText"))
                    ->property("text")
                    .toString()
                    .startsWith(QLatin1String("10 of 10")));

        // Export the results as JSONL: one line per cell, written off the GUI thread.
        const QString exported = home.modelsDir() + QStringLiteral("/../results.jsonl");
        w.item(QStringLiteral("exportPathField"))->setProperty("text", exported);
        press(w.window, w.item(QStringLiteral("exportResultsButton")));
        QTRY_VERIFY(w.item(QStringLiteral("exportInfo"))->isVisible());
        QCOMPARE(ctl->errorText(), QString());
        {
            QFile f(exported);
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(exported));
            const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
            QCOMPARE(lines.size(), 10);
            QSet<QString> targetsSeen;
            for (const QByteArray& line : lines) {
                const QJsonObject cell = QJsonDocument::fromJson(line).object();
                QVERIFY2(cell.value(QStringLiteral("output")).isString(), line.constData());
                targetsSeen.insert(cell.value(QStringLiteral("target")).toString());
            }
            QCOMPARE(targetsSeen, (QSet<QString>{kStories, kTiny}));
        }

        // A baseline version whose every cell passes (any output matches ".*"), then a
        // version whose every cell fails: all 10 cells go pass -> fail against it.
        auto runWith = [&](const QString& assertions) {
            ctl->setProperty("assertionsText", assertions);
            press(w.window, w.item(QStringLiteral("playgroundRunButton")));
            QTRY_VERIFY(ctl->running());
            QTRY_VERIFY_WITH_TIMEOUT(!ctl->running(), 120000);
            QCOMPARE(ctl->errorText(), QString());
        };
        runWith(QStringLiteral("[{\"type\": \"regex\", \"pattern\": \".*\"}]"));
        QTRY_VERIFY(ctl->versionText().endsWith(QLatin1String("version 2")));
        press(w.window, w.item(QStringLiteral("markBaselineButton")));
        QQuickItem* compare = w.item(QStringLiteral("compareText"));
        QTRY_COMPARE(compare->property("text").toString(),
                     QStringLiteral("Version 2 is the baseline"));
        runWith(QStringLiteral("[{\"type\": \"contains\", \"value\": \"zqzqzq\"}]"));
        QTRY_VERIFY2(compare->property("text").toString().startsWith(
                         QStringLiteral("10 cells pass → fail against baseline version 2")),
                     qPrintable(compare->property("text").toString()));
        QCOMPARE(compare->property("text").toString().count(QLatin1Char('\n')), 10);

        // Back to the chat.
        hearth::test::clickItem(w.window, w.item(QStringLiteral("playgroundBackButton")));
        QTRY_VERIFY(!page->isVisible());
    }
};

QTEST_MAIN(TestGuiPlayground)
#include "test_gui_playground.moc"
