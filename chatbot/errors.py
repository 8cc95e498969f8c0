"""The one exception a user can cause, and the sentence it ends in.

Every error that bad input, a missing index or an unreachable server can produce is raised as
`ChatbotError` with a message of one sentence that says what to do. The CLI and the web app print
that sentence instead of a traceback. Programming errors are left as ordinary exceptions.
"""

from __future__ import annotations

__all__ = ["ChatbotError"]


class ChatbotError(Exception):
    """A problem the user can fix; `str(error)` is one sentence saying how."""
