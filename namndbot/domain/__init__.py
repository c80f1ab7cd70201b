"""The committee's rules as pure code: no I/O, no Slack, no SQL.

Nothing in here imports any other part of the package.
"""
