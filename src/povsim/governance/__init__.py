"""Governance: the registry, identification, prescription, exit assessment, after exit.

Also the causes of poverty cadres record (``causes``).
"""
