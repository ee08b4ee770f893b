"""Is a trigger stated as fact? Speculation, negation, conditionals and questions.

Only the stretch of the clause before the trigger is read: "could ban", "is expected to
approve", "has not registered", "if the bill passes" are not acts; "banned X, which could
hurt Y" still is.

>>> m = default_modality()
>>> s = "The SEC is expected to approve the fund."
>>> m.blocked(s, 0, s.index("approve"), future_ok=False)
'speculation'
>>> s = "China banned all cryptocurrency transactions."
>>> m.blocked(s, 0, s.index("banned"), future_ok=False) is None
True
"""

from __future__ import annotations

import re
from functools import lru_cache

from .resources import Lexicon, lexicon
from .trie import trie_regex

# Cues that also start sentences, so they need a capitalised form too.
_CAPITALISABLE = frozenset(
    [
        "if",
        "unless",
        "whether",
        "could",
        "would",
        "should",
        "might",
        "must",
        "not",
        "never",
        "without",
        "neither",
        "potential",
        "potentially",
        "possibly",
        "once",
        "none",
        "nobody",
    ]
)
# Futures a law can state as fact: "the rule will take effect on 1 January".
_SCHEDULED = frozenset(["will", "shall", "must", "set to", "scheduled to", "due to", "going to"])
_CLAUSE = re.compile(
    r"[;:—–“”\"]|\s-\s|\b(?:but|while|although|whereas|however|unlike)\b"
    r"|,\s+(?:and(?!\s+[A-Z])|which|who|as)\b"  # ", and Ameryn Seibold" continues a list
)


def _cue_regex(cues: tuple[str, ...]) -> re.Pattern[str]:
    words: list[str] = []
    for cue in cues:
        forms = [cue]
        if cue.split()[0] in _CAPITALISABLE:
            forms.append(cue[0].upper() + cue[1:])
        words.extend(forms)
        # news text writes "won’t" with a typographic apostrophe as often as "won't"
        words.extend(f.replace("'", "\u2019") for f in forms if "'" in f)
    return re.compile(trie_regex(words))


class Modality:
    def __init__(self, lex: Lexicon) -> None:
        self._speculation = _cue_regex(lex.speculation)
        self._negation = _cue_regex(lex.negation)
        self._hedge = re.compile(trie_regex(lex.hedges), re.IGNORECASE)
        self._allegation = re.compile(trie_regex(lex.allegation), re.IGNORECASE)

    @staticmethod
    def clause_start(text: str, start: int, pos: int) -> int:
        """Where the clause holding ``pos`` begins (not before ``start``)."""
        begin = start
        for m in _CLAUSE.finditer(text, start, pos):
            begin = m.end()
        return begin

    @staticmethod
    def clause_end(text: str, pos: int, end: int) -> int:
        m = _CLAUSE.search(text, pos, end)
        return m.start() if m else end

    def blocked(self, text: str, start: int, trigger: int, *, future_ok: bool) -> str | None:
        """Why the trigger at ``trigger`` is not an act, or None.

        "allegation" (anywhere earlier in the sentence), "speculation" or "negation" (in
        the trigger's clause).
        """
        if self._allegation.search(text, start, trigger):
            return "allegation"
        begin = self.clause_start(text, start, trigger)
        for m in self._speculation.finditer(text, begin, trigger):
            if not (future_ok and m.group(0).lower() in _SCHEDULED):
                return "speculation"
        if self._negation.search(text, begin, trigger):
            return "negation"
        return None

    def hedged(self, text: str, start: int, end: int) -> bool:
        return self._hedge.search(text, start, end) is not None


def is_question(sentence: str) -> bool:
    return sentence.rstrip(' "”’)').endswith("?")


@lru_cache(maxsize=1)
def default_modality() -> Modality:
    return Modality(lexicon())
