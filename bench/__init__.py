"""Benchmarks: each prints its figure and the ratio against its baseline or target."""
