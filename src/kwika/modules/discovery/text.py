"""Text normalisation shared by indexing and querying."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")
MIN_TERM_LENGTH = 3


def fold(text: str | None) -> str:
    """Lower-case, accents removed, spaces collapsed: 'Café  Zürich' -> 'cafe zurich'."""
    if not text:
        return ""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().split())


def words(text: str | None) -> list[str]:
    return _WORD.findall(fold(text))


def terms(*texts: str | None) -> list[str]:
    """Distinct words worth indexing (3+ characters), in first-seen order."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in words(text):
            if len(word) >= MIN_TERM_LENGTH:
                seen.setdefault(word, None)
    return list(seen)


def place_name(location: str | None) -> str | None:
    """The place a free-text location names first: 'Nairobi, Kenya' -> 'Nairobi'. Services
    have no district field; this is what the locations facet and `district` match them by."""
    head = " ".join((location or "").split(",")[0].split())
    return head or None


def query_text(q: str | None) -> str:
    """A query as it is remembered (popular searches): its folded words, nothing else."""
    return " ".join(words(q))


def regex_escape(text: str) -> str:
    return re.escape(text)
