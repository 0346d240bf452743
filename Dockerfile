FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext postgresql-client \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
# Build steps sign nothing: a throwaway key lets the settings load (the real one comes from .env).
RUN SECRET_KEY=build-only-not-used-at-run-time python manage.py compilemessages -v0 --ignore=.venv \
 && SECRET_KEY=build-only-not-used-at-run-time STATIC_HASHED=1 python manage.py collectstatic --noinput -v0
RUN useradd --create-home lanxin && mkdir -p /data/private /data/reports && chown -R lanxin /data
USER lanxin
EXPOSE 8000
CMD ["gunicorn", "fenghua_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--max-requests", "1000"]
