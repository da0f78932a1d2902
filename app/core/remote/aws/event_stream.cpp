#include "core/remote/aws/event_stream.h"

#include <array>

namespace hearth::remote::aws {
namespace {

// Reflected CRC-32 (polynomial 0xEDB88320), the zlib/gzip one. qChecksum is CRC-16: not usable.
constexpr std::array<quint32, 256> makeCrcTable() {
    std::array<quint32, 256> table{};
    for (quint32 i = 0; i < 256; ++i) {
        quint32 c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    return table;
}
constexpr std::array<quint32, 256> kCrcTable = makeCrcTable();

quint64 readBigEndian(const char* p, int bytes) {
    quint64 v = 0;
    for (int i = 0; i < bytes; ++i)
        v = (v << 8) | static_cast<unsigned char>(p[i]);
    return v;
}

}  // namespace

quint32 crc32Ieee(const char* data, qsizetype size, quint32 crc) {
    crc = ~crc;
    for (qsizetype i = 0; i < size; ++i)
        crc = kCrcTable[(crc ^ static_cast<unsigned char>(data[i])) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

QByteArray EventMessage::stringHeader(const QByteArray& name) const {
    for (const EventHeader& h : headers)
        if (h.name == name && h.type == EventHeader::String) return h.bytes;
    return {};
}

bool EventStreamDecoder::fail(const QString& message) {
    error_ = message;
    buffer_.clear();
    return false;
}

bool EventStreamDecoder::feed(const QByteArray& bytes, QList<EventMessage>* out) {
    if (!error_.isEmpty()) return false;
    buffer_.append(bytes);
    qsizetype pos = 0;
    while (buffer_.size() - pos >= 12) {
        const char* p = buffer_.constData() + pos;
        const auto total = quint32(readBigEndian(p, 4));
        const auto headersLength = quint32(readBigEndian(p + 4, 4));
        const auto preludeCrc = quint32(readBigEndian(p + 8, 4));
        if (crc32Ieee(p, 8) != preludeCrc) return fail(QStringLiteral("Prelude checksum mismatch"));
        if (total < 16 || total > kMaxMessage)
            return fail(QStringLiteral("event stream message length %1 out of range").arg(total));
        if (headersLength > total - 16 || headersLength == 1)
            return fail(QStringLiteral("event stream headers length %1 does not fit the message")
                            .arg(headersLength));
        if (buffer_.size() - pos < qsizetype(total)) break;  // wait for the rest

        const auto messageCrc = quint32(readBigEndian(p + total - 4, 4));
        if (crc32Ieee(p, total - 4) != messageCrc)
            return fail(QStringLiteral("Message checksum mismatch"));
        EventMessage message;
        message.preludeCrc = preludeCrc;
        message.messageCrc = messageCrc;
        if (!parseHeaders(p + 12, headersLength, &message.headers)) return false;
        message.payload = QByteArray(p + 12 + headersLength, total - 16 - headersLength);
        out->append(std::move(message));
        pos += total;
    }
    buffer_.remove(0, pos);
    return true;
}

bool EventStreamDecoder::parseHeaders(const char* data, quint32 size, QList<EventHeader>* out) {
    quint32 pos = 0;
    auto need = [&](quint32 n) { return size - pos >= n; };
    while (pos < size) {
        EventHeader h;
        const quint32 nameLength = static_cast<unsigned char>(data[pos++]);
        if (nameLength == 0 || !need(nameLength + 1))
            return fail(QStringLiteral("event stream header name is empty or truncated"));
        h.name = QByteArray(data + pos, nameLength);
        pos += nameLength;
        const auto type = static_cast<unsigned char>(data[pos++]);
        if (type > EventHeader::Uuid)
            return fail(QStringLiteral("event stream header '%1' has unknown type %2")
                            .arg(QString::fromUtf8(h.name))
                            .arg(type));
        h.type = EventHeader::Type(type);
        int fixed = 0;
        switch (h.type) {
            case EventHeader::BoolTrue:
            case EventHeader::BoolFalse:
                break;
            case EventHeader::Byte:
                fixed = 1;
                break;
            case EventHeader::Short:
                fixed = 2;
                break;
            case EventHeader::Integer:
                fixed = 4;
                break;
            case EventHeader::Long:
            case EventHeader::Timestamp:
                fixed = 8;
                break;
            case EventHeader::Uuid:
                fixed = 16;
                break;
            case EventHeader::ByteArray:
            case EventHeader::String: {
                if (!need(2)) return fail(QStringLiteral("event stream header truncated"));
                const auto length = quint32(readBigEndian(data + pos, 2));
                pos += 2;
                if (!need(length)) return fail(QStringLiteral("event stream header truncated"));
                h.bytes = QByteArray(data + pos, length);
                pos += length;
                break;
            }
        }
        if (fixed > 0) {
            if (!need(quint32(fixed))) return fail(QStringLiteral("event stream header truncated"));
            if (h.type == EventHeader::Uuid) {
                h.bytes = QByteArray(data + pos, fixed);
            } else {
                // Sign-extend the big-endian two's-complement value.
                const quint64 raw = readBigEndian(data + pos, fixed);
                const int shift = 64 - 8 * fixed;
                h.integer = qint64(raw << shift) >> shift;
            }
            pos += quint32(fixed);
        }
        out->append(std::move(h));
    }
    return true;
}

}  // namespace hearth::remote::aws
