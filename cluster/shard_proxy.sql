-- cluster/shard_proxy.sql: the proxy database of a sharded images table
-- (issue 12, part 2; see cluster/README.md).  Needs CREATE EXTENSION
-- plproxy and a PL/Proxy cluster named imgtrans_shards (a plproxy foreign
-- server with one pN option per shard, a power of two of them, and a user
-- mapping), then:
--     psql -d proxy -f cluster/shard_proxy.sql
-- Inserts go to the shard hashtext(key) maps to; stats, search and text
-- are gathered from all shards (RUN ON ALL) or read from the key's shard.
-- The proxy stores nothing.

CREATE FUNCTION shard_insert_image(key text, img bytea) RETURNS int
LANGUAGE plproxy AS $$
    CLUSTER 'imgtrans_shards';
    RUN ON hashtext(key);
$$;

CREATE FUNCTION shard_job_stats(OUT node text, OUT queued bigint, OUT running bigint, OUT done bigint,
                                OUT failed bigint, OUT cancelled bigint, OUT oldest_queued_age interval)
RETURNS SETOF record
LANGUAGE plproxy AS $$
    CLUSTER 'imgtrans_shards';
    RUN ON ALL;
$$;

-- imgtrans.job_stats over the whole cluster: one query
CREATE VIEW cluster_job_stats AS
SELECT sum(queued)::bigint AS queued, sum(running)::bigint AS running, sum(done)::bigint AS done,
       sum(failed)::bigint AS failed, sum(cancelled)::bigint AS cancelled,
       max(oldest_queued_age) AS oldest_queued_age, count(*) AS nodes
FROM shard_job_stats();

CREATE FUNCTION shard_image_text(key text) RETURNS TABLE (page int, text text)
LANGUAGE plproxy AS $$
    CLUSTER 'imgtrans_shards';
    RUN ON hashtext(key);
$$;

CREATE FUNCTION shard_search(query text, max_rows int) RETURNS TABLE (key text, page int, rank real, headline text)
LANGUAGE plproxy AS $$
    CLUSTER 'imgtrans_shards';
    RUN ON ALL;
$$;

-- the best max_rows matches over all shards
CREATE FUNCTION cluster_search(query text, max_rows int DEFAULT 100)
RETURNS TABLE (key text, page int, rank real, headline text)
LANGUAGE sql STABLE AS $$
    SELECT * FROM shard_search(query, max_rows) ORDER BY rank DESC, key, page LIMIT max_rows;
$$;
