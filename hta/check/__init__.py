"""Check: the rules of `hta check` applied to a typed assessment, each finding a diagnostic."""
