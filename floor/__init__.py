"""floor: a warehouse floor terminal and scanner app."""

__version__ = "0.1.0"
