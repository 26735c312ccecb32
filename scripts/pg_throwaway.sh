#!/usr/bin/env bash
# A throwaway PostgreSQL (+ PostGIS) cluster for the store's tests, from Debian's packages
# (apt-get install postgresql postgis).
#
#   scripts/pg_throwaway.sh start DIR    # initdb in DIR, start on a free port of 127.0.0.1, print the URL
#   scripts/pg_throwaway.sh stop DIR
#
# Run as root, the server runs as the `postgres` user the package made (PostgreSQL refuses root);
# otherwise as the caller. Trust authentication, on 127.0.0.1 and a socket in DIR only; no fsync.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "error: PostgreSQL is not installed (Debian: apt-get install postgresql postgis)" >&2
  exit 1
fi
cmd=${1:-}
dir=${2:?usage: pg_throwaway.sh start|stop DIR}
as_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$cmd" in
  start)
    mkdir -p "$dir"
    # the cluster lives in a folder of its own under /tmp, which the server's user can reach
    # whatever DIR's parents allow; DIR remembers where
    pg=$(mktemp -d "${TMPDIR:-/tmp}/newsmap-pg.XXXXXX")
    chmod 711 "$pg"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$pg"; fi
    echo "$pg" > "$dir/cluster"
    dir=$pg
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_user "$bin/initdb" -D "$dir/data" -A trust -U newsmap --no-sync > "$dir/initdb.log" 2>&1 \
      || { echo "error: initdb failed:" >&2; tail -5 "$dir/initdb.log" >&2; exit 1; }
    as_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start > /dev/null \
      || { echo "error: the server did not start:" >&2; tail -5 "$dir/server.log" >&2; exit 1; }
    as_user "$bin/createdb" -h 127.0.0.1 -p "$port" -U newsmap newsmap
    echo "postgresql://newsmap@127.0.0.1:$port/newsmap"
    ;;
  stop)
    [ -f "$dir/cluster" ] || exit 0
    pg=$(cat "$dir/cluster")
    as_user "$bin/pg_ctl" -D "$pg/data" -m immediate stop > /dev/null 2>&1 || true
    rm -rf "$pg" "$dir/cluster"
    ;;
  *)
    echo "usage: pg_throwaway.sh start|stop DIR" >&2
    exit 2
    ;;
esac
