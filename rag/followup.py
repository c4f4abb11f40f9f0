"""Follow-up questions: a question that leans on the conversation becomes a standalone one before retrieval.

>>> standalone_question("and what did Lavrov say?", [("What did Putin say about ISIS?", "...")])
'and what did Lavrov say? (ISIS)'

With a language model, the model rewrites it (`Generator.rewrite`). Without one (or when its rewrite is
unusable), a simple rule: a question that is short (fewer than `SHORT_TERMS` content terms), or that
refers back (opens with "and", "what about", "و…", or says "they/it/this" …) and is not long, carries the
content words of the previous standalone question that it lacks, when both are in the same language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .language import detect_language
from .normalize import terms

if TYPE_CHECKING:
    from .generate import Generator

SHORT_TERMS = 3  # fewer content terms than this: a follow-up
LONG_TERMS = 6  # this many or more: standalone, even if it says "it" or "they"
_REFERS_BACK = re.compile(
    r"^\s*(?:and|also|but|so|then|what about|how about)\b"
    r"|\b(?:they|them|their|he|him|his|she|her|it|its|this|that|these|those|there)\b"
    r"|^\s*و(?:ماذا|ما|من|كم|هل|أين|اين|متى|كيف|لماذا|لم)\b"
    r"|^\s*(?:ماذا عن|وماذا عن)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
# Words of a question that ask rather than name (English interrogatives and verbs of asking).
_ASKING = frozenset("according tell know who whom whose which what why when where how".split())


def standalone_question(
    question: str, history: Sequence[tuple[str, str]] | None, generator: Generator | None = None
) -> str:
    """`question` made understandable without `history` (earlier (question, answer) pairs, oldest first)."""
    history = [(q, a) for q, a in history or [] if (q or "").strip()]
    if not history:
        return question
    if generator is not None:
        try:
            rewritten = generator.rewrite(question, history)
        except Exception:  # a model that fails to rewrite must not lose the question: the rule takes over
            rewritten = ""
        if rewritten:
            return rewritten
    previous = history[0][0]
    for q, _ in history[1:]:
        previous = carry_over(q, previous)
    return carry_over(question, previous)


def carry_over(question: str, previous: str) -> str:
    """The rule: `question` plus the previous question's content words it lacks, when it needs them."""
    own = set(terms(question))
    if not (len(own) < SHORT_TERMS or (len(own) < LONG_TERMS and _REFERS_BACK.search(question))):
        return question
    if detect_language(question) != detect_language(previous):
        return question
    carried: list[str] = []
    seen = set(own)
    for word in _WORD.findall(previous):
        word_terms = [t for t in terms(word) if t not in seen]
        if word_terms and word.lower() not in _ASKING:
            carried.append(word)
            seen.update(word_terms)
    return f"{question} ({' '.join(carried)})" if carried else question
