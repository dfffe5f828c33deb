"""Training a student under a method with skorch; its safety nets and memory budget."""

from aeon_kd._memory import (
    MemoryBudgetError,
    check_allocation,
    memory_budget,
    set_memory_budget,
)
from aeon_kd.training._net import (
    LABELLED_KEY,
    TEACHER_PREFIX,
    DistillationNet,
    StudentCollapseWarning,
    TrainingConfig,
    TrainingDivergedError,
    TrainingInterruptedWarning,
    check_training_params,
    train_student,
)
from aeon_kd.training._recipe import (
    AUTO_STEPS,
    OPTIMIZERS,
    auto_epochs,
    resolve_optimizer,
)

__all__ = [
    "AUTO_STEPS",
    "LABELLED_KEY",
    "TEACHER_PREFIX",
    "OPTIMIZERS",
    "auto_epochs",
    "resolve_optimizer",
    "DistillationNet",
    "MemoryBudgetError",
    "TrainingConfig",
    "TrainingDivergedError",
    "StudentCollapseWarning",
    "TrainingInterruptedWarning",
    "check_allocation",
    "check_training_params",
    "memory_budget",
    "set_memory_budget",
    "train_student",
]
