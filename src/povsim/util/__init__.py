"""Utilities the other layers share.

Atomic files, JSON-safe values, hints, versions, and package names imported on first use.
"""
