"""The deep-learning course's helpers: data, checks, grading mode, plots, CLI."""
__version__ = "0.1.0"
