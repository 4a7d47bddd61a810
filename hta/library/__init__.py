"""Library: the built reports written into the output folder, each with its record, and the index of them all."""
