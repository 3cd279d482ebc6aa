"""Kwika: one backend for an events & services marketplace."""

__version__ = "0.1.0"
