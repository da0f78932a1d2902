#pragma once
// Recursive-descent parser for the Jinja subset chat templates use. Grammar and operator
// precedence follow jinja2; anything outside the subset (include, import, extends, block,
// recursive loops, unknown tags) is rejected here with "line N: ...".
#include <string_view>

#include "template/ast.h"

namespace hearth::jinja {

// Throws hearth::Error(template_error).
Body parse_template(std::string_view source);

}  // namespace hearth::jinja
