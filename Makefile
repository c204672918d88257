# Fan Republic — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Two workers: the machines have two cores. Override with `make test WORKERS=0`.
WORKERS ?= 2

.PHONY: run install migrate demo serve test test-fast lint messages bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

serve:
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## make run: set everything up and serve the demo on the embedded SQLite database.
run: demo
	@$(BIN)/python manage.py demo_logins --url http://$(HOST):$(PORT)
	SITE_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py runserver $(HOST):$(PORT)

## make test: the whole suite (browser tests skip with a message when Chromium is missing).
test: install
	DATABASE_URL=sqlite://:memory: $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(WORKERS) --dist loadgroup -q

## make test-fast: everything except the browser tests.
test-fast: install
	$(BIN)/pytest -n $(WORKERS) --dist loadgroup -q -m "not browser"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## make messages: extract and compile translations (needs GNU gettext for extraction).
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=fanrepublic/core/app_template --ignore="*/tests/*" --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var

bench: install
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) var db.sqlite3*
