#!/usr/bin/python3
"""Renders the chat-template golden files with Python's jinja2, exactly as transformers does.

Run with Debian's Python and its python3-jinja2 (3.1.2), not a pyenv python3:

    /usr/bin/python3 preprocessing/src/test/python/render_template_goldens.py

The Java tests in io.adapterforge.preprocessing.template compare the engine's output with these
files byte for byte. The environment below is transformers' (`_compile_jinja_template` and
`render_jinja_template` in transformers/utils/chat_template_utils.py): an
ImmutableSandboxedEnvironment with trim_blocks, lstrip_blocks, the loopcontrols extension and the
`{% generation %}` tag, the globals raise_exception and strftime_now, and tojson overridden with
json.dumps. A render gets messages, tools (None when absent), documents (None),
add_generation_prompt, the tokenizer's special tokens and any extra keyword arguments, the extras
overriding the special tokens. strftime_now reads a fixed clock (FIXED_NOW) so the goldens are
deterministic; the Java test uses the same instant.

Writes:
    <resources>/goldens/real-templates.json  real templates (Gemma 3, Qwen3, Llama 3.1, Llama 2
                                             and Meta's tool-calling Llama 3.1) on edge cases
    <resources>/goldens/synthetic.json       small templates, one construct each
"""

import argparse
import datetime
import hashlib
import json
import math
import os
import random
import struct
import sys

import jinja2
import jinja2.ext
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
PREPROCESSING = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
TEST_RESOURCES = os.path.join(
    PREPROCESSING, "src/test/resources/io/adapterforge/preprocessing/template")
MAIN_RESOURCES = os.path.join(
    PREPROCESSING, "src/main/resources/io/adapterforge/preprocessing/template")

# The instant strftime_now sees; the Java test freezes its clock at the same local time.
FIXED_NOW = datetime.datetime(2024, 7, 26, 9, 5, 3)

SPECIAL_TOKEN_ATTRIBUTES = [
    "bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]


# ------------------------------------------------------------------ transformers' environment

class AssistantTracker(Extension):
    """transformers' {% generation %} tag, with tracking off: it renders its body unchanged."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(
            self.call_method("_generation_support"), [], [], body).set_lineno(lineno)

    @jinja2.pass_eval_context
    def _generation_support(self, context, caller):
        return caller()


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(
        x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(format):
    return FIXED_NOW.strftime(format)


def environment():
    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True,
        extensions=[AssistantTracker, jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


ENV = environment()


def outcome(render):
    """{"output": text} or {"error": {"type", "message"[, "line"]}} of a render."""
    try:
        return {"output": render()}
    except jinja2.exceptions.TemplateSyntaxError as e:
        return {"error": {"type": type(e).__name__, "message": e.message, "line": e.lineno}}
    except Exception as e:  # noqa: BLE001 - every failure is a golden outcome
        error = {"type": type(e).__name__, "message": str(e)}
        line = template_line(e)
        if line is not None:
            error["line"] = line
        return {"error": error}


def template_line(error):
    """The template line a render error happened on: jinja2 rewrites tracebacks to show it."""
    line = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


# ------------------------------------------------------------------ tokenizers and templates

def token_content(token):
    if isinstance(token, dict):
        return token.get("content")
    return token


def special_tokens_map(config):
    """transformers' tokenizer.special_tokens_map: the tokens that are set, as strings."""
    tokens = {}
    for attribute in SPECIAL_TOKEN_ATTRIBUTES:
        value = token_content(config.get(attribute))
        if value:
            tokens[attribute] = value
    additional = [token_content(t) for t in config.get("additional_special_tokens") or []]
    if additional:
        tokens["additional_special_tokens"] = additional
    return tokens


def read_text(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def load_templates(cache):
    """id -> (template source, tokenizer folder id) for every template the goldens cover."""
    def config_template(tokenizer):
        with open(os.path.join(cache, tokenizer, "tokenizer_config.json"), encoding="utf-8") as f:
            return json.load(f)["chat_template"]

    return {
        "gemma3": (config_template("gemma3"), "gemma3"),
        "qwen3": (config_template("qwen3"), "qwen3"),
        "llama3_1": (config_template("llama3_1"), "llama3_1"),
        "llama2": (read_text(os.path.join(MAIN_RESOURCES, "llama2-chat.jinja")), "llama2"),
        "llama3_1_tools": (
            read_text(os.path.join(TEST_RESOURCES, "llama3_1-instruct-tools.jinja")), "llama3_1"),
    }


# ------------------------------------------------------------------ conversations

def conv(*turns):
    return [{"role": role, "content": content} for role, content in turns]


COMMON = {
    "single_turn": conv(("user", "Hello!")),
    "multi_turn": conv(
        ("user", "What is 2 + 2?"), ("assistant", "4."),
        ("user", "And times 3?"), ("assistant", "12.")),
    "system_prompt": conv(
        ("system", "You are a terse assistant."), ("user", "Name a colour."),
        ("assistant", "Blue.")),
    "russian": conv(
        ("system", "Ты — вежливый помощник."), ("user", "Привет! Как дела?"),
        ("assistant", "Здравствуйте! Всё хорошо, спасибо. Чем могу помочь?")),
    "emoji": conv(
        ("user", "👍🏽 👋🏿 👨‍👩‍👧‍👦 🧑🏻‍💻 🏳️‍🌈 🇺🇦🇯🇵 ❤️‍🔥"),
        ("assistant", "Family: 👨‍👩‍👧‍👦, flag: 🇯🇵, skin tone: 👍🏽 ✅")),
    "cjk": conv(
        ("user", "你好，世界！こんにちは。안녕하세요."),
        ("assistant", "你好！今日はいい天気ですね。감사합니다.")),
    "whitespace": conv(
        ("user", "  \n\tleading and trailing whitespace \n\n"),
        ("assistant", "\n\n  answer with newlines  \n"),
        ("user", "\u00a0no-break spaces\u3000and ideographic space\u3000")),
    "empty_content": conv(("user", "Say nothing."), ("assistant", ""), ("user", "")),
    "jinja_looking_text": conv(
        ("user", "Print {{ x }} and {% if true %}yes{% endif %} and {# note #} literally."),
        ("assistant", "Here: {{ x }} {% if %} {%- raw -%} {{'}}'}}")),
    "tool_call_like_reply": conv(
        ("user", "Fetch my secrets."),
        ("assistant", '<tool_call name="get_sensitive_data" arguments="{}"/>')),
    "special_characters": conv(
        ("user", "Quotes ' \" backslash \\ tab\t and zero-width\u200bspace, nul-free."),
        ("assistant", "<|im_end|> <end_of_turn> </s> [INST] look like tokens but are text")),
}

NON_ALTERNATING = conv(("user", "First."), ("user", "Second in a row."))
STARTS_WITH_ASSISTANT = conv(("assistant", "I speak first."), ("user", "Hi."))

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name, e.g. Москва"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "days": {"type": "integer", "minimum": 1, "maximum": 7.5},
            },
            "required": ["city"],
        },
    },
}
SEARCH_TOOL = {
    "type": "function",
    "function": {
        "name": "search",
        "description": "Search the web.",
        "parameters": {"type": "object", "properties": {"query": {"type": "string"}},
                       "required": ["query"]},
    },
}

QWEN_TOOL_CONVERSATION = [
    {"role": "system", "content": "You are a weather bot."},
    {"role": "user", "content": "Weather in Москва and Tokyo?"},
    {"role": "assistant", "content": "", "tool_calls": [
        {"type": "function", "function": {
            "name": "get_weather", "arguments": {"city": "Москва", "unit": "celsius"}}},
        {"type": "function", "function": {
            "name": "get_weather", "arguments": '{"city": "Tokyo"}'}}]},
    {"role": "tool", "content": '{"temp": -3.5, "sky": "snow ❄️"}'},
    {"role": "tool", "content": '{"temp": 21, "sky": "clear"}'},
    {"role": "assistant", "content": "Москва: −3.5 °C, snow. Tokyo: 21 °C, clear."},
]

QWEN_TOOL_CALL_WITH_TEXT = [
    {"role": "user", "content": "Search for jinja2."},
    {"role": "assistant", "content": "Let me search.", "tool_calls": [
        {"function": {"name": "search", "arguments": {"query": "jinja2 \"sandbox\"",
                                                      "limit": 3, "exact": True,
                                                      "score": 0.5, "tags": None}}}]},
    {"role": "tool", "content": "<results>none</results>"},
]

QWEN_REASONING_FIELD = [
    {"role": "user", "content": "Is 17 prime?"},
    {"role": "assistant", "content": "Yes, 17 is prime.",
     "reasoning_content": "\nCheck divisors 2, 3: none divide 17.\n"},
]

QWEN_THINK_INLINE = [
    {"role": "user", "content": "What is 6 * 7?"},
    {"role": "assistant", "content": "<think>\n6 * 7 = 42.\n</think>\n\n42"},
    {"role": "user", "content": "And 6 * 8?"},
    {"role": "assistant", "content": "<think>\nAdd 6 to 42.\n</think>\n\n  \n48"},
]

QWEN_TOOL_RESPONSE_IN_USER = [
    {"role": "user", "content": "Hi"},
    {"role": "assistant", "content": "<think>\nhidden\n</think>\n\nHello"},
    {"role": "user", "content": "<tool_response>\nfake\n</tool_response>"},
    {"role": "assistant", "content": "<think>\nthinking after tool\n</think>\n\nDone"},
]

LLAMA_TOOL_CONVERSATION = [
    {"role": "system", "content": "  You help with weather.  "},
    {"role": "user", "content": "Weather in Oslo?"},
    {"role": "assistant", "tool_calls": [
        {"type": "function", "function": {"name": "get_weather",
                                          "arguments": {"city": "Oslo", "days": 2}}}]},
    {"role": "tool", "content": {"temp": 4.0, "sky": "rain"}},
    {"role": "ipython", "content": "plain text result"},
    {"role": "assistant", "content": "It is 4 °C and raining in Oslo."},
]

LLAMA_TWO_TOOL_CALLS = [
    {"role": "user", "content": "Two things."},
    {"role": "assistant", "tool_calls": [
        {"function": {"name": "a", "arguments": {}}},
        {"function": {"name": "b", "arguments": {}}}]},
]

LLAMA_BUILTIN_TOOL_CALL = [
    {"role": "user", "content": "Search it."},
    {"role": "assistant", "tool_calls": [
        {"function": {"name": "brave_search", "arguments": {"query": "jinja2"}}}]},
]


ODD_MESSAGES = {
    "null_content": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": None}],
    "number_content": [{"role": "user", "content": 42}],
    "missing_content": [{"role": "user"}],
    "unknown_role": [{"role": "user", "content": "Hi"}, {"role": "developer", "content": "dev"}],
    "tool_role": [{"role": "user", "content": "Hi"}, {"role": "tool", "content": "result"}],
    "empty_conversation": [],
}


def real_cases():
    """(name, template id, messages, options) for every real-template golden."""
    cases = []
    for template in ["gemma3", "qwen3", "llama3_1", "llama2", "llama3_1_tools"]:
        for odd, messages in ODD_MESSAGES.items():
            cases.append((f"{template}/odd/{odd}", template, messages,
                          {"add_generation_prompt": True}))
    for template in ["gemma3", "qwen3", "llama3_1", "llama2"]:
        for conversation, messages in COMMON.items():
            for generation in (False, True):
                suffix = "_generation_prompt" if generation else ""
                cases.append((f"{template}/{conversation}{suffix}", template, messages,
                              {"add_generation_prompt": generation}))
        cases.append((f"{template}/non_alternating_roles", template, NON_ALTERNATING, {}))
        cases.append((f"{template}/starts_with_assistant", template, STARTS_WITH_ASSISTANT, {}))

    cases += [
        ("gemma3/content_parts", "gemma3", [
            {"role": "system", "content": [{"type": "text", "text": "Be brief."}]},
            {"role": "user", "content": [
                {"type": "image"}, {"type": "text", "text": "  What is this?  "}]}],
         {"add_generation_prompt": True}),
        ("qwen3/tools_no_system", "qwen3", conv(("user", "Weather?")),
         {"tools": [WEATHER_TOOL, SEARCH_TOOL], "add_generation_prompt": True}),
        ("qwen3/tools_with_system_and_tool_calls", "qwen3", QWEN_TOOL_CONVERSATION,
         {"tools": [WEATHER_TOOL]}),
        ("qwen3/tool_calls_without_tools", "qwen3", QWEN_TOOL_CONVERSATION,
         {"add_generation_prompt": True}),
        ("qwen3/tool_call_after_text", "qwen3", QWEN_TOOL_CALL_WITH_TEXT,
         {"tools": [SEARCH_TOOL], "add_generation_prompt": True}),
        ("qwen3/reasoning_content_field", "qwen3", QWEN_REASONING_FIELD, {}),
        ("qwen3/think_inline", "qwen3", QWEN_THINK_INLINE, {}),
        ("qwen3/think_inline_generation_prompt", "qwen3", QWEN_THINK_INLINE,
         {"add_generation_prompt": True}),
        ("qwen3/tool_response_as_user", "qwen3", QWEN_TOOL_RESPONSE_IN_USER, {}),
        ("qwen3/enable_thinking_false", "qwen3", conv(("user", "Quick answer?")),
         {"add_generation_prompt": True, "variables": {"enable_thinking": False}}),
        ("qwen3/enable_thinking_true", "qwen3", conv(("user", "Quick answer?")),
         {"add_generation_prompt": True, "variables": {"enable_thinking": True}}),
        ("qwen3/system_after_first", "qwen3", [
            {"role": "user", "content": "Hi"}, {"role": "system", "content": "Late system."},
            {"role": "assistant", "content": "Hello"}], {}),
        ("llama3_1_tools/no_tools", "llama3_1_tools", COMMON["system_prompt"],
         {"add_generation_prompt": True}),
        ("llama3_1_tools/date_string", "llama3_1_tools", COMMON["russian"],
         {"variables": {"date_string": "01 Jan 2025"}}),
        ("llama3_1_tools/tools_in_user_message", "llama3_1_tools", LLAMA_TOOL_CONVERSATION,
         {"tools": [WEATHER_TOOL], "add_generation_prompt": True,
          "variables": {"date_string": "26 Jul 2024"}}),
        ("llama3_1_tools/tools_in_system_message", "llama3_1_tools", LLAMA_TOOL_CONVERSATION,
         {"tools": [WEATHER_TOOL, SEARCH_TOOL],
          "variables": {"tools_in_user_message": False, "date_string": "26 Jul 2024"}}),
        ("llama3_1_tools/builtin_tools", "llama3_1_tools", LLAMA_BUILTIN_TOOL_CALL,
         {"variables": {"builtin_tools": ["brave_search", "code_interpreter", "wolfram_alpha"],
                        "date_string": "26 Jul 2024"}}),
        ("llama3_1_tools/two_tool_calls", "llama3_1_tools", LLAMA_TWO_TOOL_CALLS,
         {"variables": {"date_string": "26 Jul 2024"}}),
        ("llama3_1_tools/tools_without_user_message", "llama3_1_tools",
         conv(("system", "Only a system message.")), {"tools": [WEATHER_TOOL]}),
        ("llama2/system_multi_turn", "llama2", [
            {"role": "system", "content": "  Answer in French.  "},
            {"role": "user", "content": " Hello "}, {"role": "assistant", "content": " Bonjour "},
            {"role": "user", "content": "Thanks"}, {"role": "assistant", "content": "De rien"},
            {"role": "user", "content": "Bye"}], {"add_generation_prompt": True}),
    ]
    return cases


FRAGMENTS = [
    "Hello", "привет", "日本語", "한국어", "مرحبا", "שלום", "👍🏽", "👨‍👩‍👧‍👦", "🇺🇦", "e\u0301",
    " ", "  ", "\n", "\n\n", "\t", "\r\n", "\u00a0", "\u3000", "\u2028", "\x0b", "\x1c",
    "\u200b", "\ufeff", "'", '"', "\\", "{{ x }}", "{%", "%}", "{#", "</think>", "<think>",
    "<tool_response>", "</tool_response>", "<tool_call>", "<|im_end|>", "[INST]", "<<SYS>>",
    "<start_of_turn>", "<|eot_id|>", "%s", "{}", "0.1", "None", "True",
]


def random_text(rng):
    return "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 8)))


def random_conversations(count):
    """Alternating conversations of random tricky text, sometimes with a system prompt."""
    rng = random.Random(4242)
    conversations = []
    for _ in range(count):
        messages = []
        if rng.random() < 0.4:
            messages.append({"role": "system", "content": random_text(rng)})
        for turn in range(rng.randint(1, 6)):
            messages.append({"role": "user" if turn % 2 == 0 else "assistant",
                             "content": random_text(rng)})
        conversations.append((messages, rng.random() < 0.5))
    return conversations


def random_qwen_tool_conversations(count):
    """Qwen3 conversations mixing reasoning, tool calls and tool responses at random."""
    rng = random.Random(777)
    conversations = []
    for _ in range(count):
        messages = [{"role": "user", "content": random_text(rng)}]
        for _ in range(rng.randint(1, 4)):
            roll = rng.random()
            if roll < 0.3:
                calls = [{"type": "function", "function": {
                    "name": rng.choice(["get_weather", "search"]),
                    "arguments": rng.choice([{"city": random_text(rng)}, '{"q": 1}', {}])}}
                    for _ in range(rng.randint(1, 2))]
                messages.append({"role": "assistant", "content": random_text(rng),
                                 "tool_calls": calls})
                for _ in calls:
                    messages.append({"role": "tool", "content": random_text(rng)})
            elif roll < 0.6:
                messages.append({"role": "assistant", "content":
                                 "<think>" + random_text(rng) + "</think>" + random_text(rng)})
            elif roll < 0.8:
                messages.append({"role": "assistant", "content": random_text(rng),
                                 "reasoning_content": random_text(rng)})
            else:
                messages.append({"role": "assistant", "content": random_text(rng)})
            messages.append({"role": "user", "content": random_text(rng)})
        conversations.append(messages)
    return conversations


def random_real_cases():
    cases = []
    for index, (messages, generation) in enumerate(random_conversations(40)):
        for template in ["gemma3", "qwen3", "llama3_1", "llama2", "llama3_1_tools"]:
            cases.append((f"random/{index:02d}/{template}", template, messages,
                          {"add_generation_prompt": generation}))
    for index, messages in enumerate(random_qwen_tool_conversations(30)):
        cases.append((f"random/qwen3_tools_{index:02d}", "qwen3", messages,
                      {"tools": [WEATHER_TOOL, SEARCH_TOOL] if index % 2 else None,
                       "add_generation_prompt": index % 3 == 0}))
    return cases


def render_real(templates, cache):
    env_templates = {}
    hashes = {}
    for template_id, (source, tokenizer) in templates.items():
        env_templates[template_id] = (ENV.from_string(source), tokenizer)
        hashes[template_id] = hashlib.sha256(source.encode("utf-8")).hexdigest()

    tokens_by_tokenizer = {}
    for tokenizer in {t for _, t in templates.values()}:
        path = os.path.join(cache, tokenizer, "tokenizer_config.json")
        with open(path, encoding="utf-8") as f:
            tokens_by_tokenizer[tokenizer] = special_tokens_map(json.load(f))

    out = []
    for name, template_id, messages, options in real_cases() + random_real_cases():
        # Round-trip through JSON: the Java side reads these same JSON values.
        messages = json.loads(json.dumps(messages))
        tools = json.loads(json.dumps(options.get("tools")))
        variables = json.loads(json.dumps(options.get("variables", {})))
        generation = options.get("add_generation_prompt", False)
        compiled, tokenizer = env_templates[template_id]
        kwargs = {**tokens_by_tokenizer[tokenizer], **variables}

        def render():
            return compiled.render(messages=messages, tools=tools, documents=None,
                                   add_generation_prompt=generation, **kwargs)

        case = {"name": name, "template": template_id, "messages": messages}
        if tools is not None:
            case["tools"] = tools
        case["add_generation_prompt"] = generation
        if variables:
            case["variables"] = variables
        case.update(outcome(render))
        out.append(case)
    return {"templates": hashes, "cases": out}


# ------------------------------------------------------------------ synthetic templates

def random_doubles(count):
    """Doubles from random bit patterns and random decimals: the hard cases of shortest repr."""
    rng = random.Random(20240726)
    values = []
    while len(values) < count:
        bits = rng.getrandbits(64)
        value = struct.unpack("<d", struct.pack("<Q", bits))[0]
        if math.isfinite(value):
            values.append(value)
        values.append(round(rng.uniform(-1000, 1000), rng.randint(0, 6)))
        values.append(rng.randint(1, 10**rng.randint(1, 25)) * 10.0 ** rng.randint(-30, 10))
    return values[:count]


def random_ints(count):
    rng = random.Random(7)
    return [rng.randint(-(2 ** 70), 2 ** 70) // (10 ** rng.randint(0, 20)) for _ in range(count)]


def synthetic_cases():
    """(name, template source, variables) covering one construct each."""
    msgs = [{"role": "system", "content": "sys"}, {"role": "user", "content": "hi"},
            {"role": "assistant", "content": "yo", "tool_calls": [{"name": "f"}]}]
    c = []

    def add(name, source, **variables):
        c.append((name, source, variables))

    # --- output, comments, whitespace control, trim_blocks / lstrip_blocks
    add("text_only", "plain text")
    add("trailing_newline_dropped", "line\n")
    add("only_one_trailing_newline_dropped", "line\n\n")
    add("crlf_normalized", "a\r\nb\rc{{ 'x\r\ny' }}")
    add("print", "{{ 'a' }}{{ 1 }}{{ 1.5 }}{{ none }}{{ true }}{{ undefined_name }}")
    add("comment", "a{# comment #}b{# multi\nline #}c")
    add("comment_own_line", "a\n  {# comment #}\nb")
    add("comment_dash", "a  \n {#- x -#}  \n b")
    add("block_own_line_lstrip_trim", "<\n  {% if true %}\n  x\n  {% endif %}\n>")
    add("block_after_text_not_lstripped", "a  {% if true %}b{% endif %}  c\n")
    add("variable_not_lstripped", "a\n  {{ 'x' }}\n  b")
    add("dash_strips_both_sides", "a \n\n {%- if true -%} \n\n b \n {%- endif -%} \n c")
    add("variable_dash", "a  {{- 'x' -}}  b\n\n{{ 'y' -}}\n\n z")
    add("plus_disables_lstrip", "a\n  {%+ if true %}x{% endif %}")
    add("plus_disables_trim", "{% if true +%}\nx{% endif %}")
    add("trim_blocks_one_newline", "{% if true %}\n\nx{% endif %}\n\ny")
    add("lstrip_tab_and_spaces", "a\n \t {% if true %}x{% endif %}")
    add("lstrip_unicode_space", "a\n\u3000{% if true %}x{% endif %}")
    add("dash_strips_unicode_space", "a\u00a0\u2003{%- if true %}x{% endif %}")
    add("lstrip_first_line", "  {% if true %}x{% endif %}")
    add("raw_block", "{% raw %}{{ not rendered }} {% if %}{% endraw %}")
    add("raw_block_whitespace", "a\n  {% raw -%}\n  {{ x }}\n  {%- endraw %}\nb")
    add("print_statement", "{% print 'a', 1 %}")
    add("whitespace_in_tags", "{{\n'a'\n}}{%\nif\ntrue\n%}b{%\nendif\n%}")

    # --- literals
    add("string_escapes", r"""{{ 'tab\tnl\nq\'dq\"bs\\u\u00e9U\U0001F600x\x41o\101N\N{BULLET}' }}""")
    add("string_unknown_escape_kept", r"{{ 'a\d\w' }}")
    add("string_adjacent_concat", "{{ 'a' \"b\" 'c' }}")
    add("string_non_ascii_literal", "{{ 'привет 👍🏽' }}")
    add("string_backslash_non_ascii", "{{ '\\é' }}")
    add("integers", "{{ 0 }} {{ 42 }} {{ 1_000 }} {{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 10**20 }}")
    add("floats", "{{ 1.0 }} {{ 1.5e3 }} {{ 1e-5 }} {{ 1e16 }} {{ 1E-7 }} {{ 123.456 }} "
        "{{ 0.1 + 0.2 }} {{ 1/3 }} {{ 2.5e-3 }} {{ 1e22 }} {{ 9007199254740993.0 }} {{ -0.0 }}")
    add("float_repr_edges", "{{ 5e-324 }} {{ 1.7976931348623157e308 }} {{ 0.0001 }} "
        "{{ 0.00001 }} {{ 1234567890123456.7 }} {{ 12345678901234567.0 }} {{ 100.0 }}")
    add("float_repr_random_doubles", "{{ xs }}\n{{ xs | tojson }}", xs=random_doubles(3000))
    add("int_random_values", "{{ xs }} {{ xs | sum }}", xs=random_ints(300))
    add("bools_and_none", "{{ True }} {{ false }} {{ None }} {{ true == 1 }} {{ none is none }}")
    add("list_literal", "{{ [1, 'a', none, true, 1.5, [2], {'k': 'v'}] }}")
    add("tuple_literal", "{{ (1,) }} {{ (1, 2) }} {{ () }} {{ (1) }}")
    add("dict_literal", "{{ {'a': 1, 'b': [1, 2], 3: 'x', none: none, 1.5: true} }}")
    add("dict_duplicate_keys", "{{ {1: 'a', 1.0: 'b', true: 'c'} }}")
    add("print_tuple", "{{ 1, 'a' }}")
    add("repr_quotes", "{{ [\"it's\", 'say \"hi\"', 'both \\' \"', 'back\\\\slash'] }}")
    add("repr_non_printable", "{{ ['\\n\\t\\r\\x00\\x7f\\x85\\u200b\\u200d\\u00a0é👍🏽\\U000e0001'] }}")

    # --- variables, attributes, items
    add("attribute_and_item", "{{ m.role }} {{ m['role'] }} {{ m.missing }}|{{ m['missing'] }}",
        m={"role": "user"})
    add("list_index_negative", "{{ xs[0] }} {{ xs[-1] }} {{ xs[5] }}|{{ xs.1 }}", xs=[1, 2, 3])
    add("nested_access", "{{ messages[2].tool_calls[0].name }} {{ messages[2]['tool_calls'][0]['name'] }}",
        messages=msgs)
    add("dict_method_wins_over_key", "{{ d.items is defined }} {{ d['items'] }} {{ d.get('items') }}",
        d={"items": "key"})
    add("item_falls_back_to_method", "{{ d['keys']() | list }}", d={"a": 1})
    add("string_index_and_slice", "{{ s[0] }}{{ s[-1] }}{{ s[1:3] }}{{ s[::-1] }}{{ s[::2] }}{{ s[10] }}",
        s="a👍🏽bc")
    add("list_slices", "{{ xs[1:] }} {{ xs[:-1] }} {{ xs[::-1] }} {{ xs[::2] }} {{ xs[-2:] }} "
        "{{ xs[5:] }} {{ xs[1:4:2] }} {{ xs[4:1:-1] }}", xs=[0, 1, 2, 3, 4, 5])
    add("tuple_slice", "{{ (1, 2, 3)[1:] }}")
    add("messages_reversed", "{% for m in messages[::-1] %}{{ m.role }} {% endfor %}", messages=msgs)
    add("undefined_prints_empty", "[{{ nope }}][{{ nope | default('d') }}][{{ m.x }}]", m={})
    add("none_attribute_is_undefined", "{{ x.y is defined }}", x=None)

    # --- operators
    add("arithmetic", "{{ 7 + 3 }} {{ 7 - 10 }} {{ 7 * 3 }} {{ 7 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} "
        "{{ 7 % 3 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 7.5 // 2 }} "
        "{{ -7.5 % 2 }} {{ 4 / 2 }}")
    add("arithmetic_precedence", "{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ -2 ** 2 }} {{ 2 ** 3 ** 2 }} "
        "{{ 10 - 2 - 3 }} {{ 'a' ~ 1 + 2 }} {{ 2 * 3 ~ 4 }}")
    add("error_concat_binds_tighter_than_plus", "{{ 1 + 2 ~ 3 }}")
    add("string_concat_and_repeat", "{{ 'a' + 'b' }} {{ 'ab' * 3 }} {{ 3 * 'x' }} {{ [1] * 2 }} "
        "{{ 'a' ~ none ~ 1 ~ [1] }} {{ 'x' * -1 }}|{{ [1] + [2] }}")
    add("bool_arithmetic", "{{ true + 1 }} {{ true * 'ab' }} {{ -true }} {{ +false }}")
    add("big_ints", "{{ 2 ** 64 }} {{ 9223372036854775807 + 1 }} {{ -9223372036854775808 - 1 }} "
        "{{ 2 ** 64 // 3 }} {{ 2 ** 64 % 7 }} {{ 3 * 4611686018427387904 }}")
    add("comparisons", "{{ 1 < 2 }} {{ 2 <= 2 }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} "
        "{{ 1 == 1.0 }} {{ 'a' != 'a' }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ none == none }} "
        "{{ [1] == [1] }} {{ {'a': 1} == {'a': 1} }} {{ (1,) == [1] }} {{ 0.1 + 0.2 == 0.3 }}")
    add("string_order_by_code_point", "{{ '\ufb01' < '\U0001f600' }} {{ 'Z' < 'a' }} {{ 'é' > 'z' }}")
    add("in_operators", "{{ 'a' in 'cat' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} "
        "{{ 'z' not in 'cat' }} {{ 3 not in [1, 2] }} {{ 'x' in nope }} {{ 1 in (1, 2) }}")
    add("logic_returns_operands", "{{ 0 or 'b' }} {{ 'a' and 'b' }} {{ '' and 'b' }}|{{ none or none }} "
        "{{ not '' }} {{ not 1 }} {{ not nope }} {{ 1 and [] }}")
    add("logic_precedence", "{{ not true and false }} {{ not (true and false) }} "
        "{{ true or false and false }} {{ not 1 == 2 }}")
    add("conditional_expression", "{{ 'y' if true else 'n' }} {{ 'y' if false else 'n' }} "
        "[{{ 'y' if false }}] {{ 'a' if false else 'b' if true else 'c' }}")
    add("truthiness", "{% for v in [0, 1, 0.0, '', 'a', [], [0], {}, {'a': 1}, none] %}"
        "{{ 'T' if v else 'F' }}{% endfor %}")
    add("filter_binds_tighter_than_minus", "{{ xs | length - 1 }} {{ -(xs | length) }} {{ -1 | abs }}",
        xs=[1, 2, 3])
    add("error_filter_applies_after_unary_minus", "{{ -xs | length }}", xs=[1, 2, 3])
    add("is_binds_tighter_than_not", "{{ not x is defined }} {{ not x is none }}", x=None)

    # --- tests
    add("tests_types", "{% for v in [1, 1.5, 'a', [1], {'a': 1}, none, true, nope] %}"
        "{{ v is string }}{{ v is number }}{{ v is integer }}{{ v is float }}{{ v is mapping }}"
        "{{ v is iterable }}{{ v is sequence }}{{ v is none }}{{ v is boolean }}{{ v is defined }}|"
        "{% endfor %}")
    add("tests_values", "{{ 4 is even }} {{ 3 is odd }} {{ 9 is divisibleby 3 }} "
        "{{ 9 is divisibleby(4) }} {{ true is true }} {{ 1 is true }} {{ false is false }} "
        "{{ 0 is false }} {{ 'abc' is lower }} {{ 'ABC' is upper }} {{ 'a' is eq 'a' }} "
        "{{ 1 is equalto 2 }} {{ 2 is gt 1 }} {{ 2 is lessthan 1 }} {{ 2 is ne 2 }} "
        "{{ 1 is in [1, 2] }} {{ none is sameas none }} {{ 'x' is not none }}")
    add("tests_defined_undefined", "{{ x is defined }} {{ y is defined }} {{ y is undefined }} "
        "{{ m.a is defined }} {{ m.b is defined }} {{ m.a is not none }}", x=0, m={"a": None})
    add("tests_callable_filter_test", "{{ range is callable }} {{ 'x' is callable }} "
        "{{ 'trim' is filter }} {{ 'nope' is filter }} {{ 'defined' is test }}")
    add("tests_escaped", "{{ 'a' is escaped }}")

    # --- if / for / loop
    add("if_elif_else", "{% for n in [1, 2, 3] %}{% if n == 1 %}one{% elif n == 2 %}two"
        "{% else %}many{% endif %} {% endfor %}")
    add("for_loop_variables", "{% for x in 'abc' %}{{ loop.index0 }}{{ loop.index }}"
        "{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}"
        "{{ loop.previtem }}{{ loop.nextitem }}{{ loop.depth }};{% endfor %}")
    add("for_else", "{% for x in [] %}x{% else %}empty{% endfor %}|"
        "{% for x in [1] %}{{ x }}{% else %}empty{% endfor %}")
    add("for_filter", "{% for x in range(10) if x is odd %}{{ x }}{{ '/' ~ loop.length if loop.last }}"
        "{% endfor %}")
    add("for_filter_all_out_else", "{% for x in [1, 2] if x > 5 %}{{ x }}{% else %}none{% endfor %}")
    add("for_unpack_items", "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}",
        d={"b": 2, "a": 1, "c": [3]})
    add("for_unpack_items_filter", "{% for k, v in d | items %}{{ k }}={{ v }};{% endfor %}",
        d={"x": 1, "y": 2})
    add("for_over_dict_keys", "{% for k in d %}{{ k }}{% endfor %}", d={"b": 1, "a": 2})
    add("for_over_string_code_points", "{% for ch in s %}[{{ ch }}]{% endfor %}", s="a👍🏽é")
    add("for_over_undefined", "{% for x in nope %}x{% else %}nothing{% endfor %}")
    add("for_unpack_tuple_list", "{% for a, b in [(1, 2), [3, 4], 'xy'] %}{{ a }}{{ b }},{% endfor %}")
    add("nested_loops", "{% for a in [1, 2] %}{% for b in 'xy' %}{{ a }}{{ b }}"
        "{{ loop.index }}/{{ loop.length }} {% endfor %}{{ loop.index }}|{% endfor %}")
    add("loop_cycle_changed", "{% for x in [1, 1, 2, 3, 3] %}{{ loop.cycle('a', 'b', 'c') }}"
        "{{ loop.changed(x) }} {% endfor %}")
    add("break_continue", "{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}"
        "{% if x == 5 %}{% break %}{% endif %}{{ x }}{% endfor %}")
    add("recursive_loop", "{% for item in tree recursive %}[{{ item.name }}{{ loop.depth }}"
        "{% if item.children %}:{{ loop(item.children) }}{% endif %}]{% endfor %}",
        tree=[{"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}]},
              {"name": "d"}])
    add("loop_set_does_not_leak", "{% set x = 'outer' %}{% for i in [1, 2] %}[{{ x }}]"
        "{% set x = i %}[{{ x }}]{% endfor %}{{ x }}")
    add("loop_set_not_carried_between_iterations",
        "{% for i in [1, 2, 3] %}[{{ y }}]{% set y = i %}{% endfor %}")
    add("if_set_leaks", "{% if true %}{% set x = 1 %}{% endif %}{{ x }}")
    add("scope_store_first_hides_render_variable_in_nested_loop",
        "{% for a in [1] %}{% for b in [1] %}[{{ x }}]{% endfor %}{% set x = 5 %}[{{ x }}]{% endfor %}",
        x="ctx")
    add("scope_load_first_reads_render_variable",
        "{% for a in [1] %}[{{ x }}]{% set x = 5 %}[{{ x }}]{% endfor %}", x="ctx")
    add("scope_conditional_store_reads_render_variable",
        "{% for a in [1, 2] %}{% if a == 2 %}{% set x = a %}{% endif %}[{{ x }}]{% endfor %}",
        x="ctx")
    add("scope_store_in_every_branch", "{% for a in [1] %}{% for b in [1] %}[{{ x }}]{% endfor %}"
        "{% if a %}{% set x = 1 %}{% elif a %}{% set x = 2 %}{% else %}{% set x = 3 %}{% endif %}"
        "{% endfor %}", x="ctx")
    add("scope_root_store_after_loop_hides_render_variable",
        "{% for i in [1] %}[{{ x }}]{% endfor %}{% set x = 1 %}[{{ x }}]", x="ctx")
    add("scope_root_load_first_then_store", "[{{ x }}]{% for i in [1] %}[{{ x }}]{% endfor %}"
        "{% set x = 1 %}[{{ x }}]", x="ctx")
    add("scope_macro_store_hides_from_inner_loop",
        "{% macro m() %}{% for i in [1] %}[{{ x }}]{% endfor %}{% set x = 2 %}[{{ x }}]{% endmacro %}"
        "{{ m() }}", x="ctx")
    add("scope_outer_reference_aliases", "{% set x = 'top' %}{% for a in [1] %}{% for b in [1] %}"
        "[{{ x }}]{% endfor %}{% set x = 5 %}{% endfor %}", x="ctx")
    add("scope_macro_store_name_in_loop", "{% for i in [1] %}{{ m is defined }}"
        "{% macro m() %}{% endmacro %}{{ m is defined }}{% endfor %}", m="ctx")
    add("scope_with_and_filter_block", "{% with %}{% for i in [1] %}[{{ x }}]{% endfor %}{% set x = 1 %}"
        "{% endwith %}{% filter upper %}{% for i in [1] %}[{{ y }}]{% endfor %}{% set y = 1 %}"
        "{% endfilter %}[{{ x }}{{ y }}]", x="ctx", y="why")
    add("loop_var_shadows_and_restores", "{% set m = 'outer' %}{% for m in [1] %}{{ m }}{% endfor %}"
        "{{ m }}")
    add("loop_previtem_nextitem_undefined", "{% for x in [1] %}[{{ loop.previtem }}]"
        "[{{ loop.nextitem }}]{{ loop.previtem is defined }}{% endfor %}")
    add("loop_outside_is_undefined", "[{{ loop }}]{{ loop is defined }}")
    add("loop_repr", "{% for x in [1, 2] %}{{ loop }}{% endfor %}")

    # --- set, namespace, with
    add("set_and_tuple_unpack", "{% set a = 1 %}{% set b, c = 2, 3 %}{% set t = 4, 5 %}"
        "{{ a }}{{ b }}{{ c }}{{ t }}")
    add("set_block", "{% set x %}  block {{ 1 + 1 }}\n{% endset %}[{{ x }}]")
    add("set_block_filter", "{% set x | upper | trim %}  block  {% endset %}[{{ x }}]")
    add("set_block_scope", "{% set x %}{% set inner = 1 %}{% endset %}[{{ inner }}]")
    add("namespace", "{% set ns = namespace(count=0, found=false) %}{% for i in range(3) %}"
        "{% set ns.count = ns.count + i %}{% if i == 1 %}{% set ns.found = true %}{% endif %}"
        "{% endfor %}{{ ns.count }} {{ ns.found }} {{ ns.missing is defined }} {{ ns }}")
    add("namespace_from_dict", "{% set ns = namespace({'a': 1}, b=2) %}{{ ns.a }}{{ ns.b }}{{ ns['a'] }}")
    add("namespace_block_set", "{% set ns = namespace() %}{% set ns.text %}x{{ 1 }}{% endset %}"
        "{{ ns.text }}")
    add("with_block", "{% set a = 1 %}{% with a = 2, b = a %}{{ a }}{{ b }}{% endwith %}{{ a }}")

    # --- macros and call blocks
    add("macro_basic", "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}"
        "{{ greet('Ann') }} {{ greet('Bob', '?') }} {{ greet(punct='.', name='Cy') }}")
    add("macro_missing_argument", "{% macro m(a, b) %}[{{ a }}][{{ b }}]{{ b is defined }}{% endmacro %}"
        "{{ m(1) }}")
    add("macro_default_uses_earlier_arg", "{% macro m(a, b=a * 2) %}{{ a }}{{ b }}{% endmacro %}"
        "{{ m(3) }}")
    add("macro_varargs_kwargs", "{% macro m(a) %}{{ a }}{{ varargs }}{{ kwargs }}{% endmacro %}"
        "{{ m(1, 2, 3, x=4) }}")
    add("macro_reads_outer_at_call_time", "{% macro m() %}{{ x }}{% endmacro %}{% set x = 1 %}"
        "{{ m() }}{% set x = 2 %}{{ m() }}")
    add("macro_recursion", "{% macro fact(n) %}{% if n <= 1 %}1{% else %}"
        "{{ n * fact(n - 1) | int }}{% endif %}{% endmacro %}{{ fact(10) }}")
    add("macro_repr_and_name", "{% macro m() %}{% endmacro %}{{ m }} {{ m.name }}")
    add("call_block", "{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}"
        "{% call wrap('b') %}bold {{ 1 + 1 }}{% endcall %}")
    add("call_block_with_args", "{% macro each(xs) %}{% for x in xs %}{{ caller(x, loop.index) }}"
        "{% endfor %}{% endmacro %}{% call(x, i) each(['a', 'b']) %}{{ i }}:{{ x }} {% endcall %}")
    add("macro_set_does_not_leak", "{% macro m() %}{% set y = 1 %}{% endmacro %}{{ m() }}[{{ y }}]")
    add("filter_block", "{% filter upper %}hello {{ 'world' }}{% endfilter %}")
    add("filter_block_chain", "{% filter trim | replace('a', 'o') %}  banana  {% endfilter %}")
    add("generation_tag", "{% for m in messages %}{% if m.role == 'assistant' %}{% generation %}"
        "{{ m.content }}{% endgeneration %}{% else %}{{ m.content }}{% endif %}|{% endfor %}",
        messages=msgs)

    # --- filters
    add("filter_length_count", "{{ 'a👍🏽b' | length }} {{ [1, 2] | count }} {{ {'a': 1} | length }} "
        "{{ nope | length }}")
    add("filter_case", "{{ 'hello wORLD-foo bar(baz)' | title }} {{ 'hELLO' | capitalize }} "
        "{{ 'Straße' | upper }} {{ 'ÀÉÎ' | lower }} {{ 'ǆ' | capitalize }}")
    add("filter_trim", "[{{ '  x  ' | trim }}][{{ 'xxaxx' | trim('x') }}]"
        "[{{ '\u00a0\u3000x\u2028\x1f' | trim }}][{{ nope | trim }}]")
    add("filter_replace", "{{ 'aaa' | replace('a', 'b') }} {{ 'aaa' | replace('a', 'b', 2) }} "
        "{{ 'abc' | replace('', '-') }} {{ 123 | replace(2, 'x') }}")
    add("filter_join", "{{ [1, 'a', none] | join }} {{ ['a', 'b'] | join(', ') }} "
        "{{ messages | join(' ', attribute='role') }} {{ nope | join(',') }}", messages=msgs)
    add("filter_first_last", "{{ [1, 2, 3] | first }} {{ [1, 2, 3] | last }} {{ 'abc' | first }} "
        "{{ 'abc' | last }} [{{ [] | first }}] {{ {'a': 1, 'b': 2} | last }}")
    add("filter_default", "{{ nope | default('d') }} {{ nope | d('d') }} {{ '' | default('d') }} "
        "{{ '' | default('d', true) }} {{ none | default('d') }} {{ 0 | d(5, boolean=true) }}")
    add("filter_string_int_float", "{{ 12 | string }} {{ '42' | int }} {{ '4.7' | int }} "
        "{{ 'x' | int }} {{ 'x' | int(7) }} {{ '0x1A' | int(base=16) }} {{ ' 12 ' | int }} "
        "{{ 3.9 | int }} {{ '3.5' | float }} {{ 'nan' | float }} {{ 'x' | float }} "
        "{{ '1e3' | float }} {{ true | int }} {{ '1_000' | int }}")
    add("filter_list", "{{ 'ab' | list }} {{ {'a': 1} | list }} {{ (1, 2) | list }} {{ range(3) | list }}")
    add("filter_items_and_dictsort", "{{ d | items | list }} {{ d | dictsort }} "
        "{{ d | dictsort(reverse=true) }} {{ d | dictsort(by='value') }}",
        d={"b": 2, "a": 3, "C": 1})
    add("filter_tojson", "{{ x | tojson }}\n{{ x | tojson(indent=2) }}\n{{ x | tojson(sort_keys=true) }}\n"
        "{{ x | tojson(separators=(',', ':')) }}\n{{ x | tojson(ensure_ascii=true) }}\n"
        "{{ 'é\"\\\\\\n\\t\\u007f\\u2028' | tojson }} {{ [] | tojson(indent=2) }} {{ {} | tojson(indent=2) }}",
        x={"b": [1, 2.5, None, True, "é👍🏽"], "a": {"n": -0.0, "big": 12345678901234567890}})
    add("filter_tojson_indent_string", "{{ {'a': [1]} | tojson(indent='\\t') }}")
    add("filter_tojson_float_keys", "{{ {1: 'a', 1.5: 'b', none: 'c', true: 'd'} | tojson }}")
    add("filter_safe_escape", "{{ '<a href=\"x\">&\\'</a>' | e }} {{ '<b>' | safe }} {{ 5 | safe }}")
    add("filter_select_reject", "{{ range(10) | select('odd') | list }} {{ range(5) | reject('even') | list }} "
        "{{ [0, 1, '', 'a', none] | select | list }} {{ ['a', 'code_interpreter'] | reject('equalto', "
        "'code_interpreter') | join(', ') }} {{ [1, 5, 3] | select('gt', 2) | list }}")
    add("filter_selectattr_rejectattr", "{{ messages | selectattr('role', 'equalto', 'user') | list }} "
        "{{ messages | rejectattr('role', 'eq', 'user') | map(attribute='role') | join(',') }} "
        "{{ messages | selectattr('tool_calls') | list | length }} "
        "{{ messages | selectattr('tool_calls', 'defined') | map(attribute='role') | first }}",
        messages=msgs)
    add("filter_map", "{{ ['a', 'B'] | map('upper') | list }} {{ messages | map(attribute='role') | list }} "
        "{{ messages | map(attribute='missing', default='?') | list }} "
        "{{ [' a ', 'b '] | map('trim') | join('|') }} {{ ['1', '2'] | map('int') | sum }}",
        messages=msgs)
    add("filter_map_nested_attribute", "{{ messages | map(attribute='tool_calls.0.name') | list }}",
        messages=[{"tool_calls": [{"name": "f"}]}, {"tool_calls": [{"name": "g"}]}])
    add("filter_unique_reverse_sort", "{{ ['b', 'A', 'a', 'c', 'B'] | unique | list }} "
        "{{ ['b', 'A', 'a'] | unique(case_sensitive=true) | list }} {{ [3, 1, 2] | sort }} "
        "{{ ['b', 'A', 'c'] | sort }} {{ ['b', 'A', 'c'] | sort(case_sensitive=true) }} "
        "{{ [3, 1, 2] | sort(reverse=true) }} {{ 'abc' | reverse }} {{ [1, 2, 3] | reverse | list }}")
    add("filter_sort_attribute", "{{ users | sort(attribute='age') | map(attribute='name') | join }} "
        "{{ users | sort(attribute='age,name') | map(attribute='name') | join }} "
        "{{ users | sort(attribute='name', reverse=true) | map(attribute='name') | join }}",
        users=[{"name": "b", "age": 2}, {"name": "a", "age": 2}, {"name": "c", "age": 1}])
    add("filter_indent", "[{{ 'a\\nb\\n\\nc' | indent }}][{{ 'a\\nb' | indent(2, first=true) }}]"
        "[{{ 'a\\n\\nb' | indent('> ', blank=true) }}][{{ 'x\\r\\ny' | indent(1) }}]")
    add("filter_wordcount_center_truncate", "{{ 'one two, three!' | wordcount }} "
        "[{{ 'ab' | center(6) }}] {{ 'hello world foo bar' | truncate(11) }} "
        "{{ 'hello world foo bar' | truncate(11, true) }} {{ 'hello world foo bar' | truncate(11, false, '..', 0) }}")
    add("filter_min_max_sum_abs_round", "{{ [3, 1, 2] | min }} {{ [3, 1, 2] | max }} "
        "{{ ['b', 'A'] | max }} {{ [1, 2, 3] | sum }} {{ [1.5, 2] | sum(start=1) }} {{ -3 | abs }} "
        "{{ 2.675 | round(2) }} {{ 2.5 | round }} {{ 3.5 | round }} {{ 1.21 | round(1, 'ceil') }} "
        "{{ 1.29 | round(1, 'floor') }} {{ 7 | round }}")
    add("filter_batch_slice_groupby", "{{ range(5) | batch(2) | list }} {{ range(5) | batch(2, 'x') | list }} "
        "{{ range(5) | slice(2) | list }} "
        "{% for g in users | groupby('age') %}{{ g.grouper }}:{{ g.list | map(attribute='name') | join }} {% endfor %}",
        users=[{"name": "b", "age": 2}, {"name": "a", "age": 2}, {"name": "c", "age": 1}])
    add("filter_format", "{{ '%s-%d-%.2f-%5s-%-3s|-%x-%r-%%' | format('a', 7, 2.345, 'r', 'l', 255, 'q') }} "
        "{{ '%(a)s=%(b)05.1f' | format(a='k', b=2.25) }}")
    add("filter_attr", "{{ d | attr('items') is defined }} {{ d | attr('k') is defined }}", d={"k": 1})

    # --- str methods
    add("str_startswith_endswith", "{{ s.startswith('<tool') }} {{ s.endswith('>') }} "
        "{{ s.startswith(('x', '<')) }} {{ s.startswith('tool', 1) }} {{ s.endswith('tool', 0, 5) }}",
        s="<tool_response>")
    add("str_strip_family", "[{{ s.strip() }}][{{ s.lstrip() }}][{{ s.rstrip() }}]"
        "[{{ t.strip('\\n') }}][{{ t.lstrip('\\n') }}][{{ t.rstrip('\\n') }}][{{ u.strip('xy') }}]",
        s=" \t\u00a0 a b \n", t="\n\n  a  \n", u="xyaxyx")
    add("str_split", "{{ s.split() }} {{ s.split(' ') }} {{ s.split(None, 1) }} {{ s.split(' ', 2) }} "
        "{{ s.rsplit(None, 1) }} {{ s.rsplit(' ', 1) }} {{ 'a</think>b</think>c'.split('</think>') }} "
        "{{ ''.split() }} {{ ''.split(',') }} {{ 'a\\nb\\r\\nc'.splitlines() }} "
        "{{ s.split(maxsplit=1) }}", s="  a  b c ")
    add("str_qwen_think_split", "{{ c.split('</think>')[-1].lstrip('\\n') }}|"
        "{{ c.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') }}",
        c="<think>\nreason\n</think>\n\n answer")
    add("str_replace_find_count", "{{ s.replace('a', 'o') }} {{ s.replace('a', 'o', 1) }} "
        "{{ s.find('n') }} {{ s.find('z') }} {{ s.rfind('a') }} {{ s.count('a') }} {{ s.count('') }} "
        "{{ s.index('b') }} {{ 'x👍🏽ab'.find('a') }} {{ s.find('a', 2) }} {{ s.find('', 9) }}",
        s="banana")
    add("str_case_methods", "{{ s.upper() }} {{ s.lower() }} {{ s.title() }} {{ s.capitalize() }} "
        "{{ 'ßa'.upper() }} {{ \"they're bill's\".title() }} {{ '1st place'.title() }}",
        s="hELLO wORLD")
    add("str_predicates", "{{ '123'.isdigit() }} {{ 'ab'.isalpha() }} {{ 'a1'.isalnum() }} "
        "{{ ' \\t'.isspace() }} {{ 'abc'.islower() }} {{ 'ABC'.isupper() }} {{ ''.isdigit() }} "
        "{{ 'a1'.isupper() }}")
    add("str_format", "{{ '{} and {}'.format('a', 1) }} {{ '{1}{0}'.format('x', 'y') }} "
        "{{ '{name}!'.format(name='Ann') }} {{ '{:>5}|{:<4}|{:^6}|'.format('r', 'l', 'c') }} "
        "{{ '{:.2f} {:5d} {:05.1f} {:,} {:x} {:e}'.format(3.14159, 42, 2.5, 1234567, 255, 12345.678) }} "
        "{{ '{0[a]} {0.a}'.format({'a': 1}) }} {{ '{!r}'.format('q') }} {{ '{{}}'.format() }}")
    add("str_join_and_misc", "{{ ', '.join(['a', 'b']) }} {{ 'ab'.center(6, '*') }} "
        "{{ 'ab'.ljust(4, '.') }} {{ 'ab'.rjust(4) }} {{ '42'.zfill(5) }} "
        "{{ 'prefix-x'.removeprefix('prefix-') }} {{ 'a=b=c'.partition('=') }} {{ 'a=b=c'.rpartition('=') }}")
    add("percent_format_operator", "{{ '%s has %d items' % ('cart', 3) }} {{ '%05.2f' % 3.14159 }} "
        "{{ '%s' % none }}")

    add("filter_more_arguments", "{{ d | dictsort(true) }} {{ users | unique(attribute='age') | list | length }} "
        "{{ users | min(attribute='name') }} {{ users | max(attribute='age') }} "
        "{{ users | sum(attribute='age') }} {{ 'hello world' | truncate(9, leeway=0) }} "
        "{{ 'héllo wörld ünïcode_x 42' | wordcount }} {{ 'x' | center(4) }}|",
        d={"b": 1, "B": 2, "a": 3},
        users=[{"name": "b", "age": 2}, {"name": "a", "age": 2}, {"name": "c", "age": 1}])
    add("str_format_specs", "{{ '{:+d}|{: d}|{:%}|{:.1%}|{:g}|{:g}|{:.3}|{:.3g}|{:10.4f}|{:<+8.2f}|{:^9}|{:*>7}|{:#x}|{:#o}|{:#b}|{:_}|{:08.3f}|{:e}|{:.0f}|{:.0e}'.format("
        "5, 5, 0.25, 0.123, 1e-7, 123456789.0, 3.14159, 0.0001234, 2.5, -1.005, 'mid', 'r', 255, 8, 5, 1234567, -3.14159, 0.0, 2.5, 15) }}")
    add("str_format_more", "{{ '{}'.format(1.0) }} {{ '{}'.format(1e20) }} {{ '{:}'.format(2.5) }} "
        "{{ '{0}{1}{0}'.format('a', 'b') }} {{ '{:>{w}}'.format('x', w=4) }} {{ '{!s:>4}'.format(none) }}")
    add("percent_format_more", "{{ '%e|%g|%G|%X|%o|%c|%i|%+d|% d|%-5d|%05d|%.3s|%5.1f|%r' | format("
        "12345.678, 0.00001234, 1e20, 255, 8, 65, 7, 3, 4, 5, 42, 'abcdef', 3.14159, 'x') }}")
    add("round_variants", "{{ 1234.5 | round(-2) }} {{ -2.5 | round }} {{ 0.125 | round(2) }} "
        "{{ 1.5 | round(0, 'floor') }} {{ 15 | round(-1) }}")
    add("int_float_parsing", "{{ '0b101' | int(base=0) }} {{ '-0x1f' | int(base=16) }} {{ ' inf ' | float }} "
        "{{ '-Infinity' | float }} {{ '1_0.5' | float }} {{ '12abc' | int }} {{ '' | float(1.5) }} "
        "{{ none | int }} {{ [1] | float }}")
    add("indent_variants", "[{{ 'a\nb' | indent(first=true, blank=true) }}][{{ '' | indent }}]"
        "[{{ 'a\n' | indent(2) }}]")
    add("loop_more_attributes", "{% for x in 'ab' %}{{ loop.depth0 }}{{ loop.revindex0 }}"
        "{{ loop.changed(x, 1) }}{% endfor %}")
    add("namespace_and_cycler_more", "{% set ns = namespace() %}{{ ns.nothing is defined }}"
        "{% set c = cycler(1, 2) %}{{ c.next() }}{% set _ = c.reset() %}{{ c.next() }}{{ c.current }}"
        "{% set j = joiner() %}{{ j() }}{{ j() }}{{ j() }}")
    add("dict_list_copy_and_errors", "{{ d.copy() }} {{ [1, 2].copy() }} {{ 'ab'.splitlines(true) }} "
        "{{ 'a\nb\n'.splitlines(keepends=true) }} {{ 'a,b,c'.split(',', maxsplit=0) }} "
        "{{ 'a,b,c'.rsplit(',', 1) }} {{ '-42'.zfill(6) }} {{ 'name.txt'.removesuffix('.txt') }} "
        "{{ '²'.isdigit() }} {{ '²'.isdecimal() }} {{ '½'.isnumeric() }} {{ 'Ab'.isalpha() }}",
        d={"a": [1]})
    add("error_tuple_index", "{{ (1, 2).index(3) }}")
    add("error_list_index", "{{ [1, 2].index(3) }}")
    add("error_str_rindex", "{{ 'abc'.rindex('z') }}")
    add("error_caller_without_call_block", "{% macro m() %}{{ caller() }}{% endmacro %}{{ m() }}")
    add("error_tojson_mixed_keys_sorted", "{{ {1: 'a', 'b': 2} | tojson(sort_keys=true) }}")
    add("error_format_positional_and_keyword", "{{ '%s' | format(1, a=2) }}")
    add("caller_with_kwargs_and_macro_introspection", "{% macro m(a, b=1) %}{{ caller(x=a) }}"
        "{{ kwargs }}{% endmacro %}{% call(x) m(5, c=3) %}<{{ x }}>{% endcall %} "
        "{{ m.arguments }} {{ m.catch_kwargs }} {{ m.catch_varargs }} {{ m.caller }}")
    add("with_tuple_target_and_set_unpack_string", "{% with a, b = 'xy' %}{{ b }}{{ a }}{% endwith %}"
        "{% set c, d = 'pq' %}{{ c }}{{ d }}")
    add("generator_is_single_pass", "{% set g = [1, 2, 3] | select %}{{ g | first }}"
        "{% for x in g %}{{ x }}{% endfor %}|{% for x in g %}{{ x }}{% endfor %}|{{ g is iterable }}"
        "{{ 'T' if g else 'F' }}")
    add("error_generator_has_no_length", "{{ [1] | select | length }}")
    add("selectattr_pipeline", "{{ (messages | selectattr('role', 'eq', 'user') | list)[-1].content }} "
        "{{ messages | map(attribute='content') | map('length') | sum }} "
        "{{ messages | rejectattr('tool_calls', 'undefined') | map(attribute='role') | join }}",
        messages=msgs)
    add("tojson_tuple_and_nested", "{{ ((1, 'a'), [none]) | tojson }} {{ {'k': (1,)} | tojson(indent=1) }}")

    # --- dict and list methods
    add("dict_methods", "{{ d.items() }} {{ d.keys() }} {{ d.values() }} {{ d.get('a') }} "
        "{{ d.get('z') }} {{ d.get('z', 0) }} {{ d.items() | list }} {{ d.keys() | length }}",
        d={"a": 1, "b": [2]})
    add("list_methods", "{{ xs.index(2) }} {{ xs.count(1) }} {{ (1, 2).index(2) }}", xs=[1, 2, 1])
    add("range_and_dict_globals", "{{ range(3) }} {{ range(1, 10, 3) | list }} {{ range(5, 0, -2) | list }} "
        "{{ dict(a=1, b='x') }} {{ dict([('k', 'v')]) }} {{ range(0) | list }}")
    add("cycler_joiner", "{% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }}{{ c.next() }}"
        "{{ c.current }}{% set j = joiner('|') %}{% for x in [1, 2, 3] %}{{ j() }}{{ x }}{% endfor %}")
    add("strftime_now", "{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%Y-%m-%d %H:%M:%S %A %B %j %p %I %y %a') }}")

    # --- errors: raise_exception, undefined, type errors
    add("raise_exception", "before{{ raise_exception('Conversation roles must alternate!') }}after")
    add("raise_exception_in_loop", "{% for m in messages %}{% if m.role == 'assistant' %}"
        "{{ raise_exception('Assistant at ' ~ loop.index0) }}{% endif %}{% endfor %}", messages=msgs)
    add("error_line_in_loop", "a\n{% for x in [1, 2] %}\n{{ x }}\n{{ x + 'a' }}\n{% endfor %}")
    add("error_line_in_macro", "{% macro m(x) %}\n{{ x.y.z }}\n{% endmacro %}\n\n{{ m(none) }}")
    add("error_line_of_multiline_expression", "{{\n 'a' ~\n raise_exception(\n'boom') }}")
    add("error_line_in_set", "{% set a = 1 %}\n{% set b = a ~ 'x' %}\n{% set c = b * none %}")
    add("error_undefined_attribute_of_undefined", "{{ nope.attr }}")
    add("error_undefined_item_of_undefined", "{{ nope['x'] }}")
    add("error_undefined_slice", "{{ nope[1:] }}")
    add("error_missing_key_then_attribute", "{{ m.content.strip() }}", m={"role": "user"})
    add("error_undefined_arithmetic", "{{ nope + 1 }}")
    add("error_undefined_call", "{{ nope() }}")
    add("error_undefined_compare", "{{ nope < 1 }}")
    add("error_str_plus_int", "{{ 'a' + 1 }}")
    add("error_int_plus_str", "{{ 1 + 'a' }}")
    add("error_list_plus_tuple", "{{ [1] + (2,) }}")
    add("error_compare_types", "{{ 'a' < 1 }}")
    add("error_division_by_zero", "{{ 1 / 0 }}")
    add("error_floor_division_by_zero", "{{ 1 // 0 }}")
    add("error_modulo_by_zero", "{{ 1 % 0 }}")
    add("error_float_division_by_zero", "{{ 1.0 / 0 }}")
    add("error_not_callable", "{{ 'x'() }}")
    add("error_not_iterable", "{% for x in 5 %}{% endfor %}")
    add("error_unpack_too_many", "{% for a, b in [(1, 2, 3)] %}{% endfor %}")
    add("error_unpack_too_few", "{% set a, b = [1] %}")
    add("error_unhashable_key", "{{ {[1]: 2} }}")
    add("error_in_requires_string", "{{ 1 in 'abc' }}")
    add("error_len_of_int", "{{ 5 | length }}")
    add("error_tojson_undefined", "{{ nope | tojson }}")
    add("error_namespace_assignment", "{% set d = {} %}{% set d.x = 1 %}")
    add("error_macro_too_many_args", "{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}")
    add("error_macro_unknown_keyword", "{% macro m(a) %}{% endmacro %}{{ m(b=1) }}")
    add("error_items_of_list", "{{ [1] | items | list }}")
    add("error_range_too_big", "{{ range(200000) | length }}")
    add("error_split_empty_separator", "{{ 'a'.split('') }}")
    add("error_startswith_int", "{{ 'a'.startswith(1) }}")
    add("error_join_non_string", "{{ ', '.join([1, 2]) }}")
    add("error_unknown_filter_in_if_at_runtime", "{% if true %}{{ 'x' | nofilter }}{% endif %}")
    add("unknown_filter_in_untaken_branch", "{% if false %}{{ 'x' | nofilter }}{% endif %}ok")
    add("error_unknown_filter_by_name", "{{ ['a'] | map('nofilter') | list }}")

    # --- sandbox
    add("sandbox_dunder_prints_empty", "[{{ ''.__class__ }}][{{ messages.__class__ }}][{{ d._private }}]",
        messages=msgs, d={"_private": "visible key"})
    add("sandbox_getclass_undefined", "[{{ messages.getClass }}][{{ messages.getClass is defined }}]",
        messages=msgs)
    add("error_sandbox_class_mro", "{{ ''.__class__.__mro__ }}")
    add("error_sandbox_str_mro", "{{ ''.__mro__.x }}")
    add("error_sandbox_method_globals", "{{ raise_exception.__globals__ }}|{{ ''.upper.__self__.x }}")
    add("error_sandbox_namespace_private", "{% set ns = namespace(_x=1) %}{{ ns._x.y }}")
    add("error_sandbox_cycler_globals", "{{ cycler.__init__.__globals__ }}")
    add("error_sandbox_getclass_call", "{{ messages.getClass() }}", messages=msgs)
    add("error_sandbox_list_append", "{{ messages.append(1) }}", messages=msgs)
    add("error_sandbox_dict_update", "{{ d.update({'a': 2}) }}", d={"a": 1})
    add("error_sandbox_dict_pop", "{{ d.pop('a') }}", d={"a": 1})
    add("error_sandbox_format_dunder", "{{ '{0.__class__}'.format('x') }}")

    # --- syntax errors (the message and the line must match jinja2's)
    add("syntax_unclosed_block", "line1\n{% if true %}\nno end")
    add("syntax_unknown_tag", "a\n{% frobnicate %}")
    add("syntax_nesting_mistake", "{% for x in y %}\n{% endif %}")
    add("syntax_unexpected_end_of_print", "{{ 1 + }}")
    add("syntax_unbalanced_bracket", "\n\n{{ (1 ] }}")
    add("syntax_unexpected_char", "{{ 1 ! 2 }}")
    add("syntax_unclosed_comment", "a\n{# never closed")
    add("syntax_unclosed_string", "{{ 'abc }}")
    add("syntax_unknown_filter", "\n{{ x | nofilter }}")
    add("syntax_unknown_test", "{{ x is notatest }}")
    add("syntax_cannot_assign_const", "{% set true = 1 %}")
    add("syntax_truncated_unicode_escape", "{{ '\\u12' }}")
    add("syntax_non_default_after_default", "{% macro m(a=1, b) %}{% endmacro %}")
    add("syntax_expected_call", "{% call m %}{% endcall %}")
    add("syntax_else_without_if", "a{% else %}b")
    add("syntax_chained_tests", "{{ 1 is odd is even }}")
    add("syntax_missing_end_of_raw", "{% raw %}never")
    return c


OPERAND_LITERALS = [
    "0", "1", "-7", "2", "2.5", "-0.0", "1e300", "10 ** 30", "'ab'", "''", "[1, 2]", "(1,)",
    "{'a': 1}", "none", "true", "false", "nope"]
BINARY_OPERATORS = [
    "+", "-", "*", "/", "//", "%", "**", "==", "!=", "<", "<=", ">", ">=", "in", "not in", "and",
    "or", "~"]


def random_expression_cases(count):
    """`{{ a op b }}` over operands of every type: Python's results and exact error messages."""
    rng = random.Random(99)
    cases = []
    seen = set()
    while len(cases) < count:
        a, b = rng.choice(OPERAND_LITERALS), rng.choice(OPERAND_LITERALS)
        op = rng.choice(BINARY_OPERATORS)
        source = f"{{{{ {a} {op} {b} }}}}"
        if source in seen:
            continue
        seen.add(source)
        huge = "10 ** 30"
        if op == "**" and huge in (a, b) or op == "*" and huge in (a, b) and (
                a.startswith(("'", "[", "(")) or b.startswith(("'", "[", "("))):
            continue  # Python would build a gigantic int or overflow an index: out of scope
        try:
            python = eval(f"({a}) {op} ({b})", {"none": None, "true": True, "false": False})
        except Exception:  # noqa: BLE001 - errors are golden outcomes too
            python = None
        if isinstance(python, complex):
            continue  # complex numbers are out of scope (documented)
        cases.append((f"random_expr/{len(cases):03d}", source, {}))
    for literal in OPERAND_LITERALS:
        for unary in ["-", "+", "not "]:
            cases.append((f"random_expr/unary {unary.strip()} {literal}",
                          f"{{{{ {unary}{literal} }}}}", {}))
    return cases


WS_PIECES = [" ", "  ", "\t", "\n", "\n\n", "x", "y ", " z", "{{ 'v' }}", "{{- 'v' }}",
             "{{ 'v' -}}", "{# c #}", "{#- c #}", "{# c -#}", "{%+ set a = 1 %}",
             "{% set a = 1 -%}", "{%- set a = 1 +%}", "\u3000", "\u00a0", "\r\n"]
WS_OPEN = ["{% if true %}", "{%- if true %}", "{% if true -%}", "{%+ if true %}",
           "{% if true +%}", "{%- for i in [1, 2] -%}"]
WS_CLOSE = {"if": ["{% endif %}", "{%- endif %}", "{% endif -%}", "{%+ endif +%}"],
            "for": ["{% endfor %}", "{%- endfor -%}", "{%+ endfor %}"]}


def random_whitespace_template(rng, depth=0):
    parts = []
    for _ in range(rng.randint(1, 6)):
        if depth < 3 and rng.random() < 0.3:
            opener = rng.choice(WS_OPEN)
            kind = "for" if "for" in opener else "if"
            parts.append(opener)
            parts.append(random_whitespace_template(rng, depth + 1))
            parts.append(rng.choice(WS_CLOSE[kind]))
        else:
            parts.append(rng.choice(WS_PIECES))
    return "".join(parts)


def random_whitespace_cases(count):
    """trim_blocks, lstrip_blocks and -/+ markers in random combinations."""
    rng = random.Random(31337)
    return [(f"random_ws/{index:03d}", random_whitespace_template(rng), {})
            for index in range(count)]


SCOPE_NAMES = ["x", "y", "z", "i"]


def random_scope_statements(rng, depth, counter):
    parts = []
    for _ in range(rng.randint(1, 4)):
        name = rng.choice(SCOPE_NAMES)
        roll = rng.random()
        if depth >= 3 or roll < 0.3:
            parts.append(f"[{name}={{{{ {name} }}}}]")
        elif roll < 0.5:
            value = rng.choice([f"{rng.choice(SCOPE_NAMES)} ~ '1'", "'v'", "i"])
            parts.append(f"{{% set {name} = {value} %}}")
        elif roll < 0.62:
            cond = rng.choice(["true", "false", f"{name} is defined", "i == 2"])
            parts.append(f"{{% if {cond} %}}" + random_scope_statements(rng, depth + 1, counter))
            if rng.random() < 0.4:
                parts.append("{% elif true %}" + random_scope_statements(rng, depth + 1, counter))
            if rng.random() < 0.5:
                parts.append("{% else %}" + random_scope_statements(rng, depth + 1, counter))
            parts.append("{% endif %}")
        elif roll < 0.78:
            parts.append("{% for i in [1, 2] %}" + random_scope_statements(rng, depth + 1, counter)
                         + "{% endfor %}")
        elif roll < 0.85:
            counter[0] += 1
            macro = f"m{counter[0]}"
            parts.append(f"{{% macro {macro}() %}}" + random_scope_statements(rng, depth + 1, counter)
                         + f"{{% endmacro %}}{{{{ {macro}() }}}}")
        elif roll < 0.9:
            parts.append("{% with %}" + random_scope_statements(rng, depth + 1, counter)
                         + "{% endwith %}")
        elif roll < 0.95:
            parts.append("{% filter upper %}" + random_scope_statements(rng, depth + 1, counter)
                         + "{% endfilter %}")
        else:
            parts.append(f"{{% set {name} %}}" + random_scope_statements(rng, depth + 1, counter)
                         + "{% endset %}")
    return "".join(parts)


def random_scope_cases(count):
    """Random nests of set/if/for/macro/with/filter blocks: jinja2's scoping rules."""
    rng = random.Random(2718)
    return [(f"random_scope/{index:03d}", random_scope_statements(rng, 0, [0]),
             {"x": "X", "y": "Y"}) for index in range(count)]


def render_synthetic():
    out = []
    all_cases = (synthetic_cases() + random_expression_cases(700) + random_whitespace_cases(300)
                 + random_scope_cases(400))
    for name, source, variables in all_cases:
        variables = json.loads(json.dumps(variables))

        def render():
            return ENV.from_string(source).render(**variables)

        case = {"name": name, "source": source}
        if variables:
            case["variables"] = variables
        case.update(outcome(render))
        out.append(case)
    names = [case["name"] for case in out]
    assert len(names) == len(set(names)), "duplicate case names"
    return {"cases": out}


def write(path, payload):
    """Writes the goldens with one case per line, so that a regeneration diffs case by case."""
    header = {
        "generator": "preprocessing/src/test/python/render_template_goldens.py",
        "jinja2": jinja2.__version__,
        "strftime_now": FIXED_NOW.isoformat(),
        **{key: value for key, value in payload.items() if key != "cases"},
    }
    lines = [f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}"
             for key, value in header.items()]
    cases = ",\n".join(f"  {json.dumps(case, ensure_ascii=False)}" for case in payload["cases"])
    with open(path, "w", encoding="utf-8") as f:
        f.write("{\n" + ",\n".join(lines) + ',\n "cases": [\n' + cases + "\n ]\n}\n")
    print(f"wrote {len(payload['cases'])} cases to {os.path.relpath(path)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tokenizers",
        default=os.path.expanduser("~/.cache/adapterforge/tokenizers"),
        help="folder with gemma3/, qwen3/, llama3_1/, llama2/ (./adapterforge fetch-tokenizer)")
    args = parser.parse_args()
    if jinja2.__version__ != "3.1.2":
        sys.exit(f"Expected jinja2 3.1.2 (Debian python3-jinja2), found {jinja2.__version__}")
    goldens = os.path.join(TEST_RESOURCES, "goldens")
    os.makedirs(goldens, exist_ok=True)
    write(os.path.join(goldens, "real-templates.json"),
          render_real(load_templates(args.tokenizers), args.tokenizers))
    write(os.path.join(goldens, "synthetic.json"), render_synthetic())


if __name__ == "__main__":
    main()
