// StopStringFilter: text that could still start a stop string is held back; a stop string
// split over several pushes is cut and never emitted.
#include <QtTest>

#include "runtime/stop_strings.h"

using hearth::StopStringFilter;

class StopStringsTest : public QObject {
    Q_OBJECT

private slots:
    void splitAcrossPushes() {
        StopStringFilter f({"girl named"});
        std::string out;
        out += f.push("a little gi");
        QCOMPARE(QString::fromStdString(out), QString("a little "));  // "gi" held back
        out += f.push("rl na");
        QCOMPARE(QString::fromStdString(out), QString("a little "));
        out += f.push("med Lily");
        QVERIFY(f.stopped());
        QCOMPARE(QString::fromStdString(out), QString("a little "));
        QCOMPARE(QString::fromStdString(f.push("more")), QString());
        QCOMPARE(QString::fromStdString(f.flush()), QString());
    }

    void falseStartIsReleased() {
        StopStringFilter f({"END"});
        QCOMPARE(QString::fromStdString(f.push("the E")), QString("the "));
        QCOMPARE(QString::fromStdString(f.push("x")), QString("Ex"));
        QVERIFY(!f.stopped());
        QCOMPARE(QString::fromStdString(f.push("EN")), QString());
        QCOMPARE(QString::fromStdString(f.flush()), QString("EN"));
    }

    void earliestOfSeveralStopsWins() {
        StopStringFilter f({"world", "lo w"});
        QCOMPARE(QString::fromStdString(f.push("hello world")), QString("hel"));
        QVERIFY(f.stopped());
    }

    void noStopsPassesEverything() {
        StopStringFilter f({"", {}});
        QCOMPARE(QString::fromStdString(f.push("abc")), QString("abc"));
        QCOMPARE(QString::fromStdString(f.flush()), QString());
    }

    void multiByteTextStaysWhole() {
        StopStringFilter f({"\xC3\xA9t\xC3\xA9"});  // "été"
        QCOMPARE(QString::fromStdString(f.push("caf\xC3\xA9")), QString("caf"));
        QCOMPARE(QString::fromStdString(f.push("!")), QString::fromUtf8("\xC3\xA9!"));
    }
};

QTEST_GUILESS_MAIN(StopStringsTest)
#include "test_stop_strings.moc"
