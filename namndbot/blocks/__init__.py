"""What namndbot says in Slack, as Block Kit: messages, modals and the Home tab.

Built with slack_sdk's Block Kit models from the services' results; no I/O.
Both the listeners (``handlers/``) and the background jobs (``bot/``) use it,
so neither has to import the other.
"""
