// Utf8StreamDecoder: whatever way the bytes are cut into pieces, the output is the same valid
// UTF-8 and never contains half a character.
#include <QtTest>

#include <string>

#include "tokenizer/unicode_props.h"
#include "tokenizer/utf8_stream.h"

using hearth::Utf8StreamDecoder;

namespace {

bool is_valid_utf8(const std::string& s) {
    for (size_t pos = 0; pos < s.size();) {
        const auto ch = hearth::unicode::decode_utf8(s, pos);
        if (!ch.valid) return false;
        pos += ch.len;
    }
    return true;
}

const std::string kMixed =
    "héllo wörld — 日本語 中文 한국어 🦙🎉👩‍👩‍👧 \xF0\x9F\x87\xAB\xF0\x9F\x87\xB7 "
    "∑x² "
    "end";

}  // namespace

class TestUtf8Stream : public QObject {
    Q_OBJECT

private slots:
    // Split into two pieces at every byte, and into single bytes.
    void every_split_point() {
        for (size_t cut = 0; cut <= kMixed.size(); ++cut) {
            Utf8StreamDecoder d;
            const std::string a = d.push(kMixed.substr(0, cut));
            QVERIFY(is_valid_utf8(a));
            const std::string b = d.push(kMixed.substr(cut));
            QVERIFY(is_valid_utf8(b));
            QVERIFY(!d.has_pending());
            QCOMPARE(QByteArray::fromStdString(a + b + d.flush()),
                     QByteArray::fromStdString(kMixed));
        }
        Utf8StreamDecoder d;
        std::string out;
        for (const char c : kMixed) {
            const std::string piece = d.push(std::string(1, c));
            QVERIFY(is_valid_utf8(piece));
            out += piece;
        }
        out += d.flush();
        QCOMPARE(QByteArray::fromStdString(out), QByteArray::fromStdString(kMixed));
    }

    void holds_back_incomplete() {
        Utf8StreamDecoder d;
        QCOMPARE(QByteArray::fromStdString(d.push("ab\xF0\x9F")), QByteArray("ab"));
        QVERIFY(d.has_pending());
        QCOMPARE(QByteArray::fromStdString(d.push("\xA6")), QByteArray());
        QCOMPARE(QByteArray::fromStdString(d.push("\x99!")), QByteArray("\xF0\x9F\xA6\x99!"));
        QVERIFY(!d.has_pending());
    }

    void invalid_bytes_become_replacement() {
        const QByteArray fffd("\xEF\xBF\xBD");
        Utf8StreamDecoder d;
        // A stray continuation byte and an impossible byte are replaced at once.
        QCOMPARE(QByteArray::fromStdString(d.push("a\x80"
                                                  "b\xFF")),
                 "a" + fffd + "b" + fffd);
        // A lead byte followed by a non-continuation: replaced, the next byte kept.
        QCOMPARE(QByteArray::fromStdString(d.push("\xC3"
                                                  "x")),
                 fffd + "x");
        // Overlong / surrogate starts cannot complete: not held back.
        QCOMPARE(QByteArray::fromStdString(d.push("\xE0\x80")), fffd + fffd);
        QCOMPARE(QByteArray::fromStdString(d.push("\xED\xA0")), fffd + fffd);
        QVERIFY(!d.has_pending());
        // A truncated sequence left at the end becomes one U+FFFD at flush.
        QCOMPARE(QByteArray::fromStdString(d.push("z\xE6\x97")), QByteArray("z"));
        QCOMPARE(QByteArray::fromStdString(d.flush()), fffd);
        QVERIFY(!d.has_pending());
        QCOMPARE(QByteArray::fromStdString(d.flush()), QByteArray());
    }
};

QTEST_GUILESS_MAIN(TestUtf8Stream)
#include "test_utf8_stream.moc"
