#!/usr/bin/env bash
# Prepares a PostgreSQL server for kapmap: starts the local server if it is down, then creates the
# `kapmap` role and database with the cube and earthdistance extensions the nearby search needs.
# CI runs this too. Safe to run again: every step checks first.
#
#   PGHOST / PGPORT / PGUSER   where to connect as a superuser (default 127.0.0.1, 5432, postgres)
#   KAPMAP_DB                  the database to create (default kapmap)
set -euo pipefail

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
db="${KAPMAP_DB:-kapmap}"

if ! pg_isready -q -t 2; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    echo "PostgreSQL at $PGHOST:$PGPORT is down: starting cluster $version/main"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
  else
    echo "PostgreSQL at $PGHOST:$PGPORT is down and there is no local cluster to start." >&2
    echo "Install it (apt-get install postgresql) or point PGHOST/PGPORT at a server." >&2
    exit 1
  fi
  for _ in $(seq 1 30); do pg_isready -q -t 1 && break; sleep 1; done
  pg_isready -q -t 2 || { echo "PostgreSQL did not come up" >&2; exit 1; }
fi

psql -v ON_ERROR_STOP=1 -qAt -d postgres <<SQL
SELECT 'CREATE ROLE kapmap LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kapmap') \gexec
SELECT 'CREATE DATABASE $db OWNER kapmap' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db') \gexec
SQL
# The extensions are created by the first migration too; creating them here lets a role without
# superuser rights run the migrations on a managed server.
psql -v ON_ERROR_STOP=1 -qAt -d "$db" -c 'CREATE EXTENSION IF NOT EXISTS cube; CREATE EXTENSION IF NOT EXISTS earthdistance;'
echo "PostgreSQL ready: postgres://kapmap@$PGHOST:$PGPORT/$db"
