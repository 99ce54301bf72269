"""Reading grade: the Flesch–Kincaid grade of the printed text, and its hardest sentences.

    grade = 0.39 × (words ÷ sentences) + 11.8 × (syllables ÷ words) − 15.59

Syllables are counted by vowel groups with the usual English adjustments (a silent final e,
-ed and -es that add no syllable); that is close enough to rank
sentences and to tell grade 6 from grade 9, which is what the figure is for.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass

from .drawn import DrawnPage

AIM = 6.0          # the grade we write for
WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+")
SKIPPED = re.compile(r"\S+@\S+|https?://\S+|www\.\S+")
MIN_WORDS = 4       # shorter lines are labels and headings, not sentences


@dataclass(frozen=True)
class Reading:
    grade: float
    sentences: int
    hardest: tuple[tuple[float, str], ...]   # (grade, sentence), hardest first


@lru_cache(maxsize=16384)  # the same words come back on every page
def syllables(word: str) -> int:
    word = word.lower().strip("'’")
    if len(word) <= 3:
        return 1
    word = re.sub(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$", lambda m: m.group()[0], word)
    word = re.sub(r"^y", "", word)
    return max(1, len(re.findall(r"[aeiouy]+", word)))


def grade_of(words: int, sentences: int, syllable_count: int) -> float:
    return 0.39 * words / sentences + 11.8 * syllable_count / words - 15.59


def sentences_of(pages: list[DrawnPage]) -> list[str]:
    found = []
    for page in pages:
        for paragraph in page.paragraphs():
            for sentence in SENTENCE_END.split(SKIPPED.sub(" ", paragraph)):
                sentence = sentence.strip()
                if len(WORD.findall(sentence)) >= MIN_WORDS:
                    found.append(sentence)
    return found


def reading(pages: list[DrawnPage], hardest: int = 2) -> Reading | None:
    sentences = sentences_of(pages)
    if not sentences:
        return None
    scored, total_words, total_syllables = [], 0, 0
    for sentence in sentences:
        words = WORD.findall(sentence)
        count = sum(syllables(w) for w in words)
        total_words += len(words)
        total_syllables += count
        scored.append((round(grade_of(len(words), 1, count), 1), sentence))
    scored.sort(key=lambda item: -item[0])
    grade = round(grade_of(total_words, len(sentences), total_syllables), 1)
    return Reading(grade, len(sentences), tuple(scored[:hardest]))
