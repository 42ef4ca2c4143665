#!/usr/bin/python3
"""Render chat templates the way Hugging Face transformers does, with Python's jinja2.

Called by make_token_goldens.mjs (run it with Debian's /usr/bin/python3 and python3-jinja2).
Reads one JSON request on stdin:

    {"templates": {"<name>": {"dir": "<tokenizer folder>", "turn_end": "<|im_end|>"}, ...},
     "conversations": [{"name", "messages", "tools"?}, ...]}

and writes one JSON answer on stdout (ASCII-escaped, so no encoding questions on the pipe):

    {"versions": {...},
     "results": {"<template>": {"<conversation name>": {"text": ..., "assistant_spans": [...]}
                                 or {"error": "..."}}}}

The environment copies transformers' chat-template setup (ImmutableSandboxedEnvironment,
trim_blocks, lstrip_blocks, loopcontrols, raise_exception, strftime_now, tojson with
ensure_ascii=False) and passes the tokenizer's special tokens as transformers'
special_tokens_map does. Offsets are Python str indices, i.e. Unicode code points.
"""

import json
import platform
import sys
from datetime import datetime

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

# transformers: SpecialTokensMixin.SPECIAL_TOKENS_ATTRIBUTES
SPECIAL_TOKEN_ATTRIBUTES = [
    "bos_token", "eos_token", "unk_token", "sep_token",
    "pad_token", "cls_token", "mask_token", "additional_special_tokens",
]


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent,
                      separators=separators, sort_keys=sort_keys)


def strftime_now(format):
    return datetime.now().strftime(format)


def compile_template(source):
    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env.from_string(source)


def token_text(value):
    """A special token in tokenizer_config.json: a string or an AddedToken object."""
    if isinstance(value, dict):
        return value.get("content")
    return value


def special_tokens(config):
    out = {}
    for key in SPECIAL_TOKEN_ATTRIBUTES:
        value = config.get(key)
        if key == "additional_special_tokens":
            if value:
                out[key] = [token_text(v) for v in value]
        else:
            value = token_text(value)
            if value:  # transformers leaves unset (None) tokens out of the map
                out[key] = value
    return out


def find_span(text, content, start_from):
    """Where the template wrote an assistant message's content, searching from start_from.

    Templates may write the content verbatim, stripped (Gemma 3 and Llama 3.1: `| trim`),
    with leading newlines removed (Qwen3, last turn: `content.lstrip('\\n')`) or with the
    reasoning before `</think>` moved out (Qwen3). The earliest match wins; at equal
    positions the longer form wins.
    """
    forms = [
        ("verbatim", content),
        ("strip", content.strip()),
        ("lstrip_newlines", content.lstrip("\n")),
        ("strip_newlines", content.strip("\n")),
    ]
    if "</think>" in content:
        forms.append(("after_think", content.split("</think>")[-1].lstrip("\n")))
    best = None
    for kind, form in forms:
        if not form:
            continue
        at = text.find(form, start_from)
        if at < 0:
            continue
        if best is None or at < best[1] or (at == best[1] and len(form) > len(best[2])):
            best = (kind, at, form)
    return best


def render_conversation(template, tokens, conversation, turn_end):
    messages = conversation["messages"]
    tools = conversation.get("tools")

    def render(msgs, add_generation_prompt):
        return template.render(messages=msgs, tools=tools, documents=None,
                               add_generation_prompt=add_generation_prompt, **tokens)

    text = render(messages, False)
    spans = []
    search_from = 0
    for index, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        prefix = render(messages[:index], True)
        prefix_matches = text.startswith(prefix)
        start_from = len(prefix) if prefix_matches else search_from
        found = find_span(text, message["content"], start_from)
        if found is None:
            raise ValueError(f"assistant message {index} not found in the rendered text")
        kind, at, form = found
        end = at + len(form)
        spans.append({
            "message_index": index,
            "start": at,
            "end": end,
            "prefix_matches": prefix_matches,
            "prefix_end": len(prefix) if prefix_matches else None,
            "written_as": kind,
            "closed_by": turn_end if text.startswith(turn_end, end) else None,
        })
        search_from = end
    return {"text": text, "assistant_spans": spans}


def main():
    request = json.load(sys.stdin)
    results = {}
    for name, spec in request["templates"].items():
        with open(f"{spec['dir']}/tokenizer_config.json", encoding="utf-8") as f:
            config = json.load(f)
        template = compile_template(config["chat_template"])
        tokens = special_tokens(config)
        per_template = {}
        for conversation in request["conversations"]:
            try:
                per_template[conversation["name"]] = render_conversation(
                    template, tokens, conversation, spec["turn_end"])
            except jinja2.exceptions.TemplateError as e:
                per_template[conversation["name"]] = {"error": f"TemplateError: {e}"}
        results[name] = per_template
    json.dump({
        "versions": {"python": platform.python_version(), "jinja2": jinja2.__version__},
        "results": results,
    }, sys.stdout, ensure_ascii=True)


if __name__ == "__main__":
    main()
