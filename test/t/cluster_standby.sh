#!/usr/bin/env bash
# Read replicas (issue 12, part 3): imgtrans's OCR functions read and write
# nothing, so they run on a hot standby (pg_basebackup -R of the primary)
# and give the primary's answers; the job functions give a clear ERROR
# there; a standby starts no workers.  pgpool-II (Debian pgpool2) in front
# of primary + standby sends the ad-hoc OCR SELECTs to the standby.
set -uo pipefail
source "$(dirname "$0")/../workers-lib.sh"
source "$(dirname "$0")/../nodes-lib.sh"
POOL_PID=""
cleanup() {
  [ -n "$POOL_PID" ] && kill -INT "$POOL_PID" 2>/dev/null && sleep 0.5 && kill -KILL "$POOL_PID" 2>/dev/null
  nodes_stop
}
trap cleanup EXIT

node_start primary "shared_preload_libraries = 'imgtrans'
imgtrans.workers = 1
imgtrans.job_retry_delay = 100" || bail "primary did not start"
node_use primary
create_extension
files=$(cluster_filedir "$(dirname "$0")/../fixtures/hello.png" "$(dirname "$0")/../fixtures/doc.png")
q -c "CREATE TABLE scans (name text PRIMARY KEY, img bytea)" \
  -c "INSERT INTO scans VALUES ('hello', pg_read_binary_file('$files/hello.png')), ('doc', pg_read_binary_file('$files/doc.png'))" \
  >/dev/null || bail "could not fill scans"
standby_start standby primary || bail "standby did not start"
deadline=$((SECONDS + 60))
until [ "$(nq standby "SELECT count(*) FROM scans" 2>/dev/null)" = 2 ] || [ $SECONDS -ge $deadline ]; do sleep 0.2; done
is "$(nq standby "SELECT pg_is_in_recovery()")" t "a hot standby of the primary (streaming replication)"

ocr_text="SELECT string_agg(name || ': ' || imgtrans_ocr_text(img), ' | ' ORDER BY name) FROM scans"
on_primary=$(nq primary "$ocr_text")
is "$(nq standby "$ocr_text")" "$on_primary" "imgtrans_ocr_text on the standby = on the primary"
is "$(nq standby "SELECT count(*) FROM scans, imgtrans_ocr(img)")" "$(nq primary "SELECT count(*) FROM scans, imgtrans_ocr(img)")" \
   "imgtrans_ocr on the standby: the primary's boxes"
is "$(nq standby "SELECT length(imgtrans_ocr_pdf(img)) > 0 FROM scans WHERE name = 'hello'")" t \
   "imgtrans_ocr_pdf on the standby"

for call in "imgtrans_submit(img) FROM scans LIMIT 1" "imgtrans_cancel(1)" "imgtrans_retry_failed()" \
            "imgtrans_wait(1, '1 s')"; do
  err=$(nq standby "SELECT $call" 2>&1 >/dev/null)
  state=$(psql -X -q -tA -v VERBOSITY=verbose -h 127.0.0.1 -p "$standby_PORT" -U postgres -c "SELECT $call" 2>&1 >/dev/null | grep -o "ERROR:  [0-9A-Z]\{5\}")
  [ "$state" = "ERROR:  25006" ] && [[ "$err" == *"on a standby server"* ]] && [[ "$err" == *"HINT:"* ]]
  ok_rc $? "on the standby, SELECT ${call%% *}: 25006 '$(echo "$err" | head -1)'"
done
is "$(nq standby "SELECT count(*) FROM imgtrans.workers")" 0 "the standby runs no workers"
! grep -q "imgtrans" <(grep -E "ERROR|FATAL" "$standby_DIR/server.log" | grep -v "on a standby server")
ok_rc $? "no imgtrans error in the standby's log but the refused calls"

# pgpool-II: load balancing sends the read-only OCR queries to the standby
pool_dir="$standby_DIR/pgpool"; mkdir -p "$pool_dir"; chown postgres: "$pool_dir" 2>/dev/null
pool_port=$(free_port); pcp_port=$(free_port)
cat >"$pool_dir/pgpool.conf" <<CONF
backend_clustering_mode = 'streaming_replication'
listen_addresses = '127.0.0.1'
port = $pool_port
unix_socket_directories = '$pool_dir'
pcp_listen_addresses = '127.0.0.1'
pcp_port = $pcp_port
pcp_socket_dir = '$pool_dir'
backend_hostname0 = '127.0.0.1'
backend_port0 = $primary_PORT
backend_weight0 = 0
backend_flag0 = 'ALLOW_TO_FAILOVER'
backend_hostname1 = '127.0.0.1'
backend_port1 = $standby_PORT
backend_weight1 = 1
backend_flag1 = 'ALLOW_TO_FAILOVER'
load_balance_mode = on
statement_level_load_balance = on
sr_check_period = 0
health_check_period = 0
enable_pool_hba = off
num_init_children = 4
max_pool = 2
pid_file_name = '$pool_dir/pgpool.pid'
logdir = '$pool_dir'
log_min_messages = warning
CONF
: >"$pool_dir/pcp.conf"
chown -R postgres: "$pool_dir" 2>/dev/null
as_pg /usr/sbin/pgpool -n -f "$pool_dir/pgpool.conf" -F "$pool_dir/pcp.conf" >"$pool_dir/pgpool.log" 2>&1 &
deadline=$((SECONDS + 30))
until [ -s "$pool_dir/pgpool.pid" ] || [ $SECONDS -ge $deadline ]; do sleep 0.1; done
POOL_PID=$(tr -d '\0' <"$pool_dir/pgpool.pid" 2>/dev/null | head -1)   # pgpool's own PID, stopped by it
until psql -X -tA -h 127.0.0.1 -p "$pool_port" -U postgres -d postgres -c "SELECT 1" >/dev/null 2>&1 || [ $SECONDS -ge $deadline ]; do sleep 0.2; done
pool() { psql -X -q -tA -h 127.0.0.1 -p "$pool_port" -U postgres -d postgres -c "$1"; }
is "$(pool "SELECT 1")" 1 "pgpool-II (pid $POOL_PID) on 127.0.0.1:$pool_port in front of primary + standby"
same=0
for i in 1 2 3 4 5; do [ "$(pool "$ocr_text")" = "$on_primary" ] && same=$((same + 1)); done
is "$same" 5 "5 OCR queries through pgpool give the primary's answers"
pool "SHOW pool_nodes" >"$pool_dir/nodes.txt"
standby_selects=$(awk -F'|' -v p="$standby_PORT" '$3 == p {gsub(/ /, "", $9); print $9}' "$pool_dir/nodes.txt")
echo "# $(tr '\n' ';' <"$pool_dir/nodes.txt")"
[ "${standby_selects:-0}" -ge 5 ]
ok_rc $? "pgpool sent them to the standby (select_cnt $standby_selects)"
finish
