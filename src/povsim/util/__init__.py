"""Utilities the other layers share: atomic files, JSON-safe values, hints, versions."""
