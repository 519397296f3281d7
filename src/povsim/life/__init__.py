"""The household year: demography, health, shocks and income; behaviour.

Phases 1-3 (demography and health, shocks, income) and phase 6 (behaviour: work
effort, migration, peer effects).
"""
