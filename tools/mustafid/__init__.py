"""Mustafid: a charitable association's beneficiary-relations policy site and request intake, kept in git."""

__version__ = "0.1.0"
