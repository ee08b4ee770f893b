"""The one error the normaliser raises."""


class NormaliseError(ValueError):
    """The input cannot give an Article (empty, binary junk, no text at all).

    Poison input: retrying cannot help, so the parser dead-letters it.
    """

    retriable = False
