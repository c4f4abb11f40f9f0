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
