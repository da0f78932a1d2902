#pragma once
// A model's chat template (Jinja), rendered the way Hugging Face transformers'
// apply_chat_template does: jinja2 sandbox with trim_blocks, lstrip_blocks, loop controls,
// the {% generation %} tag, and the globals raise_exception(msg) and strftime_now(fmt).
//
//   auto tmpl = hearth::ChatTemplate::parse(source);          // throws on syntax errors
//   std::string prompt = tmpl.render(context);                 // throws on render errors
//
// `context` is a JSON object whose keys become template variables: messages,
// add_generation_prompt, bos_token, eos_token, tools, and anything else passed.
// Errors: hearth::Error(template_error) for syntax/runtime errors and raise_exception(),
// hearth::Error(limit_exceeded) when a sandbox limit is hit. Rendering does no I/O.
// strftime_now() uses the environment variable HEARTH_NOW (ISO 8601, e.g.
// "2025-03-14T09:26:53") when set, else the current local time.
#include <memory>
#include <string>

#include "json/json.h"
#include "template/limits.h"

namespace hearth {

class ChatTemplate {
public:
    static ChatTemplate parse(std::string source);

    std::string render(const json::Value& context) const;

    void set_limits(const jinja::Limits& limits) { limits_ = limits; }
    const std::string& source() const;

private:
    struct Parsed;
    explicit ChatTemplate(std::shared_ptr<const Parsed> parsed) : parsed_(std::move(parsed)) {}

    std::shared_ptr<const Parsed> parsed_;  // immutable, shared by copies
    jinja::Limits limits_;
};

}  // namespace hearth
