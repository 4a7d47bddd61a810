"""Model: the typed assessment and what it is made of (PICO, certainty, appraisal, aspects, labels, house styles)."""
