"""benchmarks/paper_protocol.py: the 'paper' protocol trains students the papers' way."""

import numpy as np
import pytest

from tests.conftest import load_benchmark_script


@pytest.fixture(scope="module")
def protocol():
    return load_benchmark_script("paper_protocol")


@pytest.mark.parametrize("method", ["none", "kd", "memkd", "tsd"])
def test_paper_students_keep_the_papers_recipe_not_the_librarys(protocol, method):
    # the library's later defaults (cosine schedule, AdamW with weight decay, input
    # scaling, a transfer set) had silently entered the 'paper' protocol's students
    params = protocol.build_student("paper", method, 200, 0).get_params()
    assert params["student"] == "lstm" and params["max_epochs"] == 200
    assert (params["lr"], params["batch_size"], params["patience"]) == (0.005, 32, 50)
    assert params["validation_size"] == 0.2
    assert params["lr_schedule"] is None and params["optimizer"] == "adam"
    assert params["optimizer_params"] is None  # Adam: no weight decay
    assert params["normalize"] is None and params["transfer_size"] == 0


def test_paper_student_fits_without_a_transfer_set_where_the_library_would(protocol):
    from sklearn.frozen import FrozenEstimator

    from aeon_kd.teachers import RecurrentTeacher

    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 1, 24)).astype(np.float32)
    y = np.repeat([0, 1], 10)
    X[y == 1, 0, 8:16] += 2.0
    teacher = RecurrentTeacher(hidden_size=4, num_layers=1, max_epochs=2, random_state=0)
    teacher = FrozenEstimator(teacher.fit(X, y))
    paper = protocol.build_student("paper", "kd", 2, 0).fit(X, y, teacher=teacher)
    library = protocol.build_student("lstm", "kd", 2, 0).set_params(max_epochs=2)
    library.fit(X, y, teacher=teacher)
    assert paper.n_transfer_ == 0 and library.n_transfer_ > 0
