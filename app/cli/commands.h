#pragma once
// Subcommands. Each takes the arguments after its name and returns the exit code:
// 0 success, 1 runtime failure (message on stderr), 2 usage error (unknown flag, bad value).
#include <QStringList>

namespace hearth::cli {

int cmdInspect(const QStringList& args);   // hearth inspect FILE.gguf [--json]
int cmdTokenize(const QStringList& args);  // hearth tokenize --vocab FILE.gguf [--ids]
int cmdTemplate(const QStringList& args);  // hearth template render FILE.jinja  (JSON on stdin)
int cmdModels(const QStringList& args);    // hearth models list|pull NAME
int cmdRun(const QStringList& args);       // hearth run -m MODEL ...
int cmdDb(const QStringList& args);        // hearth db backup FILE
int cmdDevices(const QStringList& args);   // hearth devices  (Vulkan devices, the one used)
int cmdServe(const QStringList& args);     // hearth serve [--host H] [--port P] [-m MODEL] ...
int cmdPlayground(
    const QStringList& args);              // hearth playground run TEMPLATE.json --dataset FILE ...
int cmdQuantize(const QStringList& args);  // hearth quantize IN.gguf OUT.gguf --type T
int cmdEvalQuant(const QStringList& args);  // hearth eval-quant BASE.gguf CANDIDATE.gguf

// Shared helper: prints "hearth: MESSAGE" to stderr and returns code.
int fail(int code, const QString& message);

}  // namespace hearth::cli
