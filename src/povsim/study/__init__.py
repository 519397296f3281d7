"""The study layer: batches of runs of the simulation, their results and reports.

It depends on the simulation and never the reverse. Every batch (a sweep, a comparison,
a validation, the evaluations of a calibration) is a list of runs executed by
:mod:`~povsim.study.batch` through one of :mod:`~povsim.study.executors` into a
:mod:`~povsim.study.store`; see docs/architecture.md.
"""
