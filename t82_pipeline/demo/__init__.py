"""Embedded default: deterministic sample data and a local stand-in for the Apidae API."""
