"""Kept for imports inside the signing package; the atomic writer lives in `correspondence.files`."""
from ..files import write_atomic

__all__ = ["write_atomic"]
