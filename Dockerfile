# Kwika production image: the API (`kwika serve`) and the workers (`kwika worker`).
# Build: docker build -t kwika .    (docker-compose.yml builds it for you)

# ---- build: install Kwika and its runtime dependencies into a virtualenv -------------------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"

WORKDIR /src
# pyproject.toml names README.md as the package readme, so it is part of the build.
COPY pyproject.toml README.md ./
COPY src ./src
# Runtime dependencies only (no `[test]` extras).
RUN pip install .

# ---- runtime ----------------------------------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH="/opt/venv/bin:$PATH" \
    KWIKA_ENVIRONMENT=production

# A fixed, unprivileged user; var/ (outbox, media, ...) is the only place it writes.
RUN groupadd --system --gid 10001 kwika \
 && useradd --system --uid 10001 --gid kwika --home-dir /app --shell /usr/sbin/nologin kwika \
 && mkdir -p /app/var \
 && chown -R kwika:kwika /app

COPY --from=build /opt/venv /opt/venv

WORKDIR /app
USER kwika

EXPOSE 8000

# No HEALTHCHECK here: the same image runs the worker, which has no HTTP port.
# docker-compose.yml probes the API's /health/ready.

CMD ["kwika", "serve", "--host", "0.0.0.0", "--port", "8000"]
