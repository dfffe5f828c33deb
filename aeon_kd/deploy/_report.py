"""Size and speed of teacher and student: parameters, bytes, MACs, latency, ratios."""

from __future__ import annotations

import io
import pickle
import time

import numpy as np
import torch
from torch import nn

__all__ = ["DistillationReport", "count_macs", "serialized_bytes", "profile_model"]

_BATCHES = (1, 256)


def serialized_bytes(model):
    """Bytes of ``model`` as it would be shipped.

    Torch networks (and skorch nets, through their module): their ``state_dict`` saved
    with ``torch.save``; anything else: its pickle.

    Parameters
    ----------
    model : object

    Returns
    -------
    int

    Examples
    --------
    >>> from torch import nn
    >>> from aeon_kd.deploy import serialized_bytes
    >>> serialized_bytes(nn.Linear(100, 10)) > 4 * 1010
    True
    """
    module = _torch_module(model)
    if module is not None:
        buffer = io.BytesIO()
        torch.save(module.state_dict(), buffer)
        return buffer.getbuffer().nbytes
    return len(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))


def _torch_module(model):
    if isinstance(model, nn.Module):
        return model
    module = getattr(model, "module_", None)  # a fitted skorch net
    return module if isinstance(module, nn.Module) else None


def _recurrent_macs(module, inputs, output):
    """Multiply-accumulates of one call of an LSTM, GRU or plain RNN."""
    x = inputs[0]
    if isinstance(x, nn.utils.rnn.PackedSequence):
        steps_times_batch = int(x.data.shape[0])
    else:
        batch_axis, time_axis = (0, 1) if module.batch_first else (1, 0)
        steps_times_batch = int(x.shape[batch_axis] * x.shape[time_axis]) if x.ndim == 3 else 0
    gates = {"LSTM": 4, "GRU": 3}.get(type(module).__name__, 1)
    directions = 2 if module.bidirectional else 1
    hidden = module.hidden_size
    total = 0
    for layer in range(module.num_layers):
        width_in = module.input_size if layer == 0 else hidden * directions
        total += gates * hidden * (width_in + hidden) * directions
    return steps_times_batch * total


def count_macs(module, example):
    """Multiply-accumulates of ``module`` per series, measured on ``example``.

    Matrix products and convolutions are counted by torch's FLOP counter (halved), the
    recurrent layers analytically (gates x hidden x (input + hidden) per step and layer).
    Element-wise work (activations, normalisation) is not counted, as usual for MACs.

    Parameters
    ----------
    module : torch.nn.Module
    example : torch.Tensor of shape (n, ...)
        An input batch; the count is divided by ``n``.

    Returns
    -------
    int

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from aeon_kd.deploy import count_macs
    >>> count_macs(nn.Linear(10, 4), torch.zeros(3, 10))
    40
    """
    from torch.utils.flop_counter import FlopCounterMode

    counter = FlopCounterMode(display=False)
    recurrent = [m for m in module.modules() if isinstance(m, nn.RNNBase)]
    analytic, seen_inside, opened = [], [], []

    def before(mod, inputs):
        opened.append(counter.get_total_flops())

    def after(mod, inputs, output):
        # some recurrent kernels (GRU) decompose into products the counter sees, others
        # (LSTM) are fused and invisible: count them analytically, drop what it saw
        seen_inside.append(counter.get_total_flops() - opened.pop())
        analytic.append(_recurrent_macs(mod, inputs, output))

    hooks = [h for m in recurrent for h in (
        m.register_forward_pre_hook(before), m.register_forward_hook(after))]
    was_training = module.training
    fastpath = torch.backends.mha.get_fastpath_enabled()
    try:
        module.eval()
        # the fused attention fast path hides its matrix products from the counter
        torch.backends.mha.set_fastpath_enabled(False)
        with torch.no_grad(), counter:
            module(example)
    finally:
        torch.backends.mha.set_fastpath_enabled(fastpath)
        module.train(was_training)
        for hook in hooks:
            hook.remove()
    macs = (counter.get_total_flops() - sum(seen_inside)) // 2 + sum(analytic)
    return int(round(macs / max(len(example), 1)))


def _latency_ms(predict, make_input, batch_size, budget_s):
    """Median milliseconds per series of ``predict`` on batches of ``batch_size``."""
    batch = make_input(batch_size)
    predict(batch)  # warm-up: lazy initialisation, caches
    times = []
    start = time.perf_counter()
    while len(times) < 3 or (time.perf_counter() - start < budget_s and len(times) < 200):
        tick = time.perf_counter()
        predict(batch)
        times.append(time.perf_counter() - tick)
    return 1000.0 * float(np.median(times)) / batch_size


def profile_model(
    name, model, predict, input_shape, *, module=None, budget_s=0.5, random_state=0
):
    """Parameters, bytes, MACs and latency of one model, as a dict.

    Parameters
    ----------
    name : str
        Row label, e.g. ``"student LSTM-16"``.
    model : object
        What is measured for bytes (a torch module, a skorch net or any picklable model).
    predict : callable
        ``predict(X)`` on a float32 ``(n, *input_shape)`` array, timed at batch 1 and 256.
    input_shape : tuple of int
        ``(n_channels, length)`` of one series.
    module : torch.nn.Module, optional
        The network (white-box): parameters and MACs are counted on it.
    budget_s : float, default=0.5
        Time spent on each latency measurement (at least 3 calls).
    random_state : int, default=0
        Seed of the random series used for timing.

    Returns
    -------
    dict
        ``model``, ``parameters`` (None for black-box models), ``bytes``,
        ``macs_per_series`` (None for black-box models), ``latency_ms_batch1``,
        ``latency_ms_batch256`` (milliseconds per series).

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.deploy import profile_model
    >>> net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(24, 2))
    >>> def predict(X):
    ...     with torch.no_grad():
    ...         return net(torch.from_numpy(X)).numpy()
    >>> row = profile_model("linear", net, predict, (1, 24), module=net, budget_s=0.01)
    >>> row["model"], row["parameters"], row["macs_per_series"]
    ('linear', 50, 48)
    >>> row["bytes"] > 0, row["latency_ms_batch1"] > 0, row["latency_ms_batch256"] > 0
    (True, True, True)

    A black-box model (no ``module``) is timed and weighed, not counted:

    >>> row = profile_model("sum", {"w": [1.0]}, lambda X: X.sum(axis=(1, 2)), (1, 24),
    ...                     budget_s=0.01)
    >>> row["parameters"], row["macs_per_series"]
    (None, None)
    """
    rng = np.random.default_rng(random_state)

    def make_input(n):
        return rng.standard_normal((n, *input_shape)).astype(np.float32)

    row = {"model": name, "parameters": None, "bytes": serialized_bytes(model),
           "macs_per_series": None}  # fmt: skip
    if module is not None:
        row["parameters"] = int(sum(p.numel() for p in module.parameters()))
        device = next(module.parameters(), torch.zeros(0)).device
        example = torch.from_numpy(make_input(2)).to(device)
        row["macs_per_series"] = count_macs(module, example)
    for batch in _BATCHES:
        row[f"latency_ms_batch{batch}"] = _latency_ms(predict, make_input, batch, budget_s)
    return row


def _ratio(teacher, student, key):
    t, s = teacher.get(key), student.get(key)
    return None if t is None or not s else float(t) / float(s)


class DistillationReport:
    """Teacher and student side by side: size, cost, speed and the compression ratios.

    Returned by ``DistilledClassifier.report()`` and ``DistilledForecaster.report()``;
    ``print(report)`` shows the table, :meth:`to_dict` and :meth:`to_frame` give the data.

    Parameters
    ----------
    student : dict
        A row of :func:`profile_model`.
    teacher : dict or None
        The teacher's row (None when the student learnt from labels only).
    extra : dict, optional
        Context printed under the table (method, student name, data shape).

    Attributes
    ----------
    rows : list of dict
        Teacher (if any) then student.
    compression : dict
        ``bytes``, ``parameters``, ``macs``, ``latency_batch1``, ``latency_batch256``:
        teacher / student (None where the teacher's figure is unknown).

    Examples
    --------
    >>> from aeon_kd.deploy import DistillationReport
    >>> student = {"model": "student", "parameters": 10, "bytes": 100, "macs_per_series": 20,
    ...            "latency_ms_batch1": 0.1, "latency_ms_batch256": 0.01}
    >>> teacher = {**student, "model": "teacher", "bytes": 1000, "parameters": None}
    >>> report = DistillationReport(student, teacher)
    >>> report.compression["bytes"], report.compression["parameters"]
    (10.0, None)
    """

    columns = (
        ("model", "model"),
        ("parameters", "parameters"),
        ("bytes", "bytes"),
        ("macs_per_series", "MACs/series"),
        ("latency_ms_batch1", "ms/series b=1"),
        ("latency_ms_batch256", "ms/series b=256"),
    )

    def __init__(self, student, teacher=None, extra=None):
        self.student = dict(student)
        self.teacher = None if teacher is None else dict(teacher)
        self.extra = dict(extra or {})
        self.rows = ([self.teacher] if self.teacher else []) + [self.student]
        keys = {
            "bytes": "bytes",
            "parameters": "parameters",
            "macs": "macs_per_series",
            "latency_batch1": "latency_ms_batch1",
            "latency_batch256": "latency_ms_batch256",
        }
        self.compression = {
            k: None if self.teacher is None else _ratio(self.teacher, self.student, v)
            for k, v in keys.items()
        }

    def to_dict(self):
        """Plain data: ``{"teacher", "student", "compression", **extra}``."""
        return {
            "teacher": self.teacher,
            "student": self.student,
            "compression": dict(self.compression),
            **self.extra,
        }

    def to_frame(self):
        """The table as a pandas DataFrame, one row per model."""
        import pandas as pd

        return pd.DataFrame(self.rows).set_index("model")

    @staticmethod
    def _cell(key, value):
        if value is None:
            return "–"
        if key.startswith("latency"):
            return f"{value:.4g}"
        if isinstance(value, (int, np.integer)):
            return f"{int(value):,}"
        return str(value)

    def __str__(self):
        header = [title for _, title in self.columns]
        body = [[self._cell(k, row.get(k)) for k, _ in self.columns] for row in self.rows]
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]

        def line(cells):
            first = cells[0].ljust(widths[0])
            rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
            return "  ".join([first, *rest])

        lines = [line(header), *(line(r) for r in body)]
        if self.teacher is not None:
            parts = []
            for key, better, worse in (
                ("bytes", "smaller on disk", "larger on disk"),
                ("parameters", "fewer parameters", "more parameters"),
                ("macs", "fewer MACs", "more MACs"),
                ("latency_batch1", "faster at batch 1", "slower at batch 1"),
                ("latency_batch256", "faster at batch 256", "slower at batch 256"),
            ):
                ratio = self.compression[key]
                if ratio is None or ratio <= 0:
                    continue
                # a ratio under 1 is said the other way round: "1.3x slower", never
                # "0.8x faster"
                parts.append(f"{ratio:.1f}x {better}" if ratio >= 1 else
                             f"{1 / ratio:.1f}x {worse}")  # fmt: skip
            lines.append("compression: " + ", ".join(parts))
        for key, value in self.extra.items():
            lines.append(f"{key}: {value}")
        return "\n".join(lines)

    def __repr__(self):
        return str(self)


def _student_label(student):
    """The network's class, with the input scaling that wraps it in the graph."""
    from aeon_kd.students import SeriesNormalized

    if isinstance(student, SeriesNormalized):
        return f"{type(student.net).__name__} ({student.scaling})"
    return type(student).__name__


def _torch_predict(module):
    device = next(module.parameters(), torch.zeros(0)).device

    def predict(X):
        with torch.no_grad():
            return module(torch.from_numpy(X).to(device))

    return predict


def teacher_predictor(teacher):
    """``(predict, module)`` for a fitted teacher of any kind the estimators accept.

    ``module`` is the torch network of white-box teachers (None for black-box ones).
    """
    module = _torch_module(teacher)
    if module is not None:
        return _torch_predict(module), module
    if hasattr(teacher, "predict_proba") or hasattr(teacher, "decision_function"):
        from aeon_kd.teachers._adapters import estimator_input

        method = getattr(teacher, "predict_proba", None) or teacher.decision_function
        return (lambda X: method(estimator_input(teacher, X))), None
    if hasattr(teacher, "predict"):  # a forecaster: the caller says how to time it
        return None, None
    raise TypeError(f"Cannot time the teacher {type(teacher).__name__}: no way to predict.")


def build_report(
    student, student_shape, teacher=None, teacher_shape=None, *, teacher_predict=None,
    extra=None, budget_s=0.5,
):
    """A :class:`DistillationReport` for a fitted estimator's student and teacher.

    ``teacher_predict`` overrides how a black-box teacher is timed (forecasters pass
    their teacher adapter's batched forecasts).
    """
    student_row = profile_model(
        f"student {_student_label(student)}", student, _torch_predict(student), student_shape,
        module=student, budget_s=budget_s,
    )
    teacher_row = None
    if teacher is not None:
        predict, module = teacher_predictor(teacher)
        if module is None and teacher_predict is not None:
            predict = teacher_predict
        kind = "white-box" if module is not None else "black-box"
        teacher_row = profile_model(
            f"teacher {type(teacher).__name__} ({kind})", teacher, predict, teacher_shape,
            module=module, budget_s=budget_s,
        )
    return DistillationReport(student_row, teacher_row, extra)
