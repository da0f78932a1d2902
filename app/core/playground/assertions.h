#pragma once
// Checks on a playground output, written in a template's "assertions" list:
//
//   {"type": "equals",   "value": "Paris"}         output (trimmed) == value; without "value"
//                                                   the row's `expected` column is used
//   {"type": "contains", "value": "Paris"}         substring; without "value": `expected`
//        both take "ignore_case": true
//   {"type": "regex",    "pattern": "^\\d+$"}       QRegularExpression (PCRE2), matched
//                                                   anywhere unless anchored
//   {"type": "json"}                                the output parses as JSON
//   {"type": "json_schema", "schema": {"required": ["name"],
//        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}}}
//                                                   a JSON object with the required keys, and
//                                                   every listed key present has its type
//                                                   (string, number, integer, boolean, object,
//                                                   array, null)
//   {"type": "max_length", "max": 200}              at most 200 characters (code points)
//   {"type": "similarity", "metric": "f1" | "chrf", "min": 0.5}
//                                                   similarity to `expected` >= min (below)
//   {"type": "judge", "target": "ADDRESS", "rubric": "..."}
//                                                   another target grades the output; it is
//                                                   asked to answer PASS or FAIL
//
// JSON checks first trim whitespace and unwrap one Markdown code fence (```json ... ```),
// since chat models habitually add one.
//
// Similarity (scores in [0, 1]):
//  - f1: token-level F1 as in SQuAD: both texts lowercased, split on anything that is not a
//    letter or digit; precision and recall over the multiset of tokens; 1 when both are empty.
//  - chrf: character n-gram F-score (Popović 2015) with n = 1..6 and beta = 2 over the texts
//    with whitespace removed; precision and recall are averaged over the orders n for which
//    both texts have at least one n-gram (so short strings are not punished for orders they
//    cannot have); 0 when no order qualifies.
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include "runtime/generation.h"

namespace hearth::playground {

struct AssertionOutcome {
    bool passed = false;
    double score = -1;  // similarity / judge: the score; otherwise -1
    QString detail;     // why it failed (or the score), one line
    QJsonObject toJson(const QString& type) const;
};

// Checks the list's shape (known types, required fields, regexes that compile). Returns
// false with *error naming the assertion (1-based) and the problem.
bool validateAssertions(const QJsonArray& assertions, QString* error);

bool isJudge(const QJsonObject& assertion);

// Every non-judge assertion. `row` supplies `expected`.
AssertionOutcome evaluateAssertion(const QJsonObject& assertion, const QString& output,
                                   const QJsonObject& row);

// The judge's prompt: rubric, the input the model saw, its output and (if any) the expected
// answer; the judge is asked to reply with PASS or FAIL on the first line.
GenerationRequest judgeRequest(const QJsonObject& assertion, const QString& input,
                               const QString& output, const QJsonObject& row);
// PASS when the reply's first word is PASS (case-insensitive, punctuation ignored).
AssertionOutcome judgeVerdict(const QString& reply);

double tokenF1(const QString& candidate, const QString& reference);
double chrF(const QString& candidate, const QString& reference);

}  // namespace hearth::playground
