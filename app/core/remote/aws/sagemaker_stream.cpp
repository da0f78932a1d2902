#include "core/remote/aws/sagemaker_stream.h"

namespace hearth::remote::aws {

void ResponseStreamDecoder::addData(const QByteArray& data, QList<ContainerEvent>* out) {
    ContainerEvent event = parseContainerEvent(format_, data);
    if (!event.malformed) out->append(std::move(event));
}

void ResponseStreamDecoder::handleFrame(const EventMessage& m, QList<ContainerEvent>* out) {
    const QByteArray type = m.stringHeader(":message-type");
    if (type == "event") {
        if (m.stringHeader(":event-type") != "PayloadPart") return;
        for (const QByteArray& data : lines_.feed(m.payload))
            addData(data, out);
    } else if (type == "exception") {
        error_ = describeStreamException(m.stringHeader(":exception-type"), m.payload);
        transient_ = m.stringHeader(":exception-type") == "InternalStreamFailure";
    } else if (type == "error") {
        error_ = describeStreamException(m.stringHeader(":error-code"),
                                         m.stringHeader(":error-message"));
    } else {
        error_ =
            QStringLiteral("unknown event-stream message type '%1'").arg(QString::fromUtf8(type));
    }
}

QList<ContainerEvent> ResponseStreamDecoder::feed(const QByteArray& bytes) {
    QList<ContainerEvent> out;
    if (failed()) return out;
    switch (framing_) {
        case Framing::WholeJson:
            whole_ += bytes;
            if (whole_.size() > kMaxWholeBody)
                error_ = QStringLiteral("the endpoint's answer is larger than 16 MiB");
            break;
        case Framing::Lines:
            for (const QByteArray& data : lines_.feed(bytes))
                addData(data, &out);
            break;
        case Framing::EventStream: {
            QList<EventMessage> messages;
            const bool ok = frames_.feed(bytes, &messages);
            for (const EventMessage& m : messages) {
                handleFrame(m, &out);
                if (failed()) return out;
            }
            if (!ok) error_ = QStringLiteral("corrupt event stream: ") + frames_.error();
            break;
        }
    }
    return out;
}

QList<ContainerEvent> ResponseStreamDecoder::finish() {
    QList<ContainerEvent> out;
    if (failed()) return out;
    if (framing_ == Framing::WholeJson) {
        ContainerEvent event = parseContainerEvent(format_, whole_);
        if (event.malformed) {
            error_ = QStringLiteral("the endpoint's answer is not the expected JSON: %1")
                         .arg(QString::fromUtf8(whole_.left(200)).simplified());
            return out;
        }
        event.final = true;
        out.append(std::move(event));
        return out;
    }
    if (framing_ == Framing::EventStream && frames_.hasPartialMessage()) {
        error_ = QStringLiteral("the event stream ended in the middle of a frame");
        return out;
    }
    for (const QByteArray& data : lines_.finish())
        addData(data, &out);
    return out;
}

}  // namespace hearth::remote::aws
