-- imgtrans 0.8.0 -> 0.9.0: results where users want them.
--
-- imgtrans_setup_results(table) makes results tables keyed by the table's
-- own primary key columns (any types, single or composite), owned by the
-- caller, with foreign keys to the table (ON DELETE CASCADE), and a
-- trigger that queues the row's image; workers write each finished job's
-- results there as the job's owner, replacing the row's older ones.
-- Jobs, their staged boxes and the registry of results tables are dumped
-- by pg_dump.
\echo Use "ALTER EXTENSION imgtrans UPDATE" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Backups: the job history and results survive pg_dump / restore
-- ---------------------------------------------------------------------------

SELECT pg_catalog.pg_extension_config_dump('imgtrans.jobs', '');
SELECT pg_catalog.pg_extension_config_dump('imgtrans.jobs_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('imgtrans.job_boxes', '');

COMMENT ON COLUMN imgtrans.jobs.source_key IS
    'The source row''s primary key: the key column''s text for a single-column key, a text[] literal of the key columns in key order for a composite key';

-- ---------------------------------------------------------------------------
-- Text search configuration of an OCR language
-- ---------------------------------------------------------------------------

CREATE FUNCTION imgtrans_ts_config(lang text)
RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE pg_catalog.split_part(lang, '+', 1)
    WHEN 'eng' THEN 'pg_catalog.english'::pg_catalog.regconfig
    WHEN 'spa' THEN 'pg_catalog.spanish'::pg_catalog.regconfig
    WHEN 'deu' THEN 'pg_catalog.german'::pg_catalog.regconfig
    WHEN 'fra' THEN 'pg_catalog.french'::pg_catalog.regconfig
    WHEN 'ita' THEN 'pg_catalog.italian'::pg_catalog.regconfig
    WHEN 'por' THEN 'pg_catalog.portuguese'::pg_catalog.regconfig
    WHEN 'nld' THEN 'pg_catalog.dutch'::pg_catalog.regconfig
    WHEN 'dan' THEN 'pg_catalog.danish'::pg_catalog.regconfig
    WHEN 'swe' THEN 'pg_catalog.swedish'::pg_catalog.regconfig
    WHEN 'nor' THEN 'pg_catalog.norwegian'::pg_catalog.regconfig
    WHEN 'fin' THEN 'pg_catalog.finnish'::pg_catalog.regconfig
    WHEN 'hun' THEN 'pg_catalog.hungarian'::pg_catalog.regconfig
    WHEN 'ron' THEN 'pg_catalog.romanian'::pg_catalog.regconfig
    WHEN 'rus' THEN 'pg_catalog.russian'::pg_catalog.regconfig
    WHEN 'tur' THEN 'pg_catalog.turkish'::pg_catalog.regconfig
    ELSE 'pg_catalog.simple'::pg_catalog.regconfig END;
COMMENT ON FUNCTION imgtrans_ts_config(text) IS
    'The text search configuration for a tesseract language (its first one): eng -> english, spa -> spanish, deu -> german, ...; simple for the others';

-- ---------------------------------------------------------------------------
-- Results tables keyed by the user's row
-- ---------------------------------------------------------------------------

CREATE TABLE imgtrans.result_tables (
    source_table regclass PRIMARY KEY,
    image_column name NOT NULL,
    lang         text NOT NULL,
    target       text,
    boxes_table  regclass NOT NULL,
    text_table   regclass NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE imgtrans.result_tables IS
    'Tables whose jobs write their results into results tables keyed by the row (imgtrans_setup_results)';
SELECT pg_catalog.pg_extension_config_dump('imgtrans.result_tables', '');
ALTER TABLE imgtrans.result_tables ENABLE ROW LEVEL SECURITY;
-- Anyone sees where results go; only the owner of all three tables
-- registers or unregisters them.  Workers write results as the job's
-- owner, so a registration grants nobody anything.
CREATE POLICY result_tables_read ON imgtrans.result_tables FOR SELECT USING (true);
CREATE POLICY result_tables_owner ON imgtrans.result_tables FOR INSERT
    WITH CHECK (pg_catalog.pg_has_role((SELECT relowner FROM pg_catalog.pg_class WHERE oid = source_table), 'USAGE')
            AND pg_catalog.pg_has_role((SELECT relowner FROM pg_catalog.pg_class WHERE oid = boxes_table), 'USAGE')
            AND pg_catalog.pg_has_role((SELECT relowner FROM pg_catalog.pg_class WHERE oid = text_table), 'USAGE'));
CREATE POLICY result_tables_unregister ON imgtrans.result_tables FOR DELETE
    USING (coalesce(pg_catalog.pg_has_role((SELECT relowner FROM pg_catalog.pg_class WHERE oid = source_table), 'USAGE'), false));
GRANT SELECT, INSERT, DELETE ON imgtrans.result_tables TO PUBLIC;

CREATE FUNCTION imgtrans_setup_results(source regclass, image_column name, lang text DEFAULT 'eng',
                                       target text DEFAULT NULL)
RETURNS regclass
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    reserved CONSTANT name[] := ARRAY['job_id', 'page', 'box_no', 'level', 'block_num', 'par_num',
        'line_num', 'word_num', 'x', 'y', 'width', 'height', 'conf', 'text', 'bbox', 'translated',
        'lang', 'tsconfig', 'tsv'];
    nsp     name;
    rel     name;
    relkind char;
    owner   oid;
    keys    name[];
    keydefs text;
    keylist text;
    boxes   name;
    texts   name;
    lang_part text;
BEGIN
    SELECT n.nspname, c.relname, c.relkind, c.relowner INTO nsp, rel, relkind, owner
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = source;
    IF NOT FOUND OR relkind NOT IN ('r', 'p') THEN
        RAISE EXCEPTION '"%" is not a table', source USING ERRCODE = 'wrong_object_type';
    END IF;
    IF NOT pg_has_role(owner, 'USAGE') THEN
        RAISE EXCEPTION 'must be owner of table %', source USING ERRCODE = 'insufficient_privilege',
            HINT = 'The results tables reference the table and add a trigger to it.';
    END IF;
    IF EXISTS (SELECT FROM imgtrans.result_tables r WHERE r.source_table = source) THEN
        RAISE EXCEPTION 'table % already has imgtrans results tables', source
            USING ERRCODE = 'duplicate_object',
                  HINT = 'Drop them first with imgtrans_drop_results().';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = source AND a.attname = image_column
                   AND a.atttypid = 'pg_catalog.bytea'::regtype AND a.attnum > 0 AND NOT a.attisdropped) THEN
        RAISE EXCEPTION 'table % has no bytea column "%"', source, image_column
            USING ERRCODE = 'undefined_column';
    END IF;
    IF lang IS NULL OR lang !~ '^[A-Za-z0-9_]+(\+[A-Za-z0-9_]+)*$' THEN
        RAISE EXCEPTION 'invalid language "%"', lang USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Use tesseract language names joined with +, such as eng or eng+spa.';
    END IF;
    FOREACH lang_part IN ARRAY string_to_array(lang, '+') LOOP
        IF NOT EXISTS (SELECT FROM @extschema@.imgtrans_languages() l WHERE l = lang_part) THEN
            RAISE EXCEPTION 'language "%" is not installed', lang_part
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Installed: ' || (SELECT string_agg(l, ', ') FROM @extschema@.imgtrans_languages() l);
        END IF;
    END LOOP;

    SELECT array_agg(a.attname ORDER BY k.ord),
           string_agg(format('%I %s NOT NULL', a.attname, format_type(a.atttypid, a.atttypmod)), ', '
                      ORDER BY k.ord),
           string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
    INTO keys, keydefs, keylist
    FROM pg_index i
    CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    WHERE i.indrelid = source AND i.indisprimary AND k.ord <= i.indnkeyatts;
    IF keys IS NULL THEN
        RAISE EXCEPTION 'table % needs a primary key for imgtrans results', source
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Add a primary key, such as an identity column.';
    END IF;
    IF keys && reserved THEN
        RAISE EXCEPTION 'primary key column "%" of table % has the name of a results column',
            (SELECT k FROM unnest(keys) k WHERE k = ANY (reserved) LIMIT 1), source
            USING ERRCODE = 'duplicate_column',
                  HINT = 'The results tables have columns ' || array_to_string(reserved, ', ') || '.';
    END IF;

    boxes := left(rel, 47) || '_imgtrans_boxes';
    texts := left(rel, 48) || '_imgtrans_text';
    EXECUTE format('CREATE TABLE %I.%I (%s, job_id bigint NOT NULL, page int NOT NULL DEFAULT 1,'
                   ' box_no int NOT NULL, level text, block_num int, par_num int, line_num int,'
                   ' word_num int, x int, y int, width int, height int, conf real, text text, bbox box,'
                   ' translated text, PRIMARY KEY (%s, page, box_no),'
                   ' FOREIGN KEY (%s) REFERENCES %I.%I (%s) ON DELETE CASCADE ON UPDATE CASCADE)',
                   nsp, boxes, keydefs, keylist, keylist, nsp, rel, keylist);
    EXECUTE format('CREATE TABLE %I.%I (%s, page int NOT NULL DEFAULT 1, job_id bigint NOT NULL,'
                   ' lang text NOT NULL, tsconfig regconfig NOT NULL, text text, translated text,'
                   ' tsv tsvector GENERATED ALWAYS AS (to_tsvector(tsconfig, coalesce(text, ''''))) STORED,'
                   ' PRIMARY KEY (%s, page),'
                   ' FOREIGN KEY (%s) REFERENCES %I.%I (%s) ON DELETE CASCADE ON UPDATE CASCADE)',
                   nsp, texts, keydefs, keylist, keylist, nsp, rel, keylist);
    EXECUTE format('CREATE INDEX %I ON %I.%I USING gin (tsv)', left(texts, 59) || '_tsv', nsp, texts);
    EXECUTE format('COMMENT ON TABLE %I.%I IS %L', nsp, boxes,
                   format('imgtrans OCR boxes of the current image of each row of %s (one per box, with its translation)', source));
    EXECUTE format('COMMENT ON TABLE %I.%I IS %L', nsp, texts,
                   format('imgtrans text of the current image of each row of %s, per page, its translation and tsvector', source));
    EXECUTE format('CREATE TRIGGER imgtrans_results AFTER INSERT OR UPDATE OF %I ON %I.%I'
                   ' FOR EACH ROW EXECUTE FUNCTION @extschema@.imgtrans_enqueue(%L, %L%s)',
                   image_column, nsp, rel, image_column, lang,
                   CASE WHEN target IS NULL THEN '' ELSE ', ' || quote_literal(target) END);
    INSERT INTO imgtrans.result_tables (source_table, image_column, lang, target, boxes_table, text_table)
    VALUES (source, image_column, lang, target,
            format('%I.%I', nsp, boxes)::regclass, format('%I.%I', nsp, texts)::regclass);
    RETURN format('%I.%I', nsp, boxes)::regclass;
END
$$;
COMMENT ON FUNCTION imgtrans_setup_results(regclass, name, text, text) IS
    'Makes <table>_imgtrans_boxes and <table>_imgtrans_text keyed by the table''s primary key (foreign keys ON DELETE CASCADE) and a trigger that OCRs (and translates to target) each new or changed image into them; the caller must own the table. Returns the boxes table';

CREATE FUNCTION imgtrans_drop_results(source regclass)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r imgtrans.result_tables;
BEGIN
    DELETE FROM imgtrans.result_tables t WHERE t.source_table = source RETURNING * INTO r;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'table % has no imgtrans results tables', source
            USING ERRCODE = 'undefined_object',
                  HINT = 'Only the table''s owner can drop them.';
    END IF;
    EXECUTE format('DROP TRIGGER IF EXISTS imgtrans_results ON %s', source);
    EXECUTE format('DROP TABLE IF EXISTS %s, %s', r.boxes_table, r.text_table);
END
$$;
COMMENT ON FUNCTION imgtrans_drop_results(regclass) IS
    'Drops the results tables and the trigger imgtrans_setup_results made for the table (its owner only)';

-- ---------------------------------------------------------------------------
-- Full-text search over the results tables
-- ---------------------------------------------------------------------------

CREATE FUNCTION imgtrans_search(source regclass, query text, max_rows int DEFAULT 100)
RETURNS TABLE (key jsonb, page int, rank real, headline text, words jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r        imgtrans.result_tables;
    cfg      regconfig;
    keyobj   text;      -- jsonb_build_object('k1', t.k1, ...)
    keymatch text;      -- b.k1 OPERATOR(s.=) t.k1 AND ...
    keymatch_f text;    -- the same for alias f
BEGIN
    SELECT * INTO r FROM imgtrans.result_tables t WHERE t.source_table = source;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'table % has no imgtrans results tables', source
            USING ERRCODE = 'undefined_object',
                  HINT = 'Make them with imgtrans_setup_results().';
    END IF;
    cfg := @extschema@.imgtrans_ts_config(r.lang);
    -- the key columns, compared with the primary key's own btree equality
    -- operators (a key type's "=" may live outside pg_catalog)
    SELECT string_agg(format('%L, t.%I', a.attname, a.attname), ', ' ORDER BY k.ord),
           string_agg(format('b.%I OPERATOR(%I.%s) t.%I', a.attname, opn.nspname, op.oprname, a.attname),
                      ' AND ' ORDER BY k.ord),
           string_agg(format('f.%I OPERATOR(%I.%s) t.%I', a.attname, opn.nspname, op.oprname, a.attname),
                      ' AND ' ORDER BY k.ord)
    INTO keyobj, keymatch, keymatch_f
    FROM pg_index i
    CROSS JOIN LATERAL unnest(i.indkey::int2[], i.indclass::oid[]) WITH ORDINALITY AS k(attnum, opclass, ord)
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    JOIN pg_opclass opc ON opc.oid = k.opclass
    JOIN pg_amop amop ON amop.amopfamily = opc.opcfamily AND amop.amoplefttype = opc.opcintype
                     AND amop.amoprighttype = opc.opcintype AND amop.amopstrategy = 3
    JOIN pg_operator op ON op.oid = amop.amopopr
    JOIN pg_namespace opn ON opn.oid = op.oprnamespace
    WHERE i.indrelid = source AND i.indisprimary AND k.ord <= i.indnkeyatts;

    RETURN QUERY EXECUTE format($q$
        WITH q AS (SELECT websearch_to_tsquery($2, $1) AS tsq),
        lexemes AS (SELECT coalesce(array_agg(DISTINCT replace(m[1], '''''', '''')), '{}') AS l
                    FROM q, regexp_matches(q.tsq::text, '''((?:[^'']|'''')*)''', 'g') AS m)
        SELECT jsonb_build_object(%1$s), t.page, ts_rank(t.tsv, q.tsq),
               ts_headline($2, t.text, q.tsq),
               (SELECT coalesce(jsonb_agg(jsonb_build_object('box_no', b.box_no, 'level', b.level,
                                 'text', b.text, 'x', b.x, 'y', b.y, 'width', b.width,
                                 'height', b.height, 'conf', b.conf) ORDER BY b.box_no), '[]')
                FROM %2$s b, lexemes
                WHERE %3$s AND b.page = t.page
                  AND b.level = (SELECT f.level FROM %2$s f
                                 WHERE %4$s AND f.page = t.page ORDER BY f.box_no DESC LIMIT 1)
                  AND tsvector_to_array(to_tsvector($2, coalesce(b.text, ''))) && lexemes.l)
        FROM %5$s t, q
        WHERE t.tsv @@ q.tsq
        ORDER BY 3 DESC, 1, 2
        LIMIT $3 $q$,
        keyobj, r.boxes_table, keymatch, keymatch_f, r.text_table)
    USING query, cfg, max_rows;
END
$$;
COMMENT ON FUNCTION imgtrans_search(regclass, text, int) IS
    'Full-text search (websearch_to_tsquery syntax, the text search configuration of the table''s OCR language) over the results of a table set up with imgtrans_setup_results: each matching row and page with its key as jsonb, ts_rank, a ts_headline, and the boxes of the matching words (x, y, width, height, text: ready for imgtrans_render(img, words, ''boxes'')), best first';
