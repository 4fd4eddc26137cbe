"""Performance measurements (not pass/fail tests): ratios against a baseline measured in the same run."""
