#pragma once
// The "closed cleanly" mark beside the database (PATH.clean). PRAGMA quick_check reads every
// page, which at 100 000 messages costs more than the whole conversation list, so it runs only
// when the file may be damaged: after a crash (the mark is removed while a writer has the file
// open), or when the file changed since our last clean close (size, mtime or header differ).
// A file scribbled over by something other than SQLite changes its mtime and so is checked.
#include <QString>

namespace hearth::store::clean_mark {

// Records the file's fingerprint; only when no -wal is left (we were the last connection and
// SQLite checkpointed and removed it), otherwise the next open checks.
void write(const QString& databasePath);

// True when the mark exists, no non-empty -wal is beside the file and the fingerprint matches.
bool matches(const QString& databasePath);

void remove(const QString& databasePath);

}  // namespace hearth::store::clean_mark
