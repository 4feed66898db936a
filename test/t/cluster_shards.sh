#!/usr/bin/env bash
# The sharded recipe (issue 12, part 2; cluster/shard_node.sql and
# cluster/shard_proxy.sql): 2 shard nodes, each with its own images table,
# queue, workers and results, behind a PL/Proxy proxy database.  Inserts
# through the proxy land on the shard hashtext(key) maps to and are OCRed
# there; the cluster's job stats are one query; search and text are
# gathered from the shards.
set -uo pipefail
source "$(dirname "$0")/../workers-lib.sh"
source "$(dirname "$0")/../nodes-lib.sh"
trap 'nodes_stop' EXIT
root=$(cd "$(dirname "$0")/../.." && pwd)

for n in s0 s1; do
  node_start "$n" "shared_preload_libraries = 'imgtrans'
imgtrans.database = 'images'
imgtrans.workers = 1
imgtrans.job_retry_delay = 100
cluster_name = '$n'" || bail "shard $n did not start"
  nq "$n" "CREATE DATABASE images" >/dev/null
  NQ_DB=images nq "$n" "CREATE EXTENSION imgtrans" >/dev/null || bail "CREATE EXTENSION on $n failed"
  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(eval echo \$${n}_PORT)" -U postgres -d images \
    -f "$root/cluster/shard_node.sql" >/dev/null || bail "shard_node.sql failed on $n"
done
node_start proxy "" || bail "proxy did not start"
nq proxy "CREATE EXTENSION plproxy" \
  "CREATE SERVER imgtrans_shards FOREIGN DATA WRAPPER plproxy OPTIONS (
     p0 'host=127.0.0.1 port=$s0_PORT dbname=images', p1 'host=127.0.0.1 port=$s1_PORT dbname=images')" \
  "CREATE USER MAPPING FOR PUBLIC SERVER imgtrans_shards OPTIONS (user 'postgres')" >/dev/null \
  || bail "proxy cluster definition failed"
psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$proxy_PORT" -U postgres -d postgres \
  -f "$root/cluster/shard_proxy.sql" >/dev/null || bail "shard_proxy.sql failed"
ok "2 shards (images, queue, workers, results each) behind a PL/Proxy proxy"

node_use proxy
files=$(cluster_filedir "$root/test/fixtures/hello.png" "$root/test/fixtures/doc.png")
is "$(nq proxy "SELECT sum(shard_insert_image('k' || i, pg_read_binary_file('$files/' || CASE WHEN i % 2 = 0 THEN 'hello.png' ELSE 'doc.png' END))) FROM generate_series(1, 12) i")" \
   12 "12 images inserted through the proxy"
deadline=$((SECONDS + 180))
until [ "$(nq proxy "SELECT done FROM cluster_job_stats")" = 12 ] || [ $SECONDS -ge $deadline ]; do sleep 0.3; done
is "$(nq proxy "SELECT queued || ' ' || running || ' ' || done || ' ' || failed || ' ' || nodes FROM cluster_job_stats")" \
   "0 0 12 0 2" "cluster_job_stats: one query over both shards' imgtrans.job_stats (12 done, 2 nodes)"
is "$(nq proxy "SELECT string_agg(node || ':' || done, ' ' ORDER BY node) FROM shard_job_stats()")" \
   "s0:$(nq proxy "SELECT count(*) FROM generate_series(1, 12) i WHERE hashtext('k' || i) & 1 = 0") s1:$(nq proxy "SELECT count(*) FROM generate_series(1, 12) i WHERE hashtext('k' || i) & 1 = 1")" \
   "each shard ran the jobs of its own images"
for n in s0 s1; do
  want=${n#s}
  is "$(NQ_DB=images nq "$n" "SELECT count(*) > 0 AND bool_and(hashtext(key) & 1 = $want) FROM images")" t \
     "shard $n holds only keys with hashtext(key) & 1 = $want"
done
is "$(nq proxy "SELECT string_agg(text, ' ') FROM shard_image_text('k2')")" "Hello imgtrans world" \
   "shard_image_text('k2') is read from its shard"
is "$(nq proxy "SELECT count(*) || ' ' || count(DISTINCT key) FROM cluster_search('hello', 100)")" "6 6" \
   "cluster_search('hello') finds the 6 hello images over both shards"
is "$(nq proxy "SELECT count(*) FROM cluster_search('hello', 2)")" 2 "cluster_search keeps the limit"
finish
