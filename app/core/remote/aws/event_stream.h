#pragma once
// Incremental decoder for application/vnd.amazon.eventstream, the framing of SageMaker's
// InvokeEndpointWithResponseStream body. Each message:
//   total_length u32 | headers_length u32 | prelude_crc u32 | headers | payload | message_crc u32
// (big-endian; CRC-32/IEEE; prelude_crc covers bytes [0,8), message_crc everything before it).
// The prelude CRC is checked as soon as 12 bytes are there, so a corrupted length fails at
// once instead of waiting for bytes that never come. A CRC failure is fatal: the format has no
// resynchronisation marker. Bytes may arrive cut at any point.
#include <QByteArray>
#include <QList>
#include <QString>

namespace hearth::remote::aws {

struct EventHeader {
    enum Type : quint8 {
        BoolTrue = 0,
        BoolFalse = 1,
        Byte = 2,
        Short = 3,
        Integer = 4,
        Long = 5,
        ByteArray = 6,
        String = 7,
        Timestamp = 8,  // milliseconds since the epoch
        Uuid = 9,
    };
    QByteArray name;
    Type type = BoolTrue;
    qint64 integer = 0;  // Byte/Short/Integer/Long/Timestamp
    QByteArray bytes;    // ByteArray/String/Uuid
};

struct EventMessage {
    QList<EventHeader> headers;
    QByteArray payload;
    quint32 preludeCrc = 0;
    quint32 messageCrc = 0;

    // Value of a String header (e.g. ":message-type"), empty when absent.
    QByteArray stringHeader(const QByteArray& name) const;
};

quint32 crc32Ieee(const char* data, qsizetype size, quint32 crc = 0);

class EventStreamDecoder {
public:
    // Largest message accepted: 16 MiB payload + 128 KiB headers + overhead (aws-sdk-go limits).
    static constexpr quint32 kMaxMessage = 16u * 1024 * 1024 + 128u * 1024 + 16;

    // Appends bytes and decodes every complete message into `out`. Returns false once the
    // stream is corrupt (error() says why); further calls keep returning false.
    bool feed(const QByteArray& bytes, QList<EventMessage>* out);
    QString error() const { return error_; }
    // True when bytes of an unfinished message are buffered (a stream ending here was cut).
    bool hasPartialMessage() const { return !buffer_.isEmpty(); }

private:
    bool fail(const QString& message);
    bool parseHeaders(const char* data, quint32 size, QList<EventHeader>* out);

    QByteArray buffer_;
    QString error_;
};

}  // namespace hearth::remote::aws
