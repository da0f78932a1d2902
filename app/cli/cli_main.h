#pragma once

namespace hearth::cli {
// Dispatches subcommands; with no subcommand starts the GUI. Returns the process exit code.
int main(int argc, char** argv);
}
