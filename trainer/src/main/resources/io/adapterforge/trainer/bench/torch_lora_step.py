#!/usr/bin/python3
"""Times one LoRA training step of a Llama-family model in eager PyTorch, for `adapterforge bench train`.

Reads config.json and the safetensors weights of a Hugging Face model folder directly (no
transformers, no safetensors package), builds the decoder as transformers' eager modeling code
computes it (RMSNorm, rotary embeddings, grouped-query attention with a causal mask, SwiGLU MLP),
adds LoRA to q/k/v/o/gate/up/down_proj of every layer (A Kaiming-uniform, B zero; alpha = 2 r, no
dropout), freezes the base weights, and times forward + backward + torch.optim.AdamW on random
tokens with the loss of transformers' ForCausalLMLoss. The rotary frequencies are the default ones
(rope_scaling is ignored: it changes no cost). Prints one JSON line: {"median_step_ms": ..., ...}.

Usage: python3 torch_lora_step.py MODEL_DIR BATCH SEQ_LEN STEPS RANK THREADS
"""

import json
import math
import os
import statistics
import struct
import sys
import time

import torch

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}
MODULES = {"q_proj": "self_attn", "k_proj": "self_attn", "v_proj": "self_attn", "o_proj": "self_attn",
           "gate_proj": "mlp", "up_proj": "mlp", "down_proj": "mlp"}


def read_safetensors(path, weights):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n).decode("utf-8"))
        data = f.read()
    header.pop("__metadata__", None)
    for name, info in header.items():
        begin, end = info["data_offsets"]
        raw = bytearray(data[begin:end])
        tensor = torch.frombuffer(raw, dtype=DTYPES[info["dtype"]]) if raw else torch.empty(0)
        weights[name] = tensor.reshape(info["shape"]).float()


def load_weights(folder):
    weights = {}
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    for name in files:
        read_safetensors(os.path.join(folder, name), weights)
    return weights


def rms_norm(x, weight, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class LoraModel:
    def __init__(self, config, weights, rank):
        self.config = config
        self.w = weights
        self.heads = config["num_attention_heads"]
        self.kv_heads = config.get("num_key_value_heads", self.heads)
        self.head_dim = config.get("head_dim") or config["hidden_size"] // self.heads
        self.eps = config.get("rms_norm_eps", 1e-6)
        self.scale = 2.0 * rank / rank
        self.lora = {}
        generator = torch.Generator().manual_seed(0)
        for layer in range(config["num_hidden_layers"]):
            for module, parent in MODULES.items():
                prefix = f"model.layers.{layer}.{parent}.{module}"
                out_features, in_features = weights[prefix + ".weight"].shape
                bound = 1 / math.sqrt(in_features)
                a = (torch.rand(rank, in_features, generator=generator) * 2 - 1) * bound
                self.lora[prefix] = (a.requires_grad_(), torch.zeros(out_features, rank, requires_grad=True))
        theta = config.get("rope_theta", 10000.0)
        self.inv_freq = 1.0 / (theta ** (torch.arange(0, self.head_dim, 2, dtype=torch.float32) / self.head_dim))

    def parameters(self):
        return [p for pair in self.lora.values() for p in pair]

    def proj(self, x, prefix):
        y = torch.nn.functional.linear(x, self.w[prefix + ".weight"], self.w.get(prefix + ".bias"))
        a, b = self.lora[prefix]
        return y + torch.nn.functional.linear(torch.nn.functional.linear(x, a), b) * self.scale

    def loss(self, ids):
        batch, seq = ids.shape
        x = torch.nn.functional.embedding(ids, self.w["model.embed_tokens.weight"])
        positions = torch.arange(seq, dtype=torch.float32)
        freqs = torch.outer(positions, self.inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[None, None], emb.sin()[None, None]
        mask = torch.full((seq, seq), torch.finfo(torch.float32).min).triu(1)[None, None]
        groups = self.heads // self.kv_heads
        for layer in range(self.config["num_hidden_layers"]):
            p = f"model.layers.{layer}"
            h = rms_norm(x, self.w[p + ".input_layernorm.weight"], self.eps)
            q = self.proj(h, p + ".self_attn.q_proj").view(batch, seq, self.heads, self.head_dim).transpose(1, 2)
            k = self.proj(h, p + ".self_attn.k_proj").view(batch, seq, self.kv_heads, self.head_dim).transpose(1, 2)
            v = self.proj(h, p + ".self_attn.v_proj").view(batch, seq, self.kv_heads, self.head_dim).transpose(1, 2)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            k = k.repeat_interleave(groups, dim=1)
            v = v.repeat_interleave(groups, dim=1)
            scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim) + mask
            attn = torch.matmul(torch.softmax(scores, dim=-1), v)
            attn = attn.transpose(1, 2).reshape(batch, seq, self.heads * self.head_dim)
            x = x + self.proj(attn, p + ".self_attn.o_proj")
            h = rms_norm(x, self.w[p + ".post_attention_layernorm.weight"], self.eps)
            gate = torch.nn.functional.silu(self.proj(h, p + ".mlp.gate_proj"))
            x = x + self.proj(gate * self.proj(h, p + ".mlp.up_proj"), p + ".mlp.down_proj")
        x = rms_norm(x, self.w["model.norm.weight"], self.eps)
        head = self.w.get("lm_head.weight", self.w["model.embed_tokens.weight"])
        logits = torch.nn.functional.linear(x[:, :-1], head)
        return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1))


def main():
    folder, batch, seq, steps, rank, threads = sys.argv[1], *map(int, sys.argv[2:7])
    torch.set_num_threads(threads)
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    if config.get("model_type") not in ("llama", "mistral", "qwen2"):
        raise SystemExit(f"model_type {config.get('model_type')!r} is not timed here (llama, mistral, qwen2 only)")
    model = LoraModel(config, load_weights(folder), rank)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.0)
    generator = torch.Generator().manual_seed(1)
    times = []
    for step in range(steps + 1):
        ids = torch.randint(0, config["vocab_size"], (batch, seq), generator=generator)
        started = time.perf_counter()
        optimizer.zero_grad()
        loss = model.loss(ids)
        loss.backward()
        optimizer.step()
        elapsed = time.perf_counter() - started
        if step > 0:  # the first step warms up allocators and kernels
            times.append(elapsed * 1000)
    print(json.dumps({"median_step_ms": statistics.median(times), "steps": steps,
                      "threads": torch.get_num_threads(), "torch": torch.__version__,
                      "loss": float(loss)}))


if __name__ == "__main__":
    main()
