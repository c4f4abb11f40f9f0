"""isnad's grounding evaluation: question sets, metrics (retrieval, ALCE citations, answers, refusals), report.

    isnad eval [--set FILE] [--index DIR] [--report DIR] [--top-k N] [--embedder SPEC]
    isnad eval --compare A.json B.json

| module | what |
| --- | --- |
| `eval.sets` | loaders: isnad JSON Lines, SQuAD JSON (its paragraphs become the corpus) |
| `eval.metrics` | recall@k, MRR, nDCG, key matching, answer language, ALCE citation recall/precision |
| `eval.run` | `evaluate(assistant, eval_set)`: per-question results and metrics; floors; the table |
| `eval.report` | report.md, plots, results.json; comparing two runs |
| `eval.cli` | the `isnad eval` command |
| `eval.make_arcd_en` | writes the English ARCD set (eval/arcd_en.jsonl) from its hand-written translations |
| `eval.calibrate_support` | calibration of the support checker (rag/support.py) |
| `eval.checker` | the support checker on its labelled set of reply sentences (eval/checker_set.jsonl) |

See eval/README.md for the metrics' definitions.
"""
