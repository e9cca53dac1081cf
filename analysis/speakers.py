"""Who speaks: attribute reported speech in paragraphs to named speakers and their offices.

VNA dispatches report speech in a few fixed forms, which :func:`attribute_speech` reads:

- inverted incise with a pronoun: ``..., a-t-il ajouté.``, ``Le Vietnam, a-t-il déclaré, est
  prêt...``: resolved to the last named speaker of the same document;
- inverted incise with a name: ``..., a souligné Truong Minh Tuan``, ``a précisé le ministre X``;
- subject + speech verb: ``Le vice-Premier ministre Bùi Thanh Son a souligné que...``,
  ``Truong Minh Tuan a affirmé que``, ``Le secrétaire général du Parti, Tô Lâm, a déclaré``,
  ``Petra Holm, directrice ..., a hautement salué``; a title without a name (``Le chef du
  gouvernement laotien a exhorté``, ``Le leader du Parti a salué``) is resolved to the person of
  that office and country named in the document; ``Il a souligné``, ``Ce dernier a affirmé``
  and generic nouns (``le dirigeant``) to the last named speaker or person;
- ``Selon X, ...`` / ``..., selon le vice-PM X``.

Names, spellings, default roles and countries of the people in the corpus, the title phrases
(offices) and the country adjectives are tables in the codebook (``[[people]]``,
``[[offices]]``, ``[[countries]]`` in ``data/codebook.toml``), so that a researcher extends
them without touching code. The role named in the text wins over a person's default role.
Attribution is sentence by sentence on :func:`analysis.text.normalize`-d text; a sentence whose
speaker cannot be resolved is left out rather than guessed.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.text import normalize, split_sentences
from analysis.codebook import Codebook, get_codebook

#: Speech verbs, past participle (after ``a``/``ont``) and present tense (headline style).
SPEECH_VERBS_PAST = (
    "souligné", "déclaré", "affirmé", "réaffirmé", "ajouté", "indiqué", "estimé", "précisé",
    "noté", "insisté", "recommandé", "appelé", "exhorté", "demandé", "proposé", "suggéré",
    "souhaité", "salué", "remercié", "annoncé", "plaidé", "conseillé", "exprimé", "félicité",
    "apprécié", "informé", "expliqué", "rappelé", "assuré", "confirmé", "promis", "averti",
    "déploré", "reconnu", "répondu", "conclu", "dit", "espéré", "invité", "encouragé",
    "réitéré", "signalé", "évoqué", "mis en avant", "mis en garde",
)
SPEECH_VERBS_PRESENT = (
    "souligne", "déclare", "affirme", "réaffirme", "ajoute", "indique", "estime", "précise",
    "insiste", "recommande", "appelle", "exhorte", "demande", "propose", "suggère", "souhaite",
    "salue", "remercie", "annonce", "plaide", "conseille", "exprime", "félicite", "explique",
    "rappelle", "assure", "confirme", "espère", "invite", "encourage",
)
#: Pronouns and generic nouns resolved to the last named speaker (or person) of the document.
ANAPHORS = ("il", "elle", "ils", "elles", "lui", "ce dernier", "cette dernière", "le dirigeant",
            "la dirigeante", "le leader", "le responsable", "la responsable")

_PAST = "|".join(sorted(SPEECH_VERBS_PAST, key=len, reverse=True)).replace(" ", r"\s+")
_PRES = "|".join(sorted(SPEECH_VERBS_PRESENT, key=len, reverse=True))
_ADV = r"(?:(?:aussi|également|enfin|encore|déjà|notamment|toujours|ensuite|alors|par\s+ailleurs|de\s+nouveau|\w+ment)\s+){0,2}"
_INCISE_RE = re.compile(rf"\b(?:a|ont|avait)-t-(?:il|elle|ils|elles)\s+{_ADV}(?:{_PAST})\b"
                        rf"|\b(?:{_PRES})-t-(?:il|elle)\b")
_INVERTED_RE = re.compile(rf"(?:[,»\"]|^)\s*(?P<cue>(?:a|ont)\s+{_ADV}(?:{_PAST}))\s+"
                          r"(?P<np>[^,.;:!?»\"]{2,120})")
_SUBJECT_RE = re.compile(rf"(?<=\s)(?P<cue>(?:a|ont)\s+{_ADV}(?:{_PAST})|(?:{_PRES}))\b(?!-t-)")
_SELON_RE = re.compile(r"\b(?P<cue>[Ss]elon)\s+(?P<np>[^,.;:!?»\"]{2,80})")
_ARTICLE_RE = re.compile(r"^(?:pour\s+sa\s+part\s+)?(?:le|la|les|l'|un|une)\s*", re.IGNORECASE)
_NAME_RE = re.compile(r"((?:[A-ZÀ-ÖØ-ÞĐ][\w'-]+)(?:\s+[A-ZÀ-ÖØ-ÞĐ][\w'-]+){1,3})\s*$")
_NOT_NAME = {"Le", "La", "Les", "L", "Un", "Une", "Des", "Vietnam", "Laos", "Parti", "Etat",
             "État", "Comité", "Centre", "Premier", "Première"}

COLUMNS = ["doc_id", "para_id", "speaker", "office", "role", "country", "cue", "text"]


class _Tables:
    """Compiled speaker tables of a codebook."""

    def __init__(self, cb: Codebook):
        self.offices = cb.offices
        self.countries = cb.countries
        spellings = {}
        for person in cb.people:
            for spelling in person.spellings:
                spellings[normalize(spelling)] = person
        self.by_spelling = spellings
        pattern = "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True))
        self.people_re = re.compile(rf"(?<!\w)(?:{pattern})(?!\w)") if spellings else None
        self.officials = {rule.subframe: official for rule, official in cb.countries}

    def persons(self, text: str) -> list[tuple[int, int, object]]:
        if self.people_re is None:
            return []
        return [(m.start(), m.end(), self.by_spelling[m.group(0)])
                for m in self.people_re.finditer(text)]

    def role(self, text: str) -> str | None:
        for rule in self.offices:
            if rule.compiled.search(text):
                return rule.subframe
        return None

    def country(self, text: str) -> str | None:
        for rule, _ in self.countries:
            if rule.compiled.search(text):
                return rule.subframe
        return None


def _mentions(sentence: str, tables: _Tables) -> list[dict]:
    """Persons named in a sentence, with the role and country of the title just before them."""
    found, previous_end = [], 0
    for start, end, person in tables.persons(sentence):
        window = sentence[previous_end:start]
        window = re.split(r"[.;:]|\b(?:a|ont|avec|et|à|au|de|du)\s+(?=[a-zé])", window)[-1][-70:]
        found.append({"speaker": person.name,
                      "role": tables.role(window) or person.role,
                      "country": tables.country(window) or person.country})
        previous_end = end
    return found


def _by_role(role, country, before: list[dict], doc_people: list[dict]) -> dict | None:
    """The last person of that role (and country) named before, else the first named after."""
    def fits(p):
        return p["role"] == role and (country is None or p["country"] == country)
    for person in reversed(before):
        if fits(person):
            return person
    return next((p for p in doc_people if fits(p)), None)


def _head_role(text: str, tables: _Tables) -> str | None:
    """Role of a title at the head of a noun phrase (``le vice-Premier ministre ...``)."""
    head = _ARTICLE_RE.sub("", text.strip(" ,"), count=1)
    for rule in tables.offices:
        if rule.compiled.match(head):
            return rule.subframe
    return None


def _resolve(np_text: str, previous: str | None, tables: _Tables, state: dict,
             doc_people: list[dict], allow_title_only: bool = True) -> dict | None:
    """Speaker of a noun phrase (``np_text``), optionally with the clause before it.

    A person named in the phrase wins (with the title just before the name, else the title of
    an article-led clause before it, else the person's default role); otherwise the phrase must
    start with a title (``le chef du gouvernement laotien``), resolved to the person of that
    role and country named in the document.
    """
    text = np_text.strip(" ,")
    bare = _ARTICLE_RE.sub("", text).strip().lower()
    if text.lower() in ANAPHORS or bare in {"dirigeant", "leader", "responsable", "dirigeante"}:
        return state["speaker"] or state["person"]
    mentions = _mentions(text, tables)
    country = tables.country(text)
    if mentions:
        who = dict(mentions[-1])
        if previous and _ARTICLE_RE.match(previous.strip()) and _head_role(previous, tables):
            who["role"] = _head_role(previous, tables)
            who["country"] = tables.country(previous) or who["country"]
        return who
    role = _head_role(text, tables)
    if role is None:
        return None
    if previous is not None:  # "Petra Holm, directrice de ..., a salué": the name comes first
        before = tables.persons(previous.strip(" ,"))
        if before and before[-1][1] >= len(previous.strip(" ,")) - 1:
            person = before[-1][2]
            return {"speaker": person.name, "role": role, "country": country or person.country}
    name = _NAME_RE.search(text)
    if name and not set(name.group(1).split()) & _NOT_NAME:
        return {"speaker": name.group(1), "role": role, "country": country}
    if not allow_title_only:
        return None
    person = _by_role(role, country, state["mentioned"], doc_people)
    if person is not None:
        return dict(person)
    return {"speaker": text, "role": role, "country": country}


def _attribute_sentence(sentence: str, tables: _Tables, state: dict,
                        doc_people: list[dict]) -> tuple[dict, str] | None:
    match = _INCISE_RE.search(sentence)
    if match:
        who = state["speaker"] or state["person"]
        if who:
            return who, match.group(0)
    for match in _INVERTED_RE.finditer(sentence):
        np_text = match.group("np")
        starts_with_person = any(s == 0 for s, _, _ in tables.persons(np_text.strip()))
        if starts_with_person or _head_role(np_text, tables):
            who = _resolve(np_text, None, tables, state, doc_people, allow_title_only=True)
            if who:
                return who, match.group("cue")
    for match in _SUBJECT_RE.finditer(sentence):
        subject = re.split(r"[;:]", sentence[:match.start()])[-1]
        chunks = [c for c in subject.split(",") if c.strip()]
        if not chunks:
            continue
        last = chunks[-1].strip()
        previous = ",".join(chunks[:-1]) if len(chunks) > 1 else None
        if re.search(r"(?:^|\s)(?:il|elle|ils|elles)$", last, re.IGNORECASE) and len(last) <= 40 \
                or last.lower() in ANAPHORS:
            who = state["speaker"] or state["person"]
        else:
            who = _resolve(last, previous, tables, state, doc_people)
        if who:
            return who, re.sub(r"\s+", " ", match.group("cue"))
    for match in _SELON_RE.finditer(sentence):
        np_text = match.group("np")
        if np_text.strip().lower() in ANAPHORS or tables.persons(np_text) or _head_role(np_text, tables):
            who = _resolve(np_text, None, tables, state, doc_people)
            if who:
                return who, match.group("cue").lower()
    return None


def _office(who: dict, tables: _Tables) -> str:
    country = who.get("country")
    if country and country != "Vietnam" and country in tables.officials:
        return tables.officials[country]
    return who.get("role") or ""


def attribute_speech(paragraphs: pd.DataFrame, *,
                     codebook: Codebook | Path | str | None = None,
                     text_col: str = "text") -> pd.DataFrame:
    """Attribute reported speech to speakers, sentence by sentence, within each document.

    Paragraphs are read in ``para_id`` order within each ``doc_id`` (documents in input order);
    "the last named speaker" never crosses documents. See the module docstring for the forms
    recognized. Use the result to tabulate a theme by speaker or office, e.g.
    ``count_themes(speech["text"])`` grouped by ``speech["office"]``.

    Parameters
    ----------
    paragraphs : pandas.DataFrame
        ``doc_id``, ``para_id`` and ``text_col`` (e.g. :func:`analysis.corpus.paragraphs`);
        ``kind`` is carried over when present.
    codebook : Codebook, path or None
        Source of the ``[[people]]``, ``[[offices]]`` and ``[[countries]]`` tables; None reads
        :data:`analysis.paths.CODEBOOK`.
    text_col : str

    Returns
    -------
    pandas.DataFrame
        One row per attributed sentence: ``doc_id``, ``para_id``, (``kind``), ``speaker``
        (canonical name from the people table, a name read after a title, or the title itself
        when no person of that office is named in the document), ``office`` (the normalized
        role for Vietnamese or unknown-country speakers, e.g. "General Secretary", "Prime
        Minister", "Deputy Prime Minister", "Minister", "Vice-minister"; the country's official
        label for foreign speakers, e.g. "Lao official", "Estonian official"), ``role`` (the
        normalized role whatever the country), ``country``, ``cue`` (the reporting phrase:
        "a souligné", "a-t-il ajouté", "selon"...) and ``text`` (the normalized sentence).

    Examples
    --------
    >>> p = pd.DataFrame({"doc_id": ["d", "d"], "para_id": [0, 1], "text": [
    ...     "Le ministre vietnamien Truong Minh Tuan a souligné l'amitié.",
    ...     "Les deux pays coopèrent, a-t-il ajouté."]})
    >>> attribute_speech(p)[["speaker", "office", "cue"]].values.tolist()
    [['Truong Minh Tuan', 'Minister', 'a souligné'], ['Truong Minh Tuan', 'Minister', 'a-t-il ajouté']]
    """
    for col in ("doc_id", "para_id", text_col):
        if col not in paragraphs.columns:
            raise KeyError(f"paragraphs has no {col!r} column")
    tables = _Tables(get_codebook(codebook))
    has_kind = "kind" in paragraphs.columns
    rows = []
    for doc_id, doc in paragraphs.groupby("doc_id", sort=False):
        doc = doc.sort_values("para_id", kind="stable")
        sentences = []
        for para_id, kind, text in zip(doc["para_id"], doc["kind"] if has_kind else [None] * len(doc),
                                       doc[text_col]):
            text = normalize(text) if isinstance(text, str) else ""
            sentences += [(para_id, kind, s) for s in split_sentences(text)]
        doc_people = [m for _, _, s in sentences for m in _mentions(s, tables)]
        state = {"speaker": None, "person": None, "mentioned": []}
        for para_id, kind, sentence in sentences:
            found = _attribute_sentence(sentence, tables, state, doc_people)
            if found:
                who, cue = found
                row = {"doc_id": doc_id, "para_id": para_id, "speaker": who["speaker"],
                       "office": _office(who, tables), "role": who.get("role") or "",
                       "country": who.get("country") or "", "cue": cue, "text": sentence}
                if has_kind:
                    row["kind"] = kind
                rows.append(row)
                state["speaker"] = who
            mentions = _mentions(sentence, tables)
            if mentions:
                state["person"] = mentions[-1]
                state["mentioned"] += mentions
    columns = COLUMNS[:2] + (["kind"] if has_kind else []) + COLUMNS[2:]
    return pd.DataFrame(rows, columns=columns)
