#pragma once
// EventLineDecoder: turns a byte stream into events for the two framings streaming LLM
// servers use (briefing §1.2, §7.6):
//   - Server-Sent Events: lines "data: X" (space optional) accumulate until a blank line;
//     several data lines join with "\n"; ":" comments (keep-alives) and event:/id:/retry:
//     fields are skipped; "\n" and "\r\n" both end a line.
//   - JSON Lines: a line that starts with '{' outside an SSE event is an event by itself.
// Bytes may arrive split anywhere, mid-line or mid-UTF-8 sequence: lines are cut on the
// ASCII '\n' byte and decoded only once complete, so no code point is ever split.
#include <QByteArray>
#include <QVector>

namespace hearth::remote {

class EventLineDecoder {
public:
    // Returns the events completed by this chunk, in order (raw UTF-8 payloads).
    QVector<QByteArray> feed(const QByteArray& bytes);
    // At end of stream: an event whose terminating blank line never came.
    QVector<QByteArray> finish();
    // Bytes buffered that do not yet form a complete line (for size limits).
    qsizetype pendingBytes() const { return buffer_.size() + data_.size(); }

private:
    void takeLine(QByteArray line, QVector<QByteArray>* out);

    QByteArray buffer_;  // incomplete line
    QByteArray data_;    // data lines of the SSE event being built
    bool inEvent_ = false;
};

}  // namespace hearth::remote
