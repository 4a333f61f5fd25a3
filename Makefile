# The two commands people run: `make run` and `make test`. Both set up everything they need.
PYTHON ?= python3
# Forward leg: `make test DJANGO_VERSION=6.1 PYTHON=python3.12` runs the same steps in its own
# virtualenv, with requirements-dev.txt and then the newest Django of that series (last tested:
# 6.1.3). Without DJANGO_VERSION: the pinned Django of requirements.txt in .venv.
DJANGO_VERSION ?=
VENV := .venv$(if $(DJANGO_VERSION),-django$(DJANGO_VERSION))
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run edge test lint install bench bench-breaking clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is required") if sys.version_info < (3, 11) else None'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(if $(DJANGO_VERSION),$(BIN)/pip install --quiet --disable-pip-version-check "Django==$(DJANGO_VERSION).*")
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py load_live_demo
	$(BIN)/python manage.py demo_second_factor
	bin/run $(BIN)/python  # runserver and a background worker; Ctrl-C stops both

# The demo through Varnish at http://127.0.0.1:8080/, gunicorn behind it, purged by key
# (needs Debian's varnish and varnish-modules; README "The edge").
edge: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py load_live_demo
	$(BIN)/python manage.py demo_second_factor
	bin/edge $(BIN)/python

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

test: lint
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf .venv .venv-django* staticfiles .pytest_cache test-artifacts

# Dataset + gunicorn + load on 127.0.0.1 (PostgreSQL newsroom_bench, Redis db 5, port 8115);
# results table on stdout. `make bench BENCH_ARGS="--articles 1000000"` for the scale run.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The breaking-news hour (issue 24): 200 readers through Varnish while an editor publishes and
# updates, then the same against gunicorn alone; Varnish on port 8116 (needs Debian's wrk,
# varnish, varnish-modules). `make bench-breaking BENCH_ARGS="--duration 30"` for a short run.
bench-breaking: $(STAMP)
	$(BIN)/python bench/run.py --breaking-hour $(BENCH_ARGS)
