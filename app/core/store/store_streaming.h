#pragma once
// Private: the in-memory tail of a reply being streamed (store_messages.cpp).
#include <QString>

#include "core/store/store_types.h"

namespace hearth::store {

struct StreamBuffer {
    Id conversationId = 0;
    QString pending;  // appended since the last write
    int pendingDeltas = 0;
    qint64 firstPendingMs = 0;  // when the oldest unwritten delta arrived
};

}  // namespace hearth::store
