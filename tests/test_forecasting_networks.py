"""Forecasting networks: shapes, channel independence, normalisation, decomposition, errors."""

import numpy as np
import pytest
import torch

from aeon_kd.students import (
    DMLPStudent,
    MLPStudent,
    build_student,
    count_parameters,
    list_students,
)
from aeon_kd.students._forecasting import moving_average
from aeon_kd.teachers._forecasting_networks import ModernTCNNetwork, PatchTSTNetwork

HORIZON = 24

# small widths keep every test fast; the architecture is the same as with the defaults
BUILDERS = {
    "dmlp": lambda c, w: DMLPStudent(c, HORIZON, w, hidden_size=32, moving_avg=7),
    "dmlp_revin": lambda c, w: DMLPStudent(c, HORIZON, w, hidden_size=32, normalization="revin"),
    "dmlp_none": lambda c, w: DMLPStudent(c, HORIZON, w, hidden_size=32, normalization=None),
    "mlp": lambda c, w: MLPStudent(c, HORIZON, w, hidden_size=32),
    "patchtst": lambda c, w: PatchTSTNetwork(c, HORIZON, w, d_model=16, n_heads=2, n_layers=2),
    "moderntcn": lambda c, w: ModernTCNNetwork(c, HORIZON, w, d_model=8, large_kernel=13),
}


def _series(batch, n_channels, window, seed=0):
    gen = torch.Generator().manual_seed(seed)
    t = torch.arange(window, dtype=torch.float32)
    wave = torch.sin(2 * torch.pi * t / 12)
    return wave + 0.3 * torch.randn(batch, n_channels, window, generator=gen)


def _trained_a_bit(net, n_channels, window):
    # a few train-mode passes move the batch-norm running statistics off their initial
    # values, so the eval-mode checks below are not trivially satisfied
    net.train()
    with torch.no_grad():
        for seed in range(3):
            net(_series(8, n_channels, window, seed=seed) * (seed + 1))
    return net.eval()


@pytest.mark.parametrize("name", sorted(BUILDERS))
@pytest.mark.parametrize(("n_channels", "window"), [(1, 48), (3, 96)])
def test_shapes(name, n_channels, window):
    net = BUILDERS[name](n_channels, window)
    x = _series(5, n_channels, window)
    assert net(x).shape == (5, n_channels, HORIZON)
    out = net.forward_signals(x)
    assert set(out) == {"logits", "features"}
    assert out["logits"].shape == (5, n_channels, HORIZON)
    assert out["features"].ndim == 3 and out["features"].shape[:2] == (5, n_channels)
    assert out["logits"].dtype == torch.float32


def test_feature_widths():
    dmlp = DMLPStudent(2, 24, 48, hidden_size=32)
    assert dmlp.forward_signals(torch.randn(3, 2, 48))["features"].shape == (3, 2, 32)
    # PatchTST: (96 - 16) // 8 + 2 = 12 patches of width 16
    patchtst = PatchTSTNetwork(2, 24, 96, d_model=16, n_heads=2, n_layers=1)
    assert patchtst.n_patches == 12
    assert patchtst.forward_signals(torch.randn(3, 2, 96))["features"].shape == (3, 2, 192)
    # ModernTCN: pad 8 - 4 = 4 steps, (96 + 4 - 8) // 4 + 1 = 24 = 96 // 4 patches
    tcn = ModernTCNNetwork(2, 24, 96, d_model=8)
    assert tcn.n_patches == 24
    assert tcn.forward_signals(torch.randn(3, 2, 96))["features"].shape == (3, 2, 192)


def test_large_kernel_longer_than_patch_sequence():
    net = ModernTCNNetwork(1, 6, 16, patch_length=4, stride=4, large_kernel=51).eval()
    assert net.n_patches == 4
    assert net(torch.randn(2, 1, 16)).shape == (2, 1, 6)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_channel_independence(name):
    torch.manual_seed(0)
    net = _trained_a_bit(BUILDERS[name](3, 48), 3, 48)
    x = _series(4, 3, 48)
    perturbed = x.clone()
    perturbed[:, 0] += 5.0 * torch.randn(4, 48)
    with torch.no_grad():
        base, moved = net.forward_signals(x), net.forward_signals(perturbed)
    assert not torch.allclose(base["logits"][:, 0], moved["logits"][:, 0])
    for key in ("logits", "features"):
        torch.testing.assert_close(base[key][:, 1:], moved[key][:, 1:])


@pytest.mark.parametrize("name", ["dmlp", "mlp"])
def test_mean_normalisation_is_shift_equivariant(name):
    torch.manual_seed(0)
    net = _trained_a_bit(BUILDERS[name](2, 48), 2, 48)
    x = _series(4, 2, 48)
    with torch.no_grad():
        base, shifted = net(x), net(x + 10.0)
    torch.testing.assert_close(shifted, base + 10.0, rtol=0, atol=1e-4)


def test_without_normalisation_shift_is_not_removed():
    torch.manual_seed(0)
    net = _trained_a_bit(BUILDERS["dmlp_none"](2, 48), 2, 48)
    x = _series(4, 2, 48)
    with torch.no_grad():
        assert not torch.allclose(net(x + 10.0), net(x) + 10.0, atol=1e-2)


def test_revin_student_has_affine_and_is_scale_equivariant():
    torch.manual_seed(0)
    plain = DMLPStudent(3, 24, 48, hidden_size=32)
    revin = DMLPStudent(3, 24, 48, hidden_size=32, normalization="revin")
    assert count_parameters(revin) - count_parameters(plain) == 2 * 3
    revin = _trained_a_bit(revin, 3, 48)
    x = _series(4, 3, 48)
    with torch.no_grad():
        torch.testing.assert_close(revin(3.0 * x + 2.0), 3.0 * revin(x) + 2.0, atol=1e-3, rtol=0)


def _reference_moving_average(series, kernel):
    # independent numpy version: pad with edge values, then a plain windowed mean
    left, right = (kernel - 1) // 2, kernel // 2
    padded = np.pad(series, (left, right), mode="edge")
    return np.array([padded[i : i + kernel].mean() for i in range(len(series))])


@pytest.mark.parametrize("kernel", [1, 4, 7, 25])
def test_moving_average_matches_reference(kernel):
    rng = np.random.default_rng(0)
    series = rng.normal(size=60).astype(np.float32)
    got = moving_average(torch.from_numpy(series)[None, None], kernel)[0, 0].numpy()
    np.testing.assert_allclose(got, _reference_moving_average(series, kernel), atol=1e-5)


def test_decomposition_of_a_ramp():
    kernel, window = 7, 48
    ramp = torch.arange(window, dtype=torch.float32).repeat(2, 3, 1)
    trend = moving_average(ramp, kernel)
    seasonal = ramp - trend
    assert trend.shape == ramp.shape
    # a centred window over a straight line returns the line away from the edges
    interior = slice(kernel // 2, window - kernel // 2)
    torch.testing.assert_close(trend[..., interior], ramp[..., interior])
    assert seasonal[..., interior].abs().max() < 1e-5
    # near the ends the replicate padding flattens the trend
    assert trend[0, 0, 0] > ramp[0, 0, 0] and trend[0, 0, -1] < ramp[0, 0, -1]


def test_dmlp_branches_see_trend_and_seasonal_parts():
    torch.manual_seed(0)
    net = DMLPStudent(1, 24, 48, hidden_size=16, moving_avg=7, normalization=None).eval()
    x = _series(2, 1, 48)
    trend = moving_average(x, 7)
    with torch.no_grad():
        seasonal_hidden, seasonal_out = net.seasonal(x - trend)
        trend_hidden, trend_out = net.trend(trend)
        out = net.forward_signals(x)
    torch.testing.assert_close(out["logits"], seasonal_out + trend_out)
    # features: sum of the two first-layer outputs, before batch norm and ReLU
    torch.testing.assert_close(out["features"], seasonal_hidden + trend_hidden)
    assert (out["features"] < 0).any()


def test_dmlp_parameter_count_matches_paper_student():
    # Per branch: Linear(720 -> 512) = 720 * 512 + 512, BatchNorm1d(7) = 2 * 7,
    # Linear(512 -> 96) = 512 * 96 + 96, i.e. 369_152 + 14 + 49_248 = 418_414.
    # Two branches: 836_828. The authors' module reports 836_842 because it also holds the
    # 2 * 7 = 14 RevIN affine parameters, unused under the default "mean" normalisation.
    per_branch = (720 * 512 + 512) + 2 * 7 + (512 * 96 + 96)
    assert 2 * per_branch == 836_828 == 836_842 - 14
    assert count_parameters(DMLPStudent(7, 96, 720, hidden_size=512)) == 836_828
    assert count_parameters(DMLPStudent(7, 96, 720, normalization="revin")) == 836_842
    # the single-branch MLP is exactly one such branch
    assert count_parameters(MLPStudent(7, 96, 720)) == per_branch


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_gradients_reach_every_parameter(name):
    torch.manual_seed(0)
    net = BUILDERS[name](2, 48).train()
    out = net.forward_signals(_series(6, 2, 48))
    (out["logits"].pow(2).mean() + out["features"].pow(2).mean()).backward()
    for pname, param in net.named_parameters():
        assert param.grad is not None, pname
        assert torch.isfinite(param.grad).all(), pname
        assert param.grad.abs().sum() > 0, pname


def test_registry_builds_forecasting_students():
    assert {"dmlp", "mlp"} <= set(list_students())
    net = build_student("dmlp", {"window": 48, "hidden_size": 16}, n_channels=2, n_outputs=12)
    assert isinstance(net, DMLPStudent)
    assert net(torch.randn(3, 2, 48)).shape == (3, 2, 12)
    net = build_student("mlp", {"window": 48, "hidden_size": 16}, n_channels=2, n_outputs=12)
    assert isinstance(net, MLPStudent) and net.horizon == 12
    with pytest.raises(ValueError, match="moving_avg"):
        build_student("dmlp", {"window": 12}, n_channels=1, n_outputs=4)


@pytest.mark.parametrize(
    ("factory", "param"),
    [
        (lambda: DMLPStudent(1, 24, 0), "window"),
        (lambda: DMLPStudent(1, 0, 48), "horizon"),
        (lambda: DMLPStudent(0, 24, 48), "n_channels"),
        (lambda: DMLPStudent(1, 24, 48, hidden_size=0), "hidden_size"),
        (lambda: DMLPStudent(1, 24, 48, moving_avg=0), "moving_avg"),
        (lambda: DMLPStudent(1, 24, 20, moving_avg=25), "moving_avg"),
        (lambda: DMLPStudent(1, 24, 48, normalization="std"), "normalization"),
        (lambda: MLPStudent(1, 24, 48.5), "window"),
        (lambda: MLPStudent(1, 24, 48, normalization="none"), "normalization"),
        (lambda: PatchTSTNetwork(1, 24, 12), "patch_length"),
        (lambda: PatchTSTNetwork(1, 24, 48, stride=0), "stride"),
        (lambda: PatchTSTNetwork(1, 24, 48, d_model=30, n_heads=4), "n_heads"),
        (lambda: PatchTSTNetwork(1, 24, 48, dropout=1.0), "dropout"),
        (lambda: PatchTSTNetwork(1, 0, 48), "horizon"),
        (lambda: ModernTCNNetwork(1, 24, 6), "patch_length"),
        (lambda: ModernTCNNetwork(1, 24, 48, large_kernel=50), "large_kernel"),
        (lambda: ModernTCNNetwork(1, 24, 48, small_kernel=0), "small_kernel"),
        (lambda: ModernTCNNetwork(1, 24, 48, n_blocks=0), "n_blocks"),
        (lambda: ModernTCNNetwork(1, 24, 48, ffn_ratio=0), "ffn_ratio"),
    ],
)
def test_bad_arguments_name_the_parameter(factory, param):
    with pytest.raises(ValueError, match=param):
        factory()


@pytest.mark.parametrize("name", ["dmlp", "patchtst", "moderntcn"])
def test_wrong_input_shape_is_a_clear_error(name):
    net = BUILDERS[name](2, 48)
    with pytest.raises(ValueError, match="window=48"):
        net(torch.randn(3, 2, 40))
    with pytest.raises(ValueError, match="n_channels=2"):
        net(torch.randn(3, 3, 48))
