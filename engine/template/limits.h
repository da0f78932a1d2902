#pragma once
// Sandbox limits for rendering a template; exceeding one throws
// hearth::Error(limit_exceeded). Defaults are far above what real chat templates need.
#include <cstddef>
#include <cstdint>

namespace hearth::jinja {

struct Limits {
    int64_t max_loop_iterations = 1'000'000;
    int max_depth = 256;                  // macro calls and nested statements
    size_t max_output_bytes = 16u << 20;  // any one string, the output included
    size_t max_list_items = 1u << 20;
    int64_t max_work = 200'000'000;  // roughly: values touched
};

}  // namespace hearth::jinja
