# The production image: gunicorn for the web, the same image for Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 1000 desk
WORKDIR /app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY --chown=desk:desk . .
# Hashed, compressed static files for whitenoise; the key only lets settings load here.
RUN SECRET_KEY=collectstatic-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --no-input --verbosity 0

USER desk
EXPOSE 8000
# Workers, timeouts and the bind address: gunicorn.conf.py (nginx in front, docker-compose.yml).
CMD ["gunicorn", "servicedesk.wsgi:application"]
