#pragma once
// A run's results as files: CSV (RFC 4180) and JSONL (one cell per line), and the
// distillation set: one target's passing outputs as chat fine-tuning examples in the OpenAI
// format, one {"messages": [system?, few-shot user/assistant turns..., user, assistant]}
// object per line.
#include <QByteArray>
#include <QVector>
#include <functional>

#include "core/playground/prompt_template.h"
#include "core/store/store_types.h"

namespace hearth::playground {

QByteArray resultsToJsonl(const QVector<store::DatasetRow>& rows,
                          const QVector<store::RunResultRecord>& results);
QByteArray resultsToCsv(const QVector<store::DatasetRow>& rows,
                        const QVector<store::RunResultRecord>& results);

// Rewrites text before it leaves the machine in a training set (PII removal).
using TextScrubber = std::function<QString(const QString&)>;

// The PII scrubber of the remote targets (core/remote/pii_scrubber.h): e-mail addresses,
// phone numbers, card numbers, IBANs, IP addresses and AWS keys become placeholders such as
// [EMAIL_1], numbered consistently across every message the returned function is given.
TextScrubber piiScrubber();

// Cells of `target` that passed every assertion (or, when the template has none, finished
// normally) become training examples, in dataset order. `scrub` (optional) is applied to
// every message's content. Returns the number of examples written through *count.
QByteArray fineTuningJsonl(const PromptTemplate& tmpl, const QVector<store::DatasetRow>& rows,
                           const QVector<store::RunResultRecord>& results, const QString& target,
                           const TextScrubber& scrub, int* count = nullptr);

}  // namespace hearth::playground
