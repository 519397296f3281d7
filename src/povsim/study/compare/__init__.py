"""Comparing scenarios over the same seeds: the runs, their tables, figures and report."""
