#pragma once
// Private to Store: the QObject living on the store thread. It owns the StoreDatabase (so the
// connection is created, used and closed on that thread), the map from reply tickets to
// message ids, and the timer that writes stalled streamed replies on time.
#include <QObject>
#include <QTimer>
#include <map>
#include <memory>

#include "core/store/store_database.h"

namespace hearth::store {

class StoreWorker : public QObject {
    Q_OBJECT
public:
    // Timer period for flushing streamed replies whose 500 ms deadline is near.
    static constexpr int kFlushTimerMs = 50;

    StoreWorker();
    ~StoreWorker() override;

    std::unique_ptr<StoreDatabase> db;
    std::map<quint64, Id> replyTickets;  // ticket -> message id, while streaming

    void startFlushTimer();  // once on the store thread
    void closeDatabase();    // flush and close on the store thread

private:
    void flushDue();
    QTimer* flushTimer_ = nullptr;
};

}  // namespace hearth::store
