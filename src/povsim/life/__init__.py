"""Phases 1-3 of the household year: demography and health, shocks, income."""
