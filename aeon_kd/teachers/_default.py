"""Teachers the library builds when the user gives none."""

__all__ = ["default_teacher"]


def default_teacher(needs, seed):
    """The teacher trained inside ``fit`` when ``teacher=None``.

    Logit methods get aeon's ``QUANTClassifier``: fast (well under a second on UCR-sized
    data), accurate, and its probabilities are soft, so it has dark knowledge to pass on.
    It is returned unfitted, so its soft labels for the training series are out-of-fold.
    """
    if set(needs) <= {"logits"}:
        from aeon.classification.interval_based import QUANTClassifier

        return QUANTClassifier(random_state=seed)
    raise ValueError(
        f"No built-in teacher gives {sorted(needs)} yet; pass a torch teacher that "
        "follows the forward_signals protocol."
    )
