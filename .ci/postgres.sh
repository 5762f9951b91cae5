#!/usr/bin/env bash
# Sourced by .ci/run: installs Debian's PostgreSQL if it is missing, starts a cluster, creates the
# gridflow role and database, and exports DATABASE_URL so the records-store tests run on
# PostgreSQL as well as SQLite. Idempotent: a running cluster and an existing role are reused.
# CI runs as root on a fresh machine; the server itself runs as the `postgres` user.
set -euo pipefail

PG_DB=${PG_DB:-gridflow_test}
PG_USER=${PG_USER:-gridflow}
PG_PASSWORD=${PG_PASSWORD:-gridflow}
PG_PORT=${PG_PORT:-5432}

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "postgres.sh: installing Debian's postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
fi
PG_VERSION=$(ls /usr/lib/postgresql | sort -V | tail -1)

if ! pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v' | grep -q .; then
  pg_createcluster "$PG_VERSION" main --port "$PG_PORT" >/dev/null
fi
PG_CLUSTER=$(pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v { print $2; exit }')
PG_PORT=$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c { print $3 }')
if ! pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c { print $4 }' | grep -q online; then
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
fi

for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
  sleep 1
done

psql_admin() { su postgres -c "psql -v ON_ERROR_STOP=1 -q -p $PG_PORT $*"; }
if [ "$(psql_admin "-tAc \"SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'\"")" != 1 ]; then
  psql_admin "-c \"CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD'\""
fi
if [ "$(psql_admin "-tAc \"SELECT 1 FROM pg_database WHERE datname = '$PG_DB'\"")" != 1 ]; then
  psql_admin "-c \"CREATE DATABASE $PG_DB OWNER $PG_USER\""
fi

export TEST_DATABASE_URL="postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"
echo "postgres.sh: PostgreSQL $PG_VERSION on port $PG_PORT, TEST_DATABASE_URL set"
