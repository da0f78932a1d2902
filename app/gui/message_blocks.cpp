#include "gui/message_blocks.h"

#include <QStringList>
#include <QVariantMap>

namespace hearth::gui {

namespace {

struct Fence {
    QChar character;
    int length = 0;
    QString info;
};

// A fence line: up to 3 spaces, then 3+ backticks or tildes. Backtick fences may not have
// a backtick in their info string (that line is inline code, not a fence).
bool parseFence(const QString& line, Fence* fence) {
    int i = 0;
    while (i < line.size() && i < 3 && line[i] == QLatin1Char(' '))
        ++i;
    if (i >= line.size()) return false;
    const QChar c = line[i];
    if (c != QLatin1Char('`') && c != QLatin1Char('~')) return false;
    int n = 0;
    while (i + n < line.size() && line[i + n] == c)
        ++n;
    if (n < 3) return false;
    const QString info = line.mid(i + n).trimmed();
    if (c == QLatin1Char('`') && info.contains(QLatin1Char('`'))) return false;
    fence->character = c;
    fence->length = n;
    fence->info = info;
    return true;
}

void pushMarkdown(QVector<MessageBlock>& blocks, const QStringList& lines) {
    QString text = lines.join(QLatin1Char('\n'));
    if (text.trimmed().isEmpty()) return;
    blocks.push_back({MessageBlock::Kind::Markdown, text.trimmed(), {}, false});
}

}  // namespace

QVector<MessageBlock> splitMessageBlocks(const QString& content) {
    QVector<MessageBlock> blocks;
    const QStringList lines = content.split(QLatin1Char('\n'));
    QStringList prose, code;
    Fence open;
    bool inCode = false;
    for (const QString& line : lines) {
        Fence fence;
        if (!inCode) {
            if (parseFence(line, &fence)) {
                pushMarkdown(blocks, prose);
                prose.clear();
                open = fence;
                inCode = true;
            } else {
                prose << line;
            }
            continue;
        }
        if (parseFence(line, &fence) && fence.character == open.character &&
            fence.length >= open.length && fence.info.isEmpty()) {
            blocks.push_back({MessageBlock::Kind::Code, code.join(QLatin1Char('\n')),
                              open.info.section(QLatin1Char(' '), 0, 0), false});
            code.clear();
            inCode = false;
        } else {
            code << line;
        }
    }
    if (inCode)
        blocks.push_back({MessageBlock::Kind::Code, code.join(QLatin1Char('\n')),
                          open.info.section(QLatin1Char(' '), 0, 0), true});
    else
        pushMarkdown(blocks, prose);
    return blocks;
}

QVariantList messageBlocksForQml(const QString& content) {
    QVariantList out;
    for (const MessageBlock& block : splitMessageBlocks(content)) {
        out.push_back(QVariantMap{
            {QStringLiteral("kind"), block.kind == MessageBlock::Kind::Code
                                         ? QStringLiteral("code")
                                         : QStringLiteral("markdown")},
            {QStringLiteral("text"), block.text},
            {QStringLiteral("language"), block.language},
            {QStringLiteral("open"), block.open},
        });
    }
    return out;
}

}  // namespace hearth::gui
