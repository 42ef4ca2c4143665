#!/usr/bin/python3
"""Independent reference for adapterforge's decoder-only forward pass.

Builds tiny random Hugging Face model folders (config.json + safetensors weights) for every
architecture the trainer supports, runs a plain-PyTorch re-implementation of the Hugging Face
modeling code on fixed token ids (a right-padded and a left-padded batch, each with its attention
mask) and writes the expected logits and inverse RoPE frequencies. The Java tests load the same
folders and compare.

The reference follows transformers' modeling_llama.py, modeling_qwen2.py, modeling_qwen3.py,
modeling_mistral.py, modeling_gemma3.py, masking_utils.py and modeling_rope_utils.py
(eager attention path) formula by formula; it does not import transformers or the safetensors
package (neither is on Debian), so the safetensors reader/writer here is written from the
format's specification (huggingface/safetensors, tensor.rs: header = compact JSON with
__metadata__ first, tensors ordered by descending dtype alignment then name, padded with spaces
to a multiple of 8 bytes).

Usage (Debian's python3-torch 1.13 lives in /usr/bin/python3, not in a pyenv python):
  /usr/bin/python3 make_reference_models.py OUTPUT_DIR
      regenerates every fixture (deterministic: fixed seeds).
  /usr/bin/python3 make_reference_models.py --dump FILE.safetensors
      reads FILE with the pure-Python reader below (no torch needed), validates it the way the
      Rust safetensors crate does, and prints {"metadata":…, "tensors":{name:{dtype,shape,values}}}
      as JSON. The Java tests use this to check files the Java writer produced.
"""

import json
import math
import os
import struct
import sys

# Safetensors dtypes in the Rust crate's enum order, which is increasing alignment; the
# writer sorts tensors by descending position in this list, then by name.
DTYPE_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32",
               "U32", "F32", "F64", "I64", "U64"]
DTYPE_SIZE = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2,
              "F16": 2, "BF16": 2, "I32": 4, "U32": 4, "F32": 4, "F64": 8, "I64": 8, "U64": 8}
STRUCT_FORMAT = {"U8": "B", "I8": "b", "I16": "h", "U16": "H", "F16": "e", "I32": "i", "U32": "I",
                 "F32": "f", "F64": "d", "I64": "q", "U64": "Q", "BOOL": "?"}

BATCH = 2
SEQ_LEN = 10
PADDING = 3  # right padding of the second row; SEQ_LEN exceeds every sliding window below


# ---------------------------------------------------------------------------------------------
# safetensors (pure Python)
# ---------------------------------------------------------------------------------------------

def write_safetensors(path, tensors, metadata=None):
    """tensors: name -> (dtype, shape, raw little-endian bytes). Atomic: temp file + rename."""
    items = sorted(tensors.items(), key=lambda kv: (-DTYPE_ORDER.index(kv[1][0]), kv[0].encode()))
    header = {}
    if metadata is not None:
        header["__metadata__"] = dict(sorted(metadata.items()))
    offset = 0
    for name, (dtype, shape, data) in items:
        expected = DTYPE_SIZE[dtype] * math.prod(shape)
        if len(data) != expected:
            raise ValueError(f"{name}: {len(data)} bytes for {dtype}{list(shape)}, expected {expected}")
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    header_bytes = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    header_bytes += b" " * ((8 - len(header_bytes) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as out:
        out.write(struct.pack("<Q", len(header_bytes)))
        out.write(header_bytes)
        for _, (_, _, data) in items:
            out.write(data)
    os.replace(tmp, path)


def read_safetensors(path):
    """Returns (metadata, {name: (dtype, shape, bytes)}), validated like the Rust crate."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError(f"{path}: shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", blob[:8])
    if n > 100_000_000 or 8 + n > len(blob):
        raise ValueError(f"{path}: invalid header length {n}")
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", None)
    data = blob[8 + n:]
    entries = sorted(header.items(), key=lambda kv: kv[1]["data_offsets"])
    position = 0
    tensors = {}
    for name, info in entries:
        begin, end = info["data_offsets"]
        if begin != position or end < begin:
            raise ValueError(f"{path}: tensor {name} has offsets {begin}..{end}, expected start {position}")
        if end - begin != DTYPE_SIZE[info["dtype"]] * math.prod(info["shape"]):
            raise ValueError(f"{path}: tensor {name} size does not match dtype and shape")
        tensors[name] = (info["dtype"], tuple(info["shape"]), data[begin:end])
        position = end
    if position != len(data):
        raise ValueError(f"{path}: data section has {len(data)} bytes, tensors cover {position}")
    return metadata, tensors


def decode_values(dtype, data):
    """Raw bytes -> list of Python numbers (BF16 widened to float exactly)."""
    if dtype == "BF16":
        halves = struct.unpack(f"<{len(data) // 2}H", data)
        return [struct.unpack("<f", struct.pack("<I", h << 16))[0] for h in halves]
    fmt = STRUCT_FORMAT[dtype]
    return list(struct.unpack(f"<{len(data) // DTYPE_SIZE[dtype]}{fmt}", data))


def dump(path):
    metadata, tensors = read_safetensors(path)
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        raw_header = f.read(n).decode("utf-8")
    names_in_file_order = list(json.loads(raw_header).keys())
    out = {
        "metadata": metadata,
        "header_length": n,
        "key_order": names_in_file_order,
        "tensors": {name: {"dtype": d, "shape": list(s), "values": decode_values(d, b)}
                    for name, (d, s, b) in tensors.items()},
    }
    json.dump(out, sys.stdout)


# ---------------------------------------------------------------------------------------------
# torch <-> safetensors
# ---------------------------------------------------------------------------------------------

def torch_dtypes():
    import torch
    return {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
            "I64": torch.int64, "I32": torch.int32}


def to_bytes(tensor, dtype):
    import torch
    t = tensor.detach().to(torch_dtypes()[dtype]).contiguous()
    if dtype in ("BF16", "F16"):
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def from_bytes(dtype, shape, data):
    import torch
    return torch.frombuffer(bytearray(data), dtype=torch_dtypes()[dtype]).reshape(shape).clone()


def load_weights(folder):
    """Reads a model folder's weights (single file or sharded index) as float32 tensors."""
    index_path = os.path.join(folder, "model.safetensors.index.json")
    files = []
    if os.path.exists(index_path):
        with open(index_path) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    weights = {}
    for name in files:
        _, tensors = read_safetensors(os.path.join(folder, name))
        for key, (dtype, shape, data) in tensors.items():
            weights[key] = from_bytes(dtype, shape, data).float()
    return weights


# ---------------------------------------------------------------------------------------------
# The reference model: Hugging Face formulas, eager attention, float32
# ---------------------------------------------------------------------------------------------

def rms_norm(x, weight, eps):
    """LlamaRMSNorm / Qwen2RMSNorm / Qwen3RMSNorm / MistralRMSNorm."""
    import torch
    input_dtype = x.dtype
    h = x.to(torch.float32)
    variance = h.pow(2).mean(-1, keepdim=True)
    h = h * torch.rsqrt(variance + eps)
    return weight * h.to(input_dtype)


def gemma_rms_norm(x, weight, eps):
    """Gemma3RMSNorm: scales by (1 + weight), computed in float32."""
    import torch
    h = x.float()
    h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + eps)
    return (h * (1.0 + weight.float())).type_as(x)


def default_inv_freq(base, dim):
    import torch
    return 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).to(dtype=torch.float) / dim))


def inv_freq_for(rope, dim):
    """modeling_rope_utils: default, linear and llama3 rope types."""
    import torch
    inv_freq = default_inv_freq(rope["rope_theta"], dim)
    rope_type = rope.get("rope_type", "default")
    if rope_type == "default":
        return inv_freq
    if rope_type == "linear":
        return inv_freq / rope["factor"]
    if rope_type == "llama3":
        factor = rope["factor"]
        low_freq_factor = rope["low_freq_factor"]
        high_freq_factor = rope["high_freq_factor"]
        old_context_len = rope["original_max_position_embeddings"]
        low_freq_wavelen = old_context_len / low_freq_factor
        high_freq_wavelen = old_context_len / high_freq_factor
        wavelen = 2 * math.pi / inv_freq
        inv_freq_llama = torch.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
        smooth_factor = (old_context_len / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
        smoothed_inv_freq = (1 - smooth_factor) * inv_freq_llama / factor + smooth_factor * inv_freq_llama
        is_medium_freq = ~(wavelen < high_freq_wavelen) * ~(wavelen > low_freq_wavelen)
        return torch.where(is_medium_freq, smoothed_inv_freq, inv_freq_llama)
    raise ValueError(f"rope_type {rope_type} is not part of the reference")


def rotary_cos_sin(inv_freq, position_ids):
    """*RotaryEmbedding.forward with attention_scaling 1.0."""
    import torch
    inv_freq_expanded = inv_freq[None, :, None].float().expand(position_ids.shape[0], -1, 1)
    position_ids_expanded = position_ids[:, None, :].float()
    freqs = (inv_freq_expanded @ position_ids_expanded).transpose(1, 2)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x):
    import torch
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def apply_rotary_pos_emb(q, k, cos, sin):
    cos = cos.unsqueeze(1)
    sin = sin.unsqueeze(1)
    return (q * cos) + (rotate_half(q) * sin), (k * cos) + (rotate_half(k) * sin)


def repeat_kv(hidden_states, n_rep):
    batch, num_key_value_heads, slen, head_dim = hidden_states.shape
    if n_rep == 1:
        return hidden_states
    hidden_states = hidden_states[:, :, None, :, :].expand(batch, num_key_value_heads, n_rep, slen, head_dim)
    return hidden_states.reshape(batch, num_key_value_heads * n_rep, slen, head_dim)


def attention_mask_4d(attention_mask, sliding_window):
    """masking_utils: causal (kv <= q) and padding (mask[kv] == 1), plus kv > q - window for
    sliding layers, as an additive float mask with finfo.min where attention is blocked."""
    import torch
    batch, seq = attention_mask.shape
    q_idx = torch.arange(seq)[:, None]
    kv_idx = torch.arange(seq)[None, :]
    allowed = kv_idx <= q_idx
    if sliding_window is not None:
        allowed = allowed & (kv_idx > q_idx - sliding_window)
    allowed = allowed[None, None, :, :] & attention_mask.bool()[:, None, None, :]
    return torch.zeros(allowed.shape).masked_fill(~allowed, torch.finfo(torch.float32).min)


def eager_attention(query, key, value, mask, scaling, n_rep):
    import torch
    key_states = repeat_kv(key, n_rep)
    value_states = repeat_kv(value, n_rep)
    attn_weights = torch.matmul(query, key_states.transpose(2, 3)) * scaling
    attn_weights = attn_weights + mask
    attn_weights = torch.nn.functional.softmax(attn_weights, dim=-1, dtype=torch.float32).to(query.dtype)
    attn_output = torch.matmul(attn_weights, value_states)
    return attn_output.transpose(1, 2).contiguous()


def linear(x, weights, prefix):
    import torch
    return torch.nn.functional.linear(x, weights[prefix + ".weight"], weights.get(prefix + ".bias"))


def dimensions(config):
    """(hidden_size, heads, key/value heads, head_dim); head_dim null means hidden / heads."""
    hidden = config["hidden_size"]
    heads = config["num_attention_heads"]
    return hidden, heads, config["num_key_value_heads"], config.get("head_dim") or hidden // heads


def reference_logits(config, weights, input_ids, attention_mask, adapters=None):
    """Logits of the reference forward pass. adapters: optional {projection prefix: f(x)} whose
    output is added to that projection's (how PEFT's lora.Linear adds B(A(dropout(x))) * scale)."""
    import torch

    def proj(x, prefix):
        y = linear(x, weights, prefix)
        if adapters is not None and prefix in adapters:
            y = y + adapters[prefix](x)
        return y

    model_type = config["model_type"]
    gemma = model_type == "gemma3_text"
    hidden, heads, kv_heads, head_dim = dimensions(config)
    eps = config["rms_norm_eps"]
    n_layers = config["num_hidden_layers"]
    norm = gemma_rms_norm if gemma else rms_norm

    # Layer types and rope parameters per layer type (configuration_*.py).
    if gemma:
        layer_types = config.get("layer_types") or [
            "sliding_attention" if (i + 1) % config.get("sliding_window_pattern", 6) else "full_attention"
            for i in range(n_layers)]
        global_rope = dict(config.get("rope_scaling") or {"rope_type": "default"})
        global_rope["rope_theta"] = config["rope_theta"]
        ropes = {"full_attention": global_rope,
                 "sliding_attention": {"rope_type": "default", "rope_theta": config["rope_local_base_freq"]}}
        scaling = config["query_pre_attn_scalar"] ** -0.5
        act = lambda x: torch.nn.functional.gelu(x, approximate="tanh")  # noqa: E731
    else:
        if model_type == "mistral":
            kind = "full_attention" if config.get("sliding_window") is None else "sliding_attention"
            layer_types = [kind] * n_layers
        else:
            window = config.get("sliding_window") if config.get("use_sliding_window") else None
            layer_types = ["sliding_attention" if window is not None and i >= config.get("max_window_layers", 0)
                           else "full_attention" for i in range(n_layers)]
        rope = dict(config.get("rope_scaling") or {"rope_type": "default"})
        rope["rope_theta"] = config.get("rope_theta", 10000.0)
        ropes = {"full_attention": rope, "sliding_attention": rope}
        scaling = head_dim ** -0.5
        act = torch.nn.functional.silu

    position_ids = torch.arange(input_ids.shape[1]).unsqueeze(0)
    inv_freqs = {t: inv_freq_for(r, head_dim) for t, r in ropes.items()}
    position_embeddings = {t: rotary_cos_sin(f, position_ids) for t, f in inv_freqs.items()}
    masks = {"full_attention": attention_mask_4d(attention_mask, None),
             "sliding_attention": attention_mask_4d(attention_mask, config.get("sliding_window"))}

    h = torch.nn.functional.embedding(input_ids, weights["model.embed_tokens.weight"])
    if gemma:
        h = h * torch.tensor(hidden ** 0.5).to(h.dtype)

    for i in range(n_layers):
        p = f"model.layers.{i}"
        layer_type = layer_types[i]
        residual = h
        x = norm(h, weights[p + ".input_layernorm.weight"], eps)
        hidden_shape = (*x.shape[:-1], -1, head_dim)
        q = proj(x, p + ".self_attn.q_proj").view(hidden_shape)
        k = proj(x, p + ".self_attn.k_proj").view(hidden_shape)
        v = proj(x, p + ".self_attn.v_proj").view(hidden_shape).transpose(1, 2)
        if model_type in ("qwen3", "gemma3_text"):
            q = norm(q, weights[p + ".self_attn.q_norm.weight"], eps)
            k = norm(k, weights[p + ".self_attn.k_norm.weight"], eps)
        q = q.transpose(1, 2)
        k = k.transpose(1, 2)
        cos, sin = position_embeddings[layer_type]
        q, k = apply_rotary_pos_emb(q, k, cos, sin)
        attn = eager_attention(q, k, v, masks[layer_type], scaling, heads // kv_heads)
        attn = proj(attn.reshape(*x.shape[:-1], -1), p + ".self_attn.o_proj")
        if gemma:
            attn = norm(attn, weights[p + ".post_attention_layernorm.weight"], eps)
            h = residual + attn
            residual = h
            x = norm(h, weights[p + ".pre_feedforward_layernorm.weight"], eps)
        else:
            h = residual + attn
            residual = h
            x = norm(h, weights[p + ".post_attention_layernorm.weight"], eps)
        mlp = proj(act(proj(x, p + ".mlp.gate_proj")) * proj(x, p + ".mlp.up_proj"), p + ".mlp.down_proj")
        if gemma:
            mlp = norm(mlp, weights[p + ".post_feedforward_layernorm.weight"], eps)
        h = residual + mlp

    h = norm(h, weights["model.norm.weight"], eps)
    tied = config.get("tie_word_embeddings", gemma)
    lm_head = weights["model.embed_tokens.weight"] if tied else weights["lm_head.weight"]
    logits = torch.nn.functional.linear(h, lm_head)
    if config.get("final_logit_softcapping") is not None:
        cap = config["final_logit_softcapping"]
        logits = torch.tanh(logits / cap) * cap
    return logits, inv_freqs


# ---------------------------------------------------------------------------------------------
# Tiny random models
# ---------------------------------------------------------------------------------------------

COMMON = {"vocab_size": 512, "hidden_size": 64, "intermediate_size": 128, "num_attention_heads": 4,
          "max_position_embeddings": 1024, "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0}

MODELS = {
    # Llama 3 style: llama3 rope scaling (theta and context chosen so that head_dim 16 has
    # frequencies in all three bands), grouped-query attention, untied lm_head, float32.
    "llama": dict(COMMON, architectures=["LlamaForCausalLM"], model_type="llama", num_hidden_layers=2,
                  num_key_value_heads=2, head_dim=16, hidden_act="silu", rms_norm_eps=1e-5,
                  rope_theta=500000.0, tie_word_embeddings=False, attention_bias=False, mlp_bias=False,
                  rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                "high_freq_factor": 4.0, "original_max_position_embeddings": 256},
                  torch_dtype="float32"),
    # Qwen3: per-head q/k RMSNorm, head_dim (32) unequal to hidden/heads (16), tied, bfloat16.
    "qwen3": dict(COMMON, architectures=["Qwen3ForCausalLM"], model_type="qwen3", num_hidden_layers=2,
                  num_key_value_heads=2, head_dim=32, hidden_act="silu", rms_norm_eps=1e-6,
                  rope_theta=1000000.0, rope_scaling=None, tie_word_embeddings=True, attention_bias=False,
                  use_sliding_window=False, sliding_window=None, max_window_layers=2,
                  torch_dtype="bfloat16"),
    # Gemma 3 text: sliding layers (window 4 < sequence length) with their own rope base beside a
    # global layer with linear rope scaling; multi-query attention; query_pre_attn_scalar unequal
    # to head_dim; final logit soft-capping; tied; float32.
    "gemma3_text": dict(COMMON, architectures=["Gemma3ForCausalLM"], model_type="gemma3_text",
                        num_hidden_layers=3, num_key_value_heads=1, head_dim=32,
                        hidden_activation="gelu_pytorch_tanh", rms_norm_eps=1e-6, rope_theta=1000000.0,
                        rope_local_base_freq=10000.0, rope_scaling={"rope_type": "linear", "factor": 8.0},
                        query_pre_attn_scalar=24, sliding_window=4, sliding_window_pattern=2,
                        final_logit_softcapping=20.0, attn_logit_softcapping=None,
                        tie_word_embeddings=True, attention_bias=False, torch_dtype="float32"),
    # Qwen2: biases on q/k/v, untied, float16 weights in two shards with an index.
    "qwen2": dict(COMMON, architectures=["Qwen2ForCausalLM"], model_type="qwen2", num_hidden_layers=2,
                  num_key_value_heads=2, hidden_act="silu", rms_norm_eps=1e-6, rope_theta=1000000.0,
                  tie_word_embeddings=False, use_sliding_window=False, sliding_window=None,
                  max_window_layers=2, torch_dtype="float16"),
    # Mistral: sliding window on every layer, untied, bfloat16.
    "mistral": dict(COMMON, architectures=["MistralForCausalLM"], model_type="mistral", num_hidden_layers=2,
                    num_key_value_heads=2, head_dim=None, hidden_act="silu", rms_norm_eps=1e-5,
                    rope_theta=10000.0, sliding_window=4, tie_word_embeddings=False, torch_dtype="bfloat16"),
}

STORAGE = {"float32": "F32", "float16": "F16", "bfloat16": "BF16"}


def random_weights(config, generator):
    import torch
    model_type = config["model_type"]
    gemma = model_type == "gemma3_text"
    hidden, heads, kv_heads, head_dim = dimensions(config)
    inter = config["intermediate_size"]
    vocab = config["vocab_size"]

    def normal(*shape, std):
        return torch.randn(*shape, generator=generator) * std

    def proj(out_features, in_features):
        return normal(out_features, in_features, std=1.5 / math.sqrt(in_features))

    def norm_weight(dim):
        # Gemma stores w for (1 + w); the others store the multiplier itself.
        return normal(dim, std=0.2) if gemma else 1.0 + normal(dim, std=0.2)

    w = {"model.embed_tokens.weight": normal(vocab, hidden, std=0.5), "model.norm.weight": norm_weight(hidden)}
    for i in range(config["num_hidden_layers"]):
        p = f"model.layers.{i}"
        w[p + ".self_attn.q_proj.weight"] = proj(heads * head_dim, hidden)
        w[p + ".self_attn.k_proj.weight"] = proj(kv_heads * head_dim, hidden)
        w[p + ".self_attn.v_proj.weight"] = proj(kv_heads * head_dim, hidden)
        w[p + ".self_attn.o_proj.weight"] = proj(hidden, heads * head_dim)
        if model_type == "qwen2":
            for name, size in (("q_proj", heads * head_dim), ("k_proj", kv_heads * head_dim),
                               ("v_proj", kv_heads * head_dim)):
                w[f"{p}.self_attn.{name}.bias"] = normal(size, std=0.1)
        if model_type in ("qwen3", "gemma3_text"):
            w[p + ".self_attn.q_norm.weight"] = norm_weight(head_dim)
            w[p + ".self_attn.k_norm.weight"] = norm_weight(head_dim)
        w[p + ".mlp.gate_proj.weight"] = proj(inter, hidden)
        w[p + ".mlp.up_proj.weight"] = proj(inter, hidden)
        w[p + ".mlp.down_proj.weight"] = proj(hidden, inter)
        w[p + ".input_layernorm.weight"] = norm_weight(hidden)
        w[p + ".post_attention_layernorm.weight"] = norm_weight(hidden)
        if gemma:
            w[p + ".pre_feedforward_layernorm.weight"] = norm_weight(hidden)
            w[p + ".post_feedforward_layernorm.weight"] = norm_weight(hidden)
    if not config.get("tie_word_embeddings", gemma):
        w["lm_head.weight"] = proj(vocab, hidden)
    return w


def write_model(folder, config, weights, shards):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")
    dtype = STORAGE[config["torch_dtype"]]
    encoded = {name: (dtype, tuple(t.shape), to_bytes(t, dtype)) for name, t in weights.items()}
    for stale in os.listdir(folder):
        if stale.endswith(".safetensors") or stale.endswith(".index.json"):
            os.remove(os.path.join(folder, stale))
    if shards == 1:
        write_safetensors(os.path.join(folder, "model.safetensors"), encoded, {"format": "pt"})
        return
    names = sorted(encoded)
    weight_map = {}
    for s in range(shards):
        file_name = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
        part = {n: encoded[n] for n in names[s::shards]}
        write_safetensors(os.path.join(folder, file_name), part, {"format": "pt"})
        weight_map.update({n: file_name for n in part})
    total = sum(len(data) for _, _, data in encoded.values())
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}, f, indent=2)
        f.write("\n")


def fixed_inputs(vocab, generator, left=False):
    """Random ids with the second row padded (pad id 0) on the right, or on the left."""
    import torch
    input_ids = torch.randint(3, vocab, (BATCH, SEQ_LEN), generator=generator)
    attention_mask = torch.ones(BATCH, SEQ_LEN, dtype=torch.int64)
    padding = slice(0, PADDING) if left else slice(SEQ_LEN - PADDING, SEQ_LEN)
    attention_mask[1, padding] = 0
    input_ids[1, padding] = 0
    return input_ids, attention_mask


def write_interop_fixture(path):
    """A file for the Java reader: every dtype it reads, with values v[i] = (i - 3) * 0.25 that
    F16 and BF16 represent exactly, and metadata beside the format entry."""
    import torch
    values = lambda n: torch.tensor([(i - 3) * 0.25 for i in range(n)])  # noqa: E731
    tensors = {
        "f32.matrix": ("F32", (2, 3), to_bytes(values(6).reshape(2, 3), "F32")),
        "f16.vector": ("F16", (5,), to_bytes(values(5), "F16")),
        "bf16.cube": ("BF16", (2, 2, 2), to_bytes(values(8).reshape(2, 2, 2), "BF16")),
        "i64.ids": ("I64", (4,), to_bytes(torch.tensor([i - 3 for i in range(4)]), "I64")),
        "i32.ids": ("I32", (3,), to_bytes(torch.tensor([i - 3 for i in range(3)]), "I32")),
        "scalar": ("F32", (), to_bytes(torch.tensor(0.75), "F32")),
    }
    write_safetensors(path, tensors, {"format": "pt", "producer": "make_reference_models.py"})


def generate(out_dir):
    import torch
    torch.set_num_threads(1)
    os.makedirs(out_dir, exist_ok=True)
    write_interop_fixture(os.path.join(out_dir, "python-written.safetensors"))
    for index, (name, config) in enumerate(MODELS.items()):
        config = {k: v for k, v in config.items()}
        generator = torch.Generator().manual_seed(1000 + index)
        folder = os.path.join(out_dir, name)
        write_model(folder, config, random_weights(config, generator), shards=2 if name == "qwen2" else 1)
        # The reference reads back what was written, so it computes with the stored (rounded) values.
        weights = load_weights(folder)
        expected = {}
        # Right padding is what the trainer feeds; left padding checks that real tokens never
        # attend to padding (positions stay 0..S-1 in both, as transformers uses without
        # position_ids).
        for prefix, left in (("", False), ("left_padded.", True)):
            input_ids, attention_mask = fixed_inputs(config["vocab_size"], generator, left)
            with torch.no_grad():
                logits, inv_freqs = reference_logits(config, weights, input_ids, attention_mask)
            expected[prefix + "input_ids"] = ("I64", tuple(input_ids.shape), to_bytes(input_ids, "I64"))
            expected[prefix + "attention_mask"] = ("I64", tuple(attention_mask.shape),
                                                   to_bytes(attention_mask, "I64"))
            expected[prefix + "logits"] = ("F32", tuple(logits.shape), to_bytes(logits, "F32"))
        for layer_type, inv_freq in inv_freqs.items():
            expected["inv_freq." + layer_type] = ("F32", tuple(inv_freq.shape), to_bytes(inv_freq, "F32"))
        write_safetensors(os.path.join(out_dir, name + ".expected.safetensors"), expected,
                          {"format": "pt", "source": "make_reference_models.py"})
        valid = logits[attention_mask.bool()]
        print(f"{name}: logits {tuple(logits.shape)}, |max| {valid.abs().max():.3f}, std {valid.std():.3f}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--dump":
        dump(sys.argv[2])
    elif len(sys.argv) == 2 and not sys.argv[1].startswith("-"):
        generate(sys.argv[1])
    else:
        sys.exit(__doc__)
