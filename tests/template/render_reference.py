#!/usr/bin/env python3
"""Renders every chat template x conversation with Python jinja2, configured the way
Hugging Face transformers' apply_chat_template configures it, and writes the results as
JSON: {"now": ..., "results": {template: {conversation: {"output": str} | {"error": str}}}}.

Usage: render_reference.py TEMPLATE_DIR CONVERSATIONS.json OUT.json

strftime_now() is frozen at HEARTH_NOW (default 2025-03-14T09:26:53) so outputs are stable.
"""
import datetime
import json
import os
import pathlib
import sys

from jinja2 import nodes
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

DEFAULT_NOW = "2025-03-14T09:26:53"


class GenerationBlock(Extension):
    """`{% generation %}...{% endgeneration %}` renders its body unchanged."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        call = self.call_method("_passthrough")
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _passthrough(self, caller):
        return caller()


class TemplateRaised(Exception):
    pass


def make_environment(now):
    def raise_exception(message):
        raise TemplateRaised(message)

    def strftime_now(fmt):
        return now.strftime(fmt)

    def tojson(value, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent,
                          separators=separators, sort_keys=sort_keys)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[GenerationBlock, loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def main():
    template_dir = pathlib.Path(sys.argv[1])
    conversations = json.loads(pathlib.Path(sys.argv[2]).read_text(encoding="utf-8"))
    out_path = pathlib.Path(sys.argv[3])
    now_text = os.environ.get("HEARTH_NOW") or DEFAULT_NOW
    env = make_environment(datetime.datetime.fromisoformat(now_text))

    results = {}
    for path in sorted(template_dir.glob("*.jinja")):
        source = path.read_text(encoding="utf-8")
        per_template = {}
        try:
            template = env.from_string(source)
        except Exception as e:  # a syntax error fails every conversation
            template = None
            parse_error = f"{type(e).__name__}: {e}"
        for conv in conversations["conversations"]:
            if template is None:
                per_template[conv["name"]] = {"error": parse_error}
                continue
            try:
                per_template[conv["name"]] = {"output": template.render(**conv["context"])}
            except Exception as e:
                per_template[conv["name"]] = {"error": f"{type(e).__name__}: {e}"}
        results[path.name] = per_template

    out_path.write_text(json.dumps({"now": now_text, "results": results}, ensure_ascii=False,
                                   indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
