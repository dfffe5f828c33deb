"""Every kind of teacher, class alignment, caching and the teacher-facing errors."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression, RidgeClassifier
from skorch import NeuralNetClassifier
from torch import nn

from aeon_kd import DistilledClassifier
from aeon_kd.students import RecurrentStudent
from aeon_kd.teachers import EstimatorTeacher, OneHotTeacherWarning, TorchTeacher
from aeon_kd.testing import CentroidTeacher, CountingTeacher
from tests.conftest import FAST, make_data


class ReorderedTeacher(ClassifierMixin, BaseEstimator):
    """Fitted teacher whose classes_ come in reverse order, columns to match."""

    def fit(self, X, y):
        self.inner_ = CentroidTeacher().fit(X, y)
        self.classes_ = self.inner_.classes_[::-1]
        return self

    def predict_proba(self, X):
        return self.inner_.predict_proba(X)[:, ::-1]


def test_columns_aligned_by_label_not_position(data3):
    X, y = data3
    reordered = ReorderedTeacher().fit(X, y)
    plain = CentroidTeacher().fit(X, y)
    classes = np.unique(y)
    got = EstimatorTeacher(reordered, classes).outputs(X, {"logits"})["logits"]
    expected = np.log(plain.predict_proba(X.reshape(len(X), -1)))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    # and end to end: distilling either teacher caches the same logits
    clf = DistilledClassifier(teacher=reordered, **FAST).fit(X, y)
    assert clf.teacher_agreement_ is not None


def test_counting_teacher_called_once_per_training_series(data):
    X, y = data
    teacher = CountingTeacher().fit(X, y)
    clf = DistilledClassifier(**{**FAST, "max_epochs": 5}).fit(X, y, teacher=teacher)
    assert teacher.n_predicted == len(X)  # every series exactly once, none in the epochs
    assert len(teacher.calls) == 1  # one batched call for this small set
    assert len(clf.history_) == 5


def test_fit_teacher_wins_over_constructor_teacher(data):
    X, y = data
    ctor, given = CountingTeacher().fit(X, y), CountingTeacher().fit(X, y)
    DistilledClassifier(teacher=ctor, **FAST).fit(X, y, teacher=given)
    assert given.n_predicted == len(X) and ctor.n_predicted == 0
    # the override lasts one fit only
    clf = DistilledClassifier(teacher=ctor, **FAST)
    clf.fit(X, y, teacher=given)
    clf.fit(X, y)
    assert ctor.n_predicted == len(X)


def test_unfitted_teacher_is_cloned_fitted_and_gives_out_of_fold_labels(data):
    X, y = data
    teacher = CentroidTeacher(sharpness=50.0)
    clf = DistilledClassifier(teacher=teacher, **FAST).fit(X, y)
    assert not hasattr(teacher, "classes_")  # the user's object is untouched
    assert hasattr(clf.teacher_, "centroids_")


def test_frozen_estimator_teacher(data):
    X, y = data
    fitted = CountingTeacher().fit(X, y)
    clf = DistilledClassifier(teacher=FrozenEstimator(fitted), **FAST).fit(X, y)
    assert fitted.n_predicted == len(X)
    assert clf.teacher_ is not None


def test_default_teacher_is_quant(data):
    X, y = data
    clf = DistilledClassifier(method="kd", **FAST).fit(X, y)
    assert type(clf.teacher_).__name__ == "QUANTClassifier"
    none = DistilledClassifier(method="none", **FAST).fit(X, y)
    assert none.teacher_ is None  # nothing is built when nothing is needed


def test_sklearn_2d_teacher_gets_flattened_input():
    X, y = make_data(n=20, n_channels=2, length=6)
    lr = LogisticRegression().fit(X.reshape(20, -1), y)
    clf = DistilledClassifier(teacher=lr, **FAST).fit(X, y)
    assert clf.teacher_ is lr


def test_one_hot_teacher_uses_decision_scores_or_warns(data):
    X, y = data
    ridge = RidgeClassifier().fit(X.reshape(len(X), -1), y)  # one-hot proba? it has none
    with warnings.catch_warnings():
        warnings.simplefilter("error", OneHotTeacherWarning)
        DistilledClassifier(teacher=ridge, **FAST).fit(X, y)  # decision scores, no warning

    class HardTeacher(CentroidTeacher):
        def predict_proba(self, X):
            p = super().predict_proba(X)
            return (p == p.max(axis=1, keepdims=True)).astype(float)

    with pytest.warns(OneHotTeacherWarning, match="one-hot"):
        DistilledClassifier(teacher=HardTeacher().fit(X, y), **FAST).fit(X, y)


def test_one_hot_warning_gives_advice_that_fits_a_teacher_fitted_inside(data):
    # one training series per class: out-of-fold labels are impossible, so advising to
    # pass the teacher unfitted (it was) would send the user in a circle
    X, y = data
    first = np.flatnonzero(y == y[0])[0], np.flatnonzero(y != y[0])[0]
    X_one, y_one = X[list(first)], y[list(first)]

    class HardTeacher(CentroidTeacher):
        def predict_proba(self, X):
            p = super().predict_proba(X)
            return (p == p.max(axis=1, keepdims=True)).astype(float)

    with pytest.warns(UserWarning) as caught:
        DistilledClassifier(teacher=HardTeacher(), **FAST).fit(X_one, y_one)
    messages = [str(w.message) for w in caught if w.category is OneHotTeacherWarning]
    assert len(messages) == 1
    assert "fitted inside fit" in messages[0]
    assert "Pass the classifier unfitted" not in messages[0]
    assert any("single training series" in str(w.message) for w in caught)


def _torch_teacher(n_channels=1, n_classes=2, seed=0):
    torch.manual_seed(seed)
    return RecurrentStudent(n_channels, n_classes, hidden_size=8)


def test_torch_teacher_is_not_mutated(data):
    X, y = data
    teacher = _torch_teacher()
    teacher.train()
    before = {k: v.clone() for k, v in teacher.state_dict().items()}
    clf = DistilledClassifier(teacher=teacher, **FAST).fit(X, y)
    assert teacher.training  # its mode is restored
    for k, v in teacher.state_dict().items():
        assert torch.equal(v, before[k])
    assert all(p.grad is None for p in teacher.parameters())
    assert clf.teacher_ is teacher


def test_torch_teacher_width_mismatch(data3):
    X, y = data3
    with pytest.raises(ValueError, match=r"shape \(30, 2\), but y has 3 classes"):
        DistilledClassifier(teacher=_torch_teacher(n_classes=2), **FAST).fit(X, y)


def test_skorch_teacher(data):
    X, y = data
    y_index = (y == "c1").astype(np.int64)

    class Softmaxed(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = _torch_teacher()

        def forward(self, x):
            return torch.softmax(self.net(x), dim=1)

    net = NeuralNetClassifier(Softmaxed, max_epochs=2, train_split=None, verbose=0)
    net.fit(X.astype(np.float32), y_index)
    clf = DistilledClassifier(teacher=net, **FAST).fit(X, (y_index == 1).astype(int))
    assert clf.teacher_ is net
    # probabilities from an NLLLoss net are turned into log-probabilities
    adapter = TorchTeacher(net.module_, 2, outputs_probabilities=True)
    logits = adapter.outputs(X.astype(np.float32), {"logits"})["logits"]
    expected = net.predict_proba(X.astype(np.float32))
    np.testing.assert_allclose(np.exp(logits), expected, rtol=1e-5, atol=1e-6)


def test_unfitted_skorch_teacher_is_rejected(data):
    X, y = data
    net = NeuralNetClassifier(_torch_teacher, max_epochs=1)
    with pytest.raises(NotFittedError, match="not fitted"):
        DistilledClassifier(teacher=net, **FAST).fit(X, y)


def test_frozen_unfitted_teacher_is_rejected(data):
    X, y = data
    with pytest.raises(NotFittedError, match="unfitted"):
        DistilledClassifier(teacher=FrozenEstimator(CentroidTeacher()), **FAST).fit(X, y)


def test_teacher_classes_differ_names_labels(data):
    X, y = data
    other = CentroidTeacher().fit(X, np.where(y == "c0", "c0", "zz"))
    with pytest.raises(ValueError, match=r"Missing from the teacher: \['c1'\].*extra.*\['zz'\]"):
        DistilledClassifier(teacher=other, **FAST).fit(X, y)


def test_teacher_classes_differ_in_type_gets_a_hint():
    X, y = make_data(labels=["1", "2"])
    ints = CentroidTeacher().fit(X, y.astype(int))
    with pytest.raises(ValueError, match="match as text but not as values"):
        DistilledClassifier(teacher=ints, **FAST).fit(X, y)


def test_teacher_without_predict_proba(data):
    X, y = data

    class LabelsOnly(BaseEstimator):
        def fit(self, X, y):
            self.classes_ = np.unique(y)
            return self

        def predict(self, X):
            return np.repeat(self.classes_[0], len(X))

    with pytest.raises(TypeError, match="predict_proba"):
        DistilledClassifier(teacher=LabelsOnly().fit(X, y), **FAST).fit(X, y)
    with pytest.raises(ValueError, match="Unknown teacher 'bert'; classification teachers"):
        DistilledClassifier(teacher="bert", **FAST).fit(X, y)


def test_aeon_teacher_with_its_own_estimator_parameter_is_not_unwrapped():
    # QUANT's `estimator` is its forest, not a wrapped model: the teacher must still get
    # the 3D collection (it used to be flattened to 2D and fail on two channels)
    from aeon.classification.interval_based import QUANTClassifier
    from sklearn.ensemble import ExtraTreesClassifier

    from aeon_kd import DistilledClassifier

    rng = np.random.default_rng(0)
    y = np.arange(24) % 2
    X = rng.normal(size=(24, 2, 32))
    X[:, 1, 8:16] += 2 * y[:, None]
    teacher = QUANTClassifier(
        estimator=ExtraTreesClassifier(n_estimators=20, random_state=0), random_state=0
    )
    clf = DistilledClassifier(method="kd", max_epochs=1, random_state=0)
    clf.fit(X, y, teacher=teacher)
    assert clf.predict(X).shape == (24,)
    assert type(clf.teacher_).__name__ == "QUANTClassifier"


# -- convolutional white-box teachers (issue 19) ------------------------------------------


@pytest.mark.parametrize("architecture", ["resnet", "inception"])
def test_conv_teachers_give_logits_hidden_maps_and_features(architecture):
    from aeon_kd.teachers._networks import InceptionNetwork, ResNetNetwork

    network = {"resnet": ResNetNetwork, "inception": InceptionNetwork}[architecture]
    torch.manual_seed(0)
    net = network(2, 3).eval()
    signals = net.forward_signals(torch.zeros(5, 2, 64))
    width = 128
    assert {k: tuple(v.shape) for k, v in signals.items()} == {
        "logits": (5, 3), "hidden": (5, 64, width), "features": (5, width)
    }
    assert torch.equal(net(torch.zeros(5, 2, 64)), signals["logits"])


@pytest.mark.parametrize("student", ["lstm", "lite", "cnn"])
@pytest.mark.parametrize("method", ["memkd", "fitnet", "attention", "rkd", "kd"])
def test_hidden_state_methods_train_from_a_cnn_teacher_into_lstm_and_conv_students(
    method, student
):
    from aeon_kd.teachers import ConvTeacher

    X, y = make_data(n=24, length=16)
    teacher = ConvTeacher("resnet", max_epochs=2, random_state=0,
                          network_params={"filters": (8, 8, 8)}).fit(X, y)  # fmt: skip
    before = {k: v.clone() for k, v in teacher.module_.state_dict().items()}
    params = {**FAST, "student": student}
    if student != "lstm":
        params.pop("student_params")
    clf = DistilledClassifier(method=method, **params).fit(X, y, teacher=teacher)
    assert np.all(np.isfinite(clf.predict_proba(X)))
    if student == "lstm":  # the test's teacher is shrunk below the conv students' size
        assert clf.n_student_params_ < sum(p.numel() for p in teacher.module_.parameters())
    for key, value in teacher.module_.state_dict().items():  # never modified
        assert torch.equal(value, before[key])


def test_conv_teachers_by_name_are_fitted_inside_fit():
    from aeon_kd.teachers import build_teacher, list_teachers

    assert {"resnet", "inception"} <= set(list_teachers("classification"))
    teacher = build_teacher("inception", 0, max_epochs=1,
                            network_params={"depth": 3, "filters": 4})  # fmt: skip
    X, y = make_data(n=24, length=16)
    clf = DistilledClassifier(method="memkd", **FAST).fit(X, y, teacher=teacher)
    assert type(clf.teacher_).__name__ == "ConvTeacher" and clf.teacher_ is not teacher
    with pytest.raises(ValueError, match="architecture must be one of"):
        DistilledClassifier(method="kd", **FAST).fit(
            X, y, teacher=build_teacher("resnet", 0).set_params(architecture="vgg")
        )


@pytest.mark.parametrize(("kernel", "dilation"), [(8, 1), (4, 2), (5, 1)])
def test_same_padding_of_even_kernels_matches_torch_without_its_warning(kernel, dilation):
    """ResNet's kernel of 8 made torch warn (and copy the input) at every fit."""
    import warnings

    from aeon_kd.students._networks import _SameConv1d

    torch.manual_seed(0)
    ours = _SameConv1d(3, 4, kernel, dilation=dilation)
    torchs = torch.nn.Conv1d(3, 4, kernel, dilation=dilation, padding="same")
    torchs.load_state_dict(ours.state_dict())  # same parameter names
    x = torch.randn(2, 3, 29)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = ours(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's own even-kernel warning
        expected = torchs(x)
    assert out.shape == (2, 4, 29) and torch.allclose(out, expected, atol=1e-6)


@pytest.mark.parametrize("file_format", ["onnx", "torchscript"])
def test_a_student_with_even_kernels_exports_with_the_same_outputs(tmp_path, file_format):
    from aeon_kd.deploy import ClassifierGraph, export_student, load_student
    from aeon_kd.students import FCNStudent

    torch.manual_seed(0)
    graph = ClassifierGraph(FCNStudent(1, 2, filters=(4, 4), kernel_sizes=(8, 2))).eval()
    x = torch.randn(3, 1, 40)
    path = export_student(graph, str(tmp_path / f"even.{file_format}"), format=file_format,
                          example=x.numpy(), metadata={"classes": ["a", "b"]})  # fmt: skip
    got = load_student(path).predict_proba(x.numpy())
    np.testing.assert_allclose(got, graph(x).detach().numpy(), atol=1e-5)
