"""Benchmarks (``make bench``)."""
