# test/nodes-lib.sh: several throwaway PostgreSQL clusters in one test
# (farm nodes, shards, a standby).  Source after scripts/lib.sh.
#
#   node_start NAME [conf]   cluster_start, remembered as NAME: NAME_PORT,
#                            NAME_DIR, NAME_PID are set
#   node_use NAME            make NAME the current cluster (PGPORT, CLUSTER_*)
#   nq NAME SQL...           psql -tA -c SQL on NAME (database in NQ_DB, else
#                            postgres)
#   node_stop NAME [mode]    pg_ctl stop -m mode (default fast) by its data
#                            dir; node_start_again NAME starts it again
#   standby_start NAME PRIMARY   pg_basebackup -R of PRIMARY, started as a
#                            hot standby on its own port
#   nodes_stop               stop every node by PID and remove its dir
#
# Every server listens on 127.0.0.1 only and is stopped by PID.
NODES=""

node_start() {
  local name=$1; shift
  cluster_start "$@" || return 1
  printf -v "${name}_PORT" %s "$PGPORT"
  printf -v "${name}_DIR" %s "$CLUSTER_DIR"
  printf -v "${name}_PID" %s "$CLUSTER_PID"
  NODES="$NODES $name"
}

node_use() {
  local p="${1}_PORT" d="${1}_DIR" i="${1}_PID"
  export PGPORT=${!p} CLUSTER_DIR=${!d} CLUSTER_PID=${!i}
}

nq() {
  local p="${1}_PORT"; shift
  local args=()
  for s in "$@"; do args+=(-c "$s"); done
  psql -X -q -tA -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "${!p}" -U postgres -d "${NQ_DB:-postgres}" "${args[@]}"
}

node_stop() {
  local d="${1}_DIR"
  as_pg "$PGBIN/pg_ctl" -D "${!d}/data" -w -t 60 stop -m "${2:-fast}" >/dev/null
  printf -v "${1}_PID" %s ""   # never signal a PID the system may reuse
}

node_start_again() {
  local d="${1}_DIR"
  as_pg "$PGBIN/pg_ctl" -D "${!d}/data" -l "${!d}/server.log" -w -t 60 start >/dev/null || return 1
  printf -v "${1}_PID" %s "$(head -1 "${!d}/data/postmaster.pid")"
}

standby_start() {
  local name=$1 primary=$2 dir port pp="${2}_PORT"
  dir=$(mktemp -d /tmp/imgtrans-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  port=$(free_port)
  as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "${!pp}" -U postgres -D "$dir/data" -R -X stream \
    >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; return 1; }
  cat >>"$dir/data/postgresql.conf" <<CONF
port = $port
unix_socket_directories = '$dir'
hot_standby = on
CONF
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
    || { cat "$dir/server.log" >&2; return 1; }
  printf -v "${name}_PORT" %s "$port"
  printf -v "${name}_DIR" %s "$dir"
  printf -v "${name}_PID" %s "$(head -1 "$dir/data/postmaster.pid")"
  NODES="$NODES $name"
}

nodes_stop() {
  local n
  for n in $NODES; do
    node_use "$n"
    if [ -n "$CLUSTER_PID" ]; then cluster_stop; else rm -rf "$CLUSTER_DIR"; fi
  done
  NODES=""
}

# farm_setup MAIN NODE...: imgtrans on each node; on MAIN's database NQ_DB
# the extension imgtrans_farm, the PL/Proxy cluster imgtrans_farm (one
# partition per node, modular_mapping so any count works, connections
# as postgres) and imgtrans.farm = 'imgtrans_farm'
farm_setup() {
  local main=$1 n opts="modular_mapping '1'" i=0 p
  shift
  for n in "$@"; do
    NQ_DB=postgres nq "$n" "CREATE EXTENSION IF NOT EXISTS imgtrans" || return 1
    p="${n}_PORT"
    opts="$opts, p$i 'host=127.0.0.1 port=${!p} dbname=postgres connect_timeout=10'"
    i=$((i + 1))
  done
  nq "$main" "CREATE EXTENSION imgtrans_farm CASCADE" \
    "CREATE SERVER imgtrans_farm FOREIGN DATA WRAPPER plproxy OPTIONS ($opts)" \
    "CREATE USER MAPPING FOR PUBLIC SERVER imgtrans_farm OPTIONS (user 'postgres')" \
    "ALTER SYSTEM SET imgtrans.farm = 'imgtrans_farm'" "SELECT pg_reload_conf()" >/dev/null
}
