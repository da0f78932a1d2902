#pragma once
namespace hearth::gui {
int run(int argc, char** argv);
}
