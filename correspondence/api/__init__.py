"""HTTP API (FastAPI): a thin face over `correspondence.store`, `correspondence.dispatch` and the renderer."""
