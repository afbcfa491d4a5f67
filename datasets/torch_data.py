"""The data scaffolding of Question 4, given: CIFAR-10 as tensors, loaders, the device.

Nothing here is part of the exercise. It lives outside the student's mlp.py (which imports it)
because it is written for the grader's speed and memory: the uint8 images stay as they are (a
memory map, when they come from one) and each batch is gathered in one call and normalised as it
is taken, so an epoch on one CPU core costs little beyond the model's work and no float copy of
the whole set is ever held (49,000 images are 602 MB as float32). The grader's own CIFAR-10
training uses the same loader. torchvision is imported only by build_transform().

    from datasets.torch_data import make_loader, default_device
    loader = make_loader(images, labels, batch_size=200, shuffle=True)   # images (N, 32, 32, 3) uint8
"""
from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from .cifar10 import CHANNEL_MEAN as CIFAR10_MEAN, CHANNEL_STD as CIFAR10_STD


def build_transform():
    """uint8 image (32, 32, 3) -> float tensor (3, 32, 32), scaled to [0, 1] and normalised per
    channel: torchvision's ToTensor then Normalize (``normalise`` gives the same numbers for a batch)."""
    import torchvision.transforms as T

    return T.Compose([T.ToTensor(), T.Normalize(CIFAR10_MEAN, CIFAR10_STD)])


def normalise(images: np.ndarray) -> torch.Tensor:
    """uint8 images (B, 32, 32, 3) -> float tensor (B, 3, 32, 32) of the default dtype, scaled to
    [0, 1] and normalised per channel: the operations of ToTensor and Normalize, in their order, so
    the numbers are exactly build_transform()'s."""
    x = torch.from_numpy(np.array(images, dtype=np.uint8)).permute(0, 3, 1, 2).contiguous()  # a copy
    x = x.to(dtype=torch.get_default_dtype()).div(255)
    mean = torch.as_tensor(CIFAR10_MEAN, dtype=x.dtype).view(1, -1, 1, 1)
    std = torch.as_tensor(CIFAR10_STD, dtype=x.dtype).view(1, -1, 1, 1)
    return x.sub_(mean).div_(std)


class CIFARArrays(Dataset):
    """CIFAR-10 images kept as uint8 arrays, normalised a batch at a time as they are taken.

    The transform is deterministic and acts pixel by pixel, so applying it to a gathered batch
    gives exactly the numbers that image-by-image calls give. Without a transform the batch goes
    through ``normalise`` (build_transform()'s numbers, no torchvision); with one, the batch goes
    through it as one tall (B * 32, 32, 3) image, which saves its per-call overhead.

    Inputs:
    - images: (N, 32, 32, 3) uint8 images (kept, not copied: a memory map stays one).
    - labels: (N,) integer labels in [0, C).
    - transform: a pixel-wise transform of an (H, W, 3) uint8 image; ``normalise`` when None.
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray, transform=None):
        assert images.ndim == 4 and images.shape[-1] == 3, f"images must be (N, 32, 32, 3), got {images.shape}"
        assert len(images) == len(labels), f"{len(images)} images but {len(labels)} labels"
        self.images = images                                                   # (N, 32, 32, 3) uint8
        self.transform = transform
        self.labels = torch.as_tensor(np.asarray(labels), dtype=torch.long)    # (N,)

    def __len__(self) -> int:
        return len(self.labels)

    def _convert(self, block: np.ndarray) -> torch.Tensor:
        """uint8 (k, 32, 32, 3) -> (k, 3, 32, 32) normalised."""
        if self.transform is None:
            return normalise(block)
        k, height, width, channels = block.shape
        tall = self.transform(np.ascontiguousarray(block).reshape(k * height, width, channels))  # (3, k * 32, 32)
        return tall.reshape(channels, k, height, width).transpose(0, 1)

    def __getitem__(self, index):
        return self._convert(self.images[[index]])[0], self.labels[index]

    def __getitems__(self, indices: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
        """A whole batch in one gather: images (B, 3, 32, 32) and labels (B,).

        DataLoader calls this instead of B __getitem__ calls plus a collate, which on one CPU thread
        would cost as much time as a small model's training step.
        """
        index = np.asarray(indices, dtype=np.int64)
        return self._convert(self.images[index]), self.labels[torch.from_numpy(index)]


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
