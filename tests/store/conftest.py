from tests.store.backends import backend_url  # noqa: F401  (fixture)
