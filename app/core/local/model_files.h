#pragma once
// Where installed models live and how a catalog name becomes a file. A stand-in for the
// model store (app/core/model_store) until it lands: the models directory is
// $HEARTH_MODELS_DIR or $XDG_DATA_HOME/hearth/models (default ~/.local/share/hearth/models)
// and every *.gguf in
// it is an installed model whose name is the file stem.
#include <QString>
#include <QVector>

namespace hearth::local {

struct InstalledModel {
    QString name;  // file stem, e.g. "smollm2-135m-instruct-q4_1"
    QString path;  // absolute path of the .gguf
    qint64 sizeBytes = 0;
};

QString modelsDir();
QVector<InstalledModel> installedModels();  // sorted by name

// Accepts an absolute/relative path to an existing file, an installed model's exact name,
// or a catalog name that is a prefix of exactly one installed file stem
// ("smollm2-135m-instruct" -> "smollm2-135m-instruct-q4_1.gguf"). Empty when not found.
QString resolveModelFile(const QString& nameOrPath);

}  // namespace hearth::local
