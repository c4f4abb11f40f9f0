"""Question sets: isnad's JSON Lines format and SQuAD-format sets (whose paragraphs become the corpus).

>>> from eval.sets import load_set
>>> s = load_set("eval/seed_set.jsonl")                    # doctest: +SKIP
>>> s.name, len(s.questions), s.corpus is None             # doctest: +SKIP
('seed_set', 89, True)
>>> s = load_set("../shared/data/arcd-train.json")         # doctest: +SKIP
>>> s.questions[0].gold, s.corpus[0]["id"]                 # doctest: +SKIP
((Gold(doc_id='arcd-train-0', paragraph=1),), 'arcd-train-0')

The format is found from the content, whatever the extension: a JSON object with a `data` list is
SQuAD (1.1, or 2.0 with `is_impossible`); anything else is isnad's format, as JSON Lines (one
question per line) or as one JSON list of questions. See eval/README.md for the fields. An isnad set
whose questions name a SQuAD file in `corpus` (eval/arcd_en.jsonl: English questions over ARCD) brings
that file's paragraphs as its corpus, like the SQuAD set itself; one that names a news articles file and
`corpus_ids` (eval/news_set.jsonl: questions over 150 ANT news articles) brings those articles.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rag.language import detect_language

SEED_SET = Path(__file__).resolve().parent / "seed_set.jsonl"
UNANSWERABLE = "unanswerable"
SQUAD_TYPE = "squad"  # the type of every answerable SQuAD question (SQuAD has no question types)
_SENTENCE_END = re.compile(r"[.!?؟]+[\"'”»)\]]*(?=\s)")


class EvalSetError(ValueError):
    """A question set that cannot be read; the message says where and why."""


@dataclass(frozen=True)
class Gold:
    """A paragraph that holds the answer; `paragraph` counts from 1."""

    doc_id: str
    paragraph: int


@dataclass(frozen=True)
class Question:
    """One question of a set, with what a correct, grounded answer must contain."""

    id: str
    question: str
    language: str
    type: str
    gold: tuple[Gold, ...] = ()
    reference: str = ""
    keys: tuple[str, ...] = ()
    keys_all: bool = False
    evidence: tuple[str, ...] = ()
    split: str = ""  # "dev" (thresholds are tuned on it) or "test" (figures reported on it): see `split_of`

    @property
    def answerable(self) -> bool:
        return self.type != UNANSWERABLE and bool(self.gold or self.keys)


@dataclass
class EvalSet:
    """A question set; `corpus` holds the articles a SQuAD set (or the one its questions name) brings."""

    name: str
    path: Path
    format: str  # "isnad" or "squad"
    questions: list[Question]
    corpus: list[dict] | None = None
    paragraphs: dict[Gold, str] = field(default_factory=dict)  # the text of each corpus paragraph

    @property
    def is_seed_set(self) -> bool:
        return self.path.resolve() == SEED_SET.resolve()


def load_set(path: str | Path) -> EvalSet:
    """Read a question set, detecting its format from the content."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise EvalSetError(f"cannot read the question set {path}: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        raise EvalSetError(f"{path} is not UTF-8 text") from e
    if not text.strip():
        raise EvalSetError(f"{path} is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = None  # JSON Lines (or broken JSON, reported line by line below)
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        return _squad(data, path)
    if isinstance(data, dict):
        records = [(1, data)]
    elif isinstance(data, list):
        records = list(enumerate(data, 1))
    else:
        records = _json_lines(text, path)
    questions = [_question(r, f"{path}:{n}") for n, r in records]
    ids = [q.id for q in questions]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise EvalSetError(f"{path}: duplicate question ids: {', '.join(dup[:10])}")
    if not questions:
        raise EvalSetError(f"{path} holds no questions")
    corpus, paragraphs = _named_corpus([r for _, r in records], path)
    return EvalSet(set_name(path), path, "isnad", questions, corpus, paragraphs)


def set_name(path: Path) -> str:
    """The set's name: its file name without extensions (`seed_set`, `arcd-train`)."""
    name = path.name
    for ext in (".gz", ".jsonl", ".json"):
        name = name.removesuffix(ext)
    return re.sub(r"[^\w.-]+", "-", name) or "set"


def _json_lines(text: str, path: Path) -> list[tuple[int, object]]:
    records = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append((n, json.loads(line)))
        except json.JSONDecodeError as e:
            raise EvalSetError(f"{path}:{n}: invalid JSON ({e.msg}); expected one question object per line") from e
    return records


def _question(record: object, where: str) -> Question:
    if not isinstance(record, dict):
        raise EvalSetError(f"{where}: a question must be a JSON object")
    qid, question = str(record.get("id") or "").strip(), str(record.get("question") or "").strip()
    if not qid or not question:
        raise EvalSetError(f"{where}: every question needs an `id` and a `question`")
    gold = []
    for g in record.get("gold") or []:
        try:
            gold.append(Gold(str(g["doc_id"]), int(g["paragraph"])))
        except (KeyError, TypeError, ValueError) as e:
            raise EvalSetError(f'{where}: `gold` entries are {{"doc_id", "paragraph"}} objects ({e})') from e
    keys = record.get("keys") or []
    if isinstance(keys, str):
        keys = [keys]
    evidence = record.get("evidence") or []
    if isinstance(evidence, str):
        evidence = [evidence]
    language = str(record.get("language") or detect_language(question))
    qtype = str(record.get("type") or (UNANSWERABLE if not gold and not keys else "factual"))
    return Question(
        id=qid,
        question=question,
        language=language,
        type=qtype,
        gold=tuple(dict.fromkeys(gold)),
        reference=str(record.get("reference") or ""),
        keys=tuple(str(k) for k in keys if str(k).strip()),
        keys_all=bool(record.get("keys_all", False)),
        evidence=tuple(str(e) for e in evidence),
        split=str(record.get("split") or split_of(qid)),
    )


def _named_corpus(records: list, path: Path) -> tuple[list[dict] | None, dict[Gold, str]]:
    """The articles an isnad set's questions name in `corpus` (a path relative to the set's folder): a SQuAD
    file, whose paragraphs become articles exactly as when the SQuAD file itself is the set (e.g. English
    questions over ARCD's Arabic paragraphs), or, with `corpus_ids` (a file of article ids, one a line), the
    records of a news articles file with those ids (JSON Lines, `.gz` accepted: what `isnad ingest` reads).
    None when no question names one."""
    names = list(dict.fromkeys((str(r["corpus"]), str(r.get("corpus_ids") or "")) for r in records if r.get("corpus")))
    if not names:
        return None, {}
    corpus: list[dict] = []
    paragraphs: dict[Gold, str] = {}
    for name, ids in names:
        file = path.parent / name
        if not file.is_file():
            raise EvalSetError(f"{path}: the corpus its questions name, {name}, is not found ({file})")
        if ids:
            corpus += news_records(file, path.parent / ids, path)
            continue
        source = load_set(file)
        if source.corpus is None:
            raise EvalSetError(f"{path}: the corpus its questions name, {name}, is not a SQuAD file")
        corpus += source.corpus
        paragraphs.update(source.paragraphs)
    return corpus, paragraphs


def news_records(file: Path, ids_file: Path, path: Path) -> list[dict]:
    """The records of the articles file `file` whose ids `ids_file` lists, in that file's order."""
    try:
        wanted = list(dict.fromkeys(line.strip() for line in ids_file.read_text(encoding="utf-8").splitlines()))
    except OSError as e:
        raise EvalSetError(f"{path}: cannot read its article ids {ids_file}: {e.strerror or e}") from e
    wanted = [i for i in wanted if i]
    wanted_set = set(wanted)
    found: dict[str, dict] = {}
    try:
        with (gzip.open if file.name.endswith(".gz") else open)(file, "rt", encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as e:
                    raise EvalSetError(f"{file}:{n}: invalid JSON ({e.msg}); expected one article a line") from e
                if isinstance(record, dict) and str(record.get("id")) in wanted_set:
                    found[str(record["id"])] = record
    except (OSError, EOFError, UnicodeDecodeError) as e:
        raise EvalSetError(f"{path}: cannot read the articles file {file}: {e}") from e
    absent = [i for i in wanted if i not in found]
    if absent:
        raise EvalSetError(f"{path}: {len(absent)} article ids are not in {file} ({', '.join(absent[:5])})")
    return [found[i] for i in wanted]


def _squad(data: dict, path: Path) -> EvalSet:
    """SQuAD: each paragraph becomes an article (`<set name>-<i>`, the SQuAD title, one paragraph)."""
    name = set_name(path)
    corpus: list[dict] = []
    questions: list[Question] = []
    paragraphs: dict[Gold, str] = {}
    seen: set[str] = set()
    for n_article, article in enumerate(data["data"]):
        if not isinstance(article, dict):
            raise EvalSetError(f"{path}: `data` must be a list of articles with `paragraphs`")
        title = str(article.get("title") or "").replace("_", " ").strip()
        for para in article.get("paragraphs") or []:
            context = " ".join(str(para.get("context") or "").split())  # one paragraph: no line breaks
            if not context:
                continue
            doc_id = f"{name}-{len(corpus)}"
            corpus.append({"id": doc_id, "title": title, "text": context, "source": name})
            gold = Gold(doc_id, 1)
            paragraphs[gold] = context
            raw_context = str(para.get("context") or "")
            for qa in para.get("qas") or []:
                question = _clean_question(str(qa.get("question") or ""))
                if not question:
                    continue
                qid = str(qa.get("id") or f"{doc_id}-q{len(questions)}")
                while qid in seen:
                    qid += "'"
                seen.add(qid)
                # answers without a letter or digit (ARCD has a "-)") cannot be matched: left out
                answers = [a for a in qa.get("answers") or [] if re.search(r"[^\W_]", str(a.get("text") or ""))]
                impossible = bool(qa.get("is_impossible"))
                if not answers and not impossible:
                    continue
                keys = tuple(dict.fromkeys(" ".join(str(a["text"]).split()) for a in answers))
                evidence = tuple(
                    dict.fromkeys(_sentence_at(raw_context, a.get("answer_start"), str(a["text"])) for a in answers)
                )
                questions.append(
                    Question(
                        id=qid,
                        question=question,
                        language=detect_language(question),
                        type=UNANSWERABLE if impossible else SQUAD_TYPE,
                        gold=() if impossible else (gold,),
                        reference="" if impossible else keys[0],
                        keys=() if impossible else keys,
                        keys_all=False,
                        evidence=() if impossible else tuple(e for e in evidence if e),
                        split=split_of(n_article),
                    )
                )
    if not questions:
        raise EvalSetError(f"{path}: a SQuAD file without questions")
    return EvalSet(name, path, "squad", questions, corpus, paragraphs)


def split_of(key: str | int) -> str:
    """The deterministic dev/test split. An int is a SQuAD article's position in its file: the split goes by
    article (every paragraph and question of an article on one side), pairs of articles taking turns
    dev, dev, test (the rule eval/arcd_en.jsonl's English questions follow, so a question and its
    translation fall on the same side). A string is a question id: by its hash, half and half."""
    if isinstance(key, int):
        return "test" if key // 2 % 3 == 2 else "dev"
    return "test" if hashlib.sha256(key.encode("utf-8")).digest()[0] % 2 else "dev"


def _clean_question(text: str) -> str:
    """ARCD questions carry list dashes and stray tails (" - متى ولد ...؟ ال"): keep the question."""
    text = " ".join(text.split()).lstrip("-–— ").strip()
    head, mark, tail = text.rpartition("؟")
    if mark and head and len(tail.split()) <= 1 and len(tail) <= 3:
        text = head + mark
    return text


def _sentence_at(context: str, start: object, answer: str) -> str:
    """The sentence of `context` holding the answer span (for calibrating the support checker)."""
    try:
        at = int(start)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        at = -1
    if not (0 <= at < len(context)) or context[at : at + len(answer)] != answer:
        at = context.find(answer)
    if at < 0:
        return ""
    begin = 0
    for m in _SENTENCE_END.finditer(context):
        if m.end() <= at:
            begin = m.end()
        elif m.start() >= at + len(answer) - 1:
            return " ".join(context[begin : m.end()].split())
    return " ".join(context[begin:].split())


def ensure_corpus(assistant, eval_set: EvalSet, *, progress: bool = False) -> list[str]:
    """Ingest a set's corpus (SQuAD paragraphs, or the news articles it names) into the assistant's index
    (unchanged articles are skipped).

    Returns warnings: gold paragraphs that are not in the index afterwards.
    """
    if not eval_set.corpus:
        return []
    catalog = assistant.index.catalog
    new = any(catalog.paragraph_text(r["id"], 1) is None for r in eval_set.corpus)
    with tempfile.TemporaryDirectory(prefix="isnad-eval-") as tmp:
        file = Path(tmp) / f"{eval_set.name}.jsonl"
        with file.open("w", encoding="utf-8") as f:
            for record in eval_set.corpus:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
        assistant.ingest([file], progress=progress and new)  # idempotent: unchanged articles are skipped
    return missing_gold(eval_set, catalog.paragraph_text)


def missing_gold(eval_set: EvalSet, paragraph_text: Callable[[str, int], str | None]) -> list[str]:
    """Warnings for gold paragraphs the index does not hold (a wrong index, or a renumbered article)."""
    golds = sorted({g for q in eval_set.questions for g in q.gold}, key=lambda g: (g.doc_id, g.paragraph))
    absent = [g for g in golds if paragraph_text(g.doc_id, g.paragraph) is None]
    if not absent:
        return []
    shown = ", ".join(f"{g.doc_id}#{g.paragraph}" for g in absent[:5])
    more = f" and {len(absent) - 5} more" if len(absent) > 5 else ""
    return [
        f"{len(absent)} of {len(golds)} gold paragraphs are not in the index ({shown}{more}): "
        "is this the index the set was written for?"
    ]
