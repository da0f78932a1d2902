#pragma once
// Runs the built hearth executable (or any program) for CLI tests and collects its output.
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace hearth::test {

struct ProcessResult {
    int exitCode = -1;
    bool crashed = false;
    QByteArray out;
    QByteArray err;
};

inline ProcessResult runProcess(
    const QString& program, const QStringList& args,
    const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(),
    const QByteArray& stdinData = {}, int timeoutMs = 120000) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    ProcessResult r;
    if (!p.waitForStarted(10000)) return r;
    if (!stdinData.isEmpty()) p.write(stdinData);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
    }
    r.crashed = p.exitStatus() != QProcess::NormalExit;
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

inline ProcessResult runHearth(
    const QStringList& args,
    const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(),
    const QByteArray& stdinData = {}, int timeoutMs = 120000) {
    return runProcess(QStringLiteral(HEARTH_BINARY), args, env, stdinData, timeoutMs);
}

}  // namespace hearth::test
