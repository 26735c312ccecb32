"""Accuracy, speed and memory benchmarks (not part of the test run).

See benchmarks/README.md. The corpora live in ../shared/eval and are read in place, never copied.
"""
