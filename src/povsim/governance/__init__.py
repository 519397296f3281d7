"""Governance: the registry, identification, prescription, exit assessment, after exit."""
