"""Calibration and validation against the targets in data/targets.csv."""

from povsim.lazy import import_on_first_use

__all__ = [
    "CalibrationSpec",
    "Target",
    "Validation",
    "calibrate",
    "load_spec",
    "load_targets",
    "validate",
    "write_calibration",
]

# Imported on first use: the command line imports this package to add its subcommands.
import_on_first_use(__name__, {
    "CalibrationSpec": "povsim.calibration.calibrate",
    "calibrate": "povsim.calibration.calibrate",
    "load_spec": "povsim.calibration.calibrate",
    "write_calibration": "povsim.calibration.calibrate",
    "Target": "povsim.calibration.targets",
    "load_targets": "povsim.calibration.targets",
    "Validation": "povsim.calibration.validate",
    "validate": "povsim.calibration.validate",
})
