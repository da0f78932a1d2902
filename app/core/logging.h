#pragma once
// Logging: spdlog to stderr (level from --verbose or HEARTH_LOG) and to a rotating file in
// $XDG_STATE_HOME/hearth/hearth.log. Qt's own messages are routed into the same logger so
// there is one stream to read when something goes wrong.
#include <QString>

namespace hearth {

// verbose: true forces debug on stderr. Otherwise HEARTH_LOG (trace|debug|info|warn|error|
// off) sets it; the default is warn, so a CLI's stdout/stderr stay clean. The file always
// gets info and above. Safe to call more than once (later calls only change the level).
void initLogging(bool verbose);

}  // namespace hearth
