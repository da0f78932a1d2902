#pragma once
// The body of a SageMaker answer, decoded into the container's events, for the three ways it
// can arrive:
//   EventStream: InvokeEndpointWithResponseStream, application/vnd.amazon.eventstream:
//                frames (both CRCs checked) -> PayloadPart bytes -> SSE / JSON lines -> JSON.
//                PayloadParts are not aligned to lines or UTF-8 characters; exception
//                events (ModelStreamError, InternalStreamFailure) end the stream with their
//                message; unknown event types are skipped.
//   Lines:       a plain SSE / JSON-lines body (a proxy or emulator without the framing).
//   WholeJson:   InvokeEndpoint, one JSON answer.
// Bytes may be cut anywhere. A fatal problem stops decoding and is kept in error().
#include <QByteArray>
#include <QList>
#include <QString>

#include "core/remote/aws/event_stream.h"
#include "core/remote/aws/sagemaker_protocol.h"
#include "core/remote/event_line_decoder.h"

namespace hearth::remote::aws {

class ResponseStreamDecoder {
public:
    enum class Framing { EventStream, Lines, WholeJson };
    static constexpr qsizetype kMaxWholeBody = 16 * 1024 * 1024;  // answers are <= 6 MiB

    ResponseStreamDecoder(SageMakerFormat format, Framing framing)
        : format_(format), framing_(framing) {}

    // The events completed by these bytes (malformed lines dropped), in order; after an
    // error, those before it and nothing more.
    QList<ContainerEvent> feed(const QByteArray& bytes);
    // The body ended normally: what was still buffered (a whole JSON answer is parsed here);
    // a frame cut short sets error().
    QList<ContainerEvent> finish();

    bool failed() const { return !error_.isEmpty(); }
    QString error() const { return error_; }
    // The failure was SageMaker's InternalStreamFailure ("try your request again").
    bool failureIsTransient() const { return transient_; }

private:
    void addData(const QByteArray& data, QList<ContainerEvent>* out);
    void handleFrame(const EventMessage& message, QList<ContainerEvent>* out);

    SageMakerFormat format_;
    Framing framing_;
    EventStreamDecoder frames_;
    EventLineDecoder lines_;
    QByteArray whole_;
    QString error_;
    bool transient_ = false;
};

}  // namespace hearth::remote::aws
