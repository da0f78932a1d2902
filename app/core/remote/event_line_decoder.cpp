#include "core/remote/event_line_decoder.h"

namespace hearth::remote {

QVector<QByteArray> EventLineDecoder::feed(const QByteArray& bytes) {
    QVector<QByteArray> out;
    buffer_ += bytes;
    qsizetype start = 0;
    for (qsizetype nl = buffer_.indexOf('\n'); nl >= 0; nl = buffer_.indexOf('\n', start)) {
        qsizetype end = nl;
        if (end > start && buffer_[end - 1] == '\r') --end;
        takeLine(buffer_.mid(start, end - start), &out);
        start = nl + 1;
    }
    buffer_.remove(0, start);
    return out;
}

QVector<QByteArray> EventLineDecoder::finish() {
    QVector<QByteArray> out;
    if (!buffer_.isEmpty()) {
        QByteArray last = buffer_;
        buffer_.clear();
        if (last.endsWith('\r')) last.chop(1);
        takeLine(last, &out);
    }
    if (inEvent_) out.push_back(data_);
    data_.clear();
    inEvent_ = false;
    return out;
}

void EventLineDecoder::takeLine(QByteArray line, QVector<QByteArray>* out) {
    if (line.isEmpty()) {  // blank line: dispatch the SSE event, if one is open
        if (inEvent_) out->push_back(data_);
        data_.clear();
        inEvent_ = false;
        return;
    }
    if (line.startsWith(':')) return;  // comment / keep-alive
    if (!inEvent_ && line.startsWith('{')) {
        out->push_back(line);  // JSON Lines
        return;
    }
    const qsizetype colon = line.indexOf(':');
    const QByteArray field = colon < 0 ? line : line.left(colon);
    if (field != "data") return;  // event:, id:, retry: and unknown fields
    QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1);
    if (value.startsWith(' ')) value.remove(0, 1);
    if (inEvent_) data_ += '\n';
    data_ += value;
    inEvent_ = true;
}

}  // namespace hearth::remote
