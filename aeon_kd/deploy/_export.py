"""Export a fitted student to ONNX or TorchScript, and load an exported student back.

What ships is the student as the estimator uses it to predict: for a classifier the
optional resampling to ``resample_length`` (linear interpolation, as aeon's ``Resizer``),
the student and a softmax, so the file maps series to class probabilities; for a
forecaster the student, which maps windows to forecasts. The labels and shapes travel in
the file's metadata (ONNX ``metadata_props``, TorchScript extra file ``aeon_kd.json``).

Every export is checked before the file appears: the exported model runs on an example
at two batch sizes (and at another length where the length is dynamic) and its outputs
must match the torch student. The file is written under a temporary name in the target
folder and renamed at the end, so a failed export leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import tempfile
import warnings
import zipfile
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["EXPORT_FORMATS", "ClassifierGraph", "ExportedStudent", "export_student", "load_student"]

EXPORT_FORMATS = ("onnx", "torchscript")
_METADATA_FILE = "aeon_kd.json"
_OPSET = 17
# float32 students through another runtime: outputs agree to ~1e-7; the check allows a
# margin for long series and many classes while still catching a wrong graph.
_PARITY_ATOL = 1e-5
# a recurrence carries rounding from step to step, and ONNX Runtime's LSTM kernel computes
# its gates its own way: trained 1 x 16 LSTMs differed from torch by 2e-5 in probability
# over 128 steps and 1.9e-4 over 350, so recurrent graphs get a margin that grows with
# the number of steps (a wrong graph still differs by far more)
_RECURRENT_PARITY_ATOL_PER_STEP = 2e-6


def _parity_atol(graph, n_timepoints):
    """The largest difference to torch that the export check accepts for ``graph``."""
    if any(isinstance(m, nn.RNNBase) for m in graph.modules()):
        return _PARITY_ATOL + _RECURRENT_PARITY_ATOL_PER_STEP * n_timepoints
    return _PARITY_ATOL


class ClassifierGraph(nn.Module):
    """What a classifier ships: optional resampling, the student, then a softmax.

    Parameters
    ----------
    student : torch.nn.Module
        Maps ``(batch, n_channels, length)`` float32 to logits ``(batch, n_classes)``.
    resample_length : int, optional
        Resize every series to this length first (linear interpolation with the end
        points kept, the same as aeon's ``Resizer``), so the exported model takes
        series of any length.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.deploy import ClassifierGraph
    >>> from aeon_kd.students import FCNStudent
    >>> graph = ClassifierGraph(FCNStudent(1, 3), resample_length=50).eval()
    >>> proba = graph(torch.randn(2, 1, 80))
    >>> proba.shape, bool(torch.allclose(proba.sum(dim=1), torch.ones(2)))
    (torch.Size([2, 3]), True)
    """

    def __init__(self, student, resample_length=None):
        super().__init__()
        self.student = student
        self.resample_length = None if resample_length is None else int(resample_length)

    def forward(self, x):
        """Class probabilities ``(batch, n_classes)``."""
        if self.resample_length is not None:
            x = F.interpolate(x, size=self.resample_length, mode="linear", align_corners=True)
        return torch.softmax(self.student(x), dim=1)


def _check_format(format):
    if format not in EXPORT_FORMATS:
        raise ValueError(
            f"Unknown export format {format!r}; choose one of {list(EXPORT_FORMATS)} "
            "(ONNX for onnxruntime and most edge runtimes, TorchScript for LibTorch)."
        )


def _check_path(path):
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(
            f"path {str(path)!r} is a folder; give a file name, e.g. {str(path / 'student')!r}."
        )
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise FileNotFoundError(
            f"The folder {str(parent)!r} of path {str(path)!r} does not exist; create it "
            "first (export does not create folders, so a typo cannot scatter files)."
        )
    return path


def _import_onnx(purpose):
    try:
        import onnx
        import onnxruntime
    except ImportError as err:
        raise ImportError(
            f"{purpose} needs the packages onnx and onnxruntime: pip install 'aeon-kd[onnx]'."
        ) from err
    return onnx, onnxruntime


def _quantize_torch(module):
    """Dynamic int8 quantisation of the Linear, LSTM and GRU layers (torch's own)."""
    with warnings.catch_warnings():
        # torch deprecates torch.ao.quantization and its quantized tensors (pytorch
        # #184982) in favour of torchao, which is not a dependency; with torch 2.13 they
        # still work, and the tests say when they stop to.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        warnings.filterwarnings("ignore", message=".*quantized tensor creation functions.*")
        from torch.ao.quantization import quantize_dynamic

        return quantize_dynamic(module, {nn.Linear, nn.LSTM, nn.GRU}, dtype=torch.qint8)


@contextlib.contextmanager
def _quietly():
    """Silence torch's notices about the exporters we choose on purpose.

    torch marks ``torch.jit`` and the TorchScript-based ONNX exporter as deprecated in
    favour of ``torch.export``. With torch 2.13 the ``torch.export`` route specialises the
    batch size of LSTM graphs and the length of strided CNNs (measured), while these two
    keep both dynamic; every file is checked against the student before it is kept, so
    the tracer's generic warnings are noise here.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        for message in (
            ".*legacy TorchScript-based ONNX export.*",
            ".*torch.jit.*deprecated.*",
            ".*feature will be removed.*",
            ".*with a variable length with.*",
            ".*Constant folding - Only steps=1.*",  # explicit padding of even kernels
        ):
            warnings.filterwarnings("ignore", message=message)
        yield


def _write_onnx(graph, example, file, dynamic_length, output_name):
    axes = {0: "batch", 2: "length"} if dynamic_length else {0: "batch"}
    with _quietly():
        torch.onnx.export(
            graph,
            (example,),
            file,
            input_names=["series"],
            output_names=[output_name],
            dynamic_axes={"series": axes, output_name: {0: "batch"}},
            opset_version=_OPSET,
            dynamo=False,
        )


def _write_torchscript(graph, example, file, metadata):
    with _quietly(), torch.no_grad():
        traced = torch.jit.trace(graph, example, check_trace=False)
        torch.jit.save(traced, file, _extra_files={_METADATA_FILE: json.dumps(metadata)})


def _add_onnx_metadata(file, metadata):
    onnx, _ = _import_onnx("ONNX export")
    model = onnx.load(file)
    del model.metadata_props[:]
    entries = {_METADATA_FILE: json.dumps(metadata)}
    entries.update(
        {k: json.dumps(v) if not isinstance(v, str) else v for k, v in metadata.items()}
    )
    for key, value in entries.items():
        prop = model.metadata_props.add()
        prop.key, prop.value = key, value
    model.producer_name = "aeon-kd"
    onnx.save(model, file)


def _quantize_onnx(file):
    _import_onnx("int8 quantisation of an ONNX export")
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.shape_inference import quant_pre_process

    prepared, out = file + ".pre", file + ".int8"
    try:
        # shape inference and graph clean-up first, as onnxruntime recommends
        quant_pre_process(file, prepared)
        quantize_dynamic(prepared, out, weight_type=QuantType.QInt8)
        os.replace(out, file)
    finally:
        for leftover in (prepared, out):
            if os.path.exists(leftover):
                os.remove(leftover)


def _verify(file, format, graph, example, dynamic_length, exact):
    """Run the written file on the example (two batch sizes, another length) vs torch.

    Returns whether the length is dynamic in the file; raises if the outputs differ.
    """
    runner = ExportedStudent(file, _format=format, _metadata={}, _quiet=True)
    probes = [example, example[:1]]
    longer = None
    if dynamic_length:
        longer = F.interpolate(example, size=example.shape[2] + 5, mode="linear")
    for probe in probes + ([longer] if longer is not None else []):
        try:
            got = runner.run(probe.numpy())
        except Exception as err:  # the runtime rejects the shape
            if probe is longer:
                return False
            raise RuntimeError(
                f"The exported {format} model failed on input of shape {tuple(probe.shape)}: "
                f"{err}"
            ) from err
        with torch.no_grad():
            want = graph(probe).numpy()
        if got.shape != want.shape or not np.all(np.isfinite(got)):
            if probe is longer:
                return False
            raise RuntimeError(
                f"The exported {format} model returned shape {got.shape} (finite: "
                f"{bool(np.all(np.isfinite(got)))}) where the student returns {want.shape}."
            )
        gap = float(np.max(np.abs(got - want))) if got.size else 0.0
        atol = _parity_atol(graph, probe.shape[2])
        if exact and gap > atol:
            if probe is longer:
                return False  # the student's graph depends on the length: keep it fixed
            raise RuntimeError(
                f"The exported {format} model differs from the student by {gap:.2e} (more "
                f"than {atol:.3g}) on input of shape {tuple(probe.shape)}; the student "
                "probably has data-dependent control flow that tracing cannot capture."
            )
    return dynamic_length


def export_student(
    graph, path, *, format="onnx", example, metadata, dynamic_length=True, quantize=False
):
    """Write ``graph`` to ``path`` as ONNX or TorchScript, checked against torch.

    The estimators' ``export`` methods call this; it is public for students trained
    outside them.

    Parameters
    ----------
    graph : torch.nn.Module
        The module to ship (not modified: a CPU copy is exported), e.g. a
        :class:`ClassifierGraph` around a student.
    path : str or os.PathLike
        File to write; its folder must exist. An existing file is replaced only once the
        new one has been written and checked.
    format : {"onnx", "torchscript"}, default="onnx"
        ONNX (opset 17, for onnxruntime and edge runtimes) or TorchScript (for LibTorch,
        ``torch.jit.load``).
    example : np.ndarray or torch.Tensor of shape (n, n_channels, length)
        Example input; fixes the number of channels and (unless dynamic) the length.
    metadata : dict
        JSON-serialisable facts stored in the file (labels, shapes, method, ...).
    dynamic_length : bool, default=True
        Try to keep the series length free. It is kept only if the exported model gives
        the student's outputs at another length; otherwise the length is fixed and
        ``metadata["input_shape"]`` says so.
    quantize : bool, default=False
        Post-training dynamic int8 quantisation of the weights (onnxruntime's
        ``quantize_dynamic`` for ONNX, torch's for TorchScript). Outputs then differ from
        the float student; they are checked for shape and finiteness only. Where the
        int8 file is not smaller than the float32 one, the float32 file is kept and a
        warning says so.

    Returns
    -------
    pathlib.Path
        The written file.

    Examples
    --------
    >>> import tempfile, os, numpy as np
    >>> from aeon_kd.deploy import ClassifierGraph, export_student, load_student
    >>> from aeon_kd.students import FCNStudent
    >>> graph = ClassifierGraph(FCNStudent(1, 2)).eval()
    >>> folder = tempfile.mkdtemp()
    >>> path = export_student(graph, os.path.join(folder, "s.pt"), format="torchscript",
    ...                       example=np.zeros((2, 1, 24), np.float32),
    ...                       metadata={"classes": ["a", "b"]})
    >>> load_student(path).predict(np.zeros((3, 1, 30), np.float32)).shape
    (3,)
    """
    _check_format(format)
    path = _check_path(path)
    if format == "onnx":
        _import_onnx("ONNX export")
    written = _export_checked(graph, path, format, example, metadata, dynamic_length, quantize)
    if quantize:
        _keep_the_smaller(graph, path, format, example, metadata, dynamic_length)
    return written


def _keep_the_smaller(graph, path, format, example, metadata, dynamic_length):
    """int8 only pays where weights dominate: keep the float file where it is smaller.

    Dynamic quantisation adds quantise/dequantise nodes and scales; on a student of a few
    thousand parameters (the LITE default: 24.8 kB float, 26.6 kB int8 in ONNX) they
    outweigh what the int8 weights save.
    """
    floating = path.with_name(f".{path.name}.float")
    try:
        _export_checked(graph, floating, format, example, metadata, dynamic_length, False)
        int8_bytes, float_bytes = os.path.getsize(path), os.path.getsize(floating)
        if int8_bytes >= float_bytes:
            os.replace(floating, path)
            warnings.warn(
                f"quantize=True made the file larger ({int8_bytes:,} bytes in int8 against "
                f"{float_bytes:,} in float32): the student's weights are too few to pay for "
                "the quantisation nodes, so the float32 file was written to "
                f"{str(path)!r} (its metadata says quantized: false).",
                UserWarning,
                stacklevel=4,
            )
    finally:
        if floating.exists():
            floating.unlink()


def _export_checked(graph, path, format, example, metadata, dynamic_length, quantize):
    example = torch.as_tensor(np.asarray(example, dtype=np.float32))
    if example.ndim != 3 or len(example) == 0:
        raise ValueError(
            f"example must be a non-empty (n, n_channels, length) array, got shape "
            f"{tuple(example.shape)}."
        )
    if len(example) == 1:  # the check runs two batch sizes
        example = example.repeat(2, 1, 1)
    graph = copy.deepcopy(graph).cpu().eval()
    reference = graph
    if quantize:
        graph = _quantize_torch(graph) if format == "torchscript" else graph
    metadata = {**metadata, "format": format, "quantized": bool(quantize)}
    metadata.setdefault("input_name", "series")

    try:  # written beside the target, then renamed: a failed export leaves nothing
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:  # name the user's path, not the temporary file's
        raise type(err)(
            err.errno, f"Cannot write {str(path)!r} ({err.strerror}): choose a folder you "
            "can write to"
        ) from None
    os.close(fd)
    try:
        dynamic = dynamic_length
        for _attempt in range(2):
            shape = [None, int(example.shape[1]), None if dynamic else int(example.shape[2])]
            metadata["input_shape"] = shape
            if format == "onnx":
                _write_onnx(graph, example, tmp, dynamic, metadata.get("output_name", "output"))
                if quantize:
                    _quantize_onnx(tmp)
                _add_onnx_metadata(tmp, metadata)
            else:
                _write_torchscript(graph, example, tmp, metadata)
            kept = _verify(tmp, format, reference, example, dynamic, exact=not quantize)
            if kept == dynamic:
                break
            dynamic = False  # the length could not stay free: export again with it fixed
        # mkstemp creates the file 0600; an exported model gets the user's usual mode
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def _umask():
    mask = os.umask(0o022)  # reading the umask means setting it: put it straight back
    os.umask(mask)
    return mask


def _to_label(value):
    return value.item() if isinstance(value, np.generic) else value


def deployment_facts(estimator):
    """Method, student, parameters and version of a fitted estimator, for metadata.

    The student is its registry name, the method's default when none was given, or the
    class name of a user's module.
    """
    import aeon_kd
    from aeon_kd.methods import resolve_method

    method = resolve_method(estimator.method)
    student = estimator.student
    if student is None:
        student = method.default_student
    elif not isinstance(student, str):
        from aeon_kd.students import SeriesNormalized

        module = estimator.student_  # the user's network, not its input-scaling wrapper
        student = type(module.net if isinstance(module, SeriesNormalized) else module).__name__
    return {
        "method": getattr(method, "name", type(method).__name__),
        "student": student,
        "n_student_params": int(estimator.n_student_params_),
        "aeon_kd_version": aeon_kd.__version__,
    }


def labels_metadata(classes):
    """Class labels as a JSON-safe list (numpy scalars become Python values)."""
    return [_to_label(c) for c in np.asarray(classes).tolist()]


class ExportedStudent:
    """An exported student loaded for inference, with the labels it was trained on.

    The runtime follows the file: onnxruntime for ONNX, ``torch.jit.load`` for
    TorchScript. Inputs are float32 ``(n, n_channels, length)`` arrays (2D arrays are
    taken as univariate).

    Parameters
    ----------
    path : str or os.PathLike
        A file written by ``export``.

    Attributes
    ----------
    metadata : dict
        What the file says about itself: ``task``, ``classes``, ``input_shape``
        (``None`` for a free axis), ``method``, ``student``, ``quantized``, ...
    classes_ : np.ndarray or None
        Class labels in the order of the output columns (classifiers).
    format : str
        ``"onnx"`` or ``"torchscript"``.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from aeon.datasets import load_italy_power_demand
    >>> from aeon_kd import DistilledClassifier
    >>> from aeon_kd.deploy import load_student
    >>> X, y = load_italy_power_demand(split="train")
    >>> clf = DistilledClassifier(method="none", student="cnn", max_epochs=20,
    ...                           random_state=0).fit(X, y)
    >>> path = clf.export(os.path.join(tempfile.mkdtemp(), "student.pt"),
    ...                   format="torchscript")
    >>> shipped = load_student(path)
    >>> shipped.classes_.tolist()
    ['1', '2']
    >>> bool(np.allclose(shipped.predict_proba(X), clf.predict_proba(X), atol=1e-5))
    True
    """

    def __init__(self, path, *, _format=None, _metadata=None, _quiet=False):
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"No exported student at {str(self.path)!r}.")
        self.format = _format or (
            "torchscript" if zipfile.is_zipfile(self.path) else "onnx"
        )
        if self.format == "onnx":
            _, ort = _import_onnx("Loading an ONNX student")
            options = ort.SessionOptions()
            if _quiet:  # probing a length the model may reject: the error is expected
                options.log_severity_level = 4
            self._session = ort.InferenceSession(
                str(self.path), options, providers=["CPUExecutionProvider"]
            )
            self._input = self._session.get_inputs()[0].name
            stored = self._session.get_modelmeta().custom_metadata_map.get(_METADATA_FILE)
        else:
            extra = {_METADATA_FILE: ""}
            with _quietly():
                self._module = torch.jit.load(
                    str(self.path), map_location="cpu", _extra_files=extra
                )
            self._module.eval()
            stored = extra[_METADATA_FILE] or None
        if _metadata is not None:
            self.metadata = _metadata
        else:
            self.metadata = json.loads(stored) if stored else {}
        classes = self.metadata.get("classes")
        self.classes_ = None if classes is None else np.asarray(classes)

    def _input_array(self, X):
        X = np.asarray(X, dtype=np.float32)
        if X.ndim == 2:
            X = X[:, None, :]
        shape = self.metadata.get("input_shape")
        if X.ndim != 3:
            raise ValueError(f"X must be (n, n_channels, length), got shape {X.shape}.")
        if shape:
            for axis, (want, got) in enumerate(zip(shape[1:], X.shape[1:], strict=True), start=1):
                if want is not None and want != got:
                    name = "channels" if axis == 1 else "time points"
                    raise ValueError(
                        f"This exported student takes {want} {name}, X has {got} (X shape "
                        f"{X.shape}; the model's input shape is {shape}, None = any)."
                    )
        return np.ascontiguousarray(X)

    def run(self, X):
        """Raw output of the model on ``X``: probabilities or forecasts."""
        X = self._input_array(X)
        if self.format == "onnx":
            return self._session.run(None, {self._input: X})[0]
        with torch.no_grad():
            return self._module(torch.from_numpy(X)).numpy()

    def predict_proba(self, X):
        """Class probabilities ``(n, n_classes)`` (classifiers)."""
        if self.metadata.get("task", "classification") != "classification":
            raise AttributeError("predict_proba exists for exported classifiers only.")
        return self.run(X).astype(np.float64)

    def predict(self, X):
        """Labels (classifiers) or forecasts ``(n, n_channels, horizon)`` (forecasters)."""
        if self.metadata.get("task", "classification") != "classification":
            return self.run(X).astype(np.float64)
        index = np.argmax(self.run(X), axis=1)
        return index if self.classes_ is None else self.classes_[index]

    def score(self, X, y):
        """Accuracy on ``(X, y)`` (classifiers)."""
        return float(np.mean(self.predict(X) == np.asarray(y)))

    def __repr__(self):
        return f"ExportedStudent({str(self.path)!r}, format={self.format!r})"


def load_student(path):
    """Load a student written by ``export`` (ONNX or TorchScript) for inference.

    Parameters
    ----------
    path : str or os.PathLike
        A file written by ``export`` or :func:`export_student`.

    Returns
    -------
    ExportedStudent
        The student, ready for ``predict`` and ``predict_proba``.

    See Also
    --------
    ExportedStudent : What is loaded, with a round trip from a fitted estimator.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from aeon_kd.deploy import ClassifierGraph, export_student, load_student
    >>> from aeon_kd.students import FCNStudent
    >>> path = export_student(
    ...     ClassifierGraph(FCNStudent(1, 3)).eval(),
    ...     os.path.join(tempfile.mkdtemp(), "student.pt"), format="torchscript",
    ...     example=np.zeros((2, 1, 16), np.float32), metadata={"classes": ["a", "b", "c"]},
    ... )
    >>> shipped = load_student(path)
    >>> shipped.format, shipped.classes_.tolist()
    ('torchscript', ['a', 'b', 'c'])
    >>> shipped.predict_proba(np.zeros((4, 1, 16), np.float32)).shape
    (4, 3)
    """
    return ExportedStudent(path)
