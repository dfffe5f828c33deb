"""Leak-free cross-domain scenarios (issue 21): the near-copy check and the shifts."""

import numpy as np
import pytest

from aeon_kd.datasets import (
    DOMAIN_SCENARIOS,
    SHIFTED_SCENARIOS,
    SHIFTS,
    LeakedScenarioError,
    apply_shift,
    check_leakage,
    load_domain_scenario,
    make_domain_shift,
    make_shifted_scenario,
    near_copies,
)


def _leaked_copy_of(scenario, share):
    """The scenario with ``share`` of its target-test series replaced by rescaled,
    slightly noisy copies of source training series (what the UCR axis files do)."""
    rng = np.random.default_rng(1)
    X = scenario.X_target_test.copy()
    n = int(share * len(X))
    donors = rng.choice(len(scenario.X_source), n, replace=False)
    noise = 0.01 * rng.normal(size=X[:n].shape) * scenario.X_source.std()
    X[:n] = 2.0 * scenario.X_source[donors] + 1.0 + noise
    scenario.X_target_test = X.astype(np.float32)
    return scenario, np.arange(n)


def test_the_leakage_check_flags_a_leaked_scenario_and_passes_a_clean_one():
    clean = make_domain_shift(n_source=60, n_target=40, n_target_test=40, random_state=0)
    report = check_leakage(clean)
    assert not report.leaked() and report.shares == {"source": 0.0, "target": 0.0}
    leaked, copied = _leaked_copy_of(
        make_domain_shift(n_source=60, n_target=40, n_target_test=40, random_state=0), 0.25
    )
    with pytest.raises(LeakedScenarioError, match=r"25\.0 % in the source training series"):
        check_leakage(leaked)
    report = check_leakage(leaked, on_leak="ignore")
    np.testing.assert_array_equal(report.copies["source"], copied)
    with pytest.warns(UserWarning, match="memorisation"):
        check_leakage(leaked, on_leak="warn")


def test_near_copies_finds_a_recording_under_gain_and_offset():
    rng = np.random.default_rng(0)
    reference = rng.normal(size=(30, 2, 40))
    query = np.concatenate([0.5 * reference[[7, 3]] - 2.0, rng.normal(size=(3, 2, 40))])
    index, correlation = near_copies(reference, query, block=2)
    assert index[:2].tolist() == [7, 3] and np.allclose(correlation[:2], 1.0)
    assert np.all(correlation[2:] < 0.9)
    with pytest.raises(ValueError, match="one shape"):
        near_copies(reference, query[:, :1])


def test_the_committed_pairs_are_leak_free_and_the_leaking_ones_are_refused():
    for name in DOMAIN_SCENARIOS:
        assert not check_leakage(load_domain_scenario(name)).leaked()
    with pytest.raises(LeakedScenarioError, match="45.6 %"):
        load_domain_scenario("GesturePebbleZ1", "GesturePebbleZ2", length=150)
    with pytest.raises(LeakedScenarioError):
        load_domain_scenario("CricketZ", "CricketX")


@pytest.mark.parametrize("shift", sorted(SHIFTS))
def test_every_shift_is_seeded_and_keeps_the_shape(shift):
    X = np.random.default_rng(0).normal(size=(6, 3, 48))
    a = apply_shift(X, [shift], random_state=3)
    assert a.shape == X.shape and a.dtype == np.float32 and np.all(np.isfinite(a))
    np.testing.assert_array_equal(a, apply_shift(X, [shift], random_state=3))
    assert not np.allclose(a, X)


def test_a_rotation_keeps_each_time_steps_norm_and_needs_three_axes():
    X = np.random.default_rng(0).normal(size=(4, 3, 20))
    turned = apply_shift(X, [("rotation", {"degrees": 45})], random_state=0)
    np.testing.assert_allclose(np.linalg.norm(turned, axis=1), np.linalg.norm(X, axis=1),
                               rtol=1e-5)  # fmt: skip
    with pytest.raises(ValueError, match="needs 3 channels"):
        apply_shift(X[:, :2], ["rotation"])
    with pytest.raises(ValueError, match="Unknown shift 'tilt'"):
        apply_shift(X, ["tilt"])


def test_shifted_scenarios_keep_labels_and_use_only_unseen_recordings():
    from aeon_kd.datasets import load_classification_dataset

    s = make_shifted_scenario("Computers[gain+drift]", random_state=0)
    X_test, y_test = load_classification_dataset("Computers", "test")
    X_train, y_train = load_classification_dataset("Computers", "train")
    np.testing.assert_array_equal(s.X_source, X_train.astype(np.float32))
    assert list(s.y_source) == list(y_train)
    # the target halves are the test recordings, labels unchanged, none of them twice
    assert len(s.X_target) + len(s.X_target_test) == len(X_test)
    assert sorted([*s.y_target, *s.y_target_test]) == sorted(y_test)
    again = make_shifted_scenario("Computers[gain+drift]", random_state=0)
    np.testing.assert_array_equal(again.X_target_test, s.X_target_test)
    assert set(SHIFTED_SCENARIOS) >= {s.name}
    with pytest.raises(ValueError, match="Unknown scenario"):
        make_shifted_scenario("Computers")
