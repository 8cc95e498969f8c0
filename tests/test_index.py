"""Indexing against a real embedded Chroma with the fake embedder: idempotent, incremental, recoverable."""

import threading

import pytest

from chatbot import Archive, ChatbotError, Settings
from chatbot.indexer import index_lock
from chatbot.lexical import Bm25, lexical_text
from chatbot.store import Store


def archive_for(tmp_path, articles_dir, embedder):
    return Archive(Settings(articles_dir=articles_dir, index_dir=tmp_path / "index"), embedder=embedder,
                   say=lambda message: None)


def test_indexing_twice_changes_nothing_and_embeds_nothing(fake_archive, fake_embedder):
    count = fake_archive.retriever.store.count()
    texts = fake_embedder.texts
    report = fake_archive.index()
    assert not report.changed and report.chunks == count and fake_embedder.texts == texts
    assert report.unchanged == 4


def test_a_changed_article_re_embeds_only_its_own_chunks(fake_archive, fake_embedder, articles_dir):
    path = sorted(articles_dir.glob("*.txt"))[1]
    path.write_text(path.read_text(encoding="utf-8") + "\nThe council met again on Friday.\n", encoding="utf-8")
    before = fake_embedder.texts
    report = fake_archive.index()
    assert report.updated == [path.stem] and not report.added and not report.removed
    own = [c for c in fake_archive.retriever.chunks if c.doc_id == path.stem]
    assert 0 < fake_embedder.texts - before <= 3 * len(own) + 20
    assert any("council met again" in c.text for c in own)


def test_a_removed_article_loses_its_chunks_and_an_added_one_gains_them(fake_archive, articles_dir):
    gone = sorted(articles_dir.glob("*.txt"))[0]
    gone.unlink()
    (articles_dir / "new_article.txt").write_text("The harbor commission approved a ferry terminal on Monday.",
                                                  encoding="utf-8")
    report = fake_archive.index()
    assert report.removed == [gone.stem] and report.added == ["new_article"]
    doc_ids = {c.doc_id for c in fake_archive.retriever.chunks}
    assert gone.stem not in doc_ids and "new_article" in doc_ids


def test_rebuild_gives_the_same_index(fake_archive):
    ids = sorted(c.id for c in fake_archive.retriever.chunks)
    report = fake_archive.index(rebuild=True)
    assert report.rebuilt == "rebuild requested"
    assert sorted(c.id for c in fake_archive.retriever.chunks) == ids


def test_a_garbage_index_is_moved_aside_and_rebuilt(tmp_path, articles_dir, fake_embedder):
    settings = Settings(articles_dir=articles_dir, index_dir=tmp_path / "index")
    settings.chroma_dir.mkdir(parents=True)
    (settings.chroma_dir / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    messages = []
    archive = Archive(settings, embedder=fake_embedder, say=messages.append)
    report = archive.index()
    assert report.rebuilt == "the index could not be read" and report.chunks > 0
    assert any("could not be read" in m for m in messages)
    assert (settings.index_dir / "chroma.broken").exists()


def test_a_missing_index_without_auto_index_says_what_to_do(tmp_path, articles_dir, fake_embedder):
    archive = Archive(Settings(articles_dir=articles_dir, index_dir=tmp_path / "none"), embedder=fake_embedder,
                      auto_index=False)
    with pytest.raises(ChatbotError, match="run `chatbot index`"):
        archive.retrieve("Who won?")


def test_the_first_question_builds_a_missing_index(tmp_path, articles_dir, fake_embedder):
    archive = archive_for(tmp_path, articles_dir, fake_embedder)
    passages = archive.retrieve("Which judge threw out the primary?", k=3)
    assert passages and archive.last_sync.added


def test_a_bad_article_is_skipped_and_the_rest_indexed(tmp_path, articles_dir, fake_embedder):
    (articles_dir / "broken.txt").write_bytes("caf\xe9".encode("latin-1"))
    messages = []
    archive = Archive(Settings(articles_dir=articles_dir, index_dir=tmp_path / "index"), embedder=fake_embedder,
                      say=messages.append)
    report = archive.index()
    assert len(report.added) == 4 and report.skipped == [("broken.txt", "it is not UTF-8 text")]
    assert messages == ["Skipped broken.txt: it is not UTF-8 text.",
                        f"There is no index in {tmp_path / 'index'} yet; building it from the articles."]


def test_a_second_indexer_waits_then_refuses(tmp_path, articles_dir):
    settings = Settings(articles_dir=articles_dir, index_dir=tmp_path / "index")
    held, release = threading.Event(), threading.Event()

    def hold():
        with index_lock(settings):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(5)
    try:
        with pytest.raises(ChatbotError, match="Another indexer is writing"):
            with index_lock(settings, wait=0.5, say=lambda m: None):
                pass
    finally:
        release.set()
        thread.join()


def test_passages_are_exact_slices_of_their_articles(fake_archive, articles_dir):
    for passage in fake_archive.retrieve("absentee ballot drop box video", k=5):
        text = (articles_dir / f"{passage.doc_id}.txt").read_text(encoding="utf-8")
        assert text[passage.start:passage.end] == passage.text
        assert passage.start <= passage.highlight_start < passage.highlight_end <= passage.end


def test_chunks_searched_in_memory_score_as_chromas_search_of_the_stored_vectors(fake_archive, articles_dir):
    (articles_dir / "001_32bccdfacf2c2939.txt").unlink()  # a change, so the matrix is rebuilt, not just loaded
    fake_archive.index()
    retriever = fake_archive.retriever
    vector = retriever.embed(["absentee ballot drop box video"])[0]
    found = retriever.store._search(retriever.store.chunks, vector, len(retriever.chunks))
    assert len(found) == len(retriever.chunks) == len(retriever.vectors)
    for chunk_id, similarity in found:
        assert float(retriever.vectors[retriever.by_id[chunk_id]] @ vector) == pytest.approx(similarity, abs=1e-5)


def test_opening_searches_the_terms_stored_at_indexing_exactly_as_if_analysed_afresh(fake_archive):
    retriever = fake_archive.retriever
    assert retriever.chunks and all(c.terms for c in retriever.chunks)
    afresh = Bm25([lexical_text(retriever.articles[c.doc_id].title, c.text) for c in retriever.chunks])
    assert retriever.bm25.postings == afresh.postings and retriever.bm25.lengths == afresh.lengths


def test_terms_stored_by_another_analyzer_are_analysed_again(fake_archive):
    assert all(c.terms is None for c in fake_archive.retriever.store.all_chunks("terms-v0"))
    assert all(c.terms is None for c in fake_archive.retriever.store.all_chunks())


def test_an_index_made_with_chromas_default_search_depth_is_given_ours_at_the_next_index(fake_archive):
    store = fake_archive.retriever.store
    for collection in (store.chunks, store.sentences, store.articles_col):
        collection.modify(configuration={"hnsw": {"ef_search": 100}})
    fake_archive.index()
    reopened = Store(fake_archive.settings, create=False)
    collections = (reopened.chunks, reopened.sentences, reopened.articles_col)
    assert {c.configuration["hnsw"]["ef_search"] for c in collections} == {400}
