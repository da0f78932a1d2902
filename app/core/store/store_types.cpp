#include "core/store/store_types.h"

#include <array>
#include <utility>

#include "core/store/store_enums.h"

namespace hearth::store {
namespace {

constexpr std::array<std::pair<Role, const char*>, 4> kRoles{{
    {Role::System, "system"},
    {Role::User, "user"},
    {Role::Assistant, "assistant"},
    {Role::Tool, "tool"},
}};
constexpr std::array<std::pair<FinishReason, const char*>, 7> kFinishReasons{{
    {FinishReason::Stop, "stop"},
    {FinishReason::Length, "length"},
    {FinishReason::Cancelled, "cancelled"},
    {FinishReason::Error, "error"},
    {FinishReason::Interrupted, "interrupted"},
    {FinishReason::Context, "context"},
    {FinishReason::Streaming, "streaming"},
}};
constexpr std::array<std::pair<EndpointKind, const char*>, 2> kEndpointKinds{{
    {EndpointKind::OpenAICompatible, "openai"},
    {EndpointKind::SageMaker, "sagemaker"},
}};

template <class Table, class E>
QString nameOf(const Table& table, E value) {
    for (const auto& [v, name] : table)
        if (v == value) return QString::fromLatin1(name);
    return {};
}

template <class Table, class E>
bool valueOf(const Table& table, const QString& name, E* out) {
    for (const auto& [v, n] : table) {
        if (name == QLatin1String(n)) {
            *out = v;
            return true;
        }
    }
    return false;
}

}  // namespace

QString roleName(Role role) {
    return nameOf(kRoles, role);
}
QString finishReasonName(FinishReason reason) {
    return nameOf(kFinishReasons, reason);
}
QString endpointKindName(EndpointKind kind) {
    return nameOf(kEndpointKinds, kind);
}
bool roleFromName(const QString& name, Role* out) {
    return valueOf(kRoles, name, out);
}
bool finishReasonFromName(const QString& name, FinishReason* out) {
    return valueOf(kFinishReasons, name, out);
}
bool endpointKindFromName(const QString& name, EndpointKind* out) {
    return valueOf(kEndpointKinds, name, out);
}

QString StoreError::kindName(Kind kind) {
    switch (kind) {
        case Kind::None:
            return QStringLiteral("none");
        case Kind::NotADatabase:
            return QStringLiteral("not a database");
        case Kind::Corrupt:
            return QStringLiteral("corrupt");
        case Kind::TooNew:
            return QStringLiteral("too new");
        case Kind::Io:
            return QStringLiteral("i/o error");
        case Kind::Busy:
            return QStringLiteral("busy");
        case Kind::ReadOnly:
            return QStringLiteral("read-only");
        case Kind::NotFound:
            return QStringLiteral("not found");
        case Kind::InvalidInput:
            return QStringLiteral("invalid input");
        case Kind::Sql:
            return QStringLiteral("sql error");
    }
    return {};
}

StoreException::StoreException(StoreError error)
    : std::runtime_error(error.message.toStdString()), error_(std::move(error)) {}

StoreException::StoreException(StoreError::Kind kind, const QString& message)
    : StoreException(StoreError{kind, message}) {}

QString snippetToHtml(const QString& snippet) {
    QString html = snippet.toHtmlEscaped();
    html.replace(kHighlightOpen, QStringLiteral("<b>"));
    html.replace(kHighlightClose, QStringLiteral("</b>"));
    return html;
}

}  // namespace hearth::store
