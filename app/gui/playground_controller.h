#pragma once
// PlaygroundController: the facade behind the Playground page. It holds the template being
// edited, the targets and the dataset, and hands each run to a core PlaygroundSession on a
// worker thread of its own: the session owns the playground's database connection and the
// BatchRunner, so the GUI thread never waits on the store or a target. The controller
// sends it queued calls carrying values and fills the results grid and the summary in the
// slots its signals queue back here. Everything a CLI user also needs (versions, resume,
// assertions, summaries) is core code; this class only wires it to QML.
#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QThread>

#include "core/playground/dataset_import.h"
#include "core/playground/playground_session.h"
#include "gui/playground_models.h"

namespace hearth::gui {

class PlaygroundController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString templateName MEMBER templateName_ NOTIFY templateChanged)
    Q_PROPERTY(QString systemPrompt MEMBER systemPrompt_ NOTIFY templateChanged)
    Q_PROPERTY(QString userPrompt MEMBER userPrompt_ NOTIFY templateChanged)
    Q_PROPERTY(QString assertionsText MEMBER assertionsText_ NOTIFY templateChanged)
    Q_PROPERTY(int maxTokens MEMBER maxTokens_ NOTIFY templateChanged)
    Q_PROPERTY(QAbstractItemModel* fewShot READ fewShot CONSTANT)
    Q_PROPERTY(QStringList targets READ targets NOTIFY targetsChanged)
    Q_PROPERTY(QString datasetPath READ datasetPath NOTIFY datasetChanged)
    Q_PROPERTY(QString datasetInfo READ datasetInfo NOTIFY datasetChanged)
    Q_PROPERTY(QAbstractItemModel* results READ results CONSTANT)
    Q_PROPERTY(QAbstractItemModel* summary READ summary CONSTANT)
    Q_PROPERTY(bool running READ running NOTIFY runningChanged)
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged)
    Q_PROPERTY(QString progressText READ progressText NOTIFY progressChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorChanged)
    Q_PROPERTY(QString versionText READ versionText NOTIFY versionChanged)
    Q_PROPERTY(QString exportText READ exportText NOTIFY exportChanged)
    Q_PROPERTY(QString compareText READ compareText NOTIFY compareChanged)
public:
    explicit PlaygroundController(QObject* parent = nullptr);
    ~PlaygroundController() override;

    QAbstractItemModel* fewShot() { return &fewShot_; }
    QAbstractItemModel* results() { return &results_; }
    QAbstractItemModel* summary() { return &summary_; }
    QStringList targets() const { return targets_; }
    QString datasetPath() const { return datasetPath_; }
    QString datasetInfo() const { return datasetInfo_; }
    bool running() const { return running_; }
    double progress() const { return progress_; }
    QString progressText() const { return progressText_; }
    QString errorText() const { return errorText_; }
    QString versionText() const { return versionText_; }
    QString exportText() const { return exportText_; }
    QString compareText() const { return compareText_; }

    Q_INVOKABLE void addExample(const QString& input, const QString& output);
    Q_INVOKABLE void removeExample(int row);
    Q_INVOKABLE void setExample(int row, const QString& input, const QString& output);
    // Returns false and sets errorText for an address that names nothing.
    Q_INVOKABLE bool addTarget(const QString& address);
    Q_INVOKABLE void removeTarget(int index);
    // CSV or JSONL; bad rows are counted in datasetInfo (with their lines), the rest load.
    Q_INVOKABLE bool loadDataset(const QString& pathOrUrl);
    // A template JSON file (hearth-prompt-template) into the editor.
    Q_INVOKABLE bool loadTemplate(const QString& pathOrUrl);
    // The example shipped in resources/playground (template and dataset).
    Q_INVOKABLE QString exampleDirectory() const;
    // Saves the template as a new version if it changed, then runs (or resumes) it over the
    // dataset on every target. `maxRows` 0 = all rows.
    Q_INVOKABLE bool run(int maxRows = 0);
    Q_INVOKABLE void cancel();
    Q_INVOKABLE void dismissError();
    // Writes the last run's results to a file (JSONL for .jsonl, else CSV) on the session's
    // thread; exportText says where once written. False (with errorText) while running or
    // before a run.
    Q_INVOKABLE bool exportResults(const QString& pathOrUrl);
    // Marks the last run's version as the baseline; later runs of other versions report
    // their pass -> fail cells against it in compareText.
    Q_INVOKABLE bool markBaseline();

Q_SIGNALS:
    void templateChanged();
    void targetsChanged();
    void datasetChanged();
    void runningChanged();
    void progressChanged();
    void errorChanged();
    void versionChanged();
    void exportChanged();
    void compareChanged();
    void runFinished();

private:
    bool buildTemplate(playground::PromptTemplate* out);
    void setError(const QString& text);
    void connectSession();
    void showSummary(const QVector<playground::TargetSummary>& summary);
    QStringList targetTitles() const;

    QString templateName_ = QStringLiteral("untitled"), systemPrompt_, userPrompt_,
            assertionsText_ = QStringLiteral("[]");
    int maxTokens_ = 128;
    FewShotModel fewShot_;
    ResultsGridModel results_;
    RunSummaryModel summary_;
    QStringList targets_;
    QVector<playground::TargetSpec> specs_;
    QJsonObject loadedParameters_;  // from loadTemplate(); max_tokens is edited separately
    QString datasetPath_, datasetInfo_;
    playground::DatasetImport dataset_;
    QStringList runTargets_, runTitles_;  // the columns of the run on screen
    QThread sessionThread_;
    playground::PlaygroundSession* session_;  // lives on sessionThread_, deleted there
    bool running_ = false;                    // from run() until finished or failed
    double progress_ = 0;
    QString progressText_, errorText_, versionText_, exportText_, compareText_;
};

}  // namespace hearth::gui
