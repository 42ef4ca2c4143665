#!/usr/bin/python3
"""Independent reference for adapterforge's LoRA training numerics.

On tiny reference models written by make_reference_models.py, runs in plain PyTorch what the Java
trainer's update step does, and writes what the Java tests compare against:

  * LoRA as PEFT's lora.Linear computes it: y = W x + b + (B (A dropout(x))) * scale, with scale
    alpha / r, or alpha / sqrt(r) for rsLoRA, on the chosen target modules of every layer;
  * the loss of transformers' ForCausalLMLoss: cross-entropy of logits[:, :-1] against
    labels[:, 1:] over labels != -100, summed per micro-batch and divided by the scored tokens of
    the whole accumulation window (so accumulated gradients equal those of the window's mean);
  * torch.nn.utils.clip_grad_norm_, torch.optim.AdamW (the real PyTorch implementation) and
    transformers' warmup + cosine / linear schedules through LambdaLR, stepped after each update;
  * LoRA dropout with the Java side's counter-based masks (CounterRandom: SplitMix64's finalizer,
    keyed by seed, update, micro-batch and the projection's ordinal), re-implemented here, so the
    masks are identical and losses can be compared to rounding.

The micro-batches of every update are fixed here (written to the fixture); the Java test feeds the
same rows, right-padded as the trainer pads them. Everything runs in float32 on one thread.

Usage (Debian's python3-torch 1.13 lives in /usr/bin/python3):
  /usr/bin/python3 make_reference_training.py REFERENCE_DIR
      REFERENCE_DIR is the folder make_reference_models.py wrote; adds lora_<arch>/ folders.
"""

import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_reference_models as ref  # noqa: E402

MASK64 = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15
DROPOUT_STREAM = 0x44726F706F7574  # UpdateStep.DROPOUT_STREAM
MODULES = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
MODULE_PATH = {"q_proj": "self_attn.q_proj", "k_proj": "self_attn.k_proj", "v_proj": "self_attn.v_proj",
               "o_proj": "self_attn.o_proj", "gate_proj": "mlp.gate_proj", "up_proj": "mlp.up_proj",
               "down_proj": "mlp.down_proj"}
IGNORE = -100

# One run per model: the settings the Java test reads back from settings.json.
RUNS = {
    "llama": dict(r=4, lora_alpha=8.0, lora_dropout=0.1, target_modules=MODULES, use_rslora=False,
                  learning_rate=1e-2, weight_decay=0.01, betas=[0.9, 0.999], eps=1e-8,
                  schedule="COSINE", warmup_steps=2, total_steps=6, max_grad_norm=3.0,
                  batch_size=2, accumulation=2, seed=1234),
    "gemma3_text": dict(r=8, lora_alpha=16.0, lora_dropout=0.0, target_modules=["q_proj", "v_proj", "down_proj"],
                        use_rslora=True, learning_rate=5e-3, weight_decay=0.0, betas=[0.9, 0.95], eps=1e-6,
                        schedule="LINEAR", warmup_steps=1, total_steps=5, max_grad_norm=4.6,
                        batch_size=3, accumulation=1, seed=77),
}


# ---------------------------------------------------------------------------------------------
# CounterRandom (Java: io.adapterforge.trainer.CounterRandom)
# ---------------------------------------------------------------------------------------------

def mix(z):
    z &= MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def key(first, *rest):
    k = mix(first)
    for part in rest:
        k = mix(k + part)
    return k


def uniforms(k, count):
    """uniform(k, i) for i in [0, count): (mix(k + (i + 1) * gamma) >>> 40) * 2^-24, vectorized."""
    with np.errstate(over="ignore"):
        i = np.arange(1, count + 1, dtype=np.uint64)
        z = np.uint64(k) + i * np.uint64(GOLDEN_GAMMA)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(40)).astype(np.float64) * 2.0 ** -24


def dropout_mask(dropout_key, ordinal, shape, p):
    import torch
    count = math.prod(shape)
    u = uniforms(key(dropout_key, ordinal), count)
    kept = np.float32(1.0 / (1.0 - p))
    mask = np.where(u < p, np.float32(0.0), kept).astype(np.float32).reshape(shape)
    return torch.from_numpy(mask)


# ---------------------------------------------------------------------------------------------
# Data and the LoRA forward pass
# ---------------------------------------------------------------------------------------------

def make_rows(vocab, generator, count=8):
    """Rows of 4..10 tokens; a 'prompt' prefix of each is -100, the rest labels its own ids."""
    import torch
    rows = []
    for _ in range(count):
        length = int(torch.randint(4, 11, (1,), generator=generator))
        ids = torch.randint(3, vocab, (length,), generator=generator).tolist()
        prompt = int(torch.randint(1, length - 1, (1,), generator=generator))
        labels = [IGNORE] * prompt + ids[prompt:]
        rows.append((ids, labels))
    return rows


def pad(rows):
    """Right padding with id 0, mask 0 and label -100, as the Java Batch pads."""
    import torch
    seq = max(len(ids) for ids, _ in rows)
    ids = torch.zeros(len(rows), seq, dtype=torch.int64)
    mask = torch.zeros(len(rows), seq, dtype=torch.int64)
    labels = torch.full((len(rows), seq), IGNORE, dtype=torch.int64)
    for r, (row_ids, row_labels) in enumerate(rows):
        ids[r, :len(row_ids)] = torch.tensor(row_ids)
        mask[r, :len(row_ids)] = 1
        labels[r, :len(row_labels)] = torch.tensor(row_labels)
    return ids, mask, labels


def scored(rows):
    return sum(sum(1 for label in labels[1:] if label != IGNORE) for _, labels in rows)


def loss_sum(logits, labels):
    """ForCausalLMLoss with reduction='sum': shift, flatten, ignore -100."""
    import torch
    shift_logits = logits[:, :-1, :].reshape(-1, logits.shape[-1]).float()
    shift_labels = labels[:, 1:].reshape(-1)
    return torch.nn.functional.cross_entropy(shift_logits, shift_labels, ignore_index=IGNORE, reduction="sum")


def lora_layers(config, run):
    """(projection prefix, ordinal) of every adapted projection, in the model's order."""
    layers = []
    for layer in range(config["num_hidden_layers"]):
        for index, module in enumerate(MODULES):
            if module in run["target_modules"]:
                layers.append((f"model.layers.{layer}.{MODULE_PATH[module]}", layer * len(MODULES) + index))
    return layers


def peft_key(prefix, half):
    return f"base_model.model.{prefix}.lora_{half}.weight"


def adapters_for(lora, layers, scale, dropout_key, p):
    """{prefix: f(x)} computing PEFT's lora_B(lora_A(dropout(x))) * scaling."""
    import torch

    def make(prefix, ordinal):
        def delta(x):
            if p > 0 and dropout_key is not None:
                x = x * dropout_mask(dropout_key, ordinal, tuple(x.shape), p)
            a = lora[peft_key(prefix, "A")]
            b = lora[peft_key(prefix, "B")]
            return torch.nn.functional.linear(torch.nn.functional.linear(x, a), b) * scale
        return delta
    return {prefix: make(prefix, ordinal) for prefix, ordinal in layers}


def shape_of(weights, prefix):
    return weights[prefix + ".weight"].shape


def initial_lora(weights, layers, r, generator, b_std=0.0):
    """PEFT's init: A kaiming_uniform_(a=sqrt(5)) (U(+-1/sqrt(in))), B zeros (or normal for checks)."""
    import torch
    lora = {}
    for prefix, _ in layers:
        out_features, in_features = shape_of(weights, prefix)
        a = torch.empty(r, in_features)
        bound = 1 / math.sqrt(in_features)
        a.uniform_(-bound, bound, generator=generator)
        b = torch.randn(out_features, r, generator=generator) * b_std if b_std > 0 else torch.zeros(out_features, r)
        lora[peft_key(prefix, "A")] = a
        lora[peft_key(prefix, "B")] = b
    return lora


def schedule_factor(kind, step, warmup, total):
    """transformers' get_cosine_schedule_with_warmup / get_linear_schedule_with_warmup lambdas."""
    if step < warmup:
        return float(step) / float(max(1, warmup))
    if kind == "LINEAR":
        return max(0.0, float(total - step) / float(max(1, total - warmup)))
    progress = float(step - warmup) / float(max(1, total - warmup))
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * 0.5 * 2.0 * progress)))


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------

def f32(tensor):
    return ("F32", tuple(tensor.shape), ref.to_bytes(tensor, "F32"))


def write_tensors(path, tensors):
    ref.write_safetensors(path, {k: f32(v) for k, v in tensors.items()},
                          {"format": "pt", "source": "make_reference_training.py"})


def generate(reference_dir):
    import torch
    torch.set_num_threads(1)
    for index, (arch, run) in enumerate(RUNS.items()):
        folder = os.path.join(reference_dir, arch)
        with open(os.path.join(folder, "config.json")) as f:
            config = json.load(f)
        weights = ref.load_weights(folder)
        generator = torch.Generator().manual_seed(5000 + index)
        layers = lora_layers(config, run)
        r = run["r"]
        scale = run["lora_alpha"] / (math.sqrt(r) if run["use_rslora"] else r)
        rows = make_rows(config["vocab_size"], generator)
        out = os.path.join(reference_dir, "lora_" + arch)
        os.makedirs(out, exist_ok=True)

        # 1. Loss and gradients of one batch (rows 0..2) at weights with nonzero B, no dropout.
        check = initial_lora(weights, layers, r, generator, b_std=0.1)
        params = {k: v.clone().requires_grad_(True) for k, v in check.items()}
        ids, mask, labels = pad(rows[:3])
        logits, _ = ref.reference_logits(config, weights, ids, mask, adapters_for(params, layers, scale, None, 0.0))
        check_loss = loss_sum(logits, labels) / scored(rows[:3])
        check_loss.backward()
        write_tensors(os.path.join(out, "gradient_check_weights.safetensors"), check)
        write_tensors(os.path.join(out, "gradients.safetensors"), {k: p.grad for k, p in params.items()})

        # 2. A few updates: accumulation, dropout, clipping, AdamW, warmup + decay.
        lora = initial_lora(weights, layers, r, generator)
        write_tensors(os.path.join(out, "initial.safetensors"), lora)
        names = [peft_key(prefix, half) for prefix, _ in layers for half in ("A", "B")]
        params = {k: lora[k].clone().requires_grad_(True) for k in names}
        ordered = [params[k] for k in names]
        optimizer = torch.optim.AdamW(ordered, lr=run["learning_rate"], betas=tuple(run["betas"]),
                                      eps=run["eps"], weight_decay=run["weight_decay"])
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: schedule_factor(run["schedule"], step, run["warmup_steps"], run["total_steps"]))
        order = torch.randperm(len(rows), generator=generator).tolist()
        cursor = 0
        plan, losses, rates, norms = [], [], [], []
        for step in range(run["total_steps"]):
            window = []
            for _ in range(run["accumulation"]):
                members = []
                for _ in range(run["batch_size"]):
                    members.append(order[cursor % len(order)])
                    cursor += 1
                window.append(members)
            plan.append(window)
            optimizer.zero_grad()
            denominator = sum(scored([rows[i] for i in members]) for members in window)
            total = 0.0
            for micro, members in enumerate(window):
                ids, mask, labels = pad([rows[i] for i in members])
                dropout_key = key(run["seed"], DROPOUT_STREAM, step, micro)
                logits, _ = ref.reference_logits(
                    config, weights, ids, mask, adapters_for(params, layers, scale, dropout_key, run["lora_dropout"]))
                micro_sum = loss_sum(logits, labels)
                total += micro_sum.item()
                (micro_sum / denominator).backward()
            losses.append(total / denominator)
            norms.append(float(torch.nn.utils.clip_grad_norm_(ordered, run["max_grad_norm"])))
            rates.append(scheduler.get_last_lr()[0])
            optimizer.step()
            scheduler.step()
        write_tensors(os.path.join(out, "final.safetensors"), {k: p.detach() for k, p in params.items()})
        moments = {}
        for k in names:
            state = optimizer.state[params[k]]
            moments[k + ".exp_avg"] = state["exp_avg"]
            moments[k + ".exp_avg_sq"] = state["exp_avg_sq"]
        write_tensors(os.path.join(out, "optimizer.safetensors"), moments)

        settings = dict(run)
        settings["rows"] = [{"input_ids": ids, "labels": labels} for ids, labels in rows]
        settings["gradient_check"] = {"rows": [0, 1, 2], "loss": check_loss.item()}
        settings["plan"] = plan
        settings["expected"] = {"loss": losses, "learning_rate": rates, "grad_norm": norms}
        with open(os.path.join(out, "settings.json"), "w") as f:
            json.dump(settings, f, indent=1)
            f.write("\n")
        print(f"{arch}: losses {[round(x, 5) for x in losses]}, grad norms {[round(x, 4) for x in norms]}")


if __name__ == "__main__":
    if len(sys.argv) == 2 and not sys.argv[1].startswith("-"):
        generate(sys.argv[1])
    else:
        sys.exit(__doc__)
