#pragma once
// What a remote reply cost, from the endpoint's price and the reply's measured stats
// (briefing §7.5). Two ways endpoints are billed:
//   - per token (hosted APIs): USD per 1k input tokens and per 1k output tokens;
//   - per instance-hour (a dedicated Inferentia endpoint, e.g. inf2.xlarge at 0.76/h): the
//     reply's share of the hour is the time it held the instance — time to first token plus
//     decode time, i.e. its tokens amortised over the measured tokens/s.
// Estimates in USD; summed per conversation by the store.
#include <QString>

#include "runtime/generation.h"

namespace hearth::remote {

struct Pricing {
    double per1kInput = 0;   // USD per 1,000 prompt tokens
    double per1kOutput = 0;  // USD per 1,000 completion tokens
    double perHour = 0;      // USD per instance-hour; when > 0 the token prices are ignored
    bool isFree() const { return per1kInput <= 0 && per1kOutput <= 0 && perHour <= 0; }
};

double replyCost(const Pricing& pricing, const GenerationStats& stats);
// "$0.0123", "$1.23", "<$0.0001", "$0" — for a footer or a total.
QString formatCost(double usd);

}  // namespace hearth::remote
