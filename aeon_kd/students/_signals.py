"""Reading signals out of torch networks: the protocol, or forward hooks.

White-box methods need more than logits: per-step hidden states ``(batch, time,
width)`` and pooled features ``(batch, width)``. Networks that implement
``forward_signals(x)`` (every built-in student) give them directly. Any other torch
module can give them through :class:`SignalTap`, which reads named submodules with
forward hooks for the duration of one call and never edits the wrapped module.
:func:`signals_of` is the one entry point the teachers and the trainer use.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["SignalTap", "available_signals", "probe_signals", "signals_of"]

#: what a network following the signal protocol gives
PROTOCOL_SIGNALS = frozenset({"logits", "hidden", "features"})
_LAYOUTS = ("auto", "ntc", "nct")


class SignalTap(nn.Module):
    """Give any torch classifier the signal protocol through forward hooks.

    Wraps a module that maps ``(batch, n_channels, n_timepoints)`` to logits and adds
    ``forward_signals(x)``: the logits, the output of the submodule named
    ``hidden_layer`` as per-step hidden states and the pooled features (the output of
    ``feature_layer``, or the input of ``head_layer``). Hooks are registered for one
    call and removed afterwards, so the wrapped module is never changed; ``forward``
    is the wrapped module's. Use it for a teacher or a student that does not
    implement ``forward_signals``.

    Parameters
    ----------
    module : torch.nn.Module
        The network; names of its submodules are those of ``module.named_modules()``.
    hidden_layer : str, optional
        Submodule whose output holds the per-step hidden states. A tuple output (as
        ``nn.LSTM`` / ``nn.GRU`` return) is read from its first element. Its layout is
        given by ``hidden_layout``.
    feature_layer : str, optional
        Submodule whose output is the pooled feature vector; flattened to
        ``(batch, width)``.
    head_layer : str, optional
        Submodule whose *input* is the pooled feature vector, usually the final linear
        classifier. The natural choice when pooling happens inside ``forward`` (e.g.
        the last step of an LSTM). Give ``feature_layer`` or ``head_layer``, not both.
    hidden_layout : {"auto", "ntc", "nct"}, default="auto"
        Axes of the hidden layer's output: ``"ntc"`` is (batch, time, width),
        ``"nct"`` is (batch, width, time) as convolutions and aeon produce. ``"auto"``
        reads recurrent layers (``nn.RNN``/``nn.LSTM``/``nn.GRU``) by their
        ``batch_first`` flag and every other layer as ``"nct"``.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from aeon_kd.students import SignalTap
    >>> class Plain(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.conv = nn.Conv1d(1, 4, 3, padding=1)
    ...         self.fc = nn.Linear(4, 2)
    ...     def forward(self, x):
    ...         return self.fc(torch.relu(self.conv(x)).mean(dim=2))
    >>> net = SignalTap(Plain(), hidden_layer="conv", head_layer="fc")
    >>> out = net.forward_signals(torch.zeros(5, 1, 20))
    >>> out["hidden"].shape, out["features"].shape
    (torch.Size([5, 20, 4]), torch.Size([5, 4]))
    """

    def __init__(
        self,
        module,
        hidden_layer=None,
        feature_layer=None,
        head_layer=None,
        hidden_layout="auto",
    ):
        super().__init__()
        if not isinstance(module, nn.Module):
            raise TypeError(f"SignalTap wraps a torch nn.Module, got {type(module).__name__}.")
        if feature_layer is not None and head_layer is not None:
            raise ValueError(
                "Give feature_layer (its output is the feature vector) or head_layer (its "
                "input is), not both."
            )
        if hidden_layout not in _LAYOUTS:
            raise ValueError(f"hidden_layout must be one of {_LAYOUTS}, got {hidden_layout!r}.")
        names = dict(module.named_modules())
        for arg, name in (
            ("hidden_layer", hidden_layer),
            ("feature_layer", feature_layer),
            ("head_layer", head_layer),
        ):
            if name is not None and (name not in names or name == ""):
                valid = [n for n in names if n]
                raise ValueError(
                    f"{arg}={name!r} is not a submodule of {type(module).__name__}. "
                    f"Valid names (from named_modules()): {valid}."
                )
        if hidden_layer is None and feature_layer is None and head_layer is None:
            raise ValueError(
                "SignalTap needs at least one of hidden_layer, feature_layer or head_layer."
            )
        self.module = module
        self.hidden_layer = hidden_layer
        self.feature_layer = feature_layer
        self.head_layer = head_layer
        self.hidden_layout = hidden_layout

    @property
    def provided_signals(self):
        """Signals this tap gives: always logits, plus what its layers yield."""
        out = {"logits"}
        if self.hidden_layer is not None:
            out.add("hidden")
        if self.feature_layer is not None or self.head_layer is not None:
            out.add("features")
        return frozenset(out)

    def forward(self, x):
        """Return the wrapped module's output (the logits)."""
        return self.module(x)

    def forward_signals(self, x):
        """Return ``{"logits", "hidden", "features"}`` (those this tap provides)."""
        captured = {}
        handles = []
        try:
            if self.hidden_layer is not None:
                layer = self.module.get_submodule(self.hidden_layer)
                handles.append(
                    layer.register_forward_hook(
                        lambda mod, args, out: captured.__setitem__("hidden", (mod, out))
                    )
                )
            if self.feature_layer is not None:
                layer = self.module.get_submodule(self.feature_layer)
                handles.append(
                    layer.register_forward_hook(
                        lambda mod, args, out: captured.__setitem__("features", out)
                    )
                )
            if self.head_layer is not None:
                layer = self.module.get_submodule(self.head_layer)
                handles.append(
                    layer.register_forward_pre_hook(
                        lambda mod, args: captured.__setitem__("features", args[0])
                    )
                )
            logits = self.module(x)
        finally:
            for handle in handles:
                handle.remove()
        out = {"logits": logits}
        if self.hidden_layer is not None:
            if "hidden" not in captured:
                raise RuntimeError(
                    f"hidden_layer {self.hidden_layer!r} was not called in forward."
                )
            out["hidden"] = self._as_ntc(*captured["hidden"], len(x))
        if self.feature_layer is not None or self.head_layer is not None:
            if "features" not in captured:
                layer = self.feature_layer or self.head_layer
                raise RuntimeError(f"Layer {layer!r} was not called in forward.")
            out["features"] = _first_tensor(captured["features"]).reshape(len(x), -1)
        return out

    def _as_ntc(self, layer, output, batch):
        hidden = _first_tensor(output)
        if hidden.ndim != 3:
            raise ValueError(
                f"hidden_layer {self.hidden_layer!r} gives output of shape "
                f"{tuple(hidden.shape)}; per-step hidden states need 3 axes (batch, time, "
                "width) or (batch, width, time)."
            )
        layout = self.hidden_layout
        if layout == "auto":
            if isinstance(layer, nn.RNNBase):
                if not layer.batch_first:
                    hidden = hidden.transpose(0, 1)
                layout = "ntc"
            else:
                layout = "nct"
        if layout == "nct":
            hidden = hidden.transpose(1, 2)
        if hidden.shape[0] != batch:
            raise ValueError(
                f"hidden_layer {self.hidden_layer!r} output has {hidden.shape[0]} rows for "
                f"a batch of {batch}; set hidden_layout to match its axes."
            )
        return hidden


def _first_tensor(output):
    while isinstance(output, (tuple, list)):
        output = output[0]
    return output


def available_signals(module):
    """Signals a torch network can give.

    Parameters
    ----------
    module : torch.nn.Module
        A student or teacher network.

    Returns
    -------
    frozenset of str
        ``provided_signals`` of a :class:`SignalTap`, all three protocol signals for
        a network with ``forward_signals``, else ``{"logits"}``.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.students import FCNStudent, available_signals
    >>> sorted(available_signals(FCNStudent(1, 2)))  # built-in: the whole protocol
    ['features', 'hidden', 'logits']
    >>> sorted(available_signals(torch.nn.Linear(8, 2)))  # any other network: logits
    ['logits']
    """
    provided = getattr(module, "provided_signals", None)
    if provided is not None:
        return frozenset(provided)
    if hasattr(module, "forward_signals"):
        return PROTOCOL_SIGNALS
    return frozenset({"logits"})


def signals_of(module, x, needs=None):
    """Signals of a network on one batch.

    Parameters
    ----------
    module : torch.nn.Module
        A student or teacher network.
    x : Tensor of shape (batch, n_channels, n_timepoints)
        The batch.
    needs : set of str, optional
        Signals required. None returns whatever the network gives (the full protocol
        where it has one, else the logits).

    Returns
    -------
    dict of str to Tensor
        ``"logits"`` ``(batch, n_outputs)``, and where given ``"hidden"``
        ``(batch, n_timepoints, width)`` and ``"features"`` ``(batch, width)``.

    Raises
    ------
    ValueError
        When the network cannot give a needed signal; the message says how to wrap it
        in :class:`SignalTap`.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.students import FCNStudent, signals_of
    >>> x = torch.zeros(4, 1, 24)
    >>> out = signals_of(FCNStudent(1, 3), x)
    >>> {name: tuple(value.shape) for name, value in out.items()}
    {'logits': (4, 3), 'hidden': (4, 24, 16), 'features': (4, 16)}

    A network without ``forward_signals`` gives logits only:

    >>> plain = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(24, 3))
    >>> signals_of(plain, x, {"logits"})["logits"].shape
    torch.Size([4, 3])
    >>> try:
    ...     signals_of(plain, x, {"hidden"})
    ... except ValueError:
    ...     print("wrap it in SignalTap")
    wrap it in SignalTap
    """
    needs = frozenset(needs or ())
    if hasattr(module, "forward_signals"):
        out = module.forward_signals(x)
        missing = needs - set(out)
    elif needs <= {"logits"}:
        return {"logits": module(x)}
    else:
        missing = needs - {"logits"}
    if missing:
        raise ValueError(
            f"The network {type(module).__name__} cannot give {sorted(missing)}: it "
            "implements no forward_signals (or not those signals). Wrap it as "
            "aeon_kd.students.SignalTap(module, hidden_layer=..., head_layer=...), naming "
            "the submodules that hold the per-step hidden states and take the pooled "
            "features."
        )
    return out


class eval_mode:
    """Context manager: a module in eval mode, every submodule's flag restored after."""

    def __init__(self, module):
        self.module = module

    def __enter__(self):
        self.flags = [m.training for m in self.module.modules()]
        self.module.eval()
        return self.module

    def __exit__(self, *exc):
        for m, flag in zip(self.module.modules(), self.flags, strict=True):
            m.training = flag


def probe_signals(module, x, needs=None):
    """Signals of ``module`` on ``x`` without gradients, in eval mode, flags restored.

    Used to read shapes (e.g. the student's hidden width for a projector) before
    training without touching batch-norm statistics.
    """
    with torch.no_grad(), eval_mode(module):
        param = next(module.parameters(), None)
        if param is not None:
            x = x.to(param.device)
        return signals_of(module, x, needs)
