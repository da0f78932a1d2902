#pragma once
// Builds a minimal valid wheel (a zip with dist-info METADATA, WHEEL and RECORD) holding one
// member, with Python's zipfile from the reference venv, and returns its bytes. Download
// tests serve it from a FakePackageIndex; empty on failure (with the reason in *error).
#include <QFile>
#include <QTemporaryDir>

#include "process_runner.h"

namespace hearth::test {

inline QByteArray makeWheel(const QString& project, const QString& version, const QString& member,
                            const QByteArray& content, QString* error) {
    static constexpr const char* kScript = R"(
import sys, zipfile, hashlib, base64
out, dist, version, member, source = sys.argv[1:6]
norm = dist.replace('-', '_')
info = f'{norm}-{version}.dist-info'
files = {
    member: open(source, 'rb').read(),
    f'{info}/METADATA': f'Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n'.encode(),
    f'{info}/WHEEL': b'Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
}
record = ''
for name, data in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
    record += f'{name},sha256={digest},{len(data)}\n'
files[f'{info}/RECORD'] = (record + f'{info}/RECORD,,\n').encode()
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
    for name, data in files.items():
        z.writestr(name, data)
)";
    QTemporaryDir dir;
    const QString source = dir.filePath(QStringLiteral("member"));
    const QString out = dir.filePath(QStringLiteral("out.whl"));
    QFile f(source);
    if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size()) {
        *error = QStringLiteral("cannot write %1").arg(source);
        return {};
    }
    f.close();
    const ProcessResult r = runProcess(QStringLiteral(HEARTH_PYTHON),
                                       {QStringLiteral("-c"), QString::fromLatin1(kScript), out,
                                        project, version, member, source});
    QFile wheel(out);
    if (r.exitCode != 0 || !wheel.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("making a wheel with %1 failed: %2")
                     .arg(QStringLiteral(HEARTH_PYTHON), QString::fromUtf8(r.err));
        return {};
    }
    return wheel.readAll();
}

}  // namespace hearth::test
