#pragma once
// List models behind the Playground page. All three are changed only on the GUI thread (the
// PlaygroundController and the BatchRunner it drives live there).
//   FewShotModel       the template's worked examples (input, output)
//   ResultsGridModel   dataset rows x (input column + one column per target); a cell holds
//                      the streamed output and its verdict
//   RunSummaryModel    one row per target: pass rate, latency, speed, cost
#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>
#include <QAbstractTableModel>
#include <QHash>
#include <QVector>

#include "core/playground/prompt_template.h"
#include "core/playground/run_summary.h"
#include "core/store/store_types.h"

namespace hearth::gui {

class FewShotModel : public QAbstractListModel {
    Q_OBJECT
    QML_ANONYMOUS
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Roles { InputRole = Qt::UserRole + 1, OutputRole };
    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    Q_INVOKABLE void append(const QString& input, const QString& output);
    Q_INVOKABLE void remove(int row);
    Q_INVOKABLE void set(int row, const QString& input, const QString& output);
    const QVector<playground::FewShotExample>& examples() const { return examples_; }
    void reset(const QVector<playground::FewShotExample>& examples);

Q_SIGNALS:
    void countChanged();

private:
    QVector<playground::FewShotExample> examples_;
};

class ResultsGridModel : public QAbstractTableModel {
    Q_OBJECT
    QML_ANONYMOUS
public:
    // verdict: "pending", "running", "pass", "fail", "done" (no assertions), "error"
    enum Roles { VerdictRole = Qt::UserRole + 1, DetailRole, IsInputRole };
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // One grid row per dataset row (its input shown in column 0), one column per target.
    void reset(const QVector<store::DatasetRow>& rows, const QStringList& inputs,
               const QStringList& targets, const QStringList& targetTitles);
    void cellStarted(store::Id rowId, const QString& target);
    void appendPiece(store::Id rowId, const QString& target, const QString& piece);
    void setResult(const store::RunResultRecord& result);
    Q_INVOKABLE QString verdictAt(int row, int column) const;

private:
    struct Cell {
        QString text, verdict = QStringLiteral("pending"), detail;
    };
    QModelIndex cellIndex(store::Id rowId, const QString& target) const;

    QStringList inputs_, targets_, titles_;
    QHash<store::Id, int> rowOf_;
    QVector<QVector<Cell>> cells_;  // [row][target]
};

class RunSummaryModel : public QAbstractListModel {
    Q_OBJECT
    QML_ANONYMOUS
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Roles {
        TargetRole = Qt::UserRole + 1,
        PassRateRole,  // text, e.g. "4/5 (80%)"
        MeanLatencyRole,
        P95LatencyRole,
        TokensPerSRole,
        CostRole,
        CostPerPassedRole
    };
    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    void reset(const QVector<playground::TargetSummary>& summaries, const QStringList& titles);

Q_SIGNALS:
    void countChanged();

private:
    QVector<playground::TargetSummary> rows_;
    QStringList titles_;
};

}  // namespace hearth::gui
