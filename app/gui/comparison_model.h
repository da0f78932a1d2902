#pragma once
// ComparisonModel: the results of quantization comparisons (one row per candidate scored
// against its base) for the models page's table and bar chart. The chart scales bars by
// maxSize / maxKld / maxSpeed. Rows are appended on the GUI thread only.
#include <QtQml/qqmlregistration.h>

#include <QAbstractListModel>
#include <QVector>

#include "core/models/quant_worker.h"

namespace hearth::gui {

class ComparisonModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by ModelsController")
    Q_PROPERTY(int count READ rowCount NOTIFY changed)
    Q_PROPERTY(double maxSize READ maxSize NOTIFY changed)
    Q_PROPERTY(double maxKld READ maxKld NOTIFY changed)
    Q_PROPERTY(double maxSpeed READ maxSpeed NOTIFY changed)
public:
    enum Roles {
        LabelRole = Qt::UserRole + 1,  // candidate file name
        TypeRole,
        SizeRole,  // bytes (double for QML)
        SizeTextRole,
        BaseSizeTextRole,
        MeanKldRole,
        MaxKldRole,
        PerplexityRole,
        BasePerplexityRole,
        Top1Role,
        SpeedRole,
        BaseSpeedRole
    };

    explicit ComparisonModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Replaces an earlier row for the same candidate file.
    void add(const ComparisonRow& row);
    double maxSize() const;
    double maxKld() const;
    double maxSpeed() const;

Q_SIGNALS:
    void changed();

private:
    QVector<ComparisonRow> rows_;
};

}  // namespace hearth::gui
