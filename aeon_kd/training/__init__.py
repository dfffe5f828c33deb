"""Training a student under a method with skorch."""

from aeon_kd.training._net import DistillationNet, TrainingConfig, train_student

__all__ = ["DistillationNet", "TrainingConfig", "train_student"]
