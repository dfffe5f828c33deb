"""The one distillation core both estimators run (issue 18): explicit fit inputs, one
teacher protocol, task objects, the optimizer and callbacks as parameters."""

import numpy as np
import pytest
from skorch.callbacks import Callback

from aeon_kd import DistilledClassifier, DistilledForecaster
from aeon_kd.teachers import Teacher
from aeon_kd.teachers._forecasting import ForecasterTeacher, ForecastTorchTeacher
from aeon_kd.testing import CentroidTeacher, CountingTeacher
from aeon_kd.training._tasks import CLASSIFICATION, FORECASTING, resolve_task
from tests.conftest import FAST, make_data
from tests.test_forecaster import SMALL, seasonal


class EpochCounter(Callback):
    """Counts its epochs and writes the count into the net's history."""

    def __init__(self):
        self.epochs = 0

    def on_epoch_end(self, net, **kwargs):
        self.epochs += 1
        net.history.record("user_epochs", self.epochs)


def test_fit_time_arguments_leave_nothing_on_the_estimator():
    X, y = make_data()
    clf = DistilledClassifier(method="kd", **FAST).fit(X, y, teacher=CentroidTeacher())
    assert not [name for name in vars(clf) if "fit_teacher" in name or "fit_target" in name]
    assert isinstance(clf.teacher_, CentroidTeacher) and clf.teacher is None
    assert clf.fit_time_millis_ >= 0  # aeon's fit timer still runs


def test_fit_predict_trains_the_student_fit_trains():
    X, y = make_data(n=30)
    params = {**FAST, "teacher": CentroidTeacher(), "method": "kd"}
    fitted = DistilledClassifier(**params).fit(X, y)
    through_fit_predict = DistilledClassifier(**params)
    through_fit_predict.fit_predict(X, y)
    np.testing.assert_array_equal(
        fitted.predict_proba(X), through_fit_predict.predict_proba(X)
    )


def test_user_callbacks_run_on_copies_in_both_estimators():
    counter = EpochCounter()
    X, y = make_data()
    clf = DistilledClassifier(method="none", **FAST, callbacks=[("count", counter)]).fit(X, y)
    assert counter.epochs == 0  # the given object is not changed
    assert clf.history_[:, "user_epochs"] == [1, 2, 3]  # a copy ran every epoch
    fc = DistilledForecaster(method="none", **SMALL, callbacks=[EpochCounter()])
    fc.fit(seasonal())
    assert fc.history_[-1, "user_epochs"] == SMALL["max_epochs"]


def test_bad_callbacks_are_refused_before_the_teacher_is_fitted():
    X, y = make_data()
    teacher = CountingTeacher()
    with pytest.raises(ValueError, match="callbacks must be None or a list"):
        DistilledClassifier(method="kd", **FAST, callbacks=EpochCounter()).fit(
            X, y, teacher=teacher
        )
    assert not hasattr(teacher, "n_predicted")  # never fitted


def test_every_adapter_is_a_teacher_that_says_whether_it_is_white_box():
    import torch

    torch_teacher = ForecastTorchTeacher(torch.nn.Linear(6, 2), n_channels=1, horizon=2)
    assert isinstance(torch_teacher, Teacher) and torch_teacher.white_box
    assert issubclass(ForecasterTeacher, Teacher) and not ForecasterTeacher.white_box.fget(
        ForecasterTeacher.__new__(ForecasterTeacher)
    )


def test_a_method_for_another_task_is_refused_naming_the_registered_ones():
    with pytest.raises(ValueError, match=r"not forecasting\. Forecasting methods: \[.*'kd'"):
        DistilledForecaster(method="memkd", **SMALL).fit(seasonal())
    X, y = make_data()
    with pytest.raises(ValueError, match=r"not classification\. Classification methods"):
        DistilledClassifier(method="timedistill", **FAST).fit(X, y)


def test_tasks_hold_what_differs_between_them():
    assert resolve_task("classification") is CLASSIFICATION
    assert CLASSIFICATION.scores_accuracy and not FORECASTING.scores_accuracy
    assert FORECASTING.monitor == "valid_task" and CLASSIFICATION.monitor is None
    with pytest.raises(ValueError, match="task must be one of"):
        resolve_task("regression")


# -- losses composed in one place ---------------------------------------------------------


def _logit_batch(seed=0):
    import torch

    from aeon_kd.methods import DistillationBatch

    g = torch.Generator().manual_seed(seed)
    return DistillationBatch(
        student={"logits": torch.randn(4, 3, generator=g)},
        teacher={"logits": torch.randn(4, 3, generator=g)},
        y=torch.tensor([0, 1, 2, 0]), extras={}, modules=torch.nn.ModuleDict(),
        student_module=torch.nn.Identity(),
    )


def test_declared_weights_are_applied_once_by_the_composer():
    import torch

    from aeon_kd.methods import HintonKD
    from aeon_kd.methods._base import total_loss

    batch = _logit_batch()
    raw = HintonKD(weight=3.0).raw_terms(batch)["kd"]
    weighted = HintonKD(weight=3.0).loss_terms(batch)["kd"]
    assert torch.equal(weighted, 3.0 * raw)
    task = torch.tensor(2.0)
    method = HintonKD(weight=3.0, task_weight=0.5)
    assert torch.equal(total_loss(method, task, method.loss_terms(batch)), 0.5 * task + weighted)
    assert method.loss_formula() == "0.5·task + 3.0·kd"


def test_a_sum_counts_the_task_once_with_its_members_common_weight_or_its_own():
    from aeon_kd.methods import DKD, HintonKD, MethodSum
    from aeon_kd.methods._base import task_weight_of

    assert task_weight_of(HintonKD(task_weight=0.2) + DKD(task_weight=0.2)) == 0.2
    clash = HintonKD(task_weight=0.0) + DKD()
    with pytest.raises(ValueError, match=r"different task_weight values \(kd=0.0, dkd=1.0\)"):
        clash.validate()
    clash.set_params(task_weight=0.5)
    assert task_weight_of(clash) == 0.5
    assert MethodSum.of("kd", "tsd").loss_formula() == "1.0·task + 1.0·kd + 1.0·tsd"


def test_a_plugin_method_that_weighs_its_own_terms_still_trains():
    from aeon_kd.methods import Method

    class HalfMSE(Method):
        name = "half_mse"
        teacher_signals = frozenset({"logits"})

        def __init__(self, task_weight=1.0):
            self.task_weight = task_weight

        def loss_terms(self, batch):
            gap = batch.student["logits"] - batch.teacher["logits"]
            return {"half_mse": 0.5 * gap.pow(2).mean()}

    X, y = make_data()
    clf = DistilledClassifier(method=HalfMSE(), **FAST).fit(X, y, teacher=CentroidTeacher())
    assert "train_half_mse" in clf.history_[-1]


def test_the_classifier_takes_a_teacher_by_name_from_the_one_table():
    from aeon_kd.teachers import list_teachers

    X, y = make_data(n=30)
    clf = DistilledClassifier(method="kd", **FAST).fit(X, y, teacher="quant")
    assert type(clf.teacher_).__name__ == "QUANTClassifier"
    assert {"quant", "lstm", "patchtst", "moderntcn"} <= set(list_teachers())
    with pytest.raises(ValueError, match="classification teachers by name"):
        DistilledClassifier(method="kd", **FAST).fit(X, y, teacher="patchtst")
