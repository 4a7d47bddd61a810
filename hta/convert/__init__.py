"""Convert: the `.qmd` to HTML, Word and PDF with pandoc, Typst or Quarto, and the fonts they set it in."""
