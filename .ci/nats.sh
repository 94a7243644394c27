#!/usr/bin/env bash
# Makes sure a NATS server with JetStream runs on this machine for the queue
# tests, and prints, as the only line on standard output, the URL to give
# them:
#
#   export VIGIL_TEST_NATS="$(bash .ci/nats.sh)"
#
# On a machine of the project's kind nats-server is installed and running
# on 127.0.0.1:4222 with JetStream, and this only checks. On a fresh Debian
# machine it installs Debian's nats-server and starts it in the background
# on loopback with JetStream (state in /var/lib/nats-server). Needs root for
# the install. Progress goes to standard error.
set -euo pipefail

host=127.0.0.1
port=${VIGIL_CI_NATS_PORT:-4222}
store=${VIGIL_CI_NATS_DIR:-/var/lib/nats-server}
logfile=/var/log/nats-server-vigil-ci.log

log() { printf 'nats.sh: %s\n' "$*" >&2; }

up() { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; }

# JetStream answers $JS.API.INFO; a server without -js answers with an
# error or not at all. Checked with the nats-server's own monitoring-free
# protocol: send a request and read the reply.
jetstream() {
  exec 3<>"/dev/tcp/$host/$port" || return 1
  printf 'CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true}\r\nSUB _INBOX.ci 1\r\nPUB $JS.API.INFO _INBOX.ci 0\r\n\r\nPING\r\n' >&3
  local reply=""
  for _ in $(seq 20); do
    IFS= read -r -t 1 line <&3 || break
    reply+="$line"$'\n'
    case "$reply" in *'"type":"io.nats.jetstream.api.v1.account_info_response"'*) break ;; esac
  done
  exec 3<&- 3>&-
  case "$reply" in
    *'account_info_response'*) ! grep -q '"error"' <<<"$reply" ;;
    *) return 1 ;;
  esac
}

if ! up; then
  if ! command -v nats-server >/dev/null; then
    log "installing nats-server from Debian's packages"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >&2
  fi
  bin=$(command -v nats-server || echo /usr/sbin/nats-server)
  mkdir -p "$store"
  log "starting $bin on $host:$port with JetStream in $store"
  if command -v start-stop-daemon >/dev/null; then
    start-stop-daemon --start --oknodo --background --make-pidfile \
      --pidfile "/run/nats-server-vigil-ci-$port.pid" --exec "$bin" -- \
      -a "$host" -p "$port" -js -sd "$store" -l "$logfile" >&2
  else
    nohup "$bin" -a "$host" -p "$port" -js -sd "$store" -l "$logfile" >/dev/null 2>&1 &
  fi
  for _ in $(seq 50); do up && break; sleep 0.2; done
fi
if ! up; then
  log "nats-server does not answer on $host:$port; see $logfile"
  exit 1
fi
if ! jetstream; then
  log "the NATS server on $host:$port has no JetStream: restart it with -js (see $logfile)"
  exit 1
fi
log "NATS with JetStream ready on $host:$port"
echo "nats://$host:$port"
