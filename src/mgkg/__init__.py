"""mgkg: the open evidence graph for magnesium and brain health."""

__version__ = "0.1.0"
