"""The model is the pinned one: tampered weights are refused with one sentence."""

import shutil
from pathlib import Path

import pytest

from chatbot import embedding
from chatbot.embedding import PINNED_SHA256, SentenceTransformerEmbedder, file_sha256, packaged_model_path
from chatbot.errors import ChatbotError


def test_the_packaged_weights_match_the_pin():
    assert file_sha256(packaged_model_path() / "model.safetensors") == PINNED_SHA256


def test_tampered_weights_are_refused(tmp_path, monkeypatch):
    copy = tmp_path / "model"
    shutil.copytree(packaged_model_path(), copy)
    with open(copy / "model.safetensors", "r+b") as handle:
        handle.seek(1000)
        handle.write(b"\x00\x01\x02\x03")
    monkeypatch.setattr(embedding, "packaged_model_path", lambda: copy)
    with pytest.raises(ChatbotError, match="do not match the pinned sha256"):
        SentenceTransformerEmbedder().embed(["hello"])


def test_a_user_named_folder_that_is_not_a_model_is_refused(tmp_path):
    with pytest.raises(ChatbotError, match="is not a sentence-transformers model folder"):
        SentenceTransformerEmbedder(tmp_path).verify()


@pytest.mark.model
def test_real_vectors_are_unit_length_and_similar_texts_are_close(real_embedder):
    vectors = real_embedder.embed(["The judge threw out the primary.", "A court voided the election.", "Banana bread."])
    assert vectors.shape == (3, 384)
    assert abs(float((vectors[0] ** 2).sum()) - 1) < 1e-4
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_the_vocabulary_is_the_models_whole_words_read_without_loading_it():
    vocabulary = SentenceTransformerEmbedder().vocabulary()
    assert {"night", "change", "ballot"} <= vocabulary
    assert not {"ganim", "bridgport", "##s", "[CLS]"} & vocabulary
    assert SentenceTransformerEmbedder(Path("/nonexistent")).vocabulary() == frozenset()
