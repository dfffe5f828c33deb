"""Training a student under a method with skorch."""

from aeon_kd.training._net import (
    DistillationNet,
    TrainingConfig,
    check_training_params,
    train_student,
)

__all__ = ["DistillationNet", "TrainingConfig", "check_training_params", "train_student"]
