"""Tiny, fast teachers for tests, examples and plugin authors."""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

__all__ = ["CentroidTeacher", "CountingTeacher"]


class CentroidTeacher(ClassifierMixin, BaseEstimator):
    """Nearest-centroid classifier on 3D collections with soft probabilities.

    Probabilities are a softmax of negative mean squared distances to the class
    centroids, scaled by ``sharpness``: soft, informative and deterministic, which is
    what a test teacher needs. Takes ``(n_cases, n_channels, n_timepoints)`` input
    (and 2D ``(n_cases, n_features)``).

    Parameters
    ----------
    sharpness : float, default=1.0
        Larger values give more confident probabilities.

    Examples
    --------
    >>> import numpy as np
    >>> from aeon_kd.testing import CentroidTeacher
    >>> X = np.array([[[0.0, 0.0]], [[0.1, 0.0]], [[1.0, 1.0]], [[0.9, 1.0]]])
    >>> teacher = CentroidTeacher().fit(X, ["a", "a", "b", "b"])
    >>> teacher.predict(X).tolist()
    ['a', 'a', 'b', 'b']
    """

    def __init__(self, sharpness=1.0):
        self.sharpness = sharpness

    def fit(self, X, y):
        X = np.asarray(X, dtype=float).reshape(len(X), -1)
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        self.centroids_ = np.stack([X[y == c].mean(axis=0) for c in self.classes_])
        return self

    def predict_proba(self, X):
        check_is_fitted(self)
        X = np.asarray(X, dtype=float).reshape(len(X), -1)
        dist = ((X[:, None, :] - self.centroids_[None]) ** 2).mean(axis=2)
        z = -self.sharpness * dist
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class CountingTeacher(CentroidTeacher):
    """:class:`CentroidTeacher` that counts the series it is asked about.

    ``n_predicted`` totals the rows of every ``predict_proba`` call and ``calls``
    records their sizes, so a test can prove a teacher was queried once per series.

    Examples
    --------
    >>> import numpy as np
    >>> from aeon_kd.testing import CountingTeacher
    >>> X = np.random.default_rng(0).normal(size=(6, 1, 5))
    >>> t = CountingTeacher().fit(X, [0, 0, 0, 1, 1, 1])
    >>> _ = t.predict_proba(X); t.n_predicted
    6
    """

    def fit(self, X, y):
        self.n_predicted = 0
        self.calls = []
        return super().fit(X, y)

    def predict_proba(self, X):
        self.n_predicted += len(X)
        self.calls.append(len(X))
        return super().predict_proba(X)
