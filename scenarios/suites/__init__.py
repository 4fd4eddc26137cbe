"""The conformance suites, one module per SPEC.md section (`suite_*.py`), and the pytest entry module."""
