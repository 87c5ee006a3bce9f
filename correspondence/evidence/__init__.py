"""Evidence: the case timeline assembled from the case file and the append-only records in the store."""
from .timeline import TimelineEntry, case_timeline

__all__ = ["TimelineEntry", "case_timeline"]
