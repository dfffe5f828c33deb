"""What the benchmark runs by default (no heavy imports: the CLI's --help reads it)."""

__all__ = ["DEFAULT_DATASETS", "DEFAULT_METHODS"]

#: the committed suite: the 30 classification problems of the tuning set
#: (../shared/DATASETS.md), smallest first (training series x length x channels)
DEFAULT_DATASETS = (
    "Chinatown", "ItalyPowerDemand", "ECGFiveDays", "Fungi", "BME", "CBF",
    "DiatomSizeReduction", "GunPoint", "Coffee", "FaceFour", "ArrowHead", "ECG200",
    "DistalPhalanxOutlineAgeGroup", "FreezerRegularTrain", "DistalPhalanxOutlineCorrect",
    "CinCECGTorso", "ECG5000", "ChlorineConcentration", "JapaneseVowels", "CricketX",
    "FiftyWords", "ACSF1", "AllGestureWiimoteX", "Computers", "Crop",
    "EOGHorizontalSignal", "ElectricDevices", "EthanolLevel", "FordA", "FordB",
)  # fmt: skip
DEFAULT_METHODS = ("none", "kd", "kd-notransfer", "dkd", "tsd", "none@lstm", "kd@lstm")
