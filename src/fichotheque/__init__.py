"""Fichothèque: free teaching sheets for digital mediation, built into a site, PDFs and badges."""

__version__ = "0.1.0"
