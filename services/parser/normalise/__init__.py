"""The parser's pure normaliser: ``normalise(raw: RawArticle) -> Article``.

>>> article = normalise(raw)            # doctest: +SKIP
>>> article.provenance["title"]         # doctest: +SKIP
'og:title'

No I/O and no state: the tree is parsed once, meta tags and JSON-LD are read once, and
small field functions (title.py, dates.py, authors.py, ...) each read that view.
"""

from .article import EXTRACTOR, VERSION, normalise
from .errors import NormaliseError

__all__ = ["EXTRACTOR", "VERSION", "NormaliseError", "normalise"]
