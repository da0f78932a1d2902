#pragma once
// How a generation's outcome (engine/targets) is written into messages.finish_reason and
// run_results.finish_reason: one mapping for the chat and the playground.
#include "core/store/store_enums.h"
#include "runtime/generation.h"

namespace hearth::store {

inline FinishReason storedFinishReason(hearth::FinishReason finish) {
    switch (finish) {
        case hearth::FinishReason::stop:
            return FinishReason::Stop;
        case hearth::FinishReason::length:
            return FinishReason::Length;
        case hearth::FinishReason::cancelled:
            return FinishReason::Cancelled;
        case hearth::FinishReason::context:
            return FinishReason::Context;
        case hearth::FinishReason::error:
            return FinishReason::Error;
    }
    return FinishReason::Error;
}

}  // namespace hearth::store
