// hearth tokenize --vocab FILE.gguf [--ids]: tokenizes all of standard input (any bytes) with
// the file's vocabulary, as a model would see prompt text: no BOS/EOS, and special-token
// markers such as <|im_start|> written in the text stay plain text.
#include <QFile>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/error.h"
#include "gguf/gguf_file.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/unicode_props.h"

namespace hearth::cli {
namespace {

// One piece on one line: printable UTF-8 as is, backslash escapes for the rest
// (\n \r \t \\, other control characters and bytes that are not UTF-8 as \xNN).
std::string escapePiece(const std::string& piece) {
    std::string out;
    char hex[8];
    for (size_t pos = 0; pos < piece.size();) {
        const auto ch = unicode::decode_utf8(piece, pos);
        const auto byte = static_cast<unsigned char>(piece[pos]);
        if (!ch.valid) {
            std::snprintf(hex, sizeof hex, "\\x%02X", byte);
            out += hex;
        } else if (ch.cp == '\n') {
            out += "\\n";
        } else if (ch.cp == '\r') {
            out += "\\r";
        } else if (ch.cp == '\t') {
            out += "\\t";
        } else if (ch.cp == '\\') {
            out += "\\\\";
        } else if (ch.cp < 0x20 || ch.cp == 0x7F) {
            std::snprintf(hex, sizeof hex, "\\x%02X", byte);
            out += hex;
        } else {
            out.append(piece, pos, ch.len);
        }
        pos += ch.len;
    }
    return out;
}

}  // namespace

int cmdTokenize(const QStringList& args) {
    const QString usage = QStringLiteral(
        "usage: hearth tokenize --vocab FILE.gguf [--ids] < TEXT\n"
        "  --vocab FILE  GGUF file whose tokenizer.ggml.* vocabulary to use (a model or "
        "vocab-only)\n"
        "  --ids         print the token ids on one line, space-separated, instead of one\n"
        "                piece per line\n"
        "Standard input is read whole and tokenized without BOS/EOS and without parsing\n"
        "special tokens.");
    QString vocabPath;
    bool printIds = false;
    for (int i = 0; i < args.size(); ++i) {
        const QString& arg = args[i];
        if (arg == QLatin1String("--help") || arg == QLatin1String("-h")) {
            std::printf("%s\n", qPrintable(usage));
            return 0;
        }
        if (arg == QLatin1String("--ids")) {
            printIds = true;
        } else if (arg == QLatin1String("--vocab")) {
            if (i + 1 >= args.size()) {
                return fail(2, QStringLiteral("--vocab needs a file\n%1").arg(usage));
            }
            vocabPath = args[++i];
        } else if (arg.startsWith(QLatin1String("--vocab="))) {
            vocabPath = arg.mid(8);
        } else if (arg.startsWith(QLatin1Char('-'))) {
            return fail(2, QStringLiteral("unknown option '%1'\n%2").arg(arg, usage));
        } else {
            return fail(2, QStringLiteral("unexpected argument '%1'\n%2").arg(arg, usage));
        }
    }
    if (vocabPath.isEmpty()) {
        return fail(2, QStringLiteral("tokenize needs --vocab FILE.gguf\n%1").arg(usage));
    }

    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly)) {
        return fail(1, QStringLiteral("cannot read standard input"));
    }
    const QByteArray input = in.readAll();

    std::string output;
    try {
        const auto file = gguf::GgufFile::open(QFile::encodeName(vocabPath).toStdString());
        const auto tokenizer = Tokenizer::from_gguf(*file);
        const std::vector<int32_t> ids = tokenizer->encode(
            std::string_view(input.constData(), static_cast<size_t>(input.size())),
            /*add_special=*/false, /*parse_special=*/false);
        if (printIds) {
            for (size_t i = 0; i < ids.size(); ++i) {
                if (i > 0) output += ' ';
                output += std::to_string(ids[i]);
            }
            output += '\n';
        } else {
            for (const int32_t id : ids) {
                output += escapePiece(tokenizer->token_to_piece(id));
                output += '\n';
            }
        }
    } catch (const Error& e) {
        return fail(1, QString::fromUtf8(e.what()));
    }
    if (std::fwrite(output.data(), 1, output.size(), stdout) != output.size() ||
        std::fflush(stdout)) {
        return fail(1, QStringLiteral("cannot write to standard output"));
    }
    return 0;
}

}  // namespace hearth::cli
