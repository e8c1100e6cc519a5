# syntax=docker/dockerfile:1
#
# signalbot container image.
#
#   docker build -t signalbot .
#   docker run --rm -p 3000:3000 -v signalbot-data:/data \
#     -v "$PWD/deploy/signalbot.yaml:/config/signalbot.yaml:ro" \
#     --env-file deploy/.env signalbot run --config /config/signalbot.yaml
#
# Two stages: the builder turns the project and every dependency into wheels; the runtime
# installs those wheels offline, so no compiler, build tool or pip cache reaches the final image.
# deploy/compose.yaml builds and runs this image with an optional PostgreSQL service.

ARG PYTHON_IMAGE=python:3.12-slim

# --------------------------------------------------------------------------- builder
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

WORKDIR /src

# Only what the wheel is built from (see .dockerignore for what never enters the context).
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers

# The project's own wheel first, then the wheels of all its dependencies beside it. Every
# dependency ships binary wheels for linux amd64/arm64 on CPython 3.12 except a few pure-Python
# sdists (e.g. sgmllib3k, via feedparser), which pip builds without a compiler.
RUN pip wheel --no-deps --wheel-dir /wheels . \
 && pip wheel --wheel-dir /wheels .

# --------------------------------------------------------------------------- runtime
FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="signalbot" \
      org.opencontainers.image.description="Slack and Teams alerts for geopolitical and trade-policy signals: escalation, commitment clarity and the evidence behind them." \
      org.opencontainers.image.licenses="MIT"

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SIGNALBOT_HOST=0.0.0.0 \
    SIGNALBOT_PORT=3000 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SIGNALBOT_DATA_DIR=/data

# Install from the builder's wheels only (--no-index: nothing is fetched at this stage). The
# wheels are bind-mounted for this one step, so they do not stay in a layer of the image.
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-index --find-links=/wheels signalbot \
 && signalbot --help > /dev/null

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
# /healthz and /metrics. Inside a container it must listen on 0.0.0.0, not 127.0.0.1.
EXPOSE 3000

# slim has no curl or wget: probe with the standard library. urlopen raises on any non-2xx
# status or connection error, which exits non-zero and marks the container unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4).close()"]

# Python runs as PID 1 here: the bot must handle SIGTERM itself (or run the container with
# --init / compose `init: true`, as deploy/compose.yaml does) to shut down cleanly on stop.
ENTRYPOINT ["signalbot"]
CMD ["run"]
