"""hta: health-technology-assessment reports from structured assessment folders."""

__version__ = "0.1.0"
