// PII scrubbing: a table of positives (each kind, in running text) and near misses that must
// stay untouched (card numbers failing Luhn, IBANs failing mod-97, dates, times, version
// strings, code); stable placeholders across calls; restoring a streamed reply whose pieces
// cut placeholders anywhere. The valid card numbers and IBANs are the issuers' published test
// values (Visa/Mastercard/Amex test cards, the ISO 13616 / bank example IBANs).
#include <QtTest>

#include "core/remote/pii_scrubber.h"

using hearth::remote::PiiPattern;
using hearth::remote::PiiScrubber;
using hearth::remote::PiiStreamRestorer;
using hearth::remote::PiiVault;

class PiiScrubberTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void positives_data() {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("label");
        QTest::newRow("email") << "jane.doe+tag@example.co.uk"
                               << "EMAIL";
        QTest::newRow("email plain") << "bob@mail.example.org"
                                     << "EMAIL";
        QTest::newRow("visa spaced") << "4111 1111 1111 1111"
                                     << "CARD";
        QTest::newRow("mastercard dashed") << "5500-0000-0000-0004"
                                           << "CARD";
        QTest::newRow("amex compact") << "378282246310005"
                                      << "CARD";
        QTest::newRow("iban de spaced") << "DE89 3704 0044 0532 0130 00"
                                        << "IBAN";
        QTest::newRow("iban gb compact") << "GB82WEST12345698765432"
                                         << "IBAN";
        QTest::newRow("iban fr letters") << "FR14 2004 1010 0505 0001 3M02 606"
                                         << "IBAN";
        QTest::newRow("iban nl") << "NL91ABNA0417164300"
                                 << "IBAN";
        QTest::newRow("phone intl") << "+1 415 555 2671"
                                    << "PHONE";
        QTest::newRow("phone us parens") << "(415) 555-2671"
                                         << "PHONE";
        QTest::newRow("phone uk") << "+44 20 7946 0958"
                                  << "PHONE";
        QTest::newRow("phone e164") << "+4915123456789"
                                    << "PHONE";
        QTest::newRow("phone dotted") << "415.555.2671"
                                      << "PHONE";
        QTest::newRow("ipv4") << "192.168.1.20"
                              << "IP";
        QTest::newRow("ipv4 public") << "8.8.4.4"
                                     << "IP";
        QTest::newRow("ipv6") << "2001:db8::8a2e:370:7334"
                              << "IP";
        QTest::newRow("ipv6 link local") << "fe80::1ff:fe23:4567:890a"
                                         << "IP";
        QTest::newRow("ipv6 full") << "2001:0db8:85a3:0000:0000:8a2e:0370:7334"
                                   << "IP";
        QTest::newRow("aws key") << "AKIAIOSFODNN7EXAMPLE"
                                 << "AWS_KEY";
        QTest::newRow("aws session key") << "ASIAY34FZKBOKMUTVV7A"
                                         << "AWS_KEY";
    }
    void positives() {
        QFETCH(QString, value);
        QFETCH(QString, label);
        const QString text = QStringLiteral("Please use %1, thanks.").arg(value);
        const auto matches = PiiScrubber().find(text);
        QCOMPARE(matches.size(), 1);
        QCOMPARE(matches[0].label, label);
        QCOMPARE(matches[0].text, value);
        PiiVault vault;
        QCOMPARE(PiiScrubber().scrub(text, &vault),
                 QStringLiteral("Please use [%1_1], thanks.").arg(label));
        QCOMPARE(vault.restore(QStringLiteral("[%1_1]").arg(label)), value);
    }

    void nearMisses_data() {
        QTest::addColumn<QString>("text");
        QTest::newRow("card failing luhn") << "card 4111 1111 1111 1112 expired";
        QTest::newRow("16 digits failing luhn") << "ref 1234567812345678";
        QTest::newRow("all zeros") << "0000 0000 0000 0000";
        QTest::newRow("iban failing mod97") << "DE89 3704 0044 0532 0130 01";
        QTest::newRow("iso date") << "released 2024-01-15 at noon";
        QTest::newRow("european date") << "on 15.01.2024";
        QTest::newRow("us date") << "due 01/15/2024";
        QTest::newRow("date time") << "2024-01-15 10:30:45";
        QTest::newRow("version 3 parts") << "Qt 6.4.2 and gcc 12.2.0";
        QTest::newRow("version v4 parts") << "update to v1.2.3.4 now";
        QTest::newRow("windows build") << "Windows 10.0.19041.1";
        QTest::newRow("5 part version") << "1.2.3.4.5";
        QTest::newRow("octet over 255") << "256.1.1.1";
        QTest::newRow("time") << "meet at 12:30:45";
        QTest::newRow("c++ scope") << "std::vector<int> and a::b";
        QTest::newRow("short number") << "order #12345 of 3 items, 42 left";
        QTest::newRow("aws key too short") << "AKIAIOSFODNN7EXAMPL";
        QTest::newRow("no tld") << "root@localhost";
        QTest::newRow("money") << "costs 1,234.56 USD";
        QTest::newRow("8 digit local") << "call 555 2671";
    }
    void nearMisses() {
        QFETCH(QString, text);
        const auto matches = PiiScrubber().find(text);
        QVERIFY2(
            matches.isEmpty(),
            qPrintable(matches.isEmpty() ? QString() : matches[0].label + ": " + matches[0].text));
    }

    void placeholdersAreStablePerValue() {
        PiiVault vault;
        const PiiScrubber scrubber;
        const QString first =
            scrubber.scrub("Mail a@example.com and b@example.com, then a@example.com", &vault);
        QCOMPARE(first, QStringLiteral("Mail [EMAIL_1] and [EMAIL_2], then [EMAIL_1]"));
        // A later turn reuses the numbering.
        QCOMPARE(scrubber.scrub("b@example.com from 10.0.0.1", &vault),
                 QStringLiteral("[EMAIL_2] from [IP_1]"));
        QCOMPARE(vault.size(), 3);
        QCOMPARE(vault.restore("[EMAIL_2] wrote to [EMAIL_1] ([UNKNOWN_1], [EMAIL_9])"),
                 QStringLiteral("b@example.com wrote to a@example.com ([UNKNOWN_1], [EMAIL_9])"));
    }

    void customPatternsComeFirst() {
        const PiiScrubber scrubber({{"EMPLOYEE_ID", QRegularExpression("\\bEMP-\\d{6}\\b")}});
        PiiVault vault;
        QCOMPARE(scrubber.scrub("EMP-123456 mailed x@y.org", &vault),
                 QStringLiteral("[EMPLOYEE_ID_1] mailed [EMAIL_1]"));
    }

    void streamedReplyIsRestoredAcrossAnySplit() {
        PiiVault vault;
        const QString sent = PiiScrubber().scrub("to jane@example.com and 192.168.0.7", &vault);
        QCOMPARE(sent, QStringLiteral("to [EMAIL_1] and [IP_1]"));
        const QString reply = QStringLiteral("Sure [EMAIL_1], pinging [IP_1] [not a tag] done.");
        const QString expected =
            QStringLiteral("Sure jane@example.com, pinging 192.168.0.7 [not a tag] done.");
        for (int size = 1; size <= 6; ++size) {
            PiiStreamRestorer restorer(&vault);
            QString shown;
            for (qsizetype at = 0; at < reply.size(); at += size)
                shown += restorer.feed(reply.mid(at, size));
            shown += restorer.finish();
            QCOMPARE(shown, expected);
        }
    }

    void checksums() {
        QVERIFY(PiiScrubber::luhnValid("79927398713"));  // the textbook example
        QVERIFY(!PiiScrubber::luhnValid("79927398710"));
        QVERIFY(PiiScrubber::ibanValid("GB82WEST12345698765432"));
        QVERIFY(!PiiScrubber::ibanValid("GB82WEST12345698765433"));
        QVERIFY(!PiiScrubber::ibanValid("GB82WEST1234569876543!"));
    }
};

QTEST_GUILESS_MAIN(PiiScrubberTest)
#include "test_pii_scrubber.moc"
