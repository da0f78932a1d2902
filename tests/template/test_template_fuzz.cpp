// Hostile input: random mutations of the real chat templates, and pathological sources,
// must either render or throw hearth::Error — never crash, hang or trip ASan/UBSan.
// Mutations are seeded, so a failure reproduces; the seed and template are in the message.
#include <QDir>
#include <QtTest>

#include <fstream>
#include <random>
#include <sstream>

#include "core/error.h"
#include "json/json.h"
#include "template/chat_template.h"

namespace json = hearth::json;

namespace {

const QString kDataDir = QStringLiteral(HEARTH_TEST_DATA_DIR "/chat-templates");

std::string readFile(const QString& path) {
    std::ifstream in(QFile::encodeName(path).toStdString(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Fragments that push the lexer and parser into odd states.
const char* const kFragments[] = {"{%",
                                  "%}",
                                  "{{",
                                  "}}",
                                  "{#",
                                  "#}",
                                  "-%}",
                                  "{%-",
                                  "(",
                                  ")",
                                  "[",
                                  "]",
                                  "{",
                                  "}",
                                  "'",
                                  "\"",
                                  "\\",
                                  "|",
                                  ".",
                                  ",",
                                  ":",
                                  "=",
                                  " if ",
                                  " else ",
                                  " for x in ",
                                  " endfor ",
                                  " endif ",
                                  "loop.",
                                  "messages",
                                  "|tojson",
                                  "|length",
                                  "[0]",
                                  "[::-1]",
                                  " ~ ",
                                  " ** 99",
                                  " * 999999",
                                  "range(99999)",
                                  "namespace(",
                                  "raise_exception('x')",
                                  "\xff",
                                  "\xc3",
                                  "\xe4\xb8\xad",
                                  "\0"};

std::string mutate(const std::string& src, std::mt19937& rng) {
    std::string s = src;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !s.empty(); ++e) {
        size_t pos = rng() % s.size();
        switch (rng() % 5) {
            case 0:
                s[pos] = static_cast<char>(rng() % 256);
                break;  // byte flip
            case 1: {   // delete a range
                size_t len = 1 + rng() % 40;
                s.erase(pos, len);
                break;
            }
            case 2: {  // insert a syntax fragment
                const char* frag = kFragments[rng() % std::size(kFragments)];
                s.insert(pos, frag[0] ? std::string(frag) : std::string(1, '\0'));
                break;
            }
            case 3: {  // duplicate a range
                size_t len = 1 + rng() % 200;
                s.insert(pos, s.substr(pos, len));
                break;
            }
            default: {  // move a range elsewhere
                size_t len = 1 + rng() % 80;
                std::string cut = s.substr(pos, len);
                s.erase(pos, len);
                s.insert(s.empty() ? 0 : rng() % (s.size() + 1), cut);
            }
        }
    }
    return s;
}

// Returns false only for exceptions other than hearth::Error.
bool renderOrThrow(const std::string& source, const std::vector<json::Value>& contexts) {
    try {
        auto t = hearth::ChatTemplate::parse(source);
        for (const auto& ctx : contexts) {
            try {
                t.render(ctx);
            } catch (const hearth::Error&) {
            }
        }
    } catch (const hearth::Error&) {
    } catch (...) {
        return false;
    }
    return true;
}

}  // namespace

class TestTemplateFuzz : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { qputenv("HEARTH_NOW", "2025-03-14T09:26:53"); }

    void mutatedRealTemplates() {
        const json::Value conversations = json::parse(readFile(kDataDir + "/conversations.json"));
        std::vector<json::Value> contexts;
        for (const char* name : {"system_user", "tool_call"})
            for (const auto& c : conversations.find("conversations")->as_array())
                if (c.find("name")->as_string() == name) contexts.push_back(*c.find("context"));
        QCOMPARE(contexts.size(), size_t{2});
        const QStringList files = QDir(kDataDir).entryList({"*.jinja"}, QDir::Files, QDir::Name);
        QCOMPARE(files.size(), 45);
        int rendered = 0;
        for (const QString& file : files) {
            const std::string source = readFile(kDataDir + "/" + file);
            for (uint32_t seed = 1; seed <= 25; ++seed) {
                std::mt19937 rng(seed * 7919u + static_cast<uint32_t>(qHash(file)));
                const std::string mutated = mutate(source, rng);
                QVERIFY2(renderOrThrow(mutated, contexts),
                         qPrintable(QStringLiteral("%1 seed %2").arg(file).arg(seed)));
                ++rendered;
            }
        }
        QCOMPARE(rendered, 45 * 25);
    }

    void pathologicalSources() {
        const std::vector<json::Value> ctx{json::parse("{\"messages\": []}")};
        const std::string sources[] = {
            std::string(100000, '('),
            "{{ " + std::string(50000, '(') + "1" + std::string(50000, ')') + " }}",
            "{{ " + std::string(50000, '[') + " }}",
            [] {
                std::string s;
                for (int i = 0; i < 5000; ++i)
                    s += "{% if true %}";
                return s;
            }(),
            "{{ " + std::string(20000, '-') + "1 }}",
            "{{ not " +
                [] {
                    std::string s;
                    for (int i = 0; i < 20000; ++i)
                        s += "not ";
                    return s;
                }() +
                "1 }}",
            "{{ x" +
                [] {
                    std::string s;
                    for (int i = 0; i < 20000; ++i)
                        s += ".a";
                    return s;
                }() +
                " }}",
            "{{ 1" +
                [] {
                    std::string s;
                    for (int i = 0; i < 50000; ++i)
                        s += " + 1";
                    return s;
                }() +
                " }}",
            "{{ x" +
                [] {
                    std::string s;
                    for (int i = 0; i < 20000; ++i)
                        s += "|trim";
                    return s;
                }() +
                " }}",
            "{% set ns = namespace(l=[]) %}{% for i in range(5000) %}{% set ns.l = [ns.l] "
            "%}{% endfor %}{{ ns.l }}",
            "{% set ns = namespace(cur=1) %}{% for i in range(5000) %}{% set n = "
            "namespace(x=ns.cur) %}{% set ns.cur = n %}{% endfor %}",
            "{% set ns = namespace() %}{% set ns.me = ns %}{{ ns }}",
            "{{ 'unterminated",
            "{% raw %}never ends",
            "{# never ends",
            "{{ 1 if 1 if 1 }}",
            "{% for x in range(100000) %}{% for y in range(100000) %}{% endfor %}{% endfor %}",
            "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l "
            "%}{% endfor %}",
            "{% macro a() %}{{ a() ~ a() }}{% endmacro %}{{ a() }}",
            "{{ 'x' * 9223372036854775807 }}",
            "{{ [1] * 999999999999 }}",
            "{{ 2 ** 9999999999 }}",
            "{{ -9223372036854775807 - 2 }}",
            "{{ 9223372036854775807 + 1 }}",
            "{{ (-9223372036854775807 - 1) // -1 }}",
            "{{ 99999999999999999999999 }}",
            "{{ 'a'[9223372036854775807] }}{{ "
            "'a'[-9223372036854775807:9223372036854775807:-9223372036854775807] }}",
            "{{ range(-9223372036854775807, 9223372036854775807, 4611686018427387904) | list }}",
            "{{ '%s' | format }}",
            "{{ 1e308 * 10 }}{{ (1e308 * 10) | int }}",
            "{{ '' | indent(99999999) }}",
            "{{ x | batch(0) }}",
        };
        for (const auto& s : sources)
            QVERIFY2(renderOrThrow(s, ctx), qPrintable(QString::fromStdString(s.substr(0, 60))));
    }
};

QTEST_GUILESS_MAIN(TestTemplateFuzz)
#include "test_template_fuzz.moc"
