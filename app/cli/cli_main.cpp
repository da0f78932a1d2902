#include "cli/cli_main.h"

#include <QCoreApplication>
#include <QTextStream>
#include <cstdio>
#include <cstring>

#include "cli/commands.h"
#include "core/logging.h"
#include "gui/gui_main.h"

namespace hearth::cli {
namespace {

struct Subcommand {
    const char* name;
    int (*run)(const QStringList&);
    const char* summary;
};

constexpr Subcommand kSubcommands[] = {
    {"run", cmdRun, "generate a reply from a model (-m MODEL -p PROMPT)"},
    {"models", cmdModels, "list installed models, pull one from the catalog"},
    {"inspect", cmdInspect, "print a GGUF file's metadata and tensors [--json]"},
    {"tokenize", cmdTokenize, "tokenize stdin with a GGUF vocabulary [--ids]"},
    {"template", cmdTemplate, "render a chat template for a JSON request on stdin"},
    {"serve", cmdServe, "serve a model over an OpenAI-compatible HTTP API"},
    {"playground", cmdPlayground, "run a prompt template over a dataset on several targets"},
    {"db", cmdDb, "database maintenance (backup FILE)"},
    {"devices", cmdDevices, "list Vulkan devices and the one Hearth computes on"},
    {"quantize", cmdQuantize, "quantize a GGUF model (IN OUT --type Q4_K ...)"},
    {"eval-quant", cmdEvalQuant, "perplexity / KL divergence of a quantized model vs its base"},
};

void printUsage(FILE* to) {
    std::fprintf(to,
                 "Usage: hearth [--verbose]                 open the chat window\n"
                 "       hearth [--verbose] COMMAND [ARGS]  run a command (no display needed)\n"
                 "       hearth --version | --help\n\nCommands:\n");
    for (const Subcommand& s : kSubcommands)
        std::fprintf(to, "  %-10s %s\n", s.name, s.summary);
    std::fprintf(to,
                 "\nRun `hearth COMMAND --help` for a command's options.\n"
                 "Environment: HEARTH_LOG=debug|info|warn|error, HEARTH_MODELS_DIR, HEARTH_DB,\n"
                 "XDG_DATA_HOME / XDG_STATE_HOME / XDG_CONFIG_HOME.\n");
}

}  // namespace

int fail(int code, const QString& message) {
    std::fprintf(stderr, "hearth: %s\n", message.toLocal8Bit().constData());
    return code;
}

int main(int argc, char** argv) {
    // Global flags come before the subcommand; the first non-flag word is the subcommand.
    bool verbose = false;
    int first = 1;
    for (; first < argc; ++first) {
        const char* arg = argv[first];
        if (std::strcmp(arg, "--verbose") == 0 || std::strcmp(arg, "-v") == 0) {
            verbose = true;
        } else if (std::strcmp(arg, "--version") == 0) {
            std::printf("hearth %s\n", HEARTH_VERSION);
            return 0;
        } else if (std::strcmp(arg, "--help") == 0 || std::strcmp(arg, "-h") == 0) {
            printUsage(stdout);
            return 0;
        } else if (arg[0] == '-' && std::strncmp(arg, "-platform", 9) != 0 &&
                   std::strncmp(arg, "--screenshot", 12) != 0) {
            std::fprintf(stderr, "hearth: unknown option '%s'\n\n", arg);
            printUsage(stderr);
            return 2;
        } else {
            break;
        }
    }
    if (first >= argc || argv[first][0] == '-') {
        initLogging(verbose);
        return gui::run(argc, argv);
    }

    for (const Subcommand& s : kSubcommands) {
        if (std::strcmp(argv[first], s.name) != 0) continue;
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("hearth"));
        QCoreApplication::setApplicationVersion(QStringLiteral(HEARTH_VERSION));
        initLogging(verbose);
        QStringList args;
        for (int i = first + 1; i < argc; ++i)
            args << QString::fromLocal8Bit(argv[i]);
        return s.run(args);
    }
    std::fprintf(stderr, "hearth: unknown command '%s'\n\n", argv[first]);
    printUsage(stderr);
    return 2;
}

}  // namespace hearth::cli
