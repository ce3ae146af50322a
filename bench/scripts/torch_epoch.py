"""PyTorch side of bench/scripts/torch-epoch.sh: OpenFL's tutorial CNN on Fashion-MNIST.

Same network, data scaling (ToTensor: bytes / 255, no normalisation), optimiser (SGD lr 0.01,
momentum 0.5), batch size (64) and per-epoch seeded shuffling as Confer.Torch's TorchEpoch.
Trains one epoch per "epoch" line on stdin, so the driver can alternate it with TorchSharp, and
prints: epoch=<n> seconds=<s> loss=<mean train loss> accuracy=<test accuracy> finite=<true|false>
Run with Debian's /usr/bin/python3 (python3-torch).
"""

import argparse
import gzip
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    rank = magic & 0xFF
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def find_data():
    for root in (os.environ.get("CONFER_DATA"), "/usr/share/datasets"):
        if not root:
            continue
        for candidate in (os.path.join(root, "fashion-mnist"), root):
            if os.path.exists(os.path.join(candidate, "train-images-idx3-ubyte.gz")):
                return candidate
    sys.exit("Fashion-MNIST not found: apt-get install dataset-fashion-mnist")


class Net(nn.Module):
    """OpenFL's tutorial CNN (the PyTorch MNIST example)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.conv2_drop = nn.Dropout2d()
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
        x = x.view(-1, 320)
        x = F.relu(self.fc1(x))
        x = F.dropout(x, training=self.training)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    folder = find_data()
    train_x = torch.from_numpy(read_idx(os.path.join(folder, "train-images-idx3-ubyte.gz")).copy())
    train_y = torch.from_numpy(read_idx(os.path.join(folder, "train-labels-idx1-ubyte.gz")).astype(np.int64))
    test_x = torch.from_numpy(read_idx(os.path.join(folder, "t10k-images-idx3-ubyte.gz")).copy())
    test_y = torch.from_numpy(read_idx(os.path.join(folder, "t10k-labels-idx1-ubyte.gz")).astype(np.int64))

    model = Net()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
    print(f"ready label=pytorch torch={torch.__version__} threads={torch.get_num_threads()} "
          f"glibc_tunables={os.environ.get('GLIBC_TUNABLES', '-')}", flush=True)

    epoch = 0
    for line in sys.stdin:
        if line.strip() != "epoch":
            continue
        epoch += 1
        generator = torch.Generator().manual_seed(args.seed * 1_000_003 + epoch)
        order = torch.randperm(len(train_y), generator=generator)
        model.train()
        start = time.perf_counter()
        loss_sum, seen, finite = 0.0, 0, True
        for b in range(0, len(order), 64):
            idx = order[b:b + 64]
            # ToTensor: bytes to float in [0, 1]; built per batch like a DataLoader would.
            x = train_x[idx].unsqueeze(1).float().div(255)
            y = train_y[idx]
            optimizer.zero_grad()
            loss = F.nll_loss(model(x), y)
            loss.backward()
            optimizer.step()
            value = loss.item()
            finite = finite and math.isfinite(value)
            loss_sum += value * len(idx)
            seen += len(idx)
        seconds = time.perf_counter() - start

        model.eval()
        correct = 0
        with torch.no_grad():
            for b in range(0, len(test_y), 1000):
                x = test_x[b:b + 1000].unsqueeze(1).float().div(255)
                correct += (model(x).argmax(1) == test_y[b:b + 1000]).sum().item()
        finite = finite and all(torch.isfinite(p).all().item() for p in model.parameters())
        print(f"epoch={epoch} seconds={seconds:.3f} loss={loss_sum / seen:.4f} "
              f"accuracy={correct / len(test_y):.4f} finite={'true' if finite else 'false'}", flush=True)


if __name__ == "__main__":
    main()
