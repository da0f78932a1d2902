#include "core/remote/aws/profile_file.h"

#include <QStringList>

namespace hearth::remote::aws {
namespace {

enum class FileKind { Config, Credentials };

bool isBlank(QStringView line) {
    return line.trimmed().isEmpty();
}

bool isValidIdentifier(QStringView name) {
    if (name.isEmpty()) return false;
    for (const QChar c : name) {
        const char16_t u = c.unicode();
        const bool ok = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
                        (u >= '0' && u <= '9') || u == '-' || u == '/' || u == '.' || u == '%' ||
                        u == '@' || u == '_' || u == ':' || u == '+';
        if (!ok) return false;
    }
    return true;
}

// Cuts a comment that starts with `#` or `;` anywhere (section lines) or only after
// whitespace (property lines).
QString stripComment(const QString& line, bool needsWhitespaceBefore) {
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (c != u'#' && c != u';') continue;
        if (!needsWhitespaceBefore || (i > 0 && (line[i - 1] == u' ' || line[i - 1] == u'\t')))
            return line.left(i);
    }
    return line;
}

// Splits "[profile  name]" after the keyword; returns false when `text` is not `keyword`
// followed by whitespace.
bool splitKeyword(const QString& text, QStringView keyword, QString* rest) {
    if (!text.startsWith(keyword) || text.size() == keyword.size()) return false;
    const QChar sep = text[keyword.size()];
    if (sep != u' ' && sep != u'\t') return false;
    *rest = text.mid(keyword.size()).trimmed();
    return true;
}

class Parser {
public:
    Parser(FileKind kind, ProfileSet* set) : kind_(kind), set_(set) {}

    QString parse(const QString& text) {
        const QStringList lines = text.split(u'\n');
        for (qsizetype n = 0; n < lines.size(); ++n) {
            QString line = lines[n];
            if (line.endsWith(u'\r')) line.chop(1);
            const QString error = parseLine(line);
            if (!error.isEmpty())
                return QStringLiteral("%1 file line %2: %3")
                    .arg(kind_ == FileKind::Config ? QStringLiteral("config")
                                                   : QStringLiteral("credentials"))
                    .arg(n + 1)
                    .arg(error);
        }
        finish();
        return {};
    }

private:
    QString parseLine(const QString& line) {
        if (isBlank(line) || line.startsWith(u'#') || line.startsWith(u';')) return {};
        if (line.startsWith(u'[')) return parseSection(line);
        if (line.startsWith(u' ') || line.startsWith(u'\t')) return parseContinuation(line);
        return parseProperty(line);
    }

    QString parseSection(const QString& line) {
        const QString text = stripComment(line, false).trimmed();
        if (!text.endsWith(u']')) return QStringLiteral("Profile definition must end with ']'");
        const QString inner = text.mid(1, text.size() - 2).trimmed();
        inSection_ = true;
        property_.clear();
        target_ = nullptr;

        QString name;
        if (kind_ == FileKind::Credentials) {
            if (isValidIdentifier(inner)) target_ = &set_->profiles[inner];
            return {};
        }
        if (inner == u"default") {
            target_ = &bareDefault_;  // used only if no [profile default] exists
            bareDefaultUsed_ = true;
            return {};
        }
        if (splitKeyword(inner, u"profile", &name)) {
            if (!isValidIdentifier(name)) return {};
            if (name == u"default") sawPrefixedDefault_ = true;
            target_ = &set_->profiles[name];
            return {};
        }
        if (splitKeyword(inner, u"sso-session", &name) && isValidIdentifier(name))
            target_ = &set_->ssoSessions[name];
        return {};  // anything else in config (e.g. "[foo]") is ignored
    }

    QString parseProperty(const QString& line) {
        if (!inSection_) return QStringLiteral("Expected a profile definition");
        const QString text = stripComment(line, true);
        const qsizetype eq = text.indexOf(u'=');
        if (eq < 0) return QStringLiteral("Expected an '=' sign defining a property");
        const QString name = text.left(eq).trimmed().toLower();
        if (name.isEmpty()) return QStringLiteral("Property did not have a name");
        property_ = name;
        validProperty_ = isValidIdentifier(name);
        if (target_ && validProperty_) (*target_)[name] = text.mid(eq + 1).trimmed();
        return {};
    }

    QString parseContinuation(const QString& line) {
        if (!inSection_) return QStringLiteral("Expected a profile definition");
        if (property_.isEmpty())
            return QStringLiteral("Expected a property definition, found continuation");
        const QString text = line.trimmed();
        if (!target_ || !validProperty_) return {};
        QString& value = (*target_)[property_];
        // Under an empty value the continuation lines are sub-properties "name = value".
        const bool subProperties = value.isEmpty() || value.startsWith(u'\n');
        if (subProperties) {
            const qsizetype eq = text.indexOf(u'=');
            if (eq < 0) return QStringLiteral("Expected an '=' sign defining a sub-property");
            if (text.left(eq).trimmed().isEmpty())
                return QStringLiteral("Sub-property did not have a name");
        }
        value += u'\n' + text;
        return {};
    }

    void finish() {
        if (kind_ == FileKind::Config && !sawPrefixedDefault_ && bareDefaultUsed_) {
            ProfileProperties& def = set_->profiles[QStringLiteral("default")];
            for (auto it = bareDefault_.cbegin(); it != bareDefault_.cend(); ++it)
                def.insert(it.key(), it.value());
        }
    }

    FileKind kind_;
    ProfileSet* set_;
    ProfileProperties bareDefault_;
    bool bareDefaultUsed_ = false;
    bool sawPrefixedDefault_ = false;
    bool inSection_ = false;
    ProfileProperties* target_ = nullptr;  // null: an ignored section
    QString property_;                     // the last property line's name
    bool validProperty_ = false;
};

}  // namespace

ProfileParseResult parseProfileFiles(const QString& configText, const QString& credentialsText) {
    ProfileParseResult result;
    ProfileSet credentials;
    result.error = Parser(FileKind::Config, &result.set).parse(configText);
    if (result.error.isEmpty())
        result.error = Parser(FileKind::Credentials, &credentials).parse(credentialsText);
    if (!result.error.isEmpty()) {
        result.set = {};
        return result;
    }
    for (auto p = credentials.profiles.cbegin(); p != credentials.profiles.cend(); ++p) {
        ProfileProperties& merged = result.set.profiles[p.key()];
        for (auto it = p.value().cbegin(); it != p.value().cend(); ++it)
            merged.insert(it.key(), it.value());
    }
    return result;
}

ProfileFileLocations locateProfileFiles(const QHash<QString, QString>& env, bool windows) {
    QString home = env.value(QStringLiteral("HOME"));
    if (windows && home.isEmpty()) home = env.value(QStringLiteral("USERPROFILE"));
    if (windows && home.isEmpty())
        home = env.value(QStringLiteral("HOMEDRIVE")) + env.value(QStringLiteral("HOMEPATH"));
    const QString sep = windows ? QStringLiteral("\\") : QStringLiteral("/");
    const QString dir = home + sep + QStringLiteral(".aws") + sep;

    ProfileFileLocations out;
    out.configPath = env.value(QStringLiteral("AWS_CONFIG_FILE"), dir + QStringLiteral("config"));
    out.credentialsPath = env.value(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"),
                                    dir + QStringLiteral("credentials"));
    out.profileName = env.value(QStringLiteral("AWS_PROFILE"), QStringLiteral("default"));
    return out;
}

}  // namespace hearth::remote::aws
