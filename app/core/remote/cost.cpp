#include "core/remote/cost.h"

namespace hearth::remote {

double replyCost(const Pricing& pricing, const GenerationStats& stats) {
    if (pricing.perHour > 0) {
        double seconds = (stats.time_to_first_token_ms + stats.generation_ms) / 1000.0;
        if (seconds <= 0 && stats.tokens_per_s > 0)
            seconds = stats.completion_tokens / stats.tokens_per_s;
        return pricing.perHour * seconds / 3600.0;
    }
    return stats.prompt_tokens / 1000.0 * pricing.per1kInput +
           stats.completion_tokens / 1000.0 * pricing.per1kOutput;
}

QString formatCost(double usd) {
    if (usd <= 0) return QStringLiteral("$0");
    if (usd < 0.0001) return QStringLiteral("<$0.0001");
    if (usd < 1) return QStringLiteral("$") + QString::number(usd, 'f', 4);
    return QStringLiteral("$") + QString::number(usd, 'f', 2);
}

}  // namespace hearth::remote
