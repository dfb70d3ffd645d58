"""Benchmarks: run by hand or in CI's bench job; they report numbers and never assert a time."""
