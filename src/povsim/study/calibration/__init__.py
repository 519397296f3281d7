"""Calibration and validation against the targets in data/targets.csv.

:mod:`~povsim.study.calibration.targets` (the targets and how the model measures each),
:mod:`~povsim.study.calibration.validate` (a scenario against every target: a
comparison with its counterfactual), :mod:`~povsim.study.calibration.spec` (calibration
specs), :mod:`~povsim.study.calibration.evaluations` (the runs at a point, through the
one engine), :mod:`~povsim.study.calibration.calibrate` (fitting by the simulated
method of moments), :mod:`~povsim.study.calibration.record` (the calibrated scenario
file and its record) and :mod:`~povsim.study.calibration.report` (validation reports).
"""
