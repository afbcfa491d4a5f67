"""Importing an ImageFolder tree (PNG and JPEG, as a folder or an archive) and its errors."""

from __future__ import annotations

import io
import shutil

import numpy as np
import pytest

import datasets
from datasets.errors import DataFormatError, SourceNotFoundError
from datasets.imagefolder import read_imagefolder

from cifar_helpers import assert_matches_tree, pack_tree, write_image


def test_folder_import_gives_the_documented_order(image_tree):
    root, expected = image_tree
    arrays, info = read_imagefolder(root, workers=1, stream=io.StringIO())
    assert_matches_tree(arrays, expected)
    assert info["source"] == "imagefolder" and info["kind"] == "folder" and info["shuffle_seed"] == 0


@pytest.mark.parametrize("name, inside", [("top.tar.gz", ""), ("nested.tar.gz", "cifar10"), ("plain.tar", "x")])
def test_archive_gives_the_same_arrays_as_the_folder(image_tree, tmp_path, name, inside):
    root, expected = image_tree
    from_folder, folder_info = read_imagefolder(root, workers=1, stream=io.StringIO())
    archive = pack_tree(root, tmp_path / name, inside)
    from_archive, archive_info = read_imagefolder(archive, workers=1, stream=io.StringIO())
    for key in from_folder:
        np.testing.assert_array_equal(from_archive[key], from_folder[key], err_msg=key)
    assert archive_info["kind"] == "archive" and len(archive_info["sha256"]) == 64
    # Same images, same paths: the same tree hash whatever the packaging.
    assert archive_info["tree_sha256"] == folder_info["tree_sha256"]


def test_nested_folder_is_found(image_tree, tmp_path):
    root, expected = image_tree
    outer = tmp_path / "outer"
    outer.mkdir()
    shutil.move(str(root), outer / "cifar10-images")
    arrays, _ = read_imagefolder(outer, workers=1, stream=io.StringIO())
    assert_matches_tree(arrays, expected)


def test_parallel_decoding_gives_identical_arrays(image_tree):
    root, _ = image_tree
    alone, _ = read_imagefolder(root, workers=1, stream=io.StringIO())
    pooled, _ = read_imagefolder(root, workers=2, chunk=3, stream=io.StringIO())  # 10 tasks
    for key in alone:
        np.testing.assert_array_equal(pooled[key], alone[key], err_msg=key)


def test_grey_and_transparent_pngs_become_rgb(image_tree):
    root, expected = image_tree
    grey = np.full((32, 32, 3), 77, np.uint8)
    write_image(root / "train/ship/grey.png", grey, mode="L")
    write_image(root / "train/ship/alpha.png", grey + 50, mode="RGBA")
    write_image(root / "train/ship/grey.jpg", grey, mode="L")
    arrays, _ = read_imagefolder(root, workers=1, stream=io.StringIO())
    expected["train/ship/grey.png"] = (8, grey, True)
    expected["train/ship/alpha.png"] = (8, grey + 50, True)
    expected["train/ship/grey.jpg"] = (8, grey, False)
    assert_matches_tree(arrays, expected)


def test_missing_class_is_a_warning(tmp_path):
    for split in ("train", "test"):
        write_image(tmp_path / f"t/{split}/cat/a.png", np.zeros((32, 32, 3), np.uint8))
    log = io.StringIO()
    arrays, _ = read_imagefolder(tmp_path / "t", workers=1, stream=log)
    assert arrays["y_train"].tolist() == [3] and "no train images for class(es) airplane" in log.getvalue()


def _bad(root, rel, content=None):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if content is None:
        write_image(path, np.zeros((40, 32, 3), np.uint8))
    else:
        path.write_bytes(content)


@pytest.mark.parametrize(
    "rel, content, words",
    [
        ("train/cat/big.png", None, ["train/cat/big.png", "32x40", "must be 32x32"]),
        ("test/cat/big.jpg", None, ["test/cat/big.jpg", "32x40", "must be 32x32"]),
        ("train/kitten/a.png", b"x", ["train/kitten", "airplane, automobile, bird"]),
        ("train/cat/broken.jpg", b"\xff\xd8\xff\xe0 not really", ["train/cat/broken.jpg", "damaged"]),
        ("train/cat/broken.png", b"\x89PNG\r\n\x1a\n", ["train/cat/broken.png", "Could not decode"]),
        ("train/cat/notes.txt", b"hello", ["train/cat/notes.txt", "not a .png/.jpg/.jpeg"]),
        ("train/cat/sub/a.png", b"x", ["train/cat/sub/a.png", "no sub-folders"]),
        ("test/a.png", b"x", ["test/a.png", "test/<class>/<image>"]),
    ],
)
@pytest.mark.parametrize("packed", [False, True])
def test_bad_trees_name_the_file(image_tree, tmp_path, rel, content, words, packed):
    root, _ = image_tree
    _bad(root, rel, content)
    source = pack_tree(root, tmp_path / "bad.tar.gz", "inner") if packed else root
    with pytest.raises(DataFormatError) as err:
        read_imagefolder(source, workers=1, stream=io.StringIO())
    for word in words:
        assert word in str(err.value)
    if packed:
        assert "bad.tar.gz" in str(err.value)


@pytest.mark.parametrize("keep", ["train", "test"])
def test_empty_split(tmp_path, keep):
    write_image(tmp_path / f"t/{keep}/cat/a.png", np.zeros((32, 32, 3), np.uint8))
    (tmp_path / "t/train/dog").mkdir(parents=True, exist_ok=True)  # a class folder, but empty
    (tmp_path / "t/test/dog").mkdir(parents=True, exist_ok=True)
    other = "test" if keep == "train" else "train"
    with pytest.raises(DataFormatError, match=f"No {other} images found in .*t"):
        read_imagefolder(tmp_path / "t", workers=1, stream=io.StringIO())


def test_no_tree_at_all(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.png").write_bytes(b"x")
    with pytest.raises(DataFormatError, match="No train/ or test/ folder"):
        read_imagefolder(tmp_path, stream=io.StringIO())
    archive = pack_tree(tmp_path / "photos", tmp_path / "photos.tar.gz")
    with pytest.raises(DataFormatError, match="No train images found"):
        read_imagefolder(archive, stream=io.StringIO())


def test_two_trees_are_refused(image_tree, tmp_path):
    root, _ = image_tree
    both = tmp_path / "both"
    shutil.copytree(root, both / "a")
    shutil.copytree(root, both / "b")
    with pytest.raises(DataFormatError, match="several trees"):
        read_imagefolder(both, stream=io.StringIO())
    archive = pack_tree(both, tmp_path / "both.tar.gz")
    with pytest.raises(DataFormatError, match="more than one tree"):
        read_imagefolder(archive, stream=io.StringIO())


def test_missing_or_unusable_source(tmp_path):
    with pytest.raises(SourceNotFoundError, match="nowhere.tar.gz does not exist"):
        read_imagefolder(tmp_path / "nowhere.tar.gz")
    (tmp_path / "data.zip").write_bytes(b"PK\x03\x04 not a tar")
    with pytest.raises(DataFormatError, match="neither a folder nor a .tar"):
        read_imagefolder(tmp_path / "data.zip")


def test_truncated_archive(image_tree, tmp_path):
    root, _ = image_tree
    archive = pack_tree(root, tmp_path / "full.tar.gz")
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(DataFormatError, match="damaged or incomplete"):
        read_imagefolder(cut, stream=io.StringIO())


def test_failed_import_keeps_the_old_data(image_tree, tmp_path):
    root, expected = image_tree
    data_dir = tmp_path / "data"
    path = datasets.get(root, data_dir, stream=io.StringIO())
    before = path.read_bytes()
    _bad(root, "train/truck/zz-last.png")  # sorted last among the train files: fails late
    with pytest.raises(DataFormatError):
        datasets.get(root, data_dir, force=True, stream=io.StringIO())
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["cifar10.npz", "source.json"]
    assert_matches_tree(datasets.load_raw(data_dir), expected)
