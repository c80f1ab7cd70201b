"""E-mail for members without Slack: composing (``compose``), sending over SMTP (``smtp``), the
answer page behind the mail's links (``sida``, ``web``) and a local mail server for the demo and
the tests (``local``)."""
