-- cluster/shard_node.sql: one shard of a sharded images table (issue 12,
-- part 2; see cluster/README.md).  Run on every shard node, in the database
-- whose imgtrans workers run (imgtrans.database), after CREATE EXTENSION
-- imgtrans:
--     psql -d images -f cluster/shard_node.sql
-- Each node keeps its own images, queue, workers and results; the proxy
-- database's functions (shard_proxy.sql) reach them through PL/Proxy, which
-- calls the function of the same name here.  Nothing here ever reads
-- another node.
CREATE TABLE images (
    key  text PRIMARY KEY,
    img  bytea NOT NULL
);
-- the trigger queues one OCR job per inserted (or changed) image; results
-- land in images_imgtrans_boxes and images_imgtrans_text
SELECT imgtrans_setup_results('images', 'img');

-- routed insert (RUN ON hashtext(key) on the proxy)
CREATE FUNCTION shard_insert_image(key text, img bytea) RETURNS int
LANGUAGE sql AS $$
    INSERT INTO images VALUES (key, img)
    ON CONFLICT ON CONSTRAINT images_pkey DO UPDATE SET img = excluded.img;
    SELECT 1;
$$;

-- this node's queue, as imgtrans.job_stats (gathered with RUN ON ALL)
CREATE FUNCTION shard_job_stats(OUT node text, OUT queued bigint, OUT running bigint, OUT done bigint,
                                OUT failed bigint, OUT cancelled bigint, OUT oldest_queued_age interval)
LANGUAGE sql STABLE AS $$
    SELECT current_setting('cluster_name'), queued, running, done, failed, cancelled, oldest_queued_age
    FROM imgtrans.job_stats;
$$;

-- the text of one image, page by page (RUN ON hashtext(key))
CREATE FUNCTION shard_image_text(key text) RETURNS TABLE (page int, text text)
LANGUAGE sql STABLE AS $$
    SELECT t.page, t.text FROM images_imgtrans_text t WHERE t.key = shard_image_text.key ORDER BY t.page;
$$;

-- full-text search of this node's images (RUN ON ALL; the caller orders the
-- union by rank)
CREATE FUNCTION shard_search(query text, max_rows int) RETURNS TABLE (key text, page int, rank real, headline text)
LANGUAGE sql STABLE AS $$
    SELECT s.key->>'key', s.page, s.rank, s.headline FROM imgtrans_search('images', query, max_rows) s;
$$;
