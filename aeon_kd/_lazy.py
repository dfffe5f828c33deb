"""Lazy public names: a package lists what it exports, and imports it on first use.

``import aeon_kd`` and ``aeon-kd --help`` should not pay for torch, aeon and
scikit-learn (2-3 s) before anything needs them (PEP 562 module ``__getattr__``).
"""

from __future__ import annotations

import importlib

__all__ = ["lazy_exports"]


def lazy_exports(package_globals, exports):
    """Module-level ``__getattr__`` and ``__dir__`` that import ``exports`` on demand.

    Parameters
    ----------
    package_globals : dict
        The package's ``globals()``; an imported name is cached there, so the next
        access is an ordinary attribute lookup.
    exports : dict of str to str
        Public name -> the module that defines it.

    Returns
    -------
    tuple of callables
        ``(__getattr__, __dir__)`` to assign in the package.

    Examples
    --------
    >>> from aeon_kd._lazy import lazy_exports
    >>> namespace = {"__name__": "demo"}
    >>> getattr_, dir_ = lazy_exports(namespace, {"sqrt": "math"})
    >>> getattr_("sqrt")(9.0), "sqrt" in namespace
    (3.0, True)
    >>> getattr_("cbrt")
    Traceback (most recent call last):
    ...
    AttributeError: module 'demo' has no attribute 'cbrt'
    """

    def __getattr__(name):
        if name not in exports:
            raise AttributeError(
                f"module {package_globals['__name__']!r} has no attribute {name!r}"
            )
        value = getattr(importlib.import_module(exports[name]), name)
        package_globals[name] = value
        return value

    def __dir__():
        return sorted(set(package_globals) | set(exports))

    return __getattr__, __dir__
