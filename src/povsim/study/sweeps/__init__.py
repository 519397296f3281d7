"""Sweeps: experiment specs, their designs and plans, running them, their analyses.

:mod:`~povsim.study.sweeps.spec` (what a spec is), :mod:`~povsim.study.sweeps.checks`
(reading and checking one), :mod:`~povsim.study.sweeps.designs` (grid, Latin hypercube,
Sobol, Morris), :mod:`~povsim.study.sweeps.plan` (every run with its seed),
:mod:`~povsim.study.sweeps.manifest` (what a sweep records; when it may resume),
:mod:`~povsim.study.sweeps.engine` (a sweep: a batch of runs of the one engine),
:mod:`~povsim.study.sweeps.analysis` (Sobol and Morris indices) and
:mod:`~povsim.study.sweeps.figures`.
"""
