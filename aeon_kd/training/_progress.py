"""Where training progress goes: a bar on a terminal or in a notebook, plain lines in a log.

skorch's ``ProgressBar`` draws a notebook widget in any Jupyter kernel, and that widget
needs ipywidgets: without it ``fit`` died at the first epoch. Written to a file, tqdm's
bars interleave with the per-epoch table. So the bar is chosen for the place it is
shown in, and a log gets only skorch's per-epoch lines.
"""

from __future__ import annotations

import importlib.util
import sys

from skorch.callbacks import ProgressBar

__all__ = ["output_kind", "progress_callbacks"]


def _in_notebook():
    """True inside a Jupyter kernel (the check skorch and tqdm make)."""
    shell = sys.modules.get("IPython")
    get_ipython = getattr(shell, "get_ipython", None) if shell is not None else None
    if get_ipython is None:
        import builtins

        get_ipython = getattr(builtins, "get_ipython", None)
    if get_ipython is None:
        return False
    try:
        return type(get_ipython()).__name__ == "ZMQInteractiveShell"
    except Exception:  # an IPython that is imported but not running
        return False


def _widgets_available():
    try:
        return importlib.util.find_spec("ipywidgets") is not None
    except (ImportError, ValueError):  # a module set to None in sys.modules
        return False


def output_kind(stream=None):
    """``"notebook"``, ``"notebook-text"`` (no ipywidgets), ``"terminal"`` or ``"log"``.

    Parameters
    ----------
    stream : file-like, optional
        Where the bar would be drawn (tqdm writes to ``sys.stderr``).

    Examples
    --------
    >>> import io
    >>> from aeon_kd.training._progress import output_kind
    >>> output_kind(io.StringIO())  # a file or a pipe: no progress bars
    'log'
    """
    if _in_notebook():
        return "notebook" if _widgets_available() else "notebook-text"
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    try:
        return "terminal" if isatty is not None and isatty() else "log"
    except ValueError:  # a closed stream
        return "log"


def progress_callbacks(verbose, stream=None):
    """Skorch callbacks that show progress where it can be shown.

    Parameters
    ----------
    verbose : bool
        Progress asked for; skorch prints the per-epoch table (its ``PrintLog``) in any
        case when it is.
    stream : file-like, optional
        Where a bar would be drawn (default ``sys.stderr``).

    Returns
    -------
    list of (str, Callback)
        A ``ProgressBar`` on a terminal (text) or in a notebook (a widget with
        ipywidgets, text without); nothing when the output is a file or a pipe.

    Examples
    --------
    >>> import io
    >>> from aeon_kd.training._progress import progress_callbacks
    >>> progress_callbacks(True, stream=io.StringIO())
    []
    >>> progress_callbacks(False)
    []
    """
    if not verbose:
        return []
    kind = output_kind(stream)
    if kind == "log":
        return []
    return [("progress", ProgressBar(detect_notebook=kind == "notebook"))]
