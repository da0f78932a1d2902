#pragma once
// PII scrubbing for remote targets (issue 8): before a request leaves the machine, personal
// data in it is replaced by placeholders ([EMAIL_1], [CARD_2], …) and the reply is shown with
// the originals put back. Detected: e-mail addresses, phone numbers (international "+…" or
// grouped national formats, not dates), payment card numbers (13-19 digits passing Luhn),
// IBANs (ISO 13616 mod-97), IPv4 and IPv6 addresses (not version strings), AWS access key
// ids, and user-defined patterns.
//
// PiiVault holds the placeholder <-> original mapping of one conversation, so the same value
// always gets the same placeholder across turns (the model can refer back to "[EMAIL_1]").
// PiiStreamRestorer undoes placeholders in a streamed reply whose pieces may cut a
// placeholder anywhere.
#include <QHash>
#include <QRegularExpression>
#include <QString>
#include <QVector>

namespace hearth::remote {

struct PiiPattern {  // a user-defined rule
    QString label;   // placeholder stem: "EMPLOYEE_ID" -> [EMPLOYEE_ID_1]
    QRegularExpression pattern;
};

struct PiiMatch {
    QString label;  // EMAIL, PHONE, CARD, IBAN, IP, AWS_KEY or a custom label
    qsizetype start = 0;
    qsizetype length = 0;
    QString text;
};

class PiiVault {
public:
    // The placeholder for `original` under `label`, assigning the next number when new.
    QString placeholderFor(const QString& label, const QString& original);
    QString restore(const QString& text) const;  // every known placeholder -> its original
    bool isEmpty() const { return toOriginal_.isEmpty(); }
    int size() const { return int(toOriginal_.size()); }
    static constexpr int kMaxPlaceholderLength = 48;

private:
    QHash<QString, QString> toPlaceholder_;  // label + '\0' + original -> placeholder
    QHash<QString, QString> toOriginal_;
    QHash<QString, int> counters_;
};

class PiiScrubber {
public:
    explicit PiiScrubber(QVector<PiiPattern> custom = {});

    // Non-overlapping matches, in text order (custom patterns first, then the built-ins from
    // most to least specific).
    QVector<PiiMatch> find(const QString& text) const;
    // `text` with every match replaced by its placeholder from `vault`.
    QString scrub(const QString& text, PiiVault* vault) const;

    // The checksums, exposed for tests.
    static bool luhnValid(const QString& digits);
    static bool ibanValid(const QString& compactIban);

private:
    QVector<PiiPattern> custom_;
};

class PiiStreamRestorer {
public:
    explicit PiiStreamRestorer(const PiiVault* vault) : vault_(vault) {}
    // Restored text that is safe to show now; a possible placeholder prefix is held back.
    QString feed(const QString& piece);
    QString finish();  // whatever is held back, restored

private:
    const PiiVault* vault_;
    QString pending_;
};

}  // namespace hearth::remote
