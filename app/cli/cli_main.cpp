#include "cli/cli_main.h"

namespace hearth::cli {
int main(int, char**) { return 0; }
}  // namespace hearth::cli
