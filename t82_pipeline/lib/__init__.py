"""Source-agnostic building blocks shared by every domain under ``defs/``."""
