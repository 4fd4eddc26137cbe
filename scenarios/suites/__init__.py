"""The conformance suites, one module per docs/spec.md section (`suite_*.py`), and the pytest entry module."""
