# hmip-bot: `serve` in a slim container, run as a non-root user, state on a volume.
#
#   docker build -t hmip-bot .
#   docker run --rm hmip-bot hmip-bot demo                      # no config, no network
#   docker run -d --name hmip-bot --restart unless-stopped \
#     -v "$PWD/config.yaml:/app/config.yaml:ro" -v hmip-state:/app/state \
#     -e SLACK_BOT_TOKEN -e SMTP_USER -e SMTP_PASSWORD hmip-bot
#
# The config is mounted at /app/config.yaml (or baked: `FROM hmip-bot` + `COPY config.yaml
# /app/config.yaml`); its default `state_dir: state` is then /app/state, the volume. Secrets
# stay in the environment and reach the config through ${NAME}. tests/test_docker_recipe.py
# replays the install and run steps below without a Docker daemon.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LOG_LEVEL=INFO

RUN useradd --create-home --home-dir /home/hmip --uid 10001 --user-group --shell /usr/sbin/nologin hmip

WORKDIR /app
# Only what the package needs (pyproject's `readme` is part of its metadata).
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-cache-dir .

# The volume directory is created owned by the bot user, so a new named volume is too.
RUN mkdir -p /app/state && chown hmip:hmip /app/state
VOLUME ["/app/state"]

USER 10001:10001
# Unhealthy when the last successful poll is older than three poll intervals.
HEALTHCHECK --interval=5m --timeout=30s --start-period=5m --retries=2 \
    CMD ["hmip-bot", "status", "--check"]
CMD ["hmip-bot", "serve"]
