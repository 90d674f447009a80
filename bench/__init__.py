"""Benchmarks (`make bench`). Each bench_*.py prints its figures as ratios against a baseline run alongside."""
