-- imgtrans 0.17.0 -> 0.18.0: background jobs take preprocessing steps, so
-- preprocess => '{auto}' can be turned on for a whole table: the job option
-- "preprocess" (imgtrans_submit, and the trigger's new fourth argument: job
-- options), imgtrans_setup_results(..., options), recorded in
-- imgtrans.result_tables.options, and imgtrans_check_job_options().
\echo Use "ALTER EXTENSION imgtrans UPDATE" to load this file. \quit

CREATE FUNCTION imgtrans_check_job_options(options jsonb)
RETURNS void
AS 'MODULE_PATHNAME', 'imgtrans_check_job_options'
LANGUAGE C STRICT STABLE PARALLEL SAFE;
COMMENT ON FUNCTION imgtrans_check_job_options(jsonb) IS
    'ERROR unless options are job options that imgtrans_submit and imgtrans_enqueue take (level, psm, vars, preprocess, provider, priority, max_attempts)';

COMMENT ON FUNCTION imgtrans_enqueue() IS
    'Row trigger: imgtrans_enqueue(image_column, lang DEFAULT ''eng'', target DEFAULT NULL (or ''''), options DEFAULT NULL) queues a job for the row''s new image, with job options as imgtrans_submit takes them';

ALTER TABLE imgtrans.result_tables ADD COLUMN options jsonb;
COMMENT ON COLUMN imgtrans.result_tables.options IS 'Job options of the table''s jobs (imgtrans_setup_results), NULL for none';

-- one more argument: a new function, not an overload.  Its body is 0.9.0's
-- with the options checked, passed to the trigger and recorded (an upgrade
-- script restates a function it changes: the 0.9.0 script stays as it was)
DROP FUNCTION imgtrans_setup_results(regclass, name, text, text);

CREATE FUNCTION imgtrans_setup_results(source regclass, image_column name, lang text DEFAULT 'eng',
                                       target text DEFAULT NULL, options jsonb DEFAULT NULL)
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
    IF options IS NOT NULL THEN
        -- as imgtrans_submit checks them: now, not when the first row fires the trigger
        PERFORM @extschema@.imgtrans_check_job_options(options);
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
                   CASE WHEN options IS NOT NULL
                        THEN ', ' || quote_literal(coalesce(target, '')) || ', ' || quote_literal(options::text)
                        WHEN target IS NOT NULL THEN ', ' || quote_literal(target) ELSE '' END);
    INSERT INTO imgtrans.result_tables (source_table, image_column, lang, target, options, boxes_table, text_table)
    VALUES (source, image_column, lang, target, options,
            format('%I.%I', nsp, boxes)::regclass, format('%I.%I', nsp, texts)::regclass);
    RETURN format('%I.%I', nsp, boxes)::regclass;
END
$$;
COMMENT ON FUNCTION imgtrans_setup_results(regclass, name, text, text, jsonb) IS
    'Makes <table>_imgtrans_boxes and <table>_imgtrans_text keyed by the table''s primary key (foreign keys ON DELETE CASCADE) and a trigger that OCRs (and translates to target) each new or changed image into them, with the job options (e.g. {"preprocess": ["auto"]}); the caller must own the table. Returns the boxes table';
