"""Seeded synthetic corpora of French news pages laid out like the five seed pages.

Each page is a plain-text file in one of the two layouts of the seed corpus:

- the VNA / Vietnam+ layout (80 % of pages): headline (printed twice), standfirst, a photo caption
  (``... Photo: VNA``, sometimes fused to the headline with `` ảnh 1``), a dateline paragraph
  (``Hanoi (VNA) – ...``), body paragraphs of about 400 words closed by a sign-off (``– VNA``,
  ``-NDEL/VNA``, ``.-VNA``), then ``Voir plus`` and four to six related-article teasers (caption,
  headline, lead);
- the Courrier du Vietnam layout (20 %): `` date YYYY-MM-DD Headline`` on the first line, a
  standfirst, ``>> `` links to related articles, a ``Photo : VNA/CVN`` caption, the body and a
  ``VNA/CVN`` sign-off.

Words are drawn from wordfreq's French list (the 200,000 most frequent words, with probabilities
from ``wordfreq.word_frequency``), so the vocabulary is Zipf-distributed and keeps growing with the
corpus size, as in a real archive; about a quarter of the sentences are real sentences from the
frozen copy of the five seed pages (:data:`analysis.paths.SEED_RAW`, never ``data/raw/``, so that a
page added to the corpus changes no benchmark corpus), so the policy vocabulary (``transformation numérique``, ``Résolution 57-NQ/TW``...) is
present. Teasers come from a pool in which teaser ``k`` is shown on pages ``10 k - 290 .. 10 k + 9``:
each teaser recurs on many neighbouring pages, as on the real sites.

Everything is deterministic for a ``seed``: page ``i`` depends only on ``(seed, i)``, so the
1,000-page corpus is the first 1,000 pages of the 10,000-page one, and the output does not depend
on ``n_jobs``.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import json
import random
import re
import shutil
from pathlib import Path

import numpy as np

from analysis.paths import BENCHMARKS, SEED_RAW

#: Bump when the generator changes, so that cached corpora are rewritten.
SYNTH_VERSION = 2
#: Columns of ``metadata.csv``, as in ``data/metadata.csv``.
METADATA_COLUMNS = ["file", "outlet", "url", "date", "date_precision", "date_source", "evidence"]
#: Where generated corpora are cached (git-ignored).
WORK = BENCHMARKS / "work"

#: Elided forms in wordfreq's list (it splits ``l'État`` into ``l`` and ``état``), with their full
#: forms: elided before a vowel or h, written in full otherwise (``l construction`` -> ``le ...``).
_FULL_FORMS = {"l": "le", "d": "de", "j": "je", "n": "ne", "s": "se", "c": "ce", "m": "me", "t": "te",
               "qu": "que", "jusqu": "jusque", "lorsqu": "lorsque", "puisqu": "puisque"}
_VOWELS = set("aeiouyhâàéèêëîïôœûùAEIOUYHÂÀÉÈÊËÎÏÔŒÛÙ")
#: Words left out of the list so that the pages stay presentable (vulgar or offensive).
_BLOCKED_WORDS = re.compile(r"porn|merde|putain|salop|connard|encul|bite$|cul$|nique|hitler|nazi", re.IGNORECASE)
#: A word kept from wordfreq's list: letters or digits, inner apostrophes or hyphens (no emoji, ``_``...).
_KEEP_WORD_RE = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÝÉ\"«])")
_SIGNOFF_RE = re.compile(r"\s*(?:[-–.]+\s*(?:NDEL/)?VNA|VNA/CVN)\s*$")

_CITIES = ["Hanoi", "Hanoi", "Hanoi", "Vientiane", "Hô Chi Minh-Ville", "Da Nang", "Phnom Penh",
           "Tallinn", "Paris", "Tokyo"]
_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"]
_SIGNOFFS = [" – VNA", " -NDEL/VNA", ".-VNA", " - VNA"]
_CAPTION_ENDS = [" Photo: VNA", " Photo : VNA", " Photo : VNA", " Photo : VNA/CVN"]
_POLICY_TERMS = ["transformation numérique", "intelligence artificielle", "cybersécurité",
                 "Résolution 57-NQ/TW", "souveraineté numérique", "centre de données",
                 "semi-conducteurs", "coopération Vietnam - Laos", "économie numérique", "l'IA"]
_START = dt.date(2016, 1, 1)
_N_DAYS = (dt.date(2025, 12, 31) - _START).days + 1


@functools.lru_cache(maxsize=4)
def zipf_vocabulary(n_words=200_000, lang="fr"):
    """Return wordfreq's most frequent words in ``lang`` with their cumulative probabilities.

    Words that are not made of letters or digits (emoji, ``_``, ``©``...) and a few vulgar words
    are dropped; the
    frequencies of the others (``wordfreq.word_frequency``) are renormalized to sum to one.
    wordfreq ships its lists inside its wheel: nothing is downloaded.

    Parameters
    ----------
    n_words : int, default 200_000
        Size of the list read from ``wordfreq.top_n_list``.
    lang : str, default "fr"

    The result is cached (the arrays are shared: do not modify them).

    Returns
    -------
    words : numpy.ndarray of object
        The words, most frequent first.
    cdf : numpy.ndarray of float
        Cumulative probabilities, ``cdf[-1] == 1``; sample with ``np.searchsorted(cdf, u, "right")``.
    """
    import wordfreq

    words = [w for w in wordfreq.top_n_list(lang, n_words)
             if _KEEP_WORD_RE.fullmatch(w) and not _BLOCKED_WORDS.match(w)]
    freqs = np.array([wordfreq.word_frequency(w, lang) for w in words], dtype=float)
    cdf = np.cumsum(freqs / freqs.sum())
    cdf[-1] = 1.0
    return np.array(words, dtype=object), cdf


def seed_sentences(raw_dir=SEED_RAW):
    """Split the body paragraphs of the seed pages into sentences.

    Only lines longer than 150 characters that are neither captions nor ``>>`` links are read;
    datelines (``... (VNA) ...``) are skipped and sign-offs removed.

    Parameters
    ----------
    raw_dir : path-like, default :data:`analysis.paths.SEED_RAW`
        Folder of ``*.txt`` pages: by default the frozen copy of the five seed pages, never
        ``data/raw/``, so that the generated corpora do not change when a page is added there.

    Returns
    -------
    list of str
        Sentences in file order (duplicates removed, first occurrence kept).
    """
    sentences = []
    for path in sorted(Path(raw_dir).glob("*.txt")):
        for line in path.read_text(encoding="utf-8").split("\n"):
            line = " ".join(line.split())
            if len(line) <= 150 or "Photo" in line or line.startswith(">>"):
                continue
            for sentence in _SENTENCE_SPLIT_RE.split(line):
                sentence = _SIGNOFF_RE.sub("", sentence).strip()
                if len(sentence) > 20 and "(VNA)" not in sentence:
                    sentences.append(sentence)
    return list(dict.fromkeys(sentences))


class _Writer:
    """Random text pieces for one page or teaser.

    Words are drawn in bulk from a ``numpy`` generator (Zipf sampling through the cumulative
    probabilities); every other choice (lengths, commas, seed sentences) comes from a
    ``random.Random`` seeded alike, which is much faster for one value at a time. Elided
    forms drawn from the list (``l``, ``d``, ``qu``...) are joined to the next word with
    ``apostrophe`` before a vowel or h, and written in full otherwise (``le``, ``de``, ``que``).
    """

    def __init__(self, key, words, cdf, sentences, seed_share=0.25, apostrophe="'"):
        self.rng = np.random.default_rng(key)
        self.random = random.Random("/".join(map(str, key)))
        self.words = words
        self.cdf = cdf
        self.sentences = sentences
        self.seed_share = seed_share
        self.apostrophe = apostrophe
        self._buffer, self._next = [], 0

    def choice(self, items):
        return items[self.random.randrange(len(items))]

    def _words(self, n):
        if self._next + n > len(self._buffer):
            ids = np.searchsorted(self.cdf, self.rng.random(max(n, 1024)), side="right")
            self._buffer, self._next = self.words[ids].tolist(), 0
        out = self._buffer[self._next:self._next + n]
        self._next += n
        return out

    def _join(self, toks):
        """Join tokens with spaces, eliding or expanding the elided forms."""
        out = []
        elided = None
        for tok in toks:
            if elided is not None:
                if tok[:1] in _VOWELS:
                    out.append(elided + self.apostrophe + tok)
                    elided = None
                    continue
                out.append(_FULL_FORMS[elided.lower()] if elided.islower() else _FULL_FORMS[elided.lower()].capitalize())
                elided = None
            if tok.lower() in _FULL_FORMS:
                elided = tok
            else:
                out.append(tok)
        if elided is not None:
            out.append(_FULL_FORMS[elided.lower()])
        return " ".join(out)

    def phrase(self, low, high):
        """Capitalized Zipf words, no final punctuation (headlines, captions)."""
        toks = self._words(self.random.randint(low, high))
        toks[0] = toks[0][:1].upper() + toks[0][1:]
        if self.random.random() < 0.3:
            toks += [":", self.choice(_POLICY_TERMS)]
        return self._join(toks)

    def sentence(self):
        """A seed sentence (probability ``seed_share``) or a Zipf sentence of 8 to 32 words."""
        if self.random.random() < self.seed_share:
            return self.choice(self.sentences)
        n = self.random.randint(8, 32)
        toks = self._words(n)
        for j in range(n - 1):
            if self.random.random() < 0.07:
                toks[j] += ","
        if self.random.random() < 0.2:
            toks.insert(self.random.randint(1, n - 1), self.choice(_POLICY_TERMS))
        toks[0] = toks[0][:1].upper() + toks[0][1:]
        return self._join(toks) + "."

    def paragraph(self, n_sentences):
        return " ".join(self.sentence() for _ in range(n_sentences))

    def body(self, n_target):
        """Paragraphs of two to four sentences until about ``n_target`` words."""
        paragraphs, n = [], 0
        while n < n_target:
            paragraph = self.paragraph(self.random.randint(2, 4))
            paragraphs.append(paragraph)
            n += paragraph.count(" ") + 1
        return paragraphs


def teaser(k, *, seed, words, cdf, sentences):
    """Return teaser ``k`` of the pool: ``(caption, headline, lead)``, deterministic for ``(seed, k)``.

    Parameters
    ----------
    k : int
        Index in the (unbounded) teaser pool.
    seed : int
    words, cdf : numpy.ndarray
        From :func:`zipf_vocabulary`.
    sentences : list of str
        From :func:`seed_sentences`.

    Returns
    -------
    tuple of str
    """
    w = _Writer((seed, 1, k), words, cdf, sentences, seed_share=0.3)
    caption = w.phrase(8, 16) + "." + w.choice(_CAPTION_ENDS)
    headline = w.phrase(6, 12)
    lead = w.paragraph(w.random.randint(2, 3))
    return caption, headline, lead


def teaser_ids(i, w):
    """Pool indices of the teasers shown on page ``i`` (``w``: its :class:`_Writer`): four to six
    from ``i // 10 .. i // 10 + 29``, so that each teaser recurs on neighbouring pages."""
    return sorted(i // 10 + k for k in w.random.sample(range(30), w.random.randint(4, 6)))


def page_file_name(i, seed=0):
    """File name of page ``i``: ``{i:06d}_{16 hex digits}.txt``, like ``000_1a05a85f63068217.txt``."""
    digest = hashlib.sha1(f"synth-{seed}-{i}".encode()).hexdigest()[:16]
    return f"{i:06d}_{digest}.txt"


def make_page(i, *, seed, words, cdf, sentences, teasers=None):
    """Write the text of page ``i`` and its metadata row, deterministic for ``(seed, i)``.

    Parameters
    ----------
    i : int
        Page number.
    seed : int
    words, cdf : numpy.ndarray
        From :func:`zipf_vocabulary`.
    sentences : list of str
        From :func:`seed_sentences`.
    teasers : dict or None
        Cache of :func:`teaser` results by pool index (filled in place).

    Returns
    -------
    text : str
        The page.
    row : dict
        Its metadata (:data:`METADATA_COLUMNS`).
    """
    teasers = {} if teasers is None else teasers
    apostrophe = "’" if random.Random(f"{seed}/apostrophe/{i}").random() < 0.7 else "'"
    w = _Writer((seed, 0, i), words, cdf, sentences, apostrophe=apostrophe)
    date = _START + dt.timedelta(days=w.random.randrange(_N_DAYS))
    for k in (ids := teaser_ids(i, w)):
        if k not in teasers:
            teasers[k] = teaser(k, seed=seed, words=words, cdf=cdf, sentences=sentences)
    headline = w.phrase(6, 12)
    standfirst = w.paragraph(w.random.randint(1, 2))
    body = w.body(int(min(600, max(250, w.random.gauss(400, 50)))))
    caption = w.phrase(8, 16) + "."
    courrier = w.random.random() < 0.2
    if courrier:
        lines = [f" date {date.isoformat()} {headline}", "", standfirst, ""]
        lines += [f">> {teasers[k][1]}" for k in ids[:3]] + [""] + ["Photo : VNA/CVN", ""]
        lines += [part for paragraph in body for part in (paragraph, "")] + ["VNA/CVN"]
        row_source, evidence = "stated", "first line ' date YYYY-MM-DD'"
    else:
        city = w.choice(_CITIES)
        if w.random.random() < 0.3:
            dateline = f"{city}, {date.day} {_MONTHS[date.month - 1]} (VNA) - "
        else:
            dateline = f"{city} (VNA) – "
        if w.random.random() < 0.5:
            caption_line = f"{headline} ảnh 1{caption}{w.choice(_CAPTION_ENDS)}"
        else:
            caption_line = f"{caption}{w.choice(_CAPTION_ENDS)}"
        body[-1] += w.choice(_SIGNOFFS)
        lines = [headline, "", headline, "", standfirst, caption_line, "", dateline + body[0], ""]
        lines += [part for paragraph in body[1:] for part in (paragraph, "")] + ["Voir plus", ""]
        for k in ids:
            lines += [part for piece in teasers[k] for part in (piece, "")]
        row_source, evidence = "inferred", "synthetic page: date drawn with the page"
    text = "\n".join(lines).rstrip("\n")
    if w.random.random() < 0.8:
        text += "\n"
    outlet = "Le Courrier du Vietnam" if courrier else "Vietnam+ (VNA)"
    host = "lecourrier.vn" if courrier else "fr.vietnamplus.vn"
    row = {
        "file": page_file_name(i, seed),
        "outlet": outlet,
        "url": f"https://{host}/synthetic-{seed}/{i}.html",
        "date": date.isoformat(),
        "date_precision": "day",
        "date_source": row_source,
        "evidence": f"{evidence} (synthetic, seed {seed})",
    }
    return text, row


def _write_block(pages, out_dir, seed, words, cdf, sentences):
    teasers = {}
    rows = []
    n_words = 0
    for i in pages:
        text, row = make_page(i, seed=seed, words=words, cdf=cdf, sentences=sentences, teasers=teasers)
        (out_dir / row["file"]).write_text(text, encoding="utf-8")
        n_words += len(text.split())
        rows.append(row)
    return rows, n_words


def corpus_dir(n_pages, seed=0, work=WORK):
    """Folder of the cached corpus of ``n_pages`` pages for ``seed``: ``work/synth_<n>_seed<seed>``."""
    return Path(work) / f"synth_{n_pages}_seed{seed}"


def write_corpus(n_pages, out_dir=None, *, seed=0, n_jobs=1, raw_dir=SEED_RAW, overwrite=False,
                 block_size=2000, progress=False):
    """Write ``n_pages`` synthetic pages and their ``metadata.csv``; reuse a complete cached corpus.

    The folder holds ``raw/*.txt`` (the pages), ``metadata.csv`` and, written last,
    ``manifest.json`` (``n_pages``, ``seed``, ``synth_version``, ``n_whitespace_words``). A folder
    with a matching manifest is reused unless ``overwrite``.

    Parameters
    ----------
    n_pages : int
    out_dir : path-like or None
        Default :func:`corpus_dir` ``(n_pages, seed)``.
    seed : int, default 0
    n_jobs : int, default 1
        Worker processes (joblib); the output does not depend on it.
    raw_dir : path-like, default :data:`analysis.paths.SEED_RAW`
        Seed pages whose sentences are mixed in (the frozen seed copy, not ``data/raw/``).
    overwrite : bool, default False
    block_size : int, default 2000
        Pages per joblib task.
    progress : bool, default False
        Show a tqdm progress bar on stderr.

    Returns
    -------
    pathlib.Path
        ``out_dir``.
    """
    out_dir = Path(out_dir) if out_dir is not None else corpus_dir(n_pages, seed)
    manifest_path = out_dir / "manifest.json"
    expected = {"n_pages": n_pages, "seed": seed, "synth_version": SYNTH_VERSION}
    if not overwrite and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if all(manifest.get(key) == value for key, value in expected.items()):
            return out_dir
    if out_dir.exists():
        shutil.rmtree(out_dir)
    pages_dir = out_dir / "raw"
    pages_dir.mkdir(parents=True)
    words, cdf = zipf_vocabulary()
    sentences = seed_sentences(raw_dir)
    blocks = [range(start, min(start + block_size, n_pages)) for start in range(0, n_pages, block_size)]
    if n_jobs == 1:
        results = (_write_block(b, pages_dir, seed, words, cdf, sentences) for b in blocks)
    else:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(_write_block)(b, pages_dir, seed, words, cdf, sentences) for b in blocks
        )
    if progress:
        from tqdm import tqdm

        results = tqdm(results, total=len(blocks), desc=f"synth {n_pages} pages", unit="block")
    rows, n_words = [], 0
    for block_rows, block_words in results:
        rows += block_rows
        n_words += block_words
    if n_jobs != 1:  # free the idle workers' memory
        from joblib.externals.loky import get_reusable_executor

        get_reusable_executor().shutdown(wait=True)
    with open(out_dir / "metadata.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=METADATA_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    manifest_path.write_text(json.dumps({**expected, "n_whitespace_words": n_words}, indent=1) + "\n")
    return out_dir
