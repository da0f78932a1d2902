// Event-stream decoder against the aws-sdk-go vectors (tests/data/aws/eventstream): every
// positive frame decodes to its JSON description, every negative one fails with the
// documented message, and the result does not depend on where the bytes are cut.
#include <QtTest>

#include "core/remote/aws/event_stream.h"

using namespace hearth::remote::aws;

namespace {

const QString kData = QStringLiteral(HEARTH_TEST_DATA_DIR "/aws/eventstream/testdata");

QByteArray readFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

QStringList cases(const QString& kind) {
    const QStringList names = QDir(kData + "/encoded/" + kind).entryList(QDir::Files);
    if (names.isEmpty()) qFatal("no %s vectors under %s", qPrintable(kind), qPrintable(kData));
    return names;
}

void compareToJson(const EventMessage& m, const QJsonObject& expected) {
    QCOMPARE(qint32(m.preludeCrc), expected.value("prelude_crc").toInt());
    QCOMPARE(qint32(m.messageCrc), expected.value("message_crc").toInt());
    QCOMPARE(m.payload, QByteArray::fromBase64(expected.value("payload").toString().toLatin1()));
    const QJsonArray headers = expected.value("headers").toArray();
    QCOMPARE(m.headers.size(), headers.size());
    for (int i = 0; i < headers.size(); ++i) {
        const QJsonObject want = headers[i].toObject();
        const EventHeader& got = m.headers[i];
        QCOMPARE(QString::fromUtf8(got.name), want.value("name").toString());
        QCOMPARE(int(got.type), want.value("type").toInt());
        const QJsonValue value = want.value("value");
        switch (got.type) {
            case EventHeader::BoolTrue:
                QCOMPARE(value.toBool(), true);
                break;
            case EventHeader::BoolFalse:
                QCOMPARE(value.toBool(), false);
                break;
            case EventHeader::ByteArray:
            case EventHeader::String:
            case EventHeader::Uuid:
                QCOMPARE(got.bytes, QByteArray::fromBase64(value.toString().toLatin1()));
                break;
            default:
                QCOMPARE(got.integer, qint64(value.toDouble()));
                break;
        }
    }
}

// Feeds `bytes` cut at the given points; returns the messages and the final error.
QList<EventMessage> decodeCut(const QByteArray& bytes, QList<qsizetype> cuts, QString* error) {
    EventStreamDecoder d;
    QList<EventMessage> out;
    qsizetype from = 0;
    cuts.append(bytes.size());
    for (const qsizetype cut : cuts) {
        if (!d.feed(bytes.mid(from, cut - from), &out)) break;
        from = cut;
    }
    *error = d.error();
    if (error->isEmpty() && d.hasPartialMessage()) *error = QStringLiteral("partial");
    return out;
}

}  // namespace

class TestAwsEventStream : public QObject {
    Q_OBJECT

private slots:
    void positive_data() {
        QTest::addColumn<QString>("name");
        for (const QString& n : cases("positive"))
            QTest::newRow(qPrintable(n)) << n;
    }
    void positive() {
        QFETCH(QString, name);
        const QByteArray bytes = readFile(kData + "/encoded/positive/" + name);
        const QJsonObject expected =
            QJsonDocument::fromJson(readFile(kData + "/decoded/positive/" + name)).object();
        QCOMPARE(bytes.size(), expected.value("total_length").toInt());
        // Whole, then split in two at every byte, then one byte at a time.
        for (qsizetype cut = 0; cut <= bytes.size(); ++cut) {
            QString error;
            const QList<EventMessage> got = decodeCut(bytes, {cut}, &error);
            QVERIFY2(error.isEmpty(), qPrintable(error));
            QCOMPARE(got.size(), 1);
            compareToJson(got[0], expected);
        }
        QList<qsizetype> everyByte;
        for (qsizetype i = 1; i < bytes.size(); ++i)
            everyByte.append(i);
        QString error;
        const QList<EventMessage> got = decodeCut(bytes, everyByte, &error);
        QVERIFY(error.isEmpty());
        QCOMPARE(got.size(), 1);
        compareToJson(got[0], expected);
    }

    void negative_data() {
        QTest::addColumn<QString>("name");
        for (const QString& n : cases("negative"))
            QTest::newRow(qPrintable(n)) << n;
    }
    void negative() {
        QFETCH(QString, name);
        const QByteArray bytes = readFile(kData + "/encoded/negative/" + name);
        const QString expected =
            QString::fromUtf8(readFile(kData + "/decoded/negative/" + name)).trimmed();
        for (qsizetype cut = 0; cut <= bytes.size(); ++cut) {
            QString error;
            const QList<EventMessage> got = decodeCut(bytes, {cut}, &error);
            QCOMPARE(got.size(), 0);
            QCOMPARE(error, expected);
        }
    }

    // All positive vectors back to back, cut at every pair of points: same messages.
    void concatenated_any_cut() {
        QByteArray all;
        QList<QJsonObject> expected;
        for (const QString& n : cases("positive")) {
            all += readFile(kData + "/encoded/positive/" + n);
            expected.append(
                QJsonDocument::fromJson(readFile(kData + "/decoded/positive/" + n)).object());
        }
        for (qsizetype a = 0; a <= all.size(); a += 7) {
            for (qsizetype b = a; b <= all.size(); b += 5) {
                QString error;
                const QList<EventMessage> got = decodeCut(all, {a, b}, &error);
                QVERIFY(error.isEmpty());
                QCOMPARE(got.size(), expected.size());
                for (int i = 0; i < got.size(); ++i)
                    compareToJson(got[i], expected[i]);
            }
        }
    }

    // A truncated stream is reported as partial, not as a message; a corrupt frame after a
    // good one keeps the good one.
    void truncated_and_after_good() {
        const QByteArray good = readFile(kData + "/encoded/positive/payload_one_str_header");
        QString error;
        QCOMPARE(decodeCut(good.left(good.size() - 1), {}, &error).size(), 0);
        QCOMPARE(error, QStringLiteral("partial"));
        const QByteArray bad = readFile(kData + "/encoded/negative/corrupted_payload");
        EventStreamDecoder d;
        QList<EventMessage> out;
        QVERIFY(!d.feed(good + bad, &out));
        QCOMPARE(out.size(), 1);
        QCOMPARE(d.error(), QStringLiteral("Message checksum mismatch"));
        QVERIFY(!d.feed(good, &out));  // stays failed
        QCOMPARE(out.size(), 1);
    }

    // Flipped bytes fed in random lengths: the decoder reports the damage, never crashes,
    // never returns the damaged message.
    void random_corruption_is_caught() {
        QByteArray all;
        for (const QString& n : cases("positive"))
            all += readFile(kData + "/encoded/positive/" + n);
        QRandomGenerator random(1234);
        for (int round = 0; round < 3000; ++round) {
            QByteArray bytes = all;
            const int flips = 1 + random.bounded(3);
            for (int i = 0; i < flips; ++i)
                bytes[random.bounded(int(bytes.size()))] ^= char(1 + random.bounded(255));
            EventStreamDecoder d;
            QList<EventMessage> out;
            for (qsizetype pos = 0; pos < bytes.size();) {
                const qsizetype n = 1 + random.bounded(40);
                if (!d.feed(bytes.mid(pos, n), &out)) break;
                pos += n;
            }
            for (const EventMessage& m : out) {
                QVERIFY(m.payload.size() <= all.size());
                QVERIFY(m.headers.size() <= 10);
            }
            // CRC-32 catches every error burst of up to 32 bits: some frame must fail.
            QVERIFY(out.size() < 5);
            QVERIFY(!d.error().isEmpty());
        }
    }

    void crc32_matches_known_value() {
        // CRC-32/IEEE check value from the CRC catalogue: "123456789" -> 0xCBF43926.
        QCOMPARE(crc32Ieee("123456789", 9), 0xCBF43926u);
    }
};

QTEST_GUILESS_MAIN(TestAwsEventStream)
#include "test_aws_eventstream.moc"
