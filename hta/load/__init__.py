"""Load: an assessment folder's files read, each by one confined reader, into the typed model with locations."""
