"""Calibration and validation against the targets in data/targets.csv."""

from povsim.study.calibration.calibrate import (
    CalibrationSpec,
    calibrate,
    load_spec,
    write_calibration,
)
from povsim.study.calibration.targets import Target, load_targets
from povsim.study.calibration.validate import Validation, validate

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
