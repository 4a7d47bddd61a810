"""Word: post-processing of the `.docx` pandoc writes (pages, running matter, tables sized to their content)."""
