#include "core/remote/pii_scrubber.h"

#include <QHostAddress>
#include <algorithm>

namespace hearth::remote {
namespace {

struct BuiltinRule {
    const char* label;
    QRegularExpression pattern;
    bool (*valid)(QString* candidate);  // may trim the candidate; false rejects it
};

QString digitsOf(const QString& text) {
    QString digits;
    for (const QChar c : text)
        if (c.isDigit()) digits += c;
    return digits;
}

bool validCard(QString* candidate) {
    const QString digits = digitsOf(*candidate);
    if (digits.size() < 13 || digits.size() > 19) return false;
    if (digits.count(digits.front()) == digits.size()) return false;  // 0000… passes Luhn
    return PiiScrubber::luhnValid(digits);
}

bool validIban(QString* candidate) {
    QString compact = *candidate;
    compact.remove(QLatin1Char(' '));
    return compact.size() >= 15 && compact.size() <= 34 && PiiScrubber::ibanValid(compact);
}

bool validIpv6(QString* candidate) {
    // A sentence may end right after the address ("… at fe80::1.").
    while (candidate->endsWith(QLatin1Char('.')) ||
           (candidate->endsWith(QLatin1Char(':')) && !candidate->endsWith(QLatin1String("::"))))
        candidate->chop(1);
    if (candidate->count(QLatin1Char(':')) < 2) return false;
    // "a::b"-like fragments of code are not addresses: ask for three groups or a full form.
    const QStringList groups = candidate->split(QLatin1Char(':'), Qt::SkipEmptyParts);
    if (groups.size() < 3 && *candidate != QLatin1String("::1")) return false;
    const QHostAddress address(*candidate);
    return !address.isNull() && address.protocol() == QAbstractSocket::IPv6Protocol;
}

bool validPhone(QString* candidate) {
    // A date (2024-01-15, 15.01.2024, 01/15/2024) followed by more numbers is not a phone.
    static const QRegularExpression date(QStringLiteral(
        "^(?:\\d{4}[-./]\\d{1,2}[-./]\\d{1,2}|\\d{1,2}[-./]\\d{1,2}[-./]\\d{2,4})(?:\\D|$)"));
    if (date.match(*candidate).hasMatch()) return false;
    const int digits = int(digitsOf(*candidate).size());
    if (candidate->startsWith(QLatin1Char('+'))) return digits >= 8 && digits <= 15;
    return digits >= 9 && digits <= 15;
}

bool always(QString*) {
    return true;
}

const QVector<BuiltinRule>& builtinRules() {
    static const QVector<BuiltinRule> rules{
        {"AWS_KEY",
         QRegularExpression(QStringLiteral(
             "(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AIDA|AROA)[A-Z0-9]{16}(?![A-Z0-9])")),
         always},
        {"EMAIL",
         QRegularExpression(QStringLiteral(
             "(?<![\\w.+%-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
             "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\\.[A-Za-z]{2,}(?![\\w-])")),
         always},
        {"IBAN",
         QRegularExpression(
             QStringLiteral("(?<![A-Za-z0-9])[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: "
                            "?[A-Z0-9]{1,4})?(?![A-Za-z0-9])")),
         validIban},
        {"CARD", QRegularExpression(QStringLiteral("(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?!\\d)")),
         validCard},
        {"IP",
         QRegularExpression(
             QStringLiteral("(?<![\\w:.])[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:.]*[0-9A-Fa-f:](?![\\w:])")),
         validIpv6},
        {"IP",
         QRegularExpression(
             QStringLiteral("(?<![\\w.])(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}"
                            "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?!\\w|\\.\\d)")),
         always},
        {"PHONE",
         QRegularExpression(QStringLiteral("(?<![\\w+.-])(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{1,4}\\)[ "
                                           ".-]?)?\\d{2,4}(?:[ .-]\\d{2,4}){1,5}"
                                           "(?![\\w:]|[.-]\\d)|(?<![\\w+])\\+\\d{8,15}(?!\\w)")),
         validPhone},
    };
    return rules;
}

void addMatches(const QString& text, const QString& label, const QRegularExpression& pattern,
                bool (*valid)(QString*), QVector<PiiMatch>* out) {
    if (!pattern.isValid() || pattern.pattern().isEmpty()) return;
    auto it = pattern.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        if (m.capturedLength() == 0) continue;
        QString candidate = m.captured();
        if (!valid(&candidate)) continue;
        const qsizetype start = m.capturedStart();
        const qsizetype end = start + candidate.size();
        const bool overlaps = std::any_of(out->begin(), out->end(), [&](const PiiMatch& other) {
            return start < other.start + other.length && other.start < end;
        });
        if (!overlaps) out->push_back({label, start, candidate.size(), candidate});
    }
}

}  // namespace

QString PiiVault::placeholderFor(const QString& label, const QString& original) {
    const QString key = label + QChar(0) + original;
    const auto found = toPlaceholder_.constFind(key);
    if (found != toPlaceholder_.cend()) return *found;
    const QString placeholder = QStringLiteral("[%1_%2]").arg(label).arg(++counters_[label]);
    toPlaceholder_.insert(key, placeholder);
    toOriginal_.insert(placeholder, original);
    return placeholder;
}

QString PiiVault::restore(const QString& text) const {
    if (toOriginal_.isEmpty() || !text.contains(QLatin1Char('['))) return text;
    QString out;
    qsizetype at = 0;
    while (at < text.size()) {
        const qsizetype open = text.indexOf(QLatin1Char('['), at);
        if (open < 0) break;
        const qsizetype close = text.indexOf(QLatin1Char(']'), open);
        if (close < 0) break;
        out += text.mid(at, open - at);
        const QString candidate = text.mid(open, close - open + 1);
        const auto found = toOriginal_.constFind(candidate);
        if (found != toOriginal_.cend()) {
            out += *found;
            at = close + 1;
        } else {
            out += QLatin1Char('[');
            at = open + 1;
        }
    }
    return out + text.mid(at);
}

PiiScrubber::PiiScrubber(QVector<PiiPattern> custom) : custom_(std::move(custom)) {}

QVector<PiiMatch> PiiScrubber::find(const QString& text) const {
    QVector<PiiMatch> matches;
    for (const PiiPattern& rule : custom_)
        addMatches(text, rule.label, rule.pattern, always, &matches);
    for (const BuiltinRule& rule : builtinRules())
        addMatches(text, QLatin1String(rule.label), rule.pattern, rule.valid, &matches);
    std::sort(matches.begin(), matches.end(),
              [](const PiiMatch& a, const PiiMatch& b) { return a.start < b.start; });
    return matches;
}

QString PiiScrubber::scrub(const QString& text, PiiVault* vault) const {
    const QVector<PiiMatch> matches = find(text);
    if (matches.isEmpty()) return text;
    QString out;
    qsizetype at = 0;
    for (const PiiMatch& m : matches) {
        out += text.mid(at, m.start - at);
        out += vault->placeholderFor(m.label, m.text);
        at = m.start + m.length;
    }
    return out + text.mid(at);
}

bool PiiScrubber::luhnValid(const QString& digits) {
    int sum = 0;
    bool doubleIt = false;
    for (qsizetype i = digits.size() - 1; i >= 0; --i) {
        int d = digits[i].digitValue();
        if (d < 0) return false;
        if (doubleIt) {
            d *= 2;
            if (d > 9) d -= 9;
        }
        sum += d;
        doubleIt = !doubleIt;
    }
    return sum % 10 == 0;
}

bool PiiScrubber::ibanValid(const QString& compactIban) {
    // ISO 13616: move the first four characters to the end, letters become 10..35, and the
    // number must be 1 modulo 97 (computed digit by digit).
    const QString rearranged = compactIban.mid(4) + compactIban.left(4);
    int remainder = 0;
    for (const QChar c : rearranged) {
        int value;
        if (c >= QLatin1Char('0') && c <= QLatin1Char('9'))
            value = c.unicode() - '0';
        else if (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
            value = c.unicode() - 'A' + 10;
        else
            return false;
        remainder = (value >= 10 ? remainder * 100 : remainder * 10) + value;
        remainder %= 97;
    }
    return remainder == 1;
}

QString PiiStreamRestorer::feed(const QString& piece) {
    pending_ += piece;
    // Hold back from an unclosed '[' that could still become a placeholder.
    qsizetype cut = pending_.size();
    const qsizetype open = pending_.lastIndexOf(QLatin1Char('['));
    if (open >= 0 && pending_.indexOf(QLatin1Char(']'), open) < 0 &&
        pending_.size() - open < PiiVault::kMaxPlaceholderLength)
        cut = open;
    const QString ready = vault_->restore(pending_.left(cut));
    pending_.remove(0, cut);
    return ready;
}

QString PiiStreamRestorer::finish() {
    const QString rest = vault_->restore(pending_);
    pending_.clear();
    return rest;
}

}  // namespace hearth::remote
