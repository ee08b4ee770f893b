"""Quality measurements: extraction (extraction.py) and, elsewhere, events."""
