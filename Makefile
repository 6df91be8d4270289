# tshoot: `make run` serves the site with a worker; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench chromium clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

# Server and worker (with the beat scheduler for the stale-diagnosis sweep) together;
# Ctrl-C stops both.
run: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py sync_articles
	@echo "tshoot on http://$(HOST):$(PORT)/ (Ctrl-C stops server and worker)"
	@bash -c 'trap "trap - INT TERM EXIT; kill 0" INT TERM EXIT; \
	  $(VENV)/bin/celery -A tshoot worker --beat --loglevel=INFO --concurrency=2 & \
	  $(PY) manage.py runserver --noreload $(HOST):$(PORT) & \
	  wait -n'

# Browser tests drive Debian's Chromium; install it when it is missing.
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; }

test: $(VENV)/.dev chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Each script prints its own figures; see the issue notes for reference numbers.
bench: $(VENV)/.dev
	$(PY) bench/search.py
	$(PY) bench/analyze.py
	$(PY) bench/syslog.py
	$(PY) bench/textfsm_compare.py
	$(PY) bench/hostile.py
	$(PY) bench/redact.py
	$(PY) bench/pages.py

clean:
	rm -rf data/broker data/test.sqlite3*
