// hearth playground run TEMPLATE.json --dataset FILE [-m TARGET]... [--out FILE]
//                        [--max-rows N] [--set-baseline] [--finetune FILE
//                        [--finetune-target T] [--scrub-pii]] [-t N]
// Runs a dataset through a template on each target, prints a per-target summary table and
// exits 1 when any assertion failed. The template, dataset and run are kept in the store;
// running the same command again after a crash or Ctrl-C resumes the unfinished run.
#include <unistd.h>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QTextStream>
#include <QTimer>
#include <atomic>
#include <csignal>
#include <cstdio>

#include "cli/commands.h"
#include "core/playground/assertions.h"
#include "core/playground/batch_runner.h"
#include "core/playground/playground_store.h"
#include "core/playground/playground_targets.h"
#include "core/playground/run_export.h"
#include "core/playground/run_summary.h"
#include "core/playground/template_diff.h"

namespace hearth::cli {
namespace {

using namespace hearth::playground;

std::atomic<bool> g_stop{false};

extern "C" void onPlaygroundInterrupt(int) {
    g_stop.store(true);
    std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C terminates
}

const QString kUsage = QStringLiteral(
    "Usage: hearth playground run TEMPLATE.json --dataset FILE [-m TARGET]... [options]\n"
    "       hearth playground diff NAME [FROM TO]   what changed between two stored versions\n"
    "                                               of template NAME (default: the last two)");

bool writeFile(const QString& path, const QByteArray& bytes, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

QString cellLine(int done, int total, double eta, const store::RunResultRecord& r, int row) {
    const QString verdict = r.finish == store::FinishReason::Error ? QStringLiteral("error")
                            : r.passed < 0                         ? QStringLiteral("done")
                            : r.passed                             ? QStringLiteral("pass")
                                                                   : QStringLiteral("FAIL");
    return QStringLiteral("[%1/%2] row %3 %4: %5, %6 ms%7")
        .arg(done)
        .arg(total)
        .arg(row + 1)
        .arg(r.target, verdict)
        .arg(r.latencyMs, 0, 'f', 0)
        .arg(eta >= 0 ? QStringLiteral(", ETA %1 s").arg(eta, 0, 'f', 0) : QString());
}

int runCommand(const QStringList& args) {
    QCommandLineParser p;
    p.addPositionalArgument(QStringLiteral("template"), QStringLiteral("TEMPLATE.json"));
    p.addOptions({
        {QStringLiteral("dataset"), QStringLiteral("CSV or JSONL dataset"), QStringLiteral("FILE")},
        {{QStringLiteral("m"), QStringLiteral("model")},
         QStringLiteral("target (catalog name, .gguf path or URL); repeatable"),
         QStringLiteral("TARGET")},
        {QStringLiteral("out"), QStringLiteral("write results (.csv: CSV, else JSONL)"),
         QStringLiteral("FILE")},
        {QStringLiteral("max-rows"), QStringLiteral("use only the first N rows"),
         QStringLiteral("N")},
        {QStringLiteral("set-baseline"),
         QStringLiteral("mark this template version as the baseline for regressions")},
        {QStringLiteral("finetune"),
         QStringLiteral("write the passing outputs as OpenAI chat fine-tuning JSONL"),
         QStringLiteral("FILE")},
        {QStringLiteral("finetune-target"),
         QStringLiteral("target whose outputs form the fine-tuning set (default: the first)"),
         QStringLiteral("TARGET")},
        {QStringLiteral("scrub-pii"), QStringLiteral("remove PII from the fine-tuning set")},
        {{QStringLiteral("t"), QStringLiteral("threads")},
         QStringLiteral("CPU threads for local targets"),
         QStringLiteral("N")},
        {{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("show this help")},
    });
    if (!p.parse(QStringList{QStringLiteral("hearth playground run")} + args))
        return fail(2, p.errorText());
    if (p.isSet(QStringLiteral("help"))) {
        std::printf("%s\n\n%s", qPrintable(kUsage), qPrintable(p.helpText()));
        return 0;
    }
    if (p.positionalArguments().size() != 1)
        return fail(2, QStringLiteral("playground run needs one TEMPLATE.json\n") + kUsage);
    if (!p.isSet(QStringLiteral("dataset")))
        return fail(2, QStringLiteral("playground run needs --dataset FILE"));
    QStringList addresses = p.values(QStringLiteral("model"));
    if (addresses.isEmpty())
        return fail(2, QStringLiteral("playground run needs at least one -m TARGET"));
    if (addresses.removeDuplicates() > 0) return fail(2, QStringLiteral("a target is given twice"));
    int maxRows = 0, threads = 0;
    bool ok = true;
    if (p.isSet(QStringLiteral("max-rows")) &&
        ((maxRows = p.value(QStringLiteral("max-rows")).toInt(&ok)), !ok || maxRows <= 0))
        return fail(2, QStringLiteral("--max-rows must be a positive number"));
    if (p.isSet(QStringLiteral("threads")) &&
        ((threads = p.value(QStringLiteral("threads")).toInt(&ok)), !ok || threads <= 0))
        return fail(2, QStringLiteral("--threads must be a positive number"));
    const QString finetuneTarget = p.isSet(QStringLiteral("finetune-target"))
                                       ? p.value(QStringLiteral("finetune-target"))
                                       : addresses.first();
    if (!addresses.contains(finetuneTarget))
        return fail(2, QStringLiteral("--finetune-target %1 is not one of the -m targets")
                           .arg(finetuneTarget));
    const TextScrubber scrub = p.isSet(QStringLiteral("scrub-pii")) ? piiScrubber() : nullptr;

    // Template.
    const QString templatePath = p.positionalArguments().first();
    QFile templateFile(templatePath);
    if (!templateFile.open(QIODevice::ReadOnly))
        return fail(
            1, QStringLiteral("cannot read %1: %2").arg(templatePath, templateFile.errorString()));
    QString error;
    std::optional<PromptTemplate> tmpl =
        PromptTemplate::fromJsonBytes(templateFile.readAll(), &error);
    if (!tmpl) return fail(1, QStringLiteral("%1: %2").arg(templatePath, error));
    if (!validateAssertions(tmpl->assertions, &error))
        return fail(1, QStringLiteral("%1: %2").arg(templatePath, error));
    if (tmpl->name.isEmpty()) tmpl->name = QFileInfo(templatePath).completeBaseName();

    // Dataset: bad rows are reported and skipped.
    const QString datasetPath = p.value(QStringLiteral("dataset"));
    DatasetImport data = importDatasetFile(datasetPath);
    if (!data.fatal.isEmpty())
        return fail(1, QStringLiteral("%1: %2").arg(datasetPath, data.fatal));
    for (const RowError& e : std::as_const(data.errors))
        std::fprintf(stderr, "hearth: %s line %d: %s (row skipped)\n",
                     qPrintable(QFileInfo(datasetPath).fileName()), e.line, qPrintable(e.message));
    if (data.rows.isEmpty())
        return fail(1, QStringLiteral("%1 has no usable rows").arg(datasetPath));
    for (const QString& name : placeholderNames(tmpl->userPrompt))
        if (!data.columns.contains(name))
            return fail(1,
                        QStringLiteral("template variable '%1' is not a column of %2 (columns: %3)")
                            .arg(name, datasetPath, data.columns.join(QStringLiteral(", "))));

    std::unique_ptr<store::StoreDatabase> db;
    QJsonObject runParameters;
    if (maxRows > 0) runParameters.insert(QStringLiteral("max_rows"), maxRows);
    QVector<TargetSpec> specs;
    SavedVersion saved;
    store::DatasetRecord dataset;
    RunChoice choice;
    QVector<store::DatasetRow> rows;
    try {
        db = store::StoreDatabase::open(store::StoreDatabase::defaultPath());
        for (const QString& address : addresses) {
            TargetSpec spec;
            if (!targetSpecFor(address, &spec, &error, db->endpoints())) return fail(1, error);
            specs.append(spec);
        }
        saved = saveTemplateVersion(*db, *tmpl);
        dataset = storeDataset(*db, QFileInfo(datasetPath).fileName(), data);
        rows = db->datasetRows(dataset.id);
        if (maxRows > 0 && rows.size() > maxRows) rows.resize(maxRows);
        choice = findOrCreateRun(*db, saved.version.id, dataset.id, addresses, runParameters);
    } catch (const store::StoreException& e) {
        return fail(1, QStringLiteral("database: ") + e.error().message);
    }
    std::fprintf(stderr,
                 "hearth: template '%s' version %d%s, %lld rows x %lld targets, run %lld%s\n",
                 qPrintable(tmpl->name), saved.version.version, saved.created ? " (new)" : "",
                 static_cast<long long>(rows.size()), static_cast<long long>(specs.size()),
                 static_cast<long long>(choice.run.id), choice.resumed ? " (resuming)" : "");

    QHash<store::Id, int> rowIndex;
    for (const store::DatasetRow& row : rows)
        rowIndex.insert(row.id, row.rowIndex);
    BatchRunner runner(db.get(), defaultTargetFactory(threads));
    int exitCode = 0;
    store::RunStatus status = store::RunStatus::Done;
    double lastEta = -1;
    QObject::connect(&runner, &BatchRunner::progress, [&](int, int, double eta) { lastEta = eta; });
    QObject::connect(&runner, &BatchRunner::cellFinished, [&](const store::RunResultRecord& r) {
        // progress() for this cell came just before it.
        std::fprintf(stderr, "%s\n",
                     qPrintable(cellLine(runner.doneCells(), runner.totalCells(), lastEta, r,
                                         rowIndex.value(r.datasetRowId))));
    });
    QObject::connect(
        &runner, &BatchRunner::targetFailed, [&](const QString& target, const QString& message) {
            std::fprintf(stderr, "hearth: %s: %s\n", qPrintable(target), qPrintable(message));
            exitCode = 1;
        });
    QObject::connect(&runner, &BatchRunner::finished, [&](store::RunStatus s) {
        status = s;
        QCoreApplication::quit();
    });
    if (choice.resumed)
        std::fprintf(stderr, "hearth: resuming run %lld\n", static_cast<long long>(choice.run.id));
    std::signal(SIGINT, onPlaygroundInterrupt);
    QTimer stopPoll;
    QObject::connect(&stopPoll, &QTimer::timeout, [&] {
        if (g_stop.load()) runner.cancel();
    });
    stopPoll.start(50);
    runner.start(choice.run.id, *tmpl, rows, specs);
    if (runner.isRunning()) QCoreApplication::exec();
    std::signal(SIGINT, SIG_DFL);
    if (runner.skippedAtStart() > 0)
        std::fprintf(stderr, "hearth: %d cells were already done and were not run again\n",
                     runner.skippedAtStart());

    try {
        QVector<store::RunResultRecord> results = db->runResults(choice.run.id);
        // --max-rows may cut a stored dataset: summarise only this run's rows.
        results.erase(
            std::remove_if(results.begin(), results.end(),
                           [&](const auto& r) { return !rowIndex.contains(r.datasetRowId); }),
            results.end());
        const QVector<TargetSummary> summaries = summarize(results, addresses);
        QTextStream(stdout) << formatSummaryTable(summaries);
        for (const store::RunResultRecord& r : std::as_const(results))
            if (r.passed == 0) exitCode = 1;

        // Regression gate: compare with the baseline version's latest finished run.
        const store::Id baseline = db->baselineVersion(saved.templateId);
        if (baseline != 0 && baseline != saved.version.id) {
            const store::RunRecord before = latestDoneRun(*db, baseline, dataset.id);
            if (before.id == 0) {
                std::fprintf(stderr,
                             "hearth: the baseline version has no finished run on this dataset\n");
            } else {
                const QVector<Regression> regressions = findRegressions(
                    db->runResults(before.id), results, rowIndexById(*db, dataset.id));
                QTextStream(stdout) << QStringLiteral("regressions vs baseline version %1: %2\n")
                                           .arg(db->templateVersion(baseline).version)
                                           .arg(regressions.size());
                for (const Regression& r : regressions)
                    QTextStream(stdout) << QStringLiteral("  row %1 %2: pass -> fail (%3)\n")
                                               .arg(r.rowIndex + 1)
                                               .arg(r.target, r.detail);
                if (!regressions.isEmpty()) exitCode = 1;
            }
        }
        if (p.isSet(QStringLiteral("set-baseline")) && status == store::RunStatus::Done)
            db->setBaseline(saved.templateId, saved.version.id);

        if (p.isSet(QStringLiteral("out"))) {
            const QString out = p.value(QStringLiteral("out"));
            const QByteArray bytes = out.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive)
                                         ? resultsToCsv(rows, results)
                                         : resultsToJsonl(rows, results);
            if (!writeFile(out, bytes, &error)) return fail(1, error);
        }
        if (p.isSet(QStringLiteral("finetune"))) {
            int count = 0;
            const QByteArray bytes =
                fineTuningJsonl(*tmpl, rows, results, finetuneTarget, scrub, &count);
            if (!writeFile(p.value(QStringLiteral("finetune")), bytes, &error))
                return fail(1, error);
            std::fprintf(stderr, "hearth: %d fine-tuning examples from %s\n", count,
                         qPrintable(finetuneTarget));
        }
    } catch (const store::StoreException& e) {
        return fail(1, QStringLiteral("database: ") + e.error().message);
    }
    if (status == store::RunStatus::Cancelled)
        return fail(130, QStringLiteral("stopped; run the same command again to resume"));
    if (status == store::RunStatus::Failed) exitCode = 1;
    return exitCode;
}

int diffCommand(const QStringList& args) {
    if (args.size() != 1 && args.size() != 3)
        return fail(2, QStringLiteral("playground diff needs NAME, or NAME FROM TO\n") + kUsage);
    try {
        auto db = store::StoreDatabase::open(store::StoreDatabase::defaultPath());
        store::Id templateId = 0;
        for (const store::PromptTemplateRecord& t : db->templates())
            if (t.name == args[0]) templateId = t.id;
        if (templateId == 0) return fail(1, QStringLiteral("no stored template '%1'").arg(args[0]));
        const QVector<store::TemplateVersionRecord> versions = db->templateVersions(templateId);
        int from = int(versions.size()) - 1, to = int(versions.size());
        if (args.size() == 3) {
            bool okFrom = false, okTo = false;
            from = args[1].toInt(&okFrom);
            to = args[2].toInt(&okTo);
            if (!okFrom || !okTo) return fail(2, QStringLiteral("versions are numbers: FROM TO"));
        }
        const store::TemplateVersionRecord* a = nullptr;
        const store::TemplateVersionRecord* b = nullptr;
        for (const store::TemplateVersionRecord& v : versions) {
            if (v.version == from) a = &v;
            if (v.version == to) b = &v;
        }
        if (!a || !b)
            return fail(1, QStringLiteral("template '%1' has versions 1 to %2")
                               .arg(args[0])
                               .arg(versions.size()));
        QTextStream out(stdout);
        out << QStringLiteral("version %1 (%2) -> version %3 (%4)\n")
                   .arg(a->version)
                   .arg(a->message)
                   .arg(b->version)
                   .arg(b->message);
        const QString diff = formatDiff(diffTemplates(PromptTemplate::fromVersion(args[0], *a),
                                                      PromptTemplate::fromVersion(args[0], *b)));
        out << (diff.isEmpty() ? QStringLiteral("(no changes)\n") : diff);
        return 0;
    } catch (const store::StoreException& e) {
        return fail(1, QStringLiteral("database: ") + e.error().message);
    }
}

}  // namespace

int cmdPlayground(const QStringList& args) {
    if (args.isEmpty() || args[0] == QLatin1String("--help") || args[0] == QLatin1String("-h")) {
        QTextStream(args.isEmpty() ? stderr : stdout) << kUsage << '\n';
        return args.isEmpty() ? 2 : 0;
    }
    if (args[0] == QLatin1String("run")) return runCommand(args.mid(1));
    if (args[0] == QLatin1String("diff")) return diffCommand(args.mid(1));
    return fail(2, QStringLiteral("unknown playground subcommand '%1'\n").arg(args[0]) + kUsage);
}

}  // namespace hearth::cli
