#pragma once
// Enums persisted in the store as integers. The numbers are part of the file format:
// never reuse a value, never renumber; append new values at the end and bump nothing else.
#include <QString>

namespace hearth::store {

// messages.role
enum class Role : int {
    System = 0,
    User = 1,
    Assistant = 2,
    Tool = 3,
};

// messages.finish_reason. NULL in the database (None here) means "not generated" (user,
// system and tool messages). Streaming marks a reply still being written; on open every
// Streaming row left by a crashed process becomes Interrupted.
enum class FinishReason : int {
    None = -1,  // not persisted as -1: stored as NULL
    Stop = 0,
    Length = 1,
    Cancelled = 2,
    Error = 3,
    Interrupted = 4,
    Context = 5,
    Streaming = 6,
};

// endpoints.kind
enum class EndpointKind : int {
    OpenAICompatible = 0,
    SageMaker = 1,
};

// runs.status
enum class RunStatus : int {
    Pending = 0,
    Running = 1,
    Done = 2,
    Cancelled = 3,
    Failed = 4,
};

// Stable lowercase names ("system", "user", ...; "stop", "length", ...) used in exports.
QString roleName(Role role);
QString finishReasonName(FinishReason reason);
QString endpointKindName(EndpointKind kind);
// Inverse of the above; return false for an unknown name.
bool roleFromName(const QString& name, Role* out);
bool finishReasonFromName(const QString& name, FinishReason* out);
bool endpointKindFromName(const QString& name, EndpointKind* out);

}  // namespace hearth::store
