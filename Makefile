# 兰馨HUI portal.  `make run` starts the portal with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DEBIAN_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 poppler-utils gettext
# Development commands run with DEBUG=1 (and its known key) unless a SECRET_KEY is given:
# without either, manage.py refuses to start.
DEV := $(if $(SECRET_KEY),,DEBUG=1)
# Java runs the HTML validator (vnu.jar) of tests/test_valid_html.py; Node the offline app's
# unit tests (tests/js, run by tests/api/test_offline.py).
TEST_DEBIAN_PACKAGES := $(DEBIAN_PACKAGES) chromium openjdk-17-jre-headless nodejs
# mypy's Django plugin imports the settings, which need a SECRET_KEY (none is used for checking).
MYPY := SECRET_KEY=$${SECRET_KEY:-type-checking-only} $(VENV)/bin/mypy
# Benchmarks build their own database (bench_lanxin) on this PostgreSQL server.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run test lint mypy hooks venv deps debian-deps test-deps migrate demo worker beat messages bench clean

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.lock
	touch $@

venv: $(VENV)/.installed

# Installs Debian packages when it can (root), or names the missing ones; $(1): the packages.
define debian_install
	@if ! command -v dpkg >/dev/null; then echo "Not a Debian system: install the equivalents of $(1) yourself."; exit 0; fi; \
	missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then echo "Installing Debian packages:$$missing"; \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null)) || echo "Could not install:$$missing"; \
	  else echo "Missing Debian packages:$$missing (tests that need them skip)"; \
	    echo "  install with: sudo apt-get install -y$$missing"; fi; \
	fi
endef

# What the portal needs to run (PDF reports, translations).
debian-deps:
	$(call debian_install,$(DEBIAN_PACKAGES))

# What the tests need: the same, plus Chromium for the browser tests.
test-deps:
	$(call debian_install,$(TEST_DEBIAN_PACKAGES))

messages: venv
	@if command -v msgfmt >/dev/null; then $(DEV) $(PY) manage.py compilemessages -v0 --ignore=.venv; fi

migrate: venv
	$(DEV) $(PY) manage.py migrate --noinput -v0

demo: migrate
	$(DEV) $(PY) manage.py seed_demo

run: venv debian-deps messages demo
	@echo ""
	@echo "兰馨HUI: http://127.0.0.1:8000/  (演示账号见上方，密码 Lanxin-2026)"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: venv test-deps messages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Lint, format and types: what CI runs before the tests (.ci/run) and pre-commit before a commit.
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MYPY)

mypy: venv
	$(MYPY)

# Runs ruff and mypy before each commit (.pre-commit-config.yaml; the hooks use this venv).
hooks: venv
	$(VENV)/bin/pre-commit install

worker: venv
	$(DEV) $(VENV)/bin/celery -A fenghua_portal worker -l info --concurrency 2

beat: venv
	$(DEV) $(VENV)/bin/celery -A fenghua_portal beat -l info

bench: venv
	$(PIP) install --quiet -r bench/requirements.txt
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench $(or $(BENCH_ARGS),all)

clean:
	rm -rf $(VENV) var db.sqlite3
