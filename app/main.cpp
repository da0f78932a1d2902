// hearth: with no arguments opens the window; with a subcommand runs it without a display.
#include "cli/cli_main.h"

int main(int argc, char** argv) { return hearth::cli::main(argc, argv); }
