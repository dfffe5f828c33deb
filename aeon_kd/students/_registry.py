"""Registry of built-in students and turning a ``student`` argument into a module."""

from __future__ import annotations

import copy
import inspect

from torch import nn

from aeon_kd.students._forecasting import _dmlp, _mlp
from aeon_kd.students._lite import LITEStudent
from aeon_kd.students._networks import AdaTimeCNN, FCNStudent, RecurrentStudent

__all__ = ["list_students", "register_student", "build_student"]

_STUDENTS: dict = {}


def register_student(name, builder, description="", task=None):
    """Register a student under ``name``.

    Parameters
    ----------
    name : str
        Registry name, e.g. ``"lstm"``.
    builder : callable
        ``builder(n_channels, n_outputs, **student_params) -> torch.nn.Module``.
    description : str, default=""
        One line shown by :func:`list_students`.
    task : {"classification", "forecasting"} or None, default=None
        The one task the student is built for (an estimator of the other task refuses
        it by name); None: any.

    Examples
    --------
    >>> from torch import nn
    >>> from aeon_kd.students import register_student, list_students
    >>> def linear(n_channels, n_outputs, length=24):
    ...     return nn.Sequential(nn.Flatten(), nn.Linear(n_channels * length, n_outputs))
    >>> register_student("my_linear", linear, "flatten + linear")
    >>> "my_linear" in list_students()
    True
    """
    if task not in (None, "classification", "forecasting"):
        raise ValueError(f"task must be None, 'classification' or 'forecasting', got {task!r}.")
    _STUDENTS[name] = (builder, description, task)


def list_students():
    """Names and one-line descriptions of the registered students.

    Returns
    -------
    dict
        ``{name: description}``, sorted by name.

    Examples
    --------
    >>> from aeon_kd import list_students
    >>> sorted(list_students())[:3]
    ['adatime_cnn', 'cnn', 'dmlp']
    """
    return {name: _STUDENTS[name][1] for name in sorted(_STUDENTS)}


def _lstm(n_channels, n_outputs, hidden_size=16, num_layers=1, dropout=0.0, bidirectional=False):
    return RecurrentStudent(
        n_channels, n_outputs, hidden_size, num_layers, "lstm", dropout, bidirectional
    )


def _gru(n_channels, n_outputs, hidden_size=16, num_layers=1, dropout=0.0, bidirectional=False):
    return RecurrentStudent(
        n_channels, n_outputs, hidden_size, num_layers, "gru", dropout, bidirectional
    )


register_student(
    "lstm", _lstm, "LSTM, 1 layer x 16 units (the MemKD/TSD student)", "classification"
)
register_student("gru", _gru, "GRU, 1 layer x 16 units", "classification")
register_student(
    "cnn", FCNStudent, "FCN-style CNN, 16/32/16 filters, global average pooling",
    "classification",
)
register_student(
    "lite", LITEStudent,
    "LITE-style CNN: multiplexed, fixed and depthwise-separable dilated filters",
    "classification",
)
register_student(
    "adatime_cnn", AdaTimeCNN,
    "AdaTime CNN, 16/32/32 filters (UNI-KD's student; width=64: teacher)", "classification",
)
register_student(
    "dmlp", _dmlp, "forecasting: decomposition MLP, TimeDistill's student", "forecasting"
)
register_student(
    "mlp", _mlp, "forecasting: two-layer MLP, no decomposition", "forecasting"
)


def _params_of(builder):
    sig = inspect.signature(builder)
    names = [
        p.name
        for p in list(sig.parameters.values())[2:]
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    accepts_any = any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values())
    return names, accepts_any


def check_student(student, task=None):
    """Refuse an unknown student name, or one built for the other task, before any work.

    Parameters
    ----------
    student : object
        The estimator's ``student``; only names are checked (modules and callables are
        checked when they are built).
    task : {"classification", "forecasting"} or None, default=None

    Raises
    ------
    ValueError
        Naming the student, its task and the names that fit.

    Examples
    --------
    >>> from aeon_kd.students._registry import check_student
    >>> check_student("lite", "classification")
    >>> check_student("dmlp", "classification")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: student 'dmlp' is a forecasting student and cannot be trained for ...
    """
    if not isinstance(student, str):
        return
    if student not in _STUDENTS:
        raise ValueError(
            f"Unknown student {student!r}. Valid names: {sorted(_STUDENTS)}; a torch "
            "nn.Module or a callable (n_channels, n_outputs, **params) works too."
        )
    student_task = _STUDENTS[student][2]
    if task is not None and student_task not in (None, task):
        fitting = sorted(n for n, entry in _STUDENTS.items() if entry[2] in (None, task))
        raise ValueError(
            f"student {student!r} is a {student_task} student and cannot be trained for "
            f"{task}; {task} students: {fitting} (or a torch nn.Module / a callable)."
        )


def build_student(student, student_params, n_channels, n_outputs, task=None):
    """Return a fresh torch module for ``student``.

    ``student`` is a registry name, a ``torch.nn.Module`` instance (deep-copied, so the
    caller's module is never trained in place) or a callable
    ``(n_channels, n_outputs, **student_params) -> nn.Module``.

    Parameters
    ----------
    student : str, torch.nn.Module or callable
        A name of :func:`list_students`, a module or a builder.
    student_params : dict or None
        Keyword arguments of the builder (not allowed with a module instance).
    n_channels : int
        Channels of the input series.
    n_outputs : int
        Classes, or forecast values.
    task : {"classification", "forecasting"} or None, default=None
        The estimator's task: a registered student of the other task is refused by
        name, with the names that fit.

    Returns
    -------
    torch.nn.Module
        A new module; the caller's module or builder is left as it was.

    Raises
    ------
    ValueError
        For an unknown name or unknown ``student_params``.
    TypeError
        If ``student`` is none of the accepted kinds, or a builder returns no module.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.students import build_student
    >>> cnn = build_student("cnn", None, n_channels=2, n_outputs=3)
    >>> type(cnn).__name__, cnn(torch.zeros(5, 2, 30)).shape
    ('FCNStudent', torch.Size([5, 3]))
    >>> type(build_student("lstm", {"hidden_size": 8}, 1, 2)).__name__
    'RecurrentStudent'

    A callable builds a custom student; a module instance is copied:

    >>> def linear(n_channels, n_outputs, length=24):
    ...     return torch.nn.Sequential(
    ...         torch.nn.Flatten(), torch.nn.Linear(n_channels * length, n_outputs)
    ...     )
    >>> build_student(linear, {"length": 10}, 1, 2)(torch.zeros(3, 1, 10)).shape
    torch.Size([3, 2])
    >>> mine = linear(1, 2)
    >>> build_student(mine, None, 1, 2) is mine
    False
    """
    params = dict(student_params or {})
    if isinstance(student, nn.Module):
        if params:
            raise ValueError(
                "student_params cannot be used with a student given as a torch module "
                f"instance (got student_params={params}); configure the module itself or "
                "pass its class as student."
            )
        return copy.deepcopy(student)
    if isinstance(student, str):
        check_student(student, task)
        builder = _STUDENTS[student][0]
        label = f"student {student!r}"
    elif callable(student):
        builder, label = student, f"student {student!r}"
    else:
        raise TypeError(
            "student must be a registry name, a torch nn.Module or a callable, got "
            f"{type(student).__name__}."
        )
    names, accepts_any = _params_of(builder)
    unknown = sorted(set(params) - set(names))
    if unknown and not accepts_any:
        raise ValueError(
            f"Unknown student_params {unknown} for {label}. Valid keys: {names}."
        )
    try:
        module = builder(n_channels, n_outputs, **params)
    except (TypeError, ValueError) as err:
        raise ValueError(f"Could not build {label} with student_params={params}: {err}") from err
    if not isinstance(module, nn.Module):
        raise TypeError(f"{label} built a {type(module).__name__}, not a torch nn.Module.")
    return module
