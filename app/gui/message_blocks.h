#pragma once
// Splits a message into prose and fenced code blocks so the view can give every code
// block its own monospace delegate with a copy button, while prose goes to Qt's Markdown
// renderer. Only the fence lines are recognised here (``` or ~~~, 3+ characters, optional
// info string, closed by a fence of the same character at least as long); everything else
// is left to the Markdown library. An unclosed fence (a reply still streaming) runs to the
// end and is marked open.
#include <QString>
#include <QVariantList>
#include <QVector>

namespace hearth::gui {

struct MessageBlock {
    enum class Kind { Markdown, Code };
    Kind kind = Kind::Markdown;
    QString text;       // Markdown source, or the code without its fences
    QString language;   // first word of the info string, code only
    bool open = false;  // code fence not closed yet
};

QVector<MessageBlock> splitMessageBlocks(const QString& content);
// [{kind: "markdown"|"code", text, language, open}, ...] for QML.
QVariantList messageBlocksForQml(const QString& content);

}  // namespace hearth::gui
