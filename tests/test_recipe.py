"""The default recipe: transfer set, normalisation in the graph, validation policy, budget."""

import numpy as np
import pytest
import torch

from aeon_kd import DistilledClassifier
from aeon_kd.methods import DKD, HintonKD
from aeon_kd.students import FCNStudent, LITEStudent, SeriesNormalized, count_parameters
from aeon_kd.testing import CentroidTeacher, CountingTeacher
from aeon_kd.training import auto_epochs
from aeon_kd.transfer import AUGMENTATIONS, augment, make_transfer_bank
from tests.conftest import make_data

TINY = {"batch_size": 8, "random_state": 0, "student": "cnn",
        "student_params": {"filters": (4, 4, 4)}}  # fmt: skip


def _fitted_counter(X, y):
    return CountingTeacher().fit(X, y)


# -- the transfer set --------------------------------------------------------------------


@pytest.mark.parametrize("max_epochs", [2, 5])
def test_transfer_set_asks_a_fitted_teacher_once_per_series_before_training(max_epochs):
    X, y = make_data(n=24)
    teacher = _fitted_counter(X, y)
    clf = DistilledClassifier(method="kd", transfer_size=40, max_epochs=max_epochs, **TINY)
    clf.fit(X, y, teacher=teacher)
    n_holdout = 50  # at least 50 held-out transfer series measure fidelity
    # training series once, bank series once: the same whatever the number of epochs
    assert teacher.n_predicted == len(X) + 40 + n_holdout
    assert clf.n_transfer_ == 40 and clf.fidelity_on_ == "held-out transfer series"
    assert 0.0 <= clf.teacher_agreement_ <= 1.0 and clf.teacher_kl_ >= 0.0


def test_teacher_fitted_inside_labels_the_bank_and_training_series_stay_out_of_fold():
    X, y = make_data(n=30)
    method = HintonKD(distil_labelled=True)  # the KD term reads the training series too
    clf = DistilledClassifier(method=method, transfer_size=20, max_epochs=2, **TINY)
    clf.fit(X, y, teacher=CountingTeacher())
    # the teacher kept is the one fitted on every training series; it labelled only the
    # bank (20 + 50 held out): the training series' soft labels came from fold models
    assert clf.teacher_.n_predicted == 70


class FitCountingTeacher(CountingTeacher):
    """Counts the fits of every clone (the out-of-fold ones included)."""

    n_fits = 0

    def fit(self, X, y):
        type(self).n_fits += 1
        return super().fit(X, y)


@pytest.mark.parametrize(
    ("method", "transfer_size", "n_fits"),
    [
        ("kd", 20, 1),  # auto: KD reads the transfer set only, so no fold fits
        (HintonKD(distil_labelled=True), 20, 1 + 5),
        ("kd", 0, 1 + 5),  # no transfer set: auto distils the training series
        ("dkd", 20, 1 + 5),  # DKD distils the labelled series
        (DKD(distil_labelled=False), 20, 1),  # ... unless told to use the bank only
    ],
)
def test_out_of_fold_fits_happen_only_where_the_method_reads_them(method, transfer_size, n_fits):
    X, y = make_data(n=30)
    FitCountingTeacher.n_fits = 0
    clf = DistilledClassifier(method=method, transfer_size=transfer_size, max_epochs=2, **TINY)
    clf.fit(X, y, teacher=FitCountingTeacher())
    assert FitCountingTeacher.n_fits == n_fits
    if transfer_size:
        assert clf.fidelity_on_ == "held-out transfer series"


def test_kd_without_fold_fits_learns_what_it_learnt_with_them():
    # the fold models' soft labels reach no loss term when KD distils on the transfer
    # set only, so skipping them changes nothing but the time
    class KDWithFolds(HintonKD):  # the same loss, with the fold fits of before
        def teaches_labelled_series(self, has_transfer_set):
            return True

    X, y = make_data(n=30)
    results = []
    for method in (HintonKD(), KDWithFolds()):
        FitCountingTeacher.n_fits = 0
        clf = DistilledClassifier(method=method, transfer_size=20, max_epochs=3, **TINY)
        clf.fit(X, y, teacher=FitCountingTeacher())
        results.append((FitCountingTeacher.n_fits, clf.predict_proba(X), clf.teacher_agreement_))
    (fits_auto, proba_auto, agree_auto), (fits_folds, proba_folds, agree_folds) = results
    assert (fits_auto, fits_folds) == (1, 6)
    np.testing.assert_array_equal(proba_auto, proba_folds)
    assert agree_auto == agree_folds


def test_unlabelled_series_join_the_transfer_set():
    X, y = make_data(n=24)
    X_more, _ = make_data(n=15, seed=3)
    teacher = _fitted_counter(X, y)
    clf = DistilledClassifier(method="kd", transfer_size=10, max_epochs=2, **TINY)
    clf.fit(X, y, teacher=teacher, X_unlabelled=X_more)
    assert clf.n_transfer_ == 25
    assert teacher.n_predicted == len(X) + 25 + 50


def test_unlabelled_series_of_another_shape_are_refused_before_the_teacher_is_asked():
    X, y = make_data(n=24)
    teacher = _fitted_counter(X, y)
    clf = DistilledClassifier(method="kd", max_epochs=2, **TINY)
    with pytest.raises(ValueError, match="X_unlabelled series have shape"):
        clf.fit(X, y, teacher=teacher, X_unlabelled=np.zeros((5, 1, 7)))
    assert teacher.n_predicted == 0


@pytest.mark.parametrize("method", ["kd", "dkd", "tsd"])
def test_every_logit_method_trains_on_the_transfer_set(method):
    X, y = make_data(n=24, length=16, n_classes=3)
    clf = DistilledClassifier(method=method, transfer_size=30, max_epochs=2, **TINY)
    clf.fit(X, y, teacher=CentroidTeacher())
    assert clf.n_transfer_ == 30
    assert all(np.isfinite(v) for k, v in clf.history_[-1].items() if k.startswith("train_"))


def test_white_box_signals_are_cached_on_the_transfer_set():
    X, y = make_data(n=24, length=16)
    torch.manual_seed(0)
    teacher = FCNStudent(1, 2, filters=(8, 8, 8)).eval()
    clf = DistilledClassifier(method="fitnet", transfer_size=20, max_epochs=2, **TINY)
    clf.fit(X.astype(np.float32), y, teacher=teacher)
    assert clf.n_transfer_ == 20 and np.isfinite(clf.history_[-1]["train_fitnet"])


def test_methods_without_a_teacher_build_no_transfer_set():
    X, y = make_data(n=24)
    clf = DistilledClassifier(method="none", max_epochs=2, **TINY).fit(X, y)
    assert clf.n_transfer_ == 0 and clf.teacher_agreement_ is None and clf.fidelity_on_ is None


def test_augmentations_keep_shape_and_are_seeded():
    X = np.random.default_rng(0).normal(size=(6, 2, 40))
    for name in AUGMENTATIONS:
        a = augment(X, name, np.random.default_rng(1))
        b = augment(X, name, np.random.default_rng(1))
        assert a.shape == X.shape and np.array_equal(a, b), name
        assert not np.allclose(a, X), name
    bank = make_transfer_bank(X, 30, "auto", rng=0)
    assert np.array_equal(bank, make_transfer_bank(X, 30, "auto", rng=0))


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"transfer_size": -1}, "transfer_size must be"),
        ({"augmentations": ["mixup", "flip"]}, r"Unknown augmentations \['flip'\]"),
        ({"optimizer": "lbfgs2"}, "optimizer must be one of"),
        ({"normalize": "global"}, "normalize must be 'series'"),
        ({"max_epochs": "long"}, "max_epochs must be an integer >= 1 or 'auto'"),
        ({"patience": 0}, "patience must be an integer >= 1 or None"),
    ],
)
def test_bad_recipe_settings_fail_before_the_teacher_is_fitted(params, match):
    X, y = make_data(n=24)
    teacher = CountingTeacher()
    with pytest.raises(ValueError, match=match):
        DistilledClassifier(method="kd", **{**TINY, **params}).fit(X, y, teacher=teacher)
    assert not hasattr(teacher, "n_predicted")  # never fitted


# -- normalisation inside the graph ------------------------------------------------------


def test_series_normalisation_is_in_the_graph_of_predict_torchscript_and_onnx(tmp_path):
    pytest.importorskip("onnxruntime", reason="the onnx extra is part of `make test`")
    from aeon_kd.deploy import load_student

    X, y = make_data(n=24, length=20)
    X = 40.0 * X + 7.0  # far from z-normalised
    clf = DistilledClassifier(method="none", normalize="series", max_epochs=3, **TINY).fit(X, y)
    assert isinstance(clf.student_, SeriesNormalized)
    proba = clf.predict_proba(X)
    # gain and offset per series do not change the prediction
    np.testing.assert_allclose(clf.predict_proba(0.5 * X - 3.0), proba, atol=1e-4)
    for fmt, name in (("torchscript", "s.pt"), ("onnx", "s.onnx")):
        exported = load_student(clf.export(tmp_path / name, format=fmt))
        np.testing.assert_allclose(
            exported.predict_proba(X.astype(np.float32)), proba, atol=1e-5, err_msg=fmt
        )


def test_channel_standardisation_uses_training_statistics_in_every_export(tmp_path):
    from aeon_kd.deploy import load_student
    from aeon_kd.students import ChannelStandardized

    X, y = make_data(n=24, n_channels=2, length=20)
    X[:, 1] = 50.0 * X[:, 1] + 300.0  # a channel on another scale
    clf = DistilledClassifier(method="none", normalize="channel", max_epochs=3, **TINY)
    clf.fit(X, y)
    assert isinstance(clf.student_, ChannelStandardized)
    np.testing.assert_allclose(clf.student_.mean.flatten().numpy(), X.mean(axis=(0, 2)),
                               rtol=1e-5)  # fmt: skip
    proba = clf.predict_proba(X)
    # unlike "series", a series' level is information: shifting it changes the output
    assert not np.allclose(clf.predict_proba(X + 5.0), proba, atol=1e-3)
    for fmt, name in (("torchscript", "c.pt"), ("onnx", "c.onnx")):
        exported = load_student(clf.export(tmp_path / name, format=fmt))
        np.testing.assert_allclose(
            exported.predict_proba(X.astype(np.float32)), proba, atol=1e-5, err_msg=fmt
        )


def test_normalize_none_feeds_the_series_as_given():
    X, y = make_data(n=24)
    clf = DistilledClassifier(method="none", normalize=None, max_epochs=2, **TINY).fit(X, y)
    assert isinstance(clf.student_, FCNStudent)


# -- validation policy -------------------------------------------------------------------


def test_auto_validation_takes_no_labelled_split_and_keeps_the_last_weights():
    X, y = make_data(n=24)
    clf = DistilledClassifier(method="kd", max_epochs=4, transfer_size=10, **TINY)
    clf.fit(X, y, teacher=CentroidTeacher())
    assert len(clf.history_) == 4  # no early stopping
    assert "valid_loss" not in clf.history_[-1]
    assert clf.fidelity_on_ == "held-out transfer series"


def test_patience_brings_a_labelled_split_and_early_stopping():
    X, y = make_data(n=40)
    clf = DistilledClassifier(method="kd", max_epochs=3, patience=5, transfer_size=0, **TINY)
    clf.fit(X, y, teacher=CentroidTeacher())
    assert "valid_loss" in clf.history_[-1] and clf.fidelity_on_ == "validation split"


@pytest.mark.parametrize("size", [0.99, 0.5])
def test_a_split_the_training_set_cannot_spare_is_skipped_with_a_warning(size):
    X, y = make_data(n=24)
    X, y = X[:-11], y[:-11]  # 13 series; with 0.5, one class keeps too few
    if size == 0.5:
        X, y = np.concatenate([X[y == "c0"], X[y == "c1"][:1]]), np.r_[y[y == "c0"], ["c1"]]
    clf = DistilledClassifier(method="kd", validation_size=size, max_epochs=2,
                              transfer_size=0, **TINY)  # fmt: skip
    with pytest.warns(UserWarning, match="cannot be stratified"):
        clf.fit(X, y, teacher=CentroidTeacher())
    assert "valid_loss" not in clf.history_[-1]
    assert clf.fidelity_on_ == "training series" and clf.teacher_agreement_ is not None


# -- budget, optimizer, default student --------------------------------------------------


def test_auto_epochs_follow_the_step_budget(monkeypatch):
    import aeon_kd._core as module

    # a budget of 60 steps keeps the test fast; the rule is what is checked
    monkeypatch.setattr(module, "auto_epochs", lambda n, b: auto_epochs(n, b, steps=60))
    X, y = make_data(n=24)
    clf = DistilledClassifier(method="kd", transfer_size=40, **{**TINY, "batch_size": 32})
    clf.fit(X, y, teacher=CentroidTeacher())
    # the budget counts passes over the 24 labelled series (1 step an epoch at batch 32):
    # 60 epochs, whatever the 40 transfer series add to each
    assert len(clf.history_) == auto_epochs(24, 32, steps=60) == 60
    assert auto_epochs(20, 32) == 1000 and auto_epochs(9000, 32) == 20


def test_optimizer_is_a_parameter():
    X, y = make_data(n=24)
    clf = DistilledClassifier(method="none", optimizer=torch.optim.SGD,
                              optimizer_params={"momentum": 0.9}, max_epochs=2, **TINY)
    clf.fit(X, y)
    assert np.isfinite(clf.history_[-1]["train_loss"])


def test_default_student_is_a_small_lite_network():
    assert count_parameters(LITEStudent(1, 2)) <= 5000
    X, y = make_data(n=24, length=30)
    clf = DistilledClassifier(method="none", max_epochs=1, random_state=0).fit(X, y)
    assert isinstance(clf.student_.net, LITEStudent) and clf.n_student_params_ <= 5000


# -- out-of-fold teacher probabilities and their correction -------------------------------


def test_a_class_of_one_series_keeps_out_of_fold_probabilities_for_the_others():
    from aeon_kd.teachers._adapters import _fit_with_oof_logits

    X, y = make_data(n=21, n_classes=2)
    y = y.copy()
    y[-1] = "rare"
    with pytest.warns(UserWarning, match="1 training series belong to classes with a single"):
        fitted, logits = _fit_with_oof_logits(CentroidTeacher(), X, y, np.unique(y), 0)
    in_sample = np.log(np.clip(fitted.predict_proba(X), 1e-7, None))
    # the rare series: in-sample; every other: out of fold (not the in-sample values)
    np.testing.assert_allclose(logits[-1], in_sample[-1], rtol=1e-6)
    assert not np.allclose(logits[:-1], in_sample[:-1])
    assert np.isfinite(logits).all() and logits.shape == (21, 3)


def test_out_of_fold_uses_five_folds_beside_a_rare_class(monkeypatch):
    from aeon_kd.teachers import _adapters

    seen = []
    original = _adapters._out_of_fold
    monkeypatch.setattr(_adapters, "_out_of_fold",
                        lambda *a: seen.append(a[6]) or original(*a))  # fmt: skip
    X, y = make_data(n=32, n_classes=2)
    y = y.copy()
    y[:2] = "rare"  # two series: five folds still (it used to be min(5, 2) = 2)
    _adapters._fit_with_oof_logits(CentroidTeacher(), X, y, np.unique(y), 0)
    assert seen == [5]


def test_label_correction_swaps_a_wrong_top_class_and_leaves_the_rest():
    from aeon_kd.methods.kd import correct_to_label

    teacher = torch.tensor([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0]])
    fixed = correct_to_label(teacher, torch.tensor([2, 1]))
    assert fixed.tolist() == [[0.0, 1.0, 2.0], [0.0, 3.0, 1.0]]
    assert teacher.tolist() == [[2.0, 1.0, 0.0], [0.0, 3.0, 1.0]]  # input untouched
    X, y = make_data(n=24)
    method = HintonKD(label_correction=True)
    clf = DistilledClassifier(method=method, transfer_size=20, max_epochs=2, **TINY)
    clf.fit(X, y, teacher=CentroidTeacher())
    assert np.isfinite(clf.history_[-1]["train_kd"])


def test_distilling_on_the_transfer_set_only_leaves_labelled_series_to_their_labels():
    X, y = make_data(n=24)
    params = {**TINY, "max_epochs": 2}
    without_bank = DistilledClassifier(method=HintonKD(distil_labelled=False),
                                       transfer_size=0, **params)  # fmt: skip
    without_bank.fit(X, y, teacher=CentroidTeacher())
    assert all(row["train_kd"] == 0.0 for row in without_bank.history_)  # trains as "none"
    with_bank = DistilledClassifier(method=HintonKD(distil_labelled=False),
                                    transfer_size=24, **params)  # fmt: skip
    with_bank.fit(X, y, teacher=CentroidTeacher())
    assert all(row["train_kd"] > 0.0 for row in with_bank.history_)


def test_dkd_on_the_transfer_set_only_masks_the_labelled_rows():
    from aeon_kd.methods import DistillationBatch
    from aeon_kd.methods.dkd import dkd_loss

    student = torch.tensor([[0.5, 0.0, -0.5], [0.0, 1.0, 0.0], [1.0, 0.0, 2.0]] * 2)
    teacher = torch.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 3.0], [0.0, 1.0, 0.0]] * 2)
    y = torch.tensor([0, 1, 2, 0, 1, 2])
    labelled = torch.tensor([True, True, True, False, False, False])

    def dkd(distil_labelled, extras):
        batch = DistillationBatch(student={"logits": student}, teacher={"logits": teacher},
                                  y=y, extras=extras, modules=torch.nn.ModuleDict(),
                                  student_module=None)  # fmt: skip
        return float(DKD(distil_labelled=distil_labelled).loss_terms(batch)["dkd"])

    every_row = float(dkd_loss(student, teacher, y, temperature=2.0))
    assert dkd(True, {"labelled": labelled}) == pytest.approx(every_row)
    # the two halves repeat each other: the transfer rows carry half of the batch's loss
    assert dkd(False, {"labelled": labelled}) == pytest.approx(every_row / 2)
    assert dkd(False, {}) == 0.0  # no transfer set: trains as "none"
    with pytest.raises(ValueError, match="distil_labelled must be True or False"):
        DKD(distil_labelled="auto").validate()


def test_auto_distils_labelled_series_only_without_a_transfer_set():
    from aeon_kd.methods import DistillationBatch
    from aeon_kd.methods.kd import hinton_kd_loss

    student, teacher = torch.zeros(4, 3), torch.tensor([[2.0, 0.0, 0.0]] * 4)
    y = torch.tensor([0, 1, 2, 0])

    def kd(distil_labelled, extras):
        batch = DistillationBatch(student={"logits": student}, teacher={"logits": teacher},
                                  y=y, extras=extras, modules=torch.nn.ModuleDict(),
                                  student_module=None)  # fmt: skip
        return float(HintonKD(distil_labelled=distil_labelled).loss_terms(batch)["kd"])

    every_row = float(hinton_kd_loss(student, teacher, 2.0))
    # no transfer set (no "labelled" mask): "auto" distils every row, as True does
    assert kd("auto", {}) == kd(True, {}) == pytest.approx(every_row)
    # with a transfer set: "auto" distils the transfer rows only, as False does
    mask = {"labelled": torch.tensor([True, False, True, False])}
    transfer_rows = float(hinton_kd_loss(student, teacher, 2.0,
                                         rows=torch.tensor([False, True, False, True])))
    assert kd("auto", mask) == kd(False, mask) == pytest.approx(transfer_rows)
    assert transfer_rows == pytest.approx(every_row / 2)
    with pytest.raises(ValueError, match="distil_labelled must be True, False or 'auto'"):
        HintonKD(distil_labelled="yes").validate()
    X, y_np = make_data(n=24)
    without_bank = DistilledClassifier(method=HintonKD(distil_labelled="auto"),
                                       transfer_size=0, max_epochs=2, **TINY)  # fmt: skip
    without_bank.fit(X, y_np, teacher=CentroidTeacher())
    assert all(row["train_kd"] > 0.0 for row in without_bank.history_)  # not "none"
