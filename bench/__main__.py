"""Run every benchmark: ``python -m bench``."""

import importlib
import sys

NAMES = ["engine", "feeds", "slack_ack", "scheduler", "stadning", "ackfeed", "several"]

for name in NAMES:
    print(f"== bench.{name}")
    importlib.import_module(f"bench.{name}").main()
    print()
sys.exit(0)
