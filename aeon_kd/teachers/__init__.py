"""Teacher adapters and the teachers aeon-kd builds itself."""

from aeon_kd.teachers._adapters import (
    EstimatorTeacher,
    OneHotTeacherWarning,
    Teacher,
    TorchTeacher,
    resolve_teacher,
)
from aeon_kd.teachers._default import (
    DOMAIN_TEACHER_PARAMS,
    RECURRENT_TEACHER_PARAMS,
    ConvTeacher,
    DomainAdversarialTeacher,
    RecurrentTeacher,
    build_teacher,
    default_teacher,
    fit_domain_adversarial_teacher,
    list_teachers,
)
from aeon_kd.teachers._forecasting import (
    BUILTIN_FORECAST_TEACHERS,
    FORECAST_TEACHER_PARAMS,
    ForecasterTeacher,
    ForecastTorchTeacher,
    TeacherNotBetterWarning,
    builtin_teacher_sizes,
    linear_baseline_mse,
)

__all__ = [
    "BUILTIN_FORECAST_TEACHERS",
    "builtin_teacher_sizes",
    "ConvTeacher",
    "DOMAIN_TEACHER_PARAMS",
    "DomainAdversarialTeacher",
    "FORECAST_TEACHER_PARAMS",
    "ForecastTorchTeacher",
    "ForecasterTeacher",
    "RECURRENT_TEACHER_PARAMS",
    "EstimatorTeacher",
    "OneHotTeacherWarning",
    "RecurrentTeacher",
    "Teacher",
    "TorchTeacher",
    "TeacherNotBetterWarning",
    "build_teacher",
    "default_teacher",
    "fit_domain_adversarial_teacher",
    "linear_baseline_mse",
    "list_teachers",
    "resolve_teacher",
]
