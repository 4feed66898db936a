#!/usr/bin/env bash
# bench/farm_bench.sh: background jobs on an OCR farm (PL/Proxy) vs the same
# jobs OCRed locally, one run, side by side, ratios printed.
#
#   bench/farm_bench.sh                     N=60 FARM_NODES="2 3" MAIN_WORKERS=4
#   N=200 FARM_NODES="3" MAIN_WORKERS=12 LOCAL_WORKERS=16 bench/farm_bench.sh   (a bigger machine)
#
# Clusters on this machine (127.0.0.1, removed at exit): a main database
# and max(FARM_NODES) farm nodes.  The same N images (test fixtures) go through
# the main database's queue:
#   (local)    imgtrans.workers = LOCAL_WORKERS (default: the cores), OCR in
#              the workers
#   (farm k)   imgtrans.workers = MAIN_WORKERS, imgtrans.farm over the first
#              k nodes: the workers send the OCR to the nodes and store the
#              rows
# Every configuration is warmed up first (engines, connections).  Prints
# jobs/s, and CPU per job from /proc: of the main server (postmaster, its
# live processes, and its reaped children) and of the nodes; main/node is
# the share of a job's OCR CPU the main database spends on it (target
# <= 5 %: one main database feeds >= 20 OCR cores).  On one machine the
# nodes share its cores, so jobs/s cannot grow with nodes here; the CPU
# ratio is what carries over to real hosts.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
imgtrans_locked "$0" "$@"
cd "$IMGTRANS_ROOT"
source test/nodes-lib.sh

N=${N:-60}
FARM_NODES=${FARM_NODES:-"2 3"}
MAIN_WORKERS=${MAIN_WORKERS:-4}
LOCAL_WORKERS=${LOCAL_WORKERS:-$(nproc)}
FIXTURES=${FIXTURES:-"doc.png cheque.png hello.png"}
max_nodes=$(echo $FARM_NODES | tr ' ' '\n' | sort -n | tail -1)

trap 'nodes_stop' EXIT
imgtrans_deps
imgtrans_build

for i in $(seq 1 "$max_nodes"); do
  node_start "n$i" "shared_preload_libraries = 'imgtrans'
imgtrans.workers = 0" >/dev/null
  nq "n$i" "CREATE EXTENSION imgtrans"
done
node_start main "shared_preload_libraries = 'imgtrans'
imgtrans.workers = $LOCAL_WORKERS
max_worker_processes = 64
max_connections = 100"
node_use main
srcs=()
for f in $FIXTURES; do srcs+=("test/fixtures/$f"); done
files=$(cluster_filedir "${srcs[@]}")
nq main "CREATE EXTENSION imgtrans_farm CASCADE" \
  "CREATE TABLE fixtures AS SELECT ord - 1 AS k, pg_read_binary_file('$files/' || name) AS img
   FROM unnest(string_to_array('$FIXTURES', ' ')) WITH ORDINALITY AS f(name, ord)" >/dev/null

HZ=$(getconf CLK_TCK)
# CPU seconds of a server: postmaster (with its reaped children) + live children
server_cpu() {
  local pm=$1
  python3 - "$pm" "$HZ" <<'PY'
import os, sys
pm, hz = sys.argv[1], int(sys.argv[2])
def fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()
t = 0
f = fields(pm)
t += sum(int(x) for x in f[11:15])          # utime stime cutime cstime
for pid in os.listdir("/proc"):
    if not pid.isdigit() or pid == pm:
        continue
    try:
        g = fields(pid)
    except OSError:
        continue
    if g[1] == pm:                             # ppid
        t += int(g[11]) + int(g[12])
print(t / hz)
PY
}
nodes_cpu() {
  local k=$1 t=0 i p
  for i in $(seq 1 "$k"); do
    p="n${i}_PID"; t=$(echo "$t + $(server_cpu "${!p}")" | bc -l)
  done
  echo "$t"
}

# runs N jobs; prints "seconds main_cpu node_cpu" for them (k farm nodes)
run_batch() {
  local k=$1 w=$2 t0 t1 m0 m1 c0 c1
  nq main "DO \$\$ DECLARE t timestamptz := clock_timestamp(); BEGIN
     WHILE (SELECT count(*) FROM imgtrans.workers) < $w AND clock_timestamp() < t + interval '60 s' LOOP
       PERFORM pg_sleep(0.05); END LOOP; END \$\$" >/dev/null
  # warm-up: every worker (and node backend) has loaded what it needs
  nq main "SELECT count(imgtrans_submit(img)) FROM fixtures, generate_series(1, 2 * $w)" >/dev/null
  nq main "DO \$\$ BEGIN WHILE EXISTS (SELECT FROM imgtrans.jobs WHERE status IN ('queued', 'running'))
           LOOP PERFORM pg_sleep(0.05); END LOOP; END \$\$" >/dev/null
  nq main "TRUNCATE imgtrans.jobs, imgtrans.job_boxes, imgtrans.job_pages" >/dev/null
  m0=$(server_cpu "$main_PID"); c0=$(nodes_cpu "$k"); t0=$(date +%s.%N)
  nq main "SELECT count(imgtrans_submit(img)) FROM generate_series(1, $N) i JOIN fixtures ON k = i % (SELECT count(*) FROM fixtures)" >/dev/null
  nq main "SELECT imgtrans_wait(max(id), '30 min') FROM imgtrans.jobs" >/dev/null
  nq main "DO \$\$ BEGIN WHILE EXISTS (SELECT FROM imgtrans.jobs WHERE status IN ('queued', 'running'))
           LOOP PERFORM pg_sleep(0.05); END LOOP; END \$\$" >/dev/null
  t1=$(date +%s.%N); m1=$(server_cpu "$main_PID"); c1=$(nodes_cpu "$k")
  [ "$(nq main "SELECT count(*) FROM imgtrans.jobs WHERE status = 'done'")" = "$N" ] \
    || { echo "not every job is done" >&2; exit 1; }
  echo "$(echo "$t1 - $t0" | bc -l) $(echo "$m1 - $m0" | bc -l) $(echo "$c1 - $c0" | bc -l)"
}

declare -A SECS MAIN NODE
log "(local) $LOCAL_WORKERS workers, OCR in the main server"
read -r SECS[local] MAIN[local] NODE[local] < <(run_batch 0 "$LOCAL_WORKERS")
nq main "ALTER SYSTEM SET imgtrans.workers = $MAIN_WORKERS" >/dev/null
cluster_restart fast; main_PID=$CLUSTER_PID
for k in $FARM_NODES; do
  log "(farm $k) $MAIN_WORKERS workers on the main server, OCR on $k nodes"
  opts="modular_mapping '1'"
  for i in $(seq 1 "$k"); do p="n${i}_PORT"; opts="$opts, p$((i - 1)) 'host=127.0.0.1 port=${!p} dbname=postgres'"; done
  nq main "DROP SERVER IF EXISTS imgtrans_farm CASCADE" \
    "CREATE SERVER imgtrans_farm FOREIGN DATA WRAPPER plproxy OPTIONS ($opts)" \
    "CREATE USER MAPPING FOR PUBLIC SERVER imgtrans_farm OPTIONS (user 'postgres')" \
    "ALTER SYSTEM SET imgtrans.farm = 'imgtrans_farm'" "SELECT pg_reload_conf()" >/dev/null
  cluster_restart fast; main_PID=$CLUSTER_PID   # fresh PL/Proxy cluster cache in the workers
  read -r SECS[farm$k] MAIN[farm$k] NODE[farm$k] < <(run_batch "$k" "$MAIN_WORKERS")
done

echo
echo "$N jobs ($FIXTURES), $(nproc) cores; CPU per job in ms"
printf '%-28s %8s %8s %14s %14s %10s %14s\n' config seconds jobs/s "main CPU/job" "node CPU/job" main/node "OCR cores fed"
printf '%-28s %8.2f %8.2f %14.1f %14s %10s %14s\n' "local, $LOCAL_WORKERS workers" "${SECS[local]}" \
  "$(echo "$N / ${SECS[local]}" | bc -l)" "$(echo "${MAIN[local]} * 1000 / $N" | bc -l)" - - -
for k in $FARM_NODES; do
  printf '%-28s %8.2f %8.2f %14.1f %14.1f %9.1f%% %14.0f\n' "farm $k nodes, $MAIN_WORKERS workers" "${SECS[farm$k]}" \
    "$(echo "$N / ${SECS[farm$k]}" | bc -l)" "$(echo "${MAIN[farm$k]} * 1000 / $N" | bc -l)" \
    "$(echo "${NODE[farm$k]} * 1000 / $N" | bc -l)" "$(echo "${MAIN[farm$k]} * 100 / ${NODE[farm$k]}" | bc -l)" \
    "$(echo "${NODE[farm$k]} / ${MAIN[farm$k]}" | bc -l)"
done
