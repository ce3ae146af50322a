"""PyTorch reference of Confer's main job: OpenFL's tutorial CNN, 4 strided collaborators, FedAvg.

Each round: every collaborator starts from the global model, trains one epoch (SGD lr 0.01,
momentum 0.5, fresh optimiser, batch 64, seeded shuffle), then the aggregator averages the
weights (weighted by examples) and evaluates on the 10,000 test images.
Prints one line per round: round=<r> accuracy=<a> loss=<l> seconds=<s>
Run with Debian's /usr/bin/python3 (python3-torch).
"""

import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_epoch import Net, find_data, read_idx  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--normalize", default="0.1307,0.3081", help="MEAN,STD after scaling to [0, 1], or none")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    mean, std = (0.0, 1.0) if args.normalize == "none" else map(float, args.normalize.split(","))
    folder = find_data()

    def images(name):
        raw = torch.from_numpy(read_idx(os.path.join(folder, name)).copy())
        return (raw.unsqueeze(1).float().div(255) - mean) / std

    def labels(name):
        return torch.from_numpy(read_idx(os.path.join(folder, name)).astype(np.int64))

    train_x, train_y = images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz")
    test_x, test_y = images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz")
    shards = [(train_x[i::args.clients], train_y[i::args.clients]) for i in range(args.clients)]

    global_model = Net()
    for r in range(1, args.rounds + 1):
        start = time.perf_counter()
        states, weights = [], []
        for c, (x, y) in enumerate(shards):
            model = Net()
            model.load_state_dict(global_model.state_dict())
            model.train()
            optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
            generator = torch.Generator().manual_seed(args.seed * 1_000_003 + r * 101 + c)
            order = torch.randperm(len(y), generator=generator)
            for b in range(0, len(order), 64):
                idx = order[b:b + 64]
                optimizer.zero_grad()
                F.nll_loss(model(x[idx]), y[idx]).backward()
                optimizer.step()
            states.append(model.state_dict())
            weights.append(len(y))
        total = sum(weights)
        averaged = {k: sum(s[k] * (w / total) for s, w in zip(states, weights)) for k in states[0]}
        global_model.load_state_dict(averaged)
        global_model.eval()
        with torch.no_grad():
            out = global_model(test_x)
            loss = F.nll_loss(out, test_y).item()
            accuracy = (out.argmax(1) == test_y).float().mean().item()
        print(f"round={r} accuracy={accuracy:.4f} loss={loss:.4f} seconds={time.perf_counter() - start:.1f}", flush=True)


if __name__ == "__main__":
    main()
