# Everything a fresh clone needs: `make app` serves the chat, `make test` runs the whole suite.
# Each target does its own set-up; nothing is downloaded at run time.
PY      := .venv/bin/python
PIP     := .venv/bin/pip
STAMP   := .venv/.installed
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 GRADIO_ANALYTICS_ENABLED=False \
       ANONYMIZED_TELEMETRY=False NO_PROXY=localhost,127.0.0.1 no_proxy=localhost,127.0.0.1

.PHONY: install browser index app test unit bench eval clean

install: $(STAMP)

# torch==2.13.0 first: that exact version is the CPU build on this machine's disk; anything else pulls CUDA.
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[test]'
	touch $(STAMP)

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else sudo apt-get update -q && sudo apt-get install -y -q chromium; fi; }

index: install
	.venv/bin/chatbot index

app: index
	$(PY) app.py

test: install browser
	$(PY) -m pytest -q

unit: install
	$(PY) -m pytest -q -m "not model and not server and not browser"

eval: index
	.venv/bin/chatbot eval tests/golden/questions.jsonl tests/golden/heldout.jsonl tests/golden/independent.jsonl

bench: install
	$(PY) bench/run.py

clean:
	rm -rf .venv index/chroma index/chroma.broken test-output
