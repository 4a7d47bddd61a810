"""Render: the typed assessment as the report's `.qmd` Markdown, its tables and its figures."""
