"""The data scaffolding of Question 4, given: CIFAR-10 in memory as tensors, loaders, the device.

Nothing here is part of the exercise. It lives outside the student's mlp.py (which imports it)
because it is written for the grader's speed: the images are normalised once when the dataset is
built and batches are gathered in one call, so an epoch on one CPU core costs only the model's
work. The grader's own CIFAR-10 training uses the same loader.

    from datasets.torch_data import make_loader, default_device
    loader = make_loader(images, labels, batch_size=200, shuffle=True)   # images (N, 32, 32, 3) uint8
"""
from __future__ import annotations

import numpy as np
import torch
import torchvision.transforms as T
from torch.utils.data import DataLoader, Dataset

from .cifar10 import CHANNEL_MEAN as CIFAR10_MEAN, CHANNEL_STD as CIFAR10_STD


def build_transform() -> T.Compose:
    """uint8 image (32, 32, 3) -> float tensor (3, 32, 32), scaled to [0, 1] and normalised per channel."""
    return T.Compose([T.ToTensor(), T.Normalize(CIFAR10_MEAN, CIFAR10_STD)])


class CIFARArrays(Dataset):
    """CIFAR-10 images held in memory as arrays, transformed once with build_transform().

    The transform is deterministic and acts pixel by pixel (scale, then per-channel normalise), so it
    is applied when the dataset is built and the normalised tensor is kept: an epoch then costs no
    per-sample transform. To save the per-call overhead of torchvision, each chunk of k images goes
    through the transform as one tall (k * 32, 32, 3) image, which gives exactly the numbers that
    image-by-image calls give.

    Inputs:
    - images: (N, 32, 32, 3) uint8 images.
    - labels: (N,) integer labels in [0, C).
    - transform: a pixel-wise transform of an (H, W, 3) uint8 image; build_transform() when None.
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray, transform=None, chunk: int = 256):
        assert images.ndim == 4 and images.shape[-1] == 3, f"images must be (N, 32, 32, 3), got {images.shape}"
        assert len(images) == len(labels), f"{len(images)} images but {len(labels)} labels"
        transform = build_transform() if transform is None else transform
        N, height, width, channels = images.shape
        # Filled chunk by chunk: building a list of chunks and concatenating would hold the whole
        # float32 set twice (1.2 GB for the training images) at the end.
        self.images = torch.empty(N, channels, height, width)          # (N, 3, 32, 32) float32
        for start in range(0, N, chunk):
            block = np.ascontiguousarray(images[start:start + chunk])   # (k, 32, 32, 3)
            k = len(block)
            tall = transform(block.reshape(k * height, width, channels))  # (3, k * 32, 32)
            self.images[start:start + k] = tall.reshape(channels, k, height, width).transpose(0, 1)
        self.labels = torch.as_tensor(np.asarray(labels), dtype=torch.long)    # (N,)

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index):
        return self.images[index], self.labels[index]

    def __getitems__(self, indices: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
        """A whole batch in one gather: images (B, 3, 32, 32) and labels (B,).

        DataLoader calls this instead of B __getitem__ calls plus a collate, which on one CPU thread
        would cost as much time as a small model's training step.
        """
        index = torch.as_tensor(indices)
        return self.images.index_select(0, index), self.labels.index_select(0, index)


def keep_batch(batch: tuple[torch.Tensor, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """collate_fn for CIFARArrays: its __getitems__ already returns the stacked batch."""
    return batch


def make_loader(images: np.ndarray, labels: np.ndarray, batch_size: int, shuffle: bool,
                seed: int = 0) -> DataLoader:
    """A deterministic DataLoader over uint8 images (N, 32, 32, 3) and labels (N,).

    Batches are (B, 3, 32, 32) float32 and (B,) int64. With shuffle, the order comes from a
    torch.Generator seeded with `seed`, so two loaders with the same seed give the same batches.
    """
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(CIFARArrays(images, labels), batch_size=batch_size, shuffle=shuffle,
                      num_workers=0, generator=generator, collate_fn=keep_batch)


def default_device() -> torch.device:
    """cuda when a GPU is available, else cpu."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
