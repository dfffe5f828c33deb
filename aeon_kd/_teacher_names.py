"""The teachers known by name: one table for the estimators, the CLI and the runner.

Only words live here (no imports), so ``aeon-kd --help`` stays cheap; the builders sit
beside the teachers (``aeon_kd/teachers/_default.py`` for classification,
``aeon_kd/teachers/_forecasting.py`` for forecasting).
"""

#: built unfitted by ``aeon_kd.teachers.build_teacher`` and fitted inside ``fit``
CLASSIFICATION_TEACHERS = {
    "quant": "aeon's QUANTClassifier, black-box (out-of-fold soft labels when fitted "
    "inside fit)",
    "lstm": "3 x 100 LSTM (aeon_kd.teachers.RecurrentTeacher), white-box: hidden states",
    "minirocket": "aeon's MiniRocketClassifier, black-box (ridge scores: "
    "decision_function)",
    "resnet": "ResNet (Wang et al. 2017) in torch (aeon_kd.teachers.ConvTeacher), "
    "white-box: per-step maps, features",
    "inception": "one InceptionTime network (Ismail Fawaz et al. 2020) in torch "
    "(aeon_kd.teachers.ConvTeacher), white-box: per-step maps, features",
}

#: trained inside ``DistilledForecaster.fit`` on the series' windows
FORECASTING_TEACHERS = {
    "patchtst": "PatchTST Transformer, white-box (forecasts, features); trained inside fit",
    "moderntcn": "ModernTCN convolutional network, white-box (forecasts, features); "
    "trained inside fit",
}
