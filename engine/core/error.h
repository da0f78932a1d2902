#pragma once
// The engine reports failures as hearth::Error exceptions carrying a code; the public API
// (runtime/) lets them propagate and the app converts them to messages and exit codes.
// Nothing in engine/ aborts or exits the process.
#include <stdexcept>
#include <string>

namespace hearth {

enum class ErrorCode {
    io,                // file could not be opened / mapped / read
    format,            // bytes are not what the format says (truncated, corrupt, hostile)
    unsupported,       // valid input we do not handle (architecture, tensor type, construct)
    invalid_argument,  // a caller passed a bad value (sampling parameter, flag)
    context_full,      // the prompt or generation does not fit the context window
    template_error,    // chat template failed to parse or render (incl. raise_exception)
    limit_exceeded,    // a sandbox limit (loop iterations, recursion, output size)
    cancelled,         // the caller's cancel flag was set
    internal,          // a bug: an invariant did not hold
};

class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
    ErrorCode code() const noexcept { return code_; }

private:
    ErrorCode code_;
};

}  // namespace hearth
