"""The HTML report's figures, drawn with matplotlib's Agg backend from plain arrays.

Every drawing function takes plain arrays (lists or numpy), writes one PNG to `path` and returns
that path. The arrays come from student code, so each is checked first: data that is missing,
empty, not numeric, wholly non-finite or of the wrong shape raises `FigureDataError`, whose message
is a short sentence the page shows instead of the figure. Figures are always closed after saving.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # graders have no display; must happen before pyplot is imported
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

MAX_CURVE_POINTS = 2_000    # more points than pixels only slows savefig; longer ones get bin means
MAX_UNITS = 100             # hidden units shown in the weight grid; a 10x10 grid stays legible
IMAGE_SHAPE = (32, 32, 3)   # one CIFAR-10 image in HWC order, the layout of each column of W1
MAX_ABS_VALUE = 1e100       # matplotlib's autoscaling overflows near 1e308; beyond it: gaps
PADDING = 1                 # pixels of white between tiles of the weight grid
DPI = 100


class FigureDataError(ValueError):
    """The data for a figure is missing, empty, non-numeric, non-finite or of the wrong shape."""


def training_curves(loss: Any, train_acc: Any, val_acc: Any, path: Path,
                    loss_per: str = "iteration") -> Path:
    """Loss (top) and train/validation accuracy (bottom) in one 2x1 figure.

    loss: (T,) one value per `loss_per` ("iteration" for Q3b, "epoch" for Q4b).
    train_acc, val_acc: (E,) one value per epoch, fractions in [0, 1].
    Non-finite values and values beyond +-MAX_ABS_VALUE are drawn as gaps (a diverged run still
    shows how it got there); a series with no drawable value raises FigureDataError. Series longer
    than MAX_CURVE_POINTS are averaged over equal bins, and the axis title says so.
    """
    loss_x, loss_y, loss_note = _series(loss, "loss")
    train_x, train_y, train_note = _series(train_acc, "train accuracy")
    val_x, val_y, val_note = _series(val_acc, "validation accuracy")
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 7))
    # Fixed margins instead of constrained_layout, which doubles the drawing time.
    fig.subplots_adjust(left=0.11, right=0.97, top=0.92, bottom=0.07, hspace=0.45)
    try:
        top.plot(loss_x, loss_y, color="tab:blue", lw=1, marker=_marker(loss_y))
        top.set(xlabel=loss_per, ylabel="loss")
        top.set_title(_title(f"loss per {loss_per}", loss_note), fontsize=10)
        bottom.plot(train_x, train_y, label="train", marker=_marker(train_y))
        bottom.plot(val_x, val_y, label="validation", marker=_marker(val_y))
        bottom.set(xlabel="epoch", ylabel="accuracy")
        acc_note = "; ".join(filter(None, (train_note, val_note)))
        bottom.set_title(_title("accuracy per epoch", acc_note), fontsize=10)
        bottom.legend()
        for ax in (top, bottom):
            ax.grid(alpha=0.3)
        return _save(fig, path)
    finally:
        plt.close(fig)


def weight_grid(W1: Any, path: Path, max_units: int = MAX_UNITS) -> Path:
    """The first-layer weights as a near-square grid of 32x32 RGB images.

    W1: (D, H) with D = 32*32*3 = 3072 in HWC order; the first min(H, max_units) columns are shown.
    Raises FigureDataError unless W1 is numeric, (3072, H) with H >= 1, and the shown units finite.
    """
    grid = weight_tiles(W1, max_units)
    shown, total = min(int(np.shape(W1)[1]), max_units), int(np.shape(W1)[1])
    fig, ax = plt.subplots(figsize=(6, 6))
    fig.subplots_adjust(left=0.02, right=0.98, top=0.94, bottom=0.02)
    try:
        ax.imshow(grid, interpolation="nearest")
        ax.set_axis_off()
        ax.set_title(f"first-layer weights: {shown} of {total} hidden units")
        return _save(fig, path)
    finally:
        plt.close(fig)


def weight_tiles(W1: Any, max_units: int = MAX_UNITS) -> np.ndarray:
    """Tile the columns of W1 into one image.

    W1: (3072, H). Returns (rows*33 - 1, cols*33 - 1, 3) floats in [0, 1], where n = min(H,
    max_units), cols = ceil(sqrt(n)), rows = ceil(n / cols). Each unit is rescaled to [0, 1] on
    its own (a unit with one constant value is mid-grey); padding and unused cells are white.
    """
    arr = _numeric(W1, "W1")
    d = math.prod(IMAGE_SHAPE)
    if arr.ndim != 2 or arr.shape[0] != d or arr.shape[1] < 1:
        raise FigureDataError(f"W1: expected shape ({d}, H), got {arr.shape}")
    units = arr[:, :max_units].astype(np.float64)  # slice first: only the shown units are copied
    if not np.isfinite(units).all():
        raise FigureDataError("W1: the shown units contain NaN or infinite values")
    n = units.shape[1]
    images = units.T.reshape(n, *IMAGE_SHAPE)  # (n, 32, 32, 3)
    # Divide by the largest magnitude first so that max - min cannot overflow for huge weights.
    scale = np.abs(images).max(axis=(1, 2, 3), keepdims=True)
    images = images / np.where(scale > 0, scale, 1.0)
    low = images.min(axis=(1, 2, 3), keepdims=True)
    span = images.max(axis=(1, 2, 3), keepdims=True) - low
    images = np.where(span > 0, (images - low) / np.where(span > 0, span, 1.0), 0.5)
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    h, w, c = IMAGE_SHAPE
    grid = np.ones((rows * (h + PADDING) - PADDING, cols * (w + PADDING) - PADDING, c))
    for i, image in enumerate(images):
        r, col = divmod(i, cols)
        top, left = r * (h + PADDING), col * (w + PADDING)
        grid[top:top + h, left:left + w] = image
    return grid


def _series(values: Any, name: str) -> tuple[np.ndarray, np.ndarray, str]:
    """A 1-D curve ready to plot: x (K,) 1-based positions, y (K,) with NaN gaps, and a note.

    K = len(values), or about MAX_CURVE_POINTS after bin-averaging a longer series.
    """
    y = _numeric(values, name).astype(np.float64)
    if y.ndim != 1:
        raise FigureDataError(f"{name}: expected a 1-D sequence, got shape {y.shape}")
    if y.size == 0:
        raise FigureDataError(f"{name}: empty")
    with np.errstate(invalid="ignore"):
        drawable = np.isfinite(y) & (np.abs(y) <= MAX_ABS_VALUE)
    if not drawable.any():
        raise FigureDataError(
            f"{name}: nothing to draw (all NaN, infinite or beyond +-{MAX_ABS_VALUE:g})")
    notes = [] if drawable.all() else [
        f"{int((~drawable).sum())} non-finite or huge values not drawn"]
    y = np.where(drawable, y, np.nan)
    x = np.arange(1, y.size + 1, dtype=np.float64)
    if y.size > MAX_CURVE_POINTS:
        step = math.ceil(y.size / MAX_CURVE_POINTS)
        bins = np.concatenate([y, np.full((-y.size) % step, np.nan)]).reshape(-1, step)
        counts = np.isfinite(bins).sum(axis=1)
        y = np.nansum(bins, axis=1) / np.maximum(counts, 1)  # cannot overflow: |y| <= MAX_ABS_VALUE
        y[counts == 0] = np.nan
        x = x[::step] + (step - 1) / 2  # bin centres
        notes.append(f"mean of every {step} points")
    return x, y, "; ".join(notes)


def _numeric(values: Any, name: str) -> np.ndarray:
    """values as an integer or real ndarray (not yet converted); FigureDataError otherwise."""
    if values is None:
        raise FigureDataError(f"{name}: missing")
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError, OverflowError) as exc:  # ragged lists and other junk
        raise FigureDataError(f"{name}: not an array of numbers") from exc
    if arr.dtype.kind not in "iuf":  # rejects strings, objects (None inside), bools, complex
        raise FigureDataError(f"{name}: expected numbers, got {arr.dtype} values")
    return arr


def _marker(y: np.ndarray) -> str | None:
    # A handful of epochs reads better as dots; a single finite value is otherwise invisible.
    return "o" if y.size <= 50 else None


def _title(text: str, note: str) -> str:
    # The note goes on its own line so that a long one is not cut off at the figure's edge.
    return f"{text}\n({note})" if note else text


def _save(fig, path: Path) -> Path:
    path = Path(path)
    fig.savefig(path, dpi=DPI, format="png")
    return path
