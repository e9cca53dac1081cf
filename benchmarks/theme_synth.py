"""Seeded synthetic articles for the theme engine: codebook cue sentences mixed with French filler.

Each article has 5 to 8 paragraphs (separated by blank lines) of 50 to 90 words, about 500 words
in all, as the articles of the seed corpus. A paragraph is French filler words with, at random
places, a positive or negative example sentence of the codebook or one of a list of cue phrases
(so that every theme, its exclusions, cues and sub-frames are exercised). Deterministic for a
``seed``; used by ``benchmarks/theme_engine.py`` and the equivalence tests.
"""
from __future__ import annotations

import random

FILLER = (
    "le la les un une des du de et à au aux en dans pour par sur avec sans sous entre vers "
    "selon cette ce ces son sa ses leur leurs notre nos il elle ils elles on qui que dont où "
    "est sont a ont été sera seront fait faire aussi également encore très plus moins bien "
    "pays province ville population développement économie croissance projet projets année "
    "années mois semaine réunion conférence séance président ministre délégation visite "
    "accord accords relations amitié peuple peuples région nationale national local locaux "
    "entreprise entreprises secteur marché production exportation importation agriculture "
    "riz café pêche tourisme culture patrimoine festival santé hôpital école élèves "
    "enseignants route pont port aéroport transport énergie électricité eau environnement "
    "climat inondations sécheresse forêt village habitants famille jeunes femmes enfants "
    "travail emploi salaire revenu budget dépenses investissement capital banque crédit "
    "résultat résultats objectif mission rôle importance contribution efforts succès "
    "Hanoi Vietnam vietnamien vietnamienne Hô Chi Minh-Ville Da Nang Mékong Nord Sud Centre "
    "premier deuxième nouveau nouvelle grand grande important importante récent dernier "
    "selon lui hier aujourd'hui demain matin soir lors durant depuis jusqu'à après avant"
).split()

CUES = (
    "l'IA", "L'IA", "intelligence artificielle", "IA souveraine", "souveraineté numérique",
    "souveraineté nationale", "fonds souverain", "transformation numérique", "numérique",
    "données", "centre de données", "cloud", "cybersécurité", "sécurité alimentaire",
    "sécurité", "sécuriser les données", "Résolution 57-NQ/TW", "résolution n°57",
    "les résolutions 57, 59 et 68", "Résolution 68-NQ/TW", "Résolution n° 81/2023/QH15",
    "57-NQ/TW", "semi-conducteurs", "puces", "formation", "ressources humaines",
    "coopération", "coopération avec le Laos", "partenaires japonais", "innovation",
    "recherche et développement", "R&D", "presse", "propagande", "Convention de Hanoï",
    "cyberespace", "5G", "TIC", "Internet des objets", "e-gouvernement", "satellite",
    "ministère de l'Information et de la Communication", "j'ai", "via", "Malaisie",
    "ministre des Sciences et des Technologies", "souverain", "Laos", "Estonie",
    "haute technologie", "start-up", "talents", "économie numérique", "57 ans",
)


def _examples(codebook) -> list[str]:
    return [s for theme in codebook.themes
            for s in (*theme.positive_examples, *theme.negative_examples)]


def _paragraph(rng: random.Random, examples: list[str]) -> str:
    words = [rng.choice(FILLER) for _ in range(rng.randint(50, 90))]
    for _ in range(rng.randint(0, 3)):
        words.insert(rng.randrange(len(words) + 1), rng.choice(CUES))
    text = " ".join(words)
    text = text[0].upper() + text[1:] + "."
    if examples and rng.random() < 0.5:
        pieces = [text, rng.choice(examples)]
        rng.shuffle(pieces)
        text = " ".join(pieces)
    return text


def synthetic_articles(n: int, *, codebook=None, random_state: int = 0) -> list[str]:
    """``n`` synthetic articles (str), each 5-8 paragraphs separated by blank lines.

    Parameters
    ----------
    n : int
        Number of articles.
    codebook : Codebook, path or None
        Source of the example sentences (default :data:`analysis.paths.CODEBOOK`).
    random_state : int
        Seed; article ``i`` depends only on ``(random_state, i)``.

    Returns
    -------
    list of str
    """
    from analysis.codebook import get_codebook
    examples = _examples(get_codebook(codebook))
    out = []
    for i in range(n):
        rng = random.Random(f"{random_state}-{i}")
        out.append("\n\n".join(_paragraph(rng, examples) for _ in range(rng.randint(5, 8))))
    return out
