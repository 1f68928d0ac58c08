"""Kesu (客诉): customer-related quality procedures for manufacturers."""

__version__ = "0.1.0"
