# syntax=docker/dockerfile:1
#
# signalbot container image.
#
#   docker build -t signalbot .
#   docker run --rm -p 3000:3000 -v signalbot-data:/data \
#     -v "$PWD/deploy/signalbot.yaml:/config/signalbot.yaml:ro" \
#     --env-file deploy/.env signalbot run --config /config/signalbot.yaml
#
# Two stages: the builder installs the locked dependencies (requirements.lock: exact versions,
# every file checked against its sha256) and the project into a virtualenv; the runtime copies
# that virtualenv, so no build tool or pip cache reaches the final image.
# deploy/compose.yaml builds and runs this image beside PostgreSQL; deploy/kubernetes/ runs it
# on a cluster.
#
# The base is pinned by digest, so a rebuild uses the same Debian and Python until the digest is
# changed on purpose. To move to a newer python:3.12-slim-bookworm, look up its digest with
#   docker buildx imagetools inspect python:3.12-slim-bookworm
# and replace the one below. After changing a dependency in pyproject.toml, regenerate the lock:
#   uv pip compile pyproject.toml --universal --python-version 3.12 --generate-hashes -o requirements.lock

ARG PYTHON_IMAGE=python:3.12-slim-bookworm@sha256:782412e85d0f0984994c290652577d4018aff08145c85b262bb63dc0c7522254

# --------------------------------------------------------------------------- builder
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

WORKDIR /src

# Dependencies first, from the lock only (--require-hashes: exact versions, verified files), so
# this layer is reused until the lock changes.
COPY requirements.lock ./
RUN python -m venv /opt/signalbot \
 && /opt/signalbot/bin/pip install --require-hashes --no-deps -r requirements.lock

# Then the project itself, without resolving its dependencies again (only its build backend,
# setuptools, is fetched for this step).
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
# The scorer compiled with mypyc (bot/native_build.py): the same results, about a third faster.
# gcc stays in this stage; mypy and setuptools leave the virtualenv again before it is copied.
# Should the compiler fail, the image still works, with the scorer as Python source.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/* \
 && /opt/signalbot/bin/pip install mypy==2.4.1 setuptools==84.2.1 \
 && (/opt/signalbot/bin/python -m bot.native_build || echo "the scorer stays Python source") \
 && /opt/signalbot/bin/pip uninstall -y mypy mypy_extensions pathspec librt ast-serialize setuptools
RUN /opt/signalbot/bin/pip install --no-deps . \
 && /opt/signalbot/bin/pip check

# --------------------------------------------------------------------------- runtime
FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="signalbot" \
      org.opencontainers.image.description="Slack and Teams alerts for geopolitical and trade-policy signals: escalation, commitment clarity and the evidence behind them." \
      org.opencontainers.image.licenses="MIT"

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SIGNALBOT_HOST=0.0.0.0 \
    SIGNALBOT_PORT=3000 \
    SIGNALBOT_DATA_DIR=/data \
    PATH=/opt/signalbot/bin:$PATH

# The same base image in both stages, so the virtualenv's interpreter path is valid here.
COPY --from=builder /opt/signalbot /opt/signalbot
RUN signalbot --help > /dev/null

# A fixed, non-root uid/gid so that volume ownership is predictable across hosts. /data must be
# created and chowned before VOLUME: changes to a volume path after VOLUME are discarded.
RUN groupadd --system --gid 10001 signalbot \
 && useradd --system --uid 10001 --gid signalbot --home-dir /home/signalbot --create-home \
        --shell /usr/sbin/nologin signalbot \
 && mkdir -p /data \
 && chown signalbot:signalbot /data \
 && chmod 0750 /data

VOLUME ["/data"]
WORKDIR /home/signalbot
USER 10001:10001

# One inbound web server: Slack events/commands/interactivity, Teams messages, WebSub callbacks,
# /healthz (alive), /readyz (ready for traffic) and /metrics. Inside a container it must listen
# on 0.0.0.0, not 127.0.0.1.
EXPOSE 3000

# slim has no curl or wget: probe with the standard library. urlopen raises on any non-2xx
# status or connection error, which exits non-zero and marks the container unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4).close()"]

# Python runs as PID 1 here: the bot must handle SIGTERM itself (or run the container with
# --init / compose `init: true`, as deploy/compose.yaml does) to shut down cleanly on stop.
ENTRYPOINT ["signalbot"]
CMD ["run"]
