#pragma once
// Small helpers shared by the store tests.
#include <QCryptographicHash>
#include <QFile>
#include <QString>
#include <QTemporaryDir>
#include <QTest>

#include "core/store/store_database.h"

namespace hearth::store::test {

inline QByteArray fileBytes(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

inline void writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), bytes.size());
}

inline NewMessage userMessage(Id conversation, Id parent, const QString& content) {
    NewMessage m;
    m.conversationId = conversation;
    m.parentId = parent;
    m.role = Role::User;
    m.content = content;
    return m;
}

inline NewMessage replyTo(Id conversation, Id parent,
                          const QString& target = QStringLiteral("smollm2")) {
    NewMessage m;
    m.conversationId = conversation;
    m.parentId = parent;
    m.role = Role::Assistant;
    m.target = target;
    return m;
}

// Creates a fixed clock the test can advance.
struct FakeClock {
    qint64 now = 1'700'000'000'000;  // Nov 2023
    std::function<qint64()> fn() {
        return [this] { return now; };
    }
};

}  // namespace hearth::store::test
