# tshoot: `make run` serves the site with a worker; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run dev test lint bench chromium wrk clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

# `make run`: the site as it runs on a private host over plain HTTP: gunicorn, static
# files from WhiteNoise, the designed error pages (DEBUG off), and a Celery worker with
# the beat scheduler; SQLite and the filesystem broker under data/. The secret key is
# made once, in data/secret-key. Ctrl-C stops everything and exits 0.
# `make dev`: the same with DEBUG on and Django's autoreloading development server.
DATA ?= data
ALLOWED_HOSTS ?= 127.0.0.1,localhost
RUN_ENV = DEBUG=0 PLAIN_HTTP=1 SECRET_KEY_FILE=$(DATA)/secret-key \
  TSHOOT_DATA_DIR=$(abspath $(DATA)) ALLOWED_HOSTS=$(ALLOWED_HOSTS)
DEV_ENV = DEBUG=1 TSHOOT_DATA_DIR=$(abspath $(DATA)) ALLOWED_HOSTS=$(ALLOWED_HOSTS)

$(DATA)/secret-key:
	mkdir -p $(DATA)
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: $(VENV)/.runtime $(DATA)/secret-key
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py sync_articles
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v 0
	@echo "tshoot on http://$(HOST):$(PORT)/ (Ctrl-C stops server and worker)"
	@$(RUN_ENV) $(PY) manage.py serve --host $(HOST) --port $(PORT)

dev: $(VENV)/.runtime
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py sync_articles
	@echo "tshoot (development, DEBUG on) on http://$(HOST):$(PORT)/"
	@$(DEV_ENV) $(PY) manage.py serve --dev --host $(HOST) --port $(PORT)

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

# bench/web.py loads pages with Debian's wrk; install it when it is missing.
wrk:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq wrk; fi; }

# Every script in bench/, each printing its figures, then one table of the goals
# (measure, figure, goal, met or missed). The search and web benchmarks run again
# on the PostgreSQL server BENCH_POSTGRES names (each in a database of its own,
# dropped afterwards; empty skips them); bench/burst.py and bench/analyze.py use
# the Redis server on 127.0.0.1:6379.
BENCH_POSTGRES ?= postgres://postgres@127.0.0.1:5432/tshoot
bench: $(VENV)/.dev wrk
	$(PY) bench/summary.py --postgres "$(BENCH_POSTGRES)"

# The suite's own data (its database, broker and beat files); never the run's.
clean:
	rm -rf data/test data/ci-pg
