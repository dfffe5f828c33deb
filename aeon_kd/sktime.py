"""sktime adapter for :class:`aeon_kd.DistilledClassifier`.

This module imports sktime, which is an optional dependency (``pip install
aeon-kd[sktime]``); nothing else in ``aeon_kd`` imports it, so ``import aeon_kd``
works without sktime.
"""

from __future__ import annotations

from sktime.classification.base import BaseClassifier

from aeon_kd._params import TunableMethodMixin, store_parameters

__all__ = ["SktimeDistilledClassifier"]


class SktimeDistilledClassifier(TunableMethodMixin, BaseClassifier):
    """sktime classifier that distils a teacher into a compact torch student.

    An sktime interface to :class:`aeon_kd.DistilledClassifier`: ``fit`` builds a
    ``DistilledClassifier`` with this object's parameters, fits it (it is kept as
    ``estimator_``) and ``predict``/``predict_proba`` delegate to it. Inputs may be
    any sktime ``Panel`` mtype of equal-length series (numpy3D, pd-multiindex,
    nested_univ, ...); sktime converts them to numpy3D.

    sktime's ``fit(X, y)`` takes no extra arguments, so a teacher is given only
    through the ``teacher`` parameter. An already-fitted teacher should be wrapped in
    ``sklearn.frozen.FrozenEstimator(fitted)`` so that it survives sktime's and
    scikit-learn's ``clone`` (tuning, pipelines, ``evaluate``); an unfitted
    classifier is fitted on the training series in each ``fit``; a torch
    ``nn.Module`` is used as a white-box teacher.

    Parameters
    ----------
    teacher : object, default=None
        The teacher: ``None`` (a default teacher is fitted, none for
        ``method="none"``), a fitted or unfitted aeon/scikit-learn classifier with
        ``predict_proba``, a ``FrozenEstimator``, a torch ``nn.Module`` returning
        logits or a fitted skorch net. See :class:`aeon_kd.DistilledClassifier`.
    method : str, Method or list, default="kd"
        Distillation method: a registry name (see :func:`aeon_kd.list_methods`), a
        method object such as ``HintonKD(temperature=2)``, or a sum/list of them.
        Cross-domain methods (``"unikd"``, ``"dann"``) need target-domain series,
        which sktime's ``fit`` cannot pass; use ``DistilledClassifier`` for them.
    student : str, torch.nn.Module, callable or None, default=None
        Student network: a registry name (see :func:`aeon_kd.list_students`), a
        module (deep-copied for each fit) or a callable
        ``(n_channels, n_classes, **student_params) -> nn.Module``; ``None`` takes the
        method's default.
    student_params : dict, default=None
        Keyword arguments of the student builder, e.g. ``{"hidden_size": 32}``.
    max_epochs, batch_size, lr, validation_size, patience, lr_schedule, optimizer, \
    optimizer_params, normalize, transfer_size, augmentations
        The training recipe, as in :class:`aeon_kd.DistilledClassifier` (same defaults:
        a step budget, AdamW with a cosine schedule, no labelled validation split, series
        z-normalised inside the student, an augmented transfer set labelled by the
        teacher).
    resample_length : int, default=None
        Resample every series to this length for the student.
    random_state : int, RandomState or None, default=None
        Seeds the split, initialisation, shuffling and default teacher; the same
        value gives identical CPU predictions.
    device : str, default="cpu"
        Torch device for training and prediction, e.g. ``"cuda"``.
    verbose : bool, default=False
        Print the per-epoch table and a progress bar.
    checkpoint_dir : str, os.PathLike or None, default=None
        Folder for per-epoch training state; a later fit with the same folder resumes.
        See :class:`aeon_kd.DistilledClassifier`.
    callbacks : list or None, default=None
        Extra skorch callbacks for the student's training. See
        :class:`aeon_kd.DistilledClassifier`.

    Attributes
    ----------
    estimator_ : aeon_kd.DistilledClassifier
        The fitted aeon classifier that ``predict`` and ``predict_proba`` use.
    student_ : torch.nn.Module
        The trained student, in eval mode.
    teacher_ : object or None
        The teacher that taught the student.
    history_ : skorch.History
        Per-epoch losses of the student's training.
    n_student_params_ : int
        Trainable parameters of the student.
    teacher_agreement_ : float or None
        Top-1 agreement between teacher and student on held-out series.
    teacher_kl_ : float or None
        Mean KL(teacher ‖ student) on the same series, in nats.
    fidelity_on_ : str or None
        Which held-out series (see :class:`aeon_kd.DistilledClassifier`).
    n_transfer_ : int
        Transfer-set series the student trained on.
    classes_ : np.ndarray
        Class labels, in the column order of ``predict_proba``.

    See Also
    --------
    aeon_kd.DistilledClassifier : The aeon classifier this adapter wraps.

    Notes
    -----
    If ``fit`` sees a single class, sktime's ``BaseClassifier`` predicts it without
    training, so no student is fitted and the attributes above are not set.

    Examples
    --------
    >>> from aeon.datasets import load_italy_power_demand
    >>> from aeon_kd.sktime import SktimeDistilledClassifier
    >>> from aeon_kd.testing import CentroidTeacher
    >>> X, y = load_italy_power_demand(split="train")
    >>> clf = SktimeDistilledClassifier(
    ...     teacher=CentroidTeacher(), method="kd", max_epochs=2, random_state=0
    ... )
    >>> clf = clf.fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    """

    _tags = {
        "authors": "aeon-kd developers",
        "maintainers": "aeon-kd developers",
        "python_dependencies": ["torch", "skorch", "aeon"],
        "X_inner_mtype": "numpy3D",
        "y_inner_mtype": "numpy1D",
        "capability:multivariate": True,
        "capability:multioutput": False,
        "capability:unequal_length": False,
        "capability:missing_values": False,
        "capability:categorical_in_X": False,  # the student takes numeric series only
        "capability:predict_proba": True,
        # the same random_state gives the same student and predictions (on CPU);
        # random_state=None draws a fresh seed in every fit
        "capability:random_state": True,
        "property:randomness": "derandomized",
    }

    def __init__(
        self,
        teacher=None,
        method="kd",
        student=None,
        student_params=None,
        max_epochs="auto",
        batch_size=32,
        lr=1e-2,
        validation_size="auto",
        patience=None,
        lr_schedule="cosine",
        optimizer="adamw",
        optimizer_params=None,
        normalize="channel",
        transfer_size="auto",
        augmentations="auto",
        class_weight=None,
        resample_length=None,
        random_state=None,
        device="cpu",
        verbose=False,
        checkpoint_dir=None,
        callbacks=None,
    ):
        store_parameters(self, locals())
        super().__init__()

    def _fit(self, X, y):
        """Fit a ``DistilledClassifier`` with this object's parameters.

        Parameters
        ----------
        X : np.ndarray
            Training series, ``(n_cases, n_channels, n_timepoints)``.
        y : np.ndarray
            Class labels, ``(n_cases,)``.

        Returns
        -------
        self : SktimeDistilledClassifier
        """
        from aeon_kd.classification import DistilledClassifier

        self.estimator_ = DistilledClassifier(**self.get_params(deep=False))
        self.estimator_.fit(X, y)
        for name in (
            "student_",
            "teacher_",
            "history_",
            "n_student_params_",
            "teacher_agreement_",
            "teacher_kl_",
            "fidelity_on_",
            "n_transfer_",
        ):
            setattr(self, name, getattr(self.estimator_, name))
        return self

    def _predict(self, X):
        """Predict class labels with the fitted student.

        Parameters
        ----------
        X : np.ndarray
            Series to classify, ``(n_cases, n_channels, n_timepoints)``.

        Returns
        -------
        y_pred : np.ndarray
            Predicted labels, ``(n_cases,)``.
        """
        return self.estimator_.predict(X)

    def _predict_proba(self, X):
        """Predict class probabilities with the fitted student.

        Parameters
        ----------
        X : np.ndarray
            Series to classify, ``(n_cases, n_channels, n_timepoints)``.

        Returns
        -------
        y_proba : np.ndarray
            Probabilities ``(n_cases, n_classes)``, columns in ``classes_`` order.
        """
        return self.estimator_.predict_proba(X)

    def export(self, path, format="onnx", quantize=False):
        """Write the fitted student to ONNX or TorchScript.

        See :meth:`aeon_kd.DistilledClassifier.export`.

        Parameters
        ----------
        path : str or os.PathLike
            File to write, in an existing folder.
        format : {"onnx", "torchscript"}, default="onnx"
            File format.
        quantize : bool, default=False
            Dynamic int8 quantisation of the weights.

        Returns
        -------
        pathlib.Path
        """
        self.check_is_fitted()
        return self.estimator_.export(path, format=format, quantize=quantize)

    def report(self, budget_s=0.5):
        """Size and speed of teacher and student; see :meth:`aeon_kd.DistilledClassifier.report`.

        Parameters
        ----------
        budget_s : float, default=0.5
            Seconds spent timing each model at each batch size.

        Returns
        -------
        aeon_kd.deploy.DistillationReport
        """
        self.check_is_fitted()
        return self.estimator_.report(budget_s=budget_s)

    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Return small, fast parameter settings for sktime's estimator checks.

        Parameters
        ----------
        parameter_set : str, default="default"
            Name of the parameter set; every name gets the same settings.

        Returns
        -------
        params : list of dict
            Two settings: no distillation, and Hinton KD from a nearest-centroid
            teacher (:class:`aeon_kd.testing.CentroidTeacher`).
        """
        from aeon_kd.testing import CentroidTeacher

        small = {
            "max_epochs": 2,
            "batch_size": 8,
            "student_params": {"filters": 2, "width": 4},
            "transfer_size": 10,
            "random_state": 0,
        }
        return [
            {"method": "none", **small},
            {"method": "kd", "teacher": CentroidTeacher(), **small},
        ]
