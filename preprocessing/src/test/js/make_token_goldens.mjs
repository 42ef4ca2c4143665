// Generates golden chat-template texts and token ids, independent of the Java code.
//
//   cd preprocessing/src/test/js && npm ci --ignore-scripts && node make_token_goldens.mjs
//
// Reads  ../resources/io/adapterforge/preprocessing/golden/conversations.json
// Writes ../resources/io/adapterforge/preprocessing/golden/tokens-<template>.json
//
// Tokenizers come from $ADAPTERFORGE_TOKENIZERS (default ~/.cache/adapterforge/tokenizers),
// one folder per template with tokenizer.json and tokenizer_config.json. Nothing is fetched
// from the network: remote models are disabled and fetch() throws.
// Python rendering: render_python.py, run by $ADAPTERFORGE_PYTHON (default /usr/bin/python3,
// Debian's, with python3-jinja2).
// See README.md for what the fields mean.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { AutoTokenizer, env } from '@huggingface/transformers';
import rust from 'tokenizers';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const GOLDEN_DIR = path.resolve(HERE, '../resources/io/adapterforge/preprocessing/golden');
const TOKENIZERS_DIR = process.env.ADAPTERFORGE_TOKENIZERS
  ?? path.join(os.homedir(), '.cache/adapterforge/tokenizers');
const PYTHON = process.env.ADAPTERFORGE_PYTHON ?? '/usr/bin/python3';

// The token that closes an assistant turn in each template (it is trained, see ARCHITECTURE.md).
const TEMPLATES = {
  gemma3: { turn_end: '<end_of_turn>', bos_id: 2 },
  qwen3: { turn_end: '<|im_end|>', bos_id: null },
  llama3_1: { turn_end: '<|eot_id|>', bos_id: 128000 },
};

// --- no network, ever -------------------------------------------------------------------
const noNetwork = (what) => { throw new Error(`network access attempted: ${what}`); };
globalThis.fetch = async (url) => noNetwork(String(url));
env.fetch = async (url) => noNetwork(String(url));
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = TOKENIZERS_DIR;
env.useFSCache = false;
env.useBrowserCache = false;

// --- helpers ----------------------------------------------------------------------------
const sha256 = (file) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const sha256Text = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
const codePoints = (s) => Array.from(s);
const sameArray = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

function firstDifference(a, b) {
  const ca = codePoints(a);
  const cb = codePoints(b);
  let i = 0;
  while (i < ca.length && i < cb.length && ca[i] === cb[i]) i++;
  return i === ca.length && i === cb.length ? null : i;
}

// The tokens that cover a character span, from the Rust tokenizer's offsets (code points).
// token_start/token_end: [first, last + 1) of the tokens that overlap [start, end);
// tokens_aligned: no token straddles start or end; closing_token_index: the index of the
// turn-closing token right after the span (null when it is not there).
function tokenRange(offsets, ids, span, turnEndId) {
  let first = -1;
  let last = -1;
  let aligned = true;
  offsets.forEach(([s, e], i) => {
    if (e > span.start && s < span.end) {
      if (first < 0) first = i;
      last = i;
    }
    if ((s < span.start && e > span.start) || (s < span.end && e > span.end)) aligned = false;
  });
  const next = last + 1;
  const closing = span.closed_by !== null && next < ids.length && ids[next] === turnEndId
    && offsets[next][0] === span.end ? next : null;
  return {
    token_start: first,
    token_end: last + 1,
    tokens_aligned: aligned,
    closing_token_index: closing,
  };
}

function pkgVersion(name) {
  const file = path.join(HERE, 'node_modules', name, 'package.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).version;
}

// JSON writer: 2-space indent, keys in insertion order, non-ASCII written as is, except
// invisible characters (controls, format characters other than ZWJ, line/paragraph
// separators, non-ASCII spaces), which are escaped so that the files stay readable.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Zs}]/gu;
function jsonString(s) {
  return JSON.stringify(s).replace(INVISIBLE, (ch) => (ch === ' ' || ch === '\u200d'
    ? ch : `\\u${ch.codePointAt(0).toString(16).padStart(4, '0')}`));
}
function toJson(value, indent = '') {
  const inner = indent + '  ';
  if (value === null || typeof value === 'boolean' || typeof value === 'number') {
    return JSON.stringify(value);
  }
  if (typeof value === 'string') return jsonString(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => typeof v === 'number')) {
      const lines = [];
      for (let i = 0; i < value.length; i += 16) lines.push(value.slice(i, i + 16).join(', '));
      return `[\n${inner}${lines.join(`,\n${inner}`)}\n${indent}]`;
    }
    return `[\n${value.map((v) => inner + toJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${jsonString(k)}: ${toJson(v, inner)}`)
    .join(',\n')}\n${indent}}`;
}

// --- render with Python jinja2 ----------------------------------------------------------
const conversations = JSON.parse(
  fs.readFileSync(path.join(GOLDEN_DIR, 'conversations.json'), 'utf8'));
const names = new Set();
for (const c of conversations) {
  if (names.has(c.name)) throw new Error(`duplicate conversation name ${c.name}`);
  names.add(c.name);
  if (c.messages.at(-1).role !== 'assistant') throw new Error(`${c.name}: must end with assistant`);
}

const request = {
  templates: Object.fromEntries(Object.entries(TEMPLATES).map(([name, t]) => [
    name, { dir: path.join(TOKENIZERS_DIR, name), turn_end: t.turn_end }])),
  conversations: conversations.map(({ name, messages, tools }) => ({ name, messages, tools })),
};
const py = spawnSync(PYTHON, [path.join(HERE, 'render_python.py')], {
  input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
});
if (py.status !== 0) throw new Error(`render_python.py failed (${py.status}):\n${py.stderr}`);
const python = JSON.parse(py.stdout);

// --- per template -----------------------------------------------------------------------
const versions = {
  '@huggingface/transformers': pkgVersion('@huggingface/transformers'),
  '@huggingface/jinja': pkgVersion('@huggingface/jinja'),
  '@huggingface/tokenizers': pkgVersion('@huggingface/tokenizers'),
  tokenizers: pkgVersion('tokenizers'),
  python: python.versions.python,
  jinja2: python.versions.jinja2,
};
console.log('versions', versions);

let problems = 0;
const problem = (msg) => { problems++; console.error(`PROBLEM ${msg}`); };
const notEqual = [];

for (const [template, spec] of Object.entries(TEMPLATES)) {
  const dir = path.join(TOKENIZERS_DIR, template);
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8'));
  const tokenizer = await AutoTokenizer.from_pretrained(template, { local_files_only: true });
  const rustTokenizer = rust.Tokenizer.fromFile(path.join(dir, 'tokenizer.json'));
  const fetchedFrom = fs.existsSync(path.join(dir, 'fetched-from.txt'))
    ? fs.readFileSync(path.join(dir, 'fetched-from.txt'), 'utf8').trim() : null;

  const turnEndIds = Array.from(tokenizer.encode(spec.turn_end, { add_special_tokens: false }));
  if (turnEndIds.length !== 1) throw new Error(`${template}: ${spec.turn_end} is not one token`);
  const turnEndId = turnEndIds[0];

  const cases = [];
  for (const conv of conversations) {
    const rendered = python.results[template][conv.name];
    const listed = conv.templates.includes(template);
    if (!listed) {
      if (!rendered.error) problem(`${template}/${conv.name}: renders but is not listed in "templates"`);
      else console.log(`skip ${template}/${conv.name}: ${rendered.error}`);
      continue;
    }
    if (rendered.error) {
      problem(`${template}/${conv.name}: listed but Python refuses it: ${rendered.error}`);
      continue;
    }
    const textPython = rendered.text;
    const textJs = tokenizer.apply_chat_template(conv.messages, {
      tokenize: false, add_generation_prompt: false, tools: conv.tools ?? null,
    });
    const textsEqual = textJs === textPython;
    const ids = Array.from(tokenizer.encode(textPython, { add_special_tokens: false }));
    const rustEncoding = await rustTokenizer.encode(textPython, null, { addSpecialTokens: false });
    const rustIds = Array.from(rustEncoding.getIds());
    const offsets = rustEncoding.getOffsets(); // [start, end) in code points, per token
    const decoded = tokenizer.decode(ids, {
      skip_special_tokens: false, clean_up_tokenization_spaces: false,
    });

    // sanity checks
    if (!sameArray(ids, rustIds)) problem(`${template}/${conv.name}: transformers.js and Rust ids differ`);
    if (decoded !== textPython) problem(`${template}/${conv.name}: ids do not decode to the text`);
    if (spec.bos_id !== null && ids[0] !== spec.bos_id) {
      problem(`${template}/${conv.name}: first id ${ids[0]}, expected ${spec.bos_id}`);
    }
    const cps = codePoints(textPython);
    const assistantIndexes = conv.messages.flatMap((m, i) => (m.role === 'assistant' ? [i] : []));
    if (!sameArray(rendered.assistant_spans.map((s) => s.message_index), assistantIndexes)) {
      problem(`${template}/${conv.name}: not one span per assistant message`);
    }
    const spans = rendered.assistant_spans.map((span) => ({
      message_index: span.message_index,
      start: span.start,
      end: span.end,
      written_as: span.written_as,
      prefix_matches: span.prefix_matches,
      prefix_end: span.prefix_end,
      closed_by: span.closed_by,
      ...tokenRange(offsets, ids, span, turnEndId),
    }));
    let previousEnd = 0;
    for (const span of spans) {
      const content = conv.messages[span.message_index].content;
      const inText = cps.slice(span.start, span.end).join('');
      if (!inText || !content.includes(inText)) {
        problem(`${template}/${conv.name}: span ${span.message_index} is not the message's content`);
      }
      if (span.start < previousEnd) problem(`${template}/${conv.name}: spans overlap`);
      if (!span.prefix_matches) problem(`${template}/${conv.name}: prefix check failed at ${span.message_index}`);
      if (span.closing_token_index === null) problem(`${template}/${conv.name}: span ${span.message_index} not followed by ${spec.turn_end}`);
      previousEnd = span.end;
    }
    if (!textsEqual) {
      notEqual.push(`${template}/${conv.name} (first difference at code point ${firstDifference(textPython, textJs)})`);
    }

    cases.push({
      name: conv.name,
      texts_equal: textsEqual,
      text_python: textPython,
      text_transformersjs: textJs,
      texts_first_difference: textsEqual ? null : firstDifference(textPython, textJs),
      num_tokens: ids.length,
      ids,
      ids_match_rust_tokenizers: sameArray(ids, rustIds),
      ids_decode_to_text_python: decoded === textPython,
      assistant_spans: spans,
    });
  }

  const out = {
    template,
    description: 'Golden chat-template renderings and token ids; see preprocessing/src/test/js/README.md',
    offsets: 'assistant_spans start/end are [start, end) offsets into text_python in Unicode code points',
    tokenizer: {
      source: fetchedFrom,
      tokenizer_json_sha256: sha256(path.join(dir, 'tokenizer.json')),
      tokenizer_config_json_sha256: sha256(path.join(dir, 'tokenizer_config.json')),
      chat_template_sha256: sha256Text(config.chat_template),
    },
    turn_end: spec.turn_end,
    turn_end_id: turnEndId,
    generator: versions,
    cases,
  };
  const file = path.join(GOLDEN_DIR, `tokens-${template}.json`);
  fs.writeFileSync(file, `${toJson(out)}\n`, 'utf8');
  console.log(`wrote ${path.relative(process.cwd(), file)}: ${cases.length} cases, `
    + `${cases.reduce((n, c) => n + c.ids.length, 0)} tokens, ${fs.statSync(file).size} bytes`);
}

console.log(notEqual.length ? `texts_equal=false:\n  ${notEqual.join('\n  ')}` : 'all texts equal');
if (problems) {
  console.error(`${problems} problem(s)`);
  process.exit(1);
}
