#!/usr/bin/env bash
# Makes sure the local dependencies the services and tests need are running:
#   PostgreSQL on 127.0.0.1:5432, NATS (with JetStream) on 127.0.0.1:4222 and Redis on 127.0.0.1:6379 (gateway).
# Starts whichever is down (Debian packages on the dev/CI machines), then waits until both answer.
# Idempotent and quiet when everything is already up. Exit 1 with a message if a dependency
# cannot be reached within ENSURE_DEPS_TIMEOUT seconds (default 30).
set -uo pipefail

PG_HOST=127.0.0.1
PG_PORT=5432
NATS_HOST=127.0.0.1
NATS_PORT=4222
TIMEOUT="${ENSURE_DEPS_TIMEOUT:-30}"

log() { echo "ensure-deps: $*" >&2; }

pg_up() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" >/dev/null 2>&1; }

# Prints the INFO line NATS sends on connect (empty if nothing answers).
nats_info() {
  timeout 3 bash -c "exec 3<>/dev/tcp/$NATS_HOST/$NATS_PORT && head -n1 <&3" 2>/dev/null || true
}

nats_up() { [[ "$(nats_info)" == INFO* ]]; }

if ! command -v pg_isready >/dev/null 2>&1; then
  log "pg_isready not found (install postgresql-client)"
  exit 1
fi

if ! pg_up; then
  log "PostgreSQL is not accepting connections on $PG_HOST:$PG_PORT, starting it"
  pg_version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
  if [[ -z "$pg_version" ]] || ! command -v pg_ctlcluster >/dev/null 2>&1; then
    log "no local PostgreSQL cluster found (/etc/postgresql is empty or pg_ctlcluster is missing)"
    exit 1
  fi
  # "already running" (e.g. still starting up) is not an error here: the wait below decides.
  pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start >/dev/null 2>&1 ||
    log "pg_ctlcluster $pg_version main start returned non-zero (waiting anyway)"
fi

if ! nats_up; then
  log "nothing answers on $NATS_HOST:$NATS_PORT, starting nats-server with JetStream"
  if [[ ! -x /usr/sbin/nats-server ]]; then
    log "/usr/sbin/nats-server not found (install the nats-server package)"
    exit 1
  fi
  mkdir -p /var/lib/nats-server 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a "$NATS_HOST" -p "$NATS_PORT" -js -sd /var/lib/nats-server -l /var/log/nats-server.log >/dev/null ||
    log "start-stop-daemon returned non-zero (waiting anyway)"
fi

REDIS_HOST=127.0.0.1
REDIS_PORT=6379
redis_up() { [[ "$(timeout 3 bash -c "exec 3<>/dev/tcp/$REDIS_HOST/$REDIS_PORT && printf 'PING\r\n' >&3 && head -c5 <&3" 2>/dev/null)" == +PONG* ]]; }

if ! redis_up; then
  log "nothing answers on $REDIS_HOST:$REDIS_PORT, starting redis-server"
  if command -v redis-server >/dev/null 2>&1; then
    redis-server --bind "$REDIS_HOST" --port "$REDIS_PORT" --daemonize yes --save '' --appendonly no >/dev/null ||
      log "redis-server returned non-zero (waiting anyway)"
  else
    log "redis-server not found (install the redis-server package)"
    exit 1
  fi
fi

deadline=$((SECONDS + TIMEOUT))
while :; do
  pg_ok=0
  nats_ok=0
  pg_up && pg_ok=1
  info=$(nats_info)
  [[ "$info" == INFO* ]] && nats_ok=1
  redis_ok=0
  redis_up && redis_ok=1
  if ((pg_ok && nats_ok && redis_ok)); then
    break
  fi
  if ((SECONDS >= deadline)); then
    ((redis_ok)) || log "Redis is still not answering on $REDIS_HOST:$REDIS_PORT after ${TIMEOUT}s"
    ((pg_ok)) || log "PostgreSQL is still not accepting connections on $PG_HOST:$PG_PORT after ${TIMEOUT}s"
    ((nats_ok)) || log "NATS is still not answering on $NATS_HOST:$NATS_PORT after ${TIMEOUT}s (see /var/log/nats-server.log)"
    exit 1
  fi
  sleep 0.5
done

# The services need JetStream; a NATS started without -js would make them fail later in confusing ways.
if [[ "$info" != *'"jetstream":true'* ]]; then
  log "NATS on $NATS_HOST:$NATS_PORT is running without JetStream. Restart it with -js, e.g.:"
  log "  start-stop-daemon --stop --oknodo --exec /usr/sbin/nats-server && bash $0"
  exit 1
fi

exit 0
