"""The one exception every command turns into a clear French line and exit code 1."""


class UserError(Exception):
    """A problem the user can fix: printed as one line, exit code 1, no traceback."""
