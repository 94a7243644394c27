#!/usr/bin/env bash
# Makes sure a PostgreSQL server runs on this machine for the store tests,
# and prints, as the only line on standard output, the URL to give them:
#
#   export VIGIL_TEST_POSTGRES="$(bash .ci/postgres.sh)"
#
# On a machine of the project's kind PostgreSQL is installed and running
# with trust authentication on 127.0.0.1, and this only checks. On a fresh
# Debian machine it installs Debian's postgresql, creates and starts the
# cluster, waits until it answers, gives the postgres role a password if
# the server asks for one, and creates the database "test". Needs root for
# the install. Progress goes to standard error.
set -euo pipefail

host=127.0.0.1
db=test
user=postgres
password=${VIGIL_CI_PG_PASSWORD:-vigil-ci}
cluster=${VIGIL_CI_PG_CLUSTER:-main} # another name makes a cluster of its own (to test this script)

log() { printf 'postgres.sh: %s\n' "$*" >&2; }

if ! command -v pg_ctlcluster >/dev/null || ! command -v psql >/dev/null; then
  log "installing PostgreSQL from Debian's packages"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

# The newest installed version's cluster: created if missing, started if down.
version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
if [ -z "$version" ]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n1)
fi
if [ -z "$(pg_lsclusters -h "$version" "$cluster" 2>/dev/null)" ]; then
  log "creating cluster $version/$cluster"
  pg_createcluster "$version" "$cluster" >&2
fi
port=$(pg_lsclusters -h "$version" "$cluster" | awk '{print $3}')
if ! pg_lsclusters -h "$version" "$cluster" | grep -q online; then
  log "starting cluster $version/$cluster"
  pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start >&2
fi

for _ in $(seq 60); do
  pg_isready -q -h "$host" -p "$port" && break
  sleep 0.5
done
if ! pg_isready -q -h "$host" -p "$port"; then
  log "PostgreSQL $version on $host:$port does not answer; see /var/log/postgresql/postgresql-$version-$cluster.log"
  exit 1
fi

# As the postgres OS user over the local socket (peer or trust authentication).
as_postgres() { runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qAtX "$@"; }

url="postgres://$user@$host:$port/$db?sslmode=disable"
if ! PGCONNECT_TIMEOUT=5 psql -h "$host" -p "$port" -U "$user" -d postgres -w -qAtXc 'SELECT 1' >/dev/null 2>&1; then
  log "the server wants a password on $host: setting one for role $user"
  as_postgres -c "ALTER ROLE $user PASSWORD '$password'" >&2
  url="postgres://$user:$password@$host:$port/$db?sslmode=disable"
fi
export PGPASSWORD=$password
if [ "$(psql -h "$host" -p "$port" -U "$user" -d postgres -w -qAtXc "SELECT count(*) FROM pg_database WHERE datname = '$db'")" = 0 ]; then
  log "creating database $db"
  psql -h "$host" -p "$port" -U "$user" -d postgres -w -qAtXc "CREATE DATABASE $db" >&2
fi
psql -h "$host" -p "$port" -U "$user" -d "$db" -w -qAtXc 'SELECT 1' >/dev/null
log "PostgreSQL $version ready on $host:$port"
echo "$url"
