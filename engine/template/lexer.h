#pragma once
// Splits a Jinja template into text and tag tokens, applying the whitespace rules of
// Hugging Face's environment: trim_blocks (drop the newline after a block/comment tag),
// lstrip_blocks (drop indentation before a block/comment tag that starts a line),
// keep_trailing_newline=False, and the explicit "-" / "+" modifiers. Newlines are
// normalised to "\n" first, as jinja2 does. Comments are dropped; raw blocks become text.
#include <string>
#include <string_view>
#include <vector>

namespace hearth::jinja {

enum class TokenType {
    text,         // template data between tags
    var_begin,    // {{
    var_end,      // }}
    block_begin,  // {%
    block_end,    // %}
    name,
    string,  // value already unescaped (Python string-literal escapes)
    integer,
    floating,
    op,  // operator or punctuation: + - * / // % ** ~ == != < > <= >= = . : | , ( ) [ ] { }
    eof,
};

struct Token {
    TokenType type;
    std::string value;
    int line;
};

// Throws hearth::Error(template_error, "line N: ...") on malformed input (unterminated
// tag, comment or string, unbalanced brackets, stray characters).
std::vector<Token> tokenize(std::string_view source);

}  // namespace hearth::jinja
