"""Compare: the golden questions through LangChain's quick-start retrieval pipeline, as JSON on stdout.

Runs inside `bench/.venv-compare` (never the project's venv), started by `run.py`:

    .venv-compare/bin/python compare_langchain.py ARTICLES MODEL_DIR GOLDEN WORKDIR

The pipeline is the tutorial's defaults: every `*.txt` file becomes a `Document`,
`RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)` splits them,
`HuggingFaceEmbeddings` embeds with the same packaged all-MiniLM-L6-v2 folder, `Chroma.from_documents`
stores them (vectors always come from LangChain, so Chroma never embeds by itself) and
`similarity_search(question, k=3)` retrieves. A question is a hit when a retrieved chunk contains one
of its `answers` (case-insensitively, curly quotes folded, as `chatbot.evaluation` judges ours).

What it leaves out: conversation history (the quick-start retriever sees the question alone), answer
generation (no LLM here) and refusals: only retrieval is compared.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

os.environ.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1",
                  ANONYMIZED_TELEMETRY="False", TOKENIZERS_PARALLELISM="false")


def fold(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text)


def main(articles: str, model_dir: str, golden: str, workdir: str) -> dict:
    started = time.perf_counter()
    from importlib.metadata import version

    import chromadb
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    imported = time.perf_counter()
    docs = [Document(page_content=path.read_text(encoding="utf-8"), metadata={"source": path.stem})
            for path in sorted(Path(articles).glob("*.txt"))]
    splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
    embeddings = HuggingFaceEmbeddings(model_name=model_dir, model_kwargs={"device": "cpu", "local_files_only": True})
    embeddings.embed_query("warm up")
    loaded = time.perf_counter()
    store = Chroma.from_documents(splits, embeddings, collection_name="bench", persist_directory=workdir,
                                  client_settings=chromadb.config.Settings(anonymized_telemetry=False))
    indexed = time.perf_counter()

    rows, latencies = [], []
    for line in Path(golden).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if not item.get("answerable", True):
            continue
        asked = time.perf_counter()
        found = store.similarity_search(item["question"], k=3)
        latencies.append((time.perf_counter() - asked) * 1000)
        answers = [fold(a) for a in item.get("answers") or []]
        rank = next((n for n, doc in enumerate(found, 1) if any(a in fold(doc.page_content) for a in answers)), None)
        rows.append({"id": item["id"], "type": item.get("type") or "", "rank": rank,
                     "sources": [doc.metadata.get("source") for doc in found]})

    def scores(subset):
        return {"questions": len(subset),
                "hit@3": round(sum(1 for r in subset if r["rank"]) / len(subset), 4) if subset else None,
                "mrr": round(sum(1 / r["rank"] for r in subset if r["rank"]) / len(subset), 4) if subset else None}

    return {
        "framework": "langchain",
        "versions": {name: version(name) for name in ["langchain-core", "langchain-chroma", "langchain-huggingface",
                                                      "langchain-text-splitters", "chromadb", "sentence-transformers",
                                                      "torch"]},
        "pipeline": "RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200) + HuggingFaceEmbeddings + "
                    "Chroma.from_documents + similarity_search(k=3)",
        "articles": len(docs), "chunks": len(splits),
        "seconds_import": round(imported - started, 2), "seconds_model_load": round(loaded - imported, 2),
        "seconds_index": round(indexed - loaded, 2),
        "chunks_per_second": round(len(splits) / (indexed - loaded), 1) if indexed > loaded else None,
        "search_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "answerable": scores(rows), "answerable_without_followups": scores([r for r in rows if r["type"] != "followup"]),
        "questions": rows,
    }


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:5])))
