# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: run test index lint bench

$(INSTALLED): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(INSTALLED)

index: $(INSTALLED)
	$(PY) -m ingest build

run: index
	$(PY) -m streamlit run app.py --server.address localhost --server.port 8501 \
		--server.maxUploadSize $$($(PY) -c 'from settings import load_settings; s = load_settings(); print(max(s.max_upload_mb, s.sla_max_upload_mb))')

test: index
	$(PY) -m pytest

lint: $(INSTALLED)
	$(PY) -m ruff check .

bench: index
	$(PY) bench/search_latency.py
