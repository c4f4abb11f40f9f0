"""The transformers backend (`hf:FOLDER`) on a tiny random Llama model with a tokenizer trained here: the code
path (loading, chat template, streaming, checking), not the prose; a random model's sentences are dropped."""

from __future__ import annotations

import pytest

from rag import Assistant
from rag.generate import Generator, TransformersLLM, load_generator, prompt_messages
from rag.language import REFUSAL

TEMPLATE = (
    "{% for m in messages %}<s>{{ m['role'] }}\n{{ m['content'] }}</s>\n{% endfor %}"
    "{% if add_generation_prompt %}<s>assistant\n{% endif %}"
)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory, seed_assistant):
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    texts = [seed_assistant.index.catalog.paragraph_text("000_d5f7ec68f2725137", n) for n in range(1, 18)]
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=600, special_tokens=["<unk>", "<s>", "</s>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator(texts + ["Question: How many countries? Answer: [1] [2] the sources"], trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>")
    tokenizer.chat_template = TEMPLATE
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=2048,
        bos_token_id=1,
        eos_token_id=2,
    )
    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("tiny-llama")
    LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_llm(tiny_model):
    return TransformersLLM(model=str(tiny_model), max_new_tokens=24, device="cpu")


def test_loads_as_a_llama_index_llm(tiny_llm, tiny_model):
    from llama_index.core.llms import LLM

    assert isinstance(tiny_llm, LLM)
    assert tiny_llm.metadata.model_name == str(tiny_model) and tiny_llm.metadata.is_chat_model
    assert tiny_llm.context_window == 2048  # from the model's config
    prompt = tiny_llm.chat_prompt(prompt_messages("كم؟", [], "ar"))
    assert prompt.startswith("<s>system\n") and prompt.endswith("<s>assistant\n")  # the tokenizer's chat template


def test_complete_and_stream_agree(tiny_llm):
    full = tiny_llm.complete("Question: How many countries?").text
    pieces = [r.delta for r in tiny_llm.stream_complete("Question: How many countries?")]
    assert full and len(pieces) > 1 and "".join(pieces) == full  # greedy decoding: the same text


def test_answers_through_the_assistant(seed_index, tiny_model, tiny_llm):
    spec = f"hf:{tiny_model}"
    assistant = Assistant(seed_index, generator=Generator(tiny_llm, spec))
    *pieces, answer = assistant.stream("كم عدد الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟", top_k=3)
    assert pieces and all(isinstance(p, str) for p in pieces)
    assert answer.generator == spec and answer.language == "ar"
    draft = "".join(pieces)
    # a random model writes no supported sentence: all that it wrote is dropped, and the answer is a refusal
    assert answer.refused and answer.text == REFUSAL["ar"]
    assert answer.dropped and all(d["sentence"].split()[0] in draft for d in answer.dropped)


def test_spec_loads_the_folder(tiny_model):
    gen = load_generator(f"hf:{tiny_model}")
    assert isinstance(gen.llm, TransformersLLM) and gen.spec == f"hf:{tiny_model}"


# The GGUF path (`hf:FILE.gguf`): a file written here with the `gguf` package, as llama.cpp's converters write
# one (llama architecture, byte-level BPE tokenizer, merges and chat template in the metadata). Its weights are
# set so that greedy decoding writes DRAFT after the chat template's last token: each token's embedding is one-hot
# and the output matrix maps it to the next token of the draft (the blocks add nothing). The draft cites with
# forms small models write: Arabic-Indic digits, "(المصدر n)", and a marker pointing at no retrieved paragraph.
GGUF_QUESTION = "كم عدد الدول المشاركة في مؤتمر موسكو السابع للأمن الدولي؟"
GGUF_DRAFT = (
    "شاركت في المؤتمر وفود من 95 دولة [{n}]. وحضره 120 وزيرا (المصدر {n}). وقال بوتين إن القمة ستعقد بباريس 【٧】."
)


def write_gguf(path, draft: str, template: str) -> None:
    """A llama-architecture GGUF whose tokenizer knows `draft`'s words and whose model writes `draft`."""
    import json

    import gguf
    import numpy as np
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)  # GPT-2's split, as the GGUF reader's
    specials = ["<unk>", "<s>", "</s>"]
    trainer = trainers.BpeTrainer(
        vocab_size=400, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator([draft] * 20 + ["system user assistant"] * 5, trainer)
    vocab = tok.get_vocab()
    tokens = sorted(vocab, key=vocab.get)
    merges = [m if isinstance(m, str) else " ".join(m) for m in json.loads(tok.to_str())["model"]["merges"]]
    chain = [vocab["Ċ"], *tok.encode(draft).ids, vocab["</s>"]]  # from the template's last token, "\n"
    assert len(set(chain)) == len(chain), "each token of the draft must occur once (one successor per token)"

    size = len(tokens) + (-len(tokens)) % 4
    embed = np.eye(len(tokens), size, dtype=np.float32)
    output = np.zeros((len(tokens), size), np.float32)
    output[vocab["</s>"], : len(tokens)] = 1  # any other token ends the reply
    for a, b in zip(chain[:-1], chain[1:], strict=True):
        output[:, a] = 0
        output[b, a] = 1

    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name("isnad-test-parrot")
    w.add_context_length(2048)
    w.add_embedding_length(size)
    w.add_block_count(1)
    w.add_feed_forward_length(8)
    w.add_head_count(2)
    w.add_head_count_kv(2)
    w.add_rope_dimension_count(size // 2)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_rope_freq_base(10000.0)
    w.add_vocab_size(len(tokens))
    w.add_tokenizer_model("gpt2")
    w.add_token_list(tokens)
    w.add_token_merges(merges)
    w.add_token_types([3 if t in specials else 1 for t in tokens])  # 3: control tokens, kept whole
    w.add_bos_token_id(vocab["<s>"])
    w.add_eos_token_id(vocab["</s>"])
    w.add_unk_token_id(vocab["<unk>"])
    w.add_chat_template(template)
    zeros = lambda *shape: np.zeros(shape, np.float32)  # noqa: E731
    w.add_tensor("token_embd.weight", embed)
    w.add_tensor("blk.0.attn_norm.weight", np.ones(size, np.float32))
    for name in ("q", "k", "v", "output"):
        w.add_tensor(f"blk.0.attn_{name}.weight", zeros(size, size))
    w.add_tensor("blk.0.ffn_norm.weight", np.ones(size, np.float32))
    w.add_tensor("blk.0.ffn_gate.weight", zeros(8, size))
    w.add_tensor("blk.0.ffn_up.weight", zeros(8, size))
    w.add_tensor("blk.0.ffn_down.weight", zeros(size, 8))
    w.add_tensor("output_norm.weight", np.ones(size, np.float32))
    w.add_tensor("output.weight", output)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


@pytest.fixture(scope="module")
def gguf_case(tmp_path_factory, seed_assistant):
    """(the GGUF file, the draft it writes): the draft cites the paragraph holding "95 دولة" by its number
    among the 3 paragraphs retrieved for GGUF_QUESTION, in Arabic-Indic digits."""
    hits = seed_assistant.retrieve(GGUF_QUESTION, top_k=3)
    n = next(i for i, h in enumerate(hits, start=1) if "95 دولة" in h.text)
    draft = GGUF_DRAFT.format(n="٠١٢٣٤٥٦٧٨٩"[n])
    path = tmp_path_factory.mktemp("gguf") / "parrot.gguf"
    write_gguf(path, draft, TEMPLATE)
    return path, draft


def test_gguf_file_answers_through_the_assistant(seed_index, gguf_case):
    path, draft = gguf_case
    spec = f"hf:{path}"
    assistant = Assistant(seed_index, generator=spec)  # loaded from the spec: transformers' GGUF loading
    llm = assistant.generator.llm
    assert isinstance(llm, TransformersLLM) and llm.context_window == 2048  # the file's context length
    assert llm.chat_prompt(prompt_messages("كم؟", [], "ar")).endswith("<s>assistant\n")  # the file's template
    *pieces, answer = assistant.stream(GGUF_QUESTION, top_k=3)
    assert len(pieces) > 5 and "".join(pieces) == draft  # streamed token by token, decoded by the file's tokenizer
    assert answer.generator == spec and answer.language == "ar" and not answer.refused
    assert answer.text == "شاركت في المؤتمر وفود من 95 دولة. [1]"  # "[٣]" read, renumbered
    [citation] = answer.citations
    assert (citation.doc_id, citation.paragraph) == ("000_d5f7ec68f2725137", 2)
    assert citation.quote in citation.text and "95" in citation.quote
    reasons = {d["sentence"]: d["reason"] for d in answer.dropped}
    assert set(reasons) == {"وحضره 120 وزيرا.", "وقال بوتين إن القمة ستعقد بباريس."}
    assert "figure" in reasons["وحضره 120 وزيرا."]  # the cited paragraph has no 120
    assert "no retrieved paragraph" in reasons["وقال بوتين إن القمة ستعقد بباريس."]  # 【٧】 points nowhere
