# 兰馨HUI portal.  `make run` starts the portal with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DEBIAN_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 poppler-utils gettext
export ALLOW_INSECURE_SECRET ?= 1
# Benchmarks build their own database (bench_lanxin) on this PostgreSQL server.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run test venv deps debian-deps migrate demo worker beat messages bench clean

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.lock
	touch $@

venv: $(VENV)/.installed

# Installs the Debian packages the portal needs when it can (root), or names the missing ones.
debian-deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then echo "Installing Debian packages:$$missing"; \
	    (apt-get install -y -qq $$missing >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq $$missing)) || echo "Could not install:$$missing"; \
	  else echo "Missing Debian packages (PDF reports need them):$$missing"; \
	    echo "  install with: sudo apt-get install -y$$missing"; fi; \
	fi

messages: venv
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages -v0 --ignore=.venv; fi

migrate: venv
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py seed_demo

run: venv debian-deps messages demo
	@echo ""
	@echo "兰馨HUI: http://127.0.0.1:8000/  (演示账号见上方，密码 Lanxin-2026)"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: venv messages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

worker: venv
	$(VENV)/bin/celery -A fenghua_portal worker -l info --concurrency 2

beat: venv
	$(VENV)/bin/celery -A fenghua_portal beat -l info

bench: venv
	$(PIP) install --quiet -r bench/requirements.txt
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench $(or $(BENCH_ARGS),all)

clean:
	rm -rf $(VENV) var db.sqlite3
