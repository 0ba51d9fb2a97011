"""Short readable references ("Lüthi (2008). The Sino-Soviet Split …") from the shipped BibTeX.

The data cites works by BibTeX key (``"luthi2008, ch. 3; gerson2010"``); a reader of the
page wants the author, year and title, so each key is rendered once from its entry.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..citations import CITATION_KEY, bibliography

__all__ = ["reference_text", "references_of"]

# LaTeX accent commands and the Unicode combining marks they stand for.
_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304",
            ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b"}
_ACCENT = re.compile(r"\{?\\([\"'`^~=.]|[cvuH](?=[\s{]))\s*\{?([A-Za-z])\}?\}?")
_FIELD = re.compile(r"^\s*(\w+)\s*=\s*", re.MULTILINE)


def _delatex(text: str) -> str:
    """Plain Unicode from the little LaTeX that bibliographies use: accents, quotes, dashes, braces."""
    text = _ACCENT.sub(lambda m: unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1)]), text)
    text = text.replace("``", "\u201c").replace("''", "\u201d").replace("---", "\u2014").replace("--", "\u2013")
    text = text.replace("\\&", "&").replace("~", "\u00a0")
    return re.sub(r"\s+", " ", text.replace("{", "").replace("}", "")).strip()


def _fields(entry: str) -> dict[str, str]:
    """The ``name = {value}`` fields of one BibTeX entry (values may nest braces)."""
    out: dict[str, str] = {}
    for match in _FIELD.finditer(entry):
        pos = match.end()
        if pos >= len(entry):
            break
        if entry[pos] == "{":
            depth, end = 0, pos
            while end < len(entry):
                depth += {"{": 1, "}": -1}.get(entry[end], 0)
                if depth == 0:
                    break
                end += 1
            out[match.group(1).lower()] = entry[pos + 1 : end]
        else:
            out[match.group(1).lower()] = re.split(r"[,\n]", entry[pos:], maxsplit=1)[0].strip().strip('"')
    return out


def _names(people: str) -> str:
    """'Burr, William and Richelson, Jeffrey T.' → 'Burr & Richelson'; three or more → 'X et al.'."""
    surnames = []
    for person in re.split(r"\s+and\s+", people.strip()):
        person = person.strip()
        surnames.append(person.split(",")[0].strip() if "," in person else person.split()[-1] if person else "")
    surnames = [_delatex(s) for s in surnames if s]
    if len(surnames) > 2 or surnames[-1:] == ["others"]:
        return f"{surnames[0]} et al."
    return " & ".join(surnames)


@lru_cache(maxsize=1)
def _rendered() -> dict[str, tuple[str, str]]:
    """Key → (short form "Lüthi (2008)", full text with the title)."""
    out = {}
    for key, entry in bibliography().items():
        fields = _fields(entry)
        who = _names(fields.get("author") or fields.get("editor") or "") or key
        short = f"{who} ({_delatex(fields.get('year', 'n.d.'))})"
        title = _delatex(fields.get("title", ""))
        out[key] = (short, f"{short}. {title}." if title else f"{short}.")
    return out


def reference_text(key: str) -> str | None:
    """The readable reference of one BibTeX key, or None when the bibliography lacks it."""
    found = _rendered().get(key)
    return found[1] if found else None


def references_of(citation: str) -> list[dict[str, str | None]]:
    """Each work a citation field names: ``key``, ``locator`` (e.g. ``ch. 3``), ``short`` and ``text``.

    ``short`` and ``text`` are None for a key the shipped bibliography lacks (a user's file).
    """
    out: list[dict[str, str | None]] = []
    for part in (citation or "").split(";"):
        match = CITATION_KEY.match(part)
        if not match:
            continue
        key = match.group(1)
        locator = part[match.end() :].strip().lstrip(",").strip() or None
        short, text = _rendered().get(key, (None, None))
        out.append({"key": key, "locator": locator, "short": short, "text": text})
    return out
