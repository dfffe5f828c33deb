"""Leak-free cross-domain scenarios: a near-copy check, and deployment shifts.

Two UCR files that record "the same classes through another sensor" (CricketX/Y/Z,
GesturePebbleZ1/Z2) were split and shuffled one by one, so a recording can sit in the
training split of one and the test split of the other: 39-50 % of those target-test
series have a near-copy among the source training series (``../shared/DATASETS.md``),
and such a pair measures memorisation, not adaptation. :func:`check_leakage` measures
it for any scenario; :func:`make_shifted_scenario` builds scenarios that cannot leak:
the source is a problem's training split, the target its test split (recordings the
source never saw) seen through a deployment shift — another gain and offset, sampling
rate, bandwidth, noise, baseline drift, or a rotated 3-axis sensor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "SHIFTED_SCENARIOS",
    "SHIFTS",
    "LeakageReport",
    "LeakedScenarioError",
    "apply_shift",
    "check_leakage",
    "make_shifted_scenario",
    "near_copies",
]

#: correlation above which two series count as copies of one recording
NEAR_COPY_CORRELATION = 0.99
#: share of target-test series with a near-copy that makes a scenario leaked
MAX_LEAKED_SHARE = 0.01


class LeakedScenarioError(ValueError):
    """A cross-domain scenario whose target-test series have copies in training data.

    Examples
    --------
    >>> from aeon_kd.datasets import LeakedScenarioError
    >>> issubclass(LeakedScenarioError, ValueError)
    True
    """


def _standardised_rows(X):
    flat = np.asarray(X, dtype=np.float64).reshape(len(X), -1)
    flat = flat - flat.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(flat, axis=1, keepdims=True)
    return flat / np.where(norm > 0, norm, 1.0)


def near_copies(X_reference, X_query, block=2048):
    """For each query series, its most correlated reference series.

    The Pearson correlation of two series (channels concatenated): 1 for a copy up to
    gain and offset, which is how a recording reappears in another file.

    Parameters
    ----------
    X_reference, X_query : np.ndarray of shape (n, n_channels, n_timepoints)
        The same channels and length.
    block : int, default=2048
        Query rows per matrix product (bounds the memory).

    Returns
    -------
    index : np.ndarray of int, shape (n_query,)
        The most correlated reference row of each query row.
    correlation : np.ndarray of float, shape (n_query,)

    Examples
    --------
    >>> import numpy as np
    >>> from aeon_kd.datasets import near_copies
    >>> rng = np.random.default_rng(0)
    >>> reference = rng.normal(size=(5, 1, 50))
    >>> query = np.stack([3 * reference[2] + 1, rng.normal(size=(1, 50))])
    >>> index, correlation = near_copies(reference, query)
    >>> int(index[0]), round(float(correlation[0]), 6), bool(correlation[1] < 0.9)
    (2, 1.0, True)
    """
    X_reference, X_query = np.asarray(X_reference), np.asarray(X_query)
    if X_reference.shape[1:] != X_query.shape[1:]:
        raise ValueError(
            f"near_copies compares series of one shape; got {X_reference.shape[1:]} and "
            f"{X_query.shape[1:]} (channels, length)."
        )
    reference = _standardised_rows(X_reference)
    index = np.empty(len(X_query), dtype=np.int64)
    correlation = np.empty(len(X_query))
    for start in range(0, len(X_query), block):
        scores = _standardised_rows(X_query[start : start + block]) @ reference.T
        index[start : start + block] = scores.argmax(axis=1)
        correlation[start : start + block] = scores.max(axis=1)
    return index, correlation


@dataclass(frozen=True)
class LeakageReport:
    """How many target-test series have a near-copy in a scenario's training data.

    Attributes
    ----------
    scenario : str
    threshold : float
        Correlation above which a pair counts as a copy.
    shares : dict of str to float
        ``"source"``: share of target-test series with a near-copy among the labelled
        source series; ``"target"``: among the unlabelled target training series.
    copies : dict of str to np.ndarray
        The target-test rows with a near-copy, per key of ``shares``.

    Examples
    --------
    >>> from aeon_kd.datasets import LeakageReport
    >>> report = LeakageReport("A->B", 0.99, {"source": 0.4, "target": 0.0})
    >>> report.leaked(), str(report)[:57]
    (True, 'A->B: target-test series with a near-copy (correlation > ')
    """

    scenario: str
    threshold: float
    shares: dict = field(default_factory=dict)
    copies: dict = field(default_factory=dict)

    def leaked(self, max_share=MAX_LEAKED_SHARE):
        """Whether more than ``max_share`` of the target-test series have a copy."""
        return any(share > max_share for share in self.shares.values())

    def __str__(self):
        parts = ", ".join(f"{100 * share:.1f} % in the {where} training series"
                          for where, share in self.shares.items())  # fmt: skip
        return (f"{self.scenario}: target-test series with a near-copy (correlation > "
                f"{self.threshold}): {parts}")  # fmt: skip


def check_leakage(scenario, threshold=NEAR_COPY_CORRELATION, max_share=MAX_LEAKED_SHARE,
                  on_leak="raise"):  # fmt: skip
    """Measure near-copies of a scenario's target-test series in its training data.

    Parameters
    ----------
    scenario : DomainScenario
    threshold : float, default=0.99
        Correlation above which two series count as one recording.
    max_share : float, default=0.01
        Largest share of target-test series with a copy that is not a leak.
    on_leak : {"raise", "warn", "ignore"}, default="raise"
        What a leaked scenario does.

    Returns
    -------
    LeakageReport

    Raises
    ------
    LeakedScenarioError
        With ``on_leak="raise"``, naming the shares.

    Examples
    --------
    >>> from aeon_kd.datasets import check_leakage, make_domain_shift
    >>> report = check_leakage(make_domain_shift(n_source=40, n_target=20,
    ...                                          n_target_test=20, random_state=0))
    >>> report.leaked()
    False
    """
    if on_leak not in ("raise", "warn", "ignore"):
        raise ValueError(f"on_leak must be 'raise', 'warn' or 'ignore', got {on_leak!r}.")
    shares, copies = {}, {}
    for where, X in (("source", scenario.X_source), ("target", scenario.X_target)):
        _, correlation = near_copies(X, scenario.X_target_test)
        copies[where] = np.flatnonzero(correlation > threshold)
        shares[where] = len(copies[where]) / max(1, len(scenario.X_target_test))
    report = LeakageReport(scenario.name, threshold, shares, copies)
    if report.leaked(max_share) and on_leak != "ignore":
        message = (f"{report}. Over {100 * max_share:.0f} %: the scenario measures "
                   "memorisation, not adaptation. Build it with make_shifted_scenario "
                   "(source and target from different recordings), or pass "
                   "on_leak='warn' to study it anyway.")  # fmt: skip
        if on_leak == "raise":
            raise LeakedScenarioError(message)
        import warnings

        warnings.warn(message, UserWarning, stacklevel=2)
    return report


# -- deployment shifts ---------------------------------------------------------------


def _gain_offset(X, rng, gain=0.6, offset=0.5):
    """Another sensor's gain and offset (the offset in units of each channel's std)."""
    scale = X.std(axis=(0, 2), keepdims=True)
    return gain * X + offset * scale


def _rate(X, rng, factor=0.5):
    """Recorded at ``factor`` times the source's rate, resampled back to its length.

    Detail above the lower rate is lost, as on a slower device.
    """
    from aeon.transformations.collection.unequal_length import Resizer

    length = X.shape[2]
    low = Resizer(resized_length=max(4, int(round(factor * length)))).fit_transform(X)
    return Resizer(resized_length=length).fit_transform(low)


def _smoothing(X, rng, width=9):
    """A sensor of narrower bandwidth: a moving average over ``width`` steps."""
    kernel = np.ones(width) / width
    padded = np.pad(X, ((0, 0), (0, 0), (width // 2, width - 1 - width // 2)), mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, width, axis=2)
    return windows @ kernel


def _noise(X, rng, level=0.3):
    """Sensor noise: Gaussian, ``level`` times each channel's std."""
    scale = X.std(axis=(0, 2), keepdims=True)
    return X + level * scale * rng.standard_normal(X.shape)


def _drift(X, rng, level=0.5):
    """Baseline wander: a slow wave of random phase and a linear trend per series."""
    n, _, length = X.shape
    t = np.linspace(0.0, 1.0, length)
    scale = X.std(axis=(0, 2), keepdims=True)
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1, 1))
    slope = rng.uniform(-1, 1, size=(n, 1, 1))
    return X + level * scale * (np.sin(2 * np.pi * 0.5 * t + phase) + slope * t)


def _rotation(X, rng, degrees=30.0):
    """A 3-axis sensor mounted at another angle (needs 3 channels).

    Every series turns by the same rotation: ``degrees`` about a random axis.
    """
    if X.shape[1] != 3:
        raise ValueError(
            f"the 'rotation' shift turns a 3-axis sensor and needs 3 channels; got "
            f"{X.shape[1]}."
        )
    axis = rng.normal(size=3)
    axis /= np.linalg.norm(axis)
    angle = np.deg2rad(degrees)
    cross = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    matrix = np.eye(3) + np.sin(angle) * cross + (1 - np.cos(angle)) * cross @ cross
    return np.einsum("ij,njt->nit", matrix, X)


#: shift name -> transform(X, rng, **params); applied in the order given
SHIFTS = {
    "gain_offset": _gain_offset,
    "rate": _rate,
    "smoothing": _smoothing,
    "noise": _noise,
    "drift": _drift,
    "rotation": _rotation,
}


def apply_shift(X, shifts, random_state=None):
    """Series as another deployment records them.

    Parameters
    ----------
    X : np.ndarray of shape (n, n_channels, n_timepoints)
    shifts : sequence of str or (str, dict)
        Names of :data:`SHIFTS`, each optionally with its parameters, applied in order
        (e.g. ``[("gain_offset", {"gain": 0.5}), "noise"]``).
    random_state : int or None
        Seeds every random part (noise, drift phases, the rotation axis).

    Returns
    -------
    np.ndarray of float32, the shape of ``X``

    Examples
    --------
    >>> import numpy as np
    >>> from aeon_kd.datasets import apply_shift
    >>> X = np.random.default_rng(0).normal(size=(4, 1, 32))
    >>> a = apply_shift(X, ["gain_offset", ("noise", {"level": 0.1})], random_state=0)
    >>> b = apply_shift(X, ["gain_offset", ("noise", {"level": 0.1})], random_state=0)
    >>> a.shape, bool(np.array_equal(a, b)), bool(np.allclose(a, X))
    ((4, 1, 32), True, False)
    """
    rng = np.random.default_rng(random_state)
    out = np.asarray(X, dtype=np.float64)
    for entry in shifts:
        name, params = entry if isinstance(entry, tuple) else (entry, {})
        if name not in SHIFTS:
            raise ValueError(f"Unknown shift {name!r}; choose from {sorted(SHIFTS)}.")
        out = SHIFTS[name](out, rng, **params)
    return out.astype(np.float32)


#: leak-free scenarios: name -> (problem, shifts). Each problem's training and test
#: recordings were checked for near-copies (none above 0.3 %, check_leakage), and each
#: shift is what a wearable or edge deployment does to such a sensor
SHIFTED_SCENARIOS = {
    # another accelerometer: lower sensitivity, an offset and more noise
    "CricketX[gain+noise]": ("CricketX", (("gain_offset", {"gain": 0.6, "offset": 0.5}),
                                          ("noise", {"level": 0.5}))),
    # a cheaper controller: a lower sampling rate, a narrower bandwidth and more noise
    # (rate and smoothing alone left no gap: the source-only student scored the target's
    # training half as well as an oracle trained on it, 0.575 vs 0.575 macro-F1)
    "AllGestureWiimoteX[rate+smoothing+noise]": (
        "AllGestureWiimoteX", (("rate", {"factor": 0.4}), ("smoothing", {"width": 7}),
                               ("noise", {"level": 0.25}))),
    # an engine sensor with more noise and a drifting baseline
    "FordA[noise+drift]": ("FordA", (("noise", {"level": 0.5}), ("drift", {"level": 1.0}))),
    # another household meter: its own calibration and a slow drift
    "Computers[gain+drift]": ("Computers", (("gain_offset", {"gain": 1.8, "offset": 1.0}),
                                            ("drift", {"level": 1.0}))),
}  # fmt: skip


def make_shifted_scenario(problem, shifts=None, random_state=0, extract_path=None):
    """A leak-free cross-domain scenario from one problem's recordings.

    The source is the problem's training split, labelled and as recorded. The target is
    its test split — recordings the source never saw — cut (stratified, seeded) into
    an unlabelled target training half and a labelled target test half, both seen
    through ``shifts``. :func:`check_leakage` runs on the recordings before the shift
    (noise would hide a copy) and raises on a leak.

    Parameters
    ----------
    problem : str
        A classification problem (see :func:`load_classification_dataset`), or a key
        of :data:`SHIFTED_SCENARIOS` (then ``shifts`` comes from it).
    shifts : sequence of str or (str, dict), optional
        As :func:`apply_shift` takes them.
    random_state : int, default=0
        Seeds the shift and the target split.
    extract_path : str, optional

    Returns
    -------
    DomainScenario

    Raises
    ------
    LeakedScenarioError
        If over 1 % of the target-test recordings have a near-copy in training data.

    Examples
    --------
    >>> from aeon_kd.datasets import make_shifted_scenario
    >>> s = make_shifted_scenario("Computers[gain+drift]")
    >>> s.name, s.X_source.shape, s.X_target.shape, s.X_target_test.shape
    ('Computers[gain+drift]', (250, 1, 720), (125, 1, 720), (125, 1, 720))
    """
    from sklearn.model_selection import train_test_split

    from aeon_kd.datasets._classification import load_classification_dataset
    from aeon_kd.datasets._domain import DomainScenario, _equal_length

    name = problem
    if shifts is None:
        if problem not in SHIFTED_SCENARIOS:
            raise ValueError(
                f"Unknown scenario {problem!r}: give shifts= or one of "
                f"{sorted(SHIFTED_SCENARIOS)}."
            )
        problem, shifts = SHIFTED_SCENARIOS[problem]
    else:
        name = f"{problem}[{'+'.join(e[0] if isinstance(e, tuple) else e for e in shifts)}]"
    X_s, y_s = load_classification_dataset(problem, "train", extract_path)
    X_t, y_t = load_classification_dataset(problem, "test", extract_path)
    length = None
    if isinstance(X_s, list) or isinstance(X_t, list) or X_s.shape[2] != X_t.shape[2]:
        length = max(x.shape[-1] for x in [*X_s, *X_t])
    X_s, X_t = _equal_length(X_s, length), _equal_length(X_t, length)
    rows = np.arange(len(X_t))
    train_rows, test_rows = train_test_split(rows, test_size=0.5, stratify=y_t,
                                             random_state=random_state)  # fmt: skip
    raw = DomainScenario(name, X_s, y_s, X_t[train_rows], X_t[test_rows], y_t[test_rows],
                         y_t[train_rows])  # fmt: skip
    check_leakage(raw)
    shifted = apply_shift(X_t, shifts, random_state)  # one device for every recording
    return DomainScenario(name, X_s.astype(np.float32), y_s, shifted[train_rows],
                          shifted[test_rows], y_t[test_rows], y_t[train_rows])  # fmt: skip
