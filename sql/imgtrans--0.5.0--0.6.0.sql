-- imgtrans 0.5.0 -> 0.6.0: security hardening.
--
-- Tesseract variables (vars) are an allow-list of variables that affect
-- recognition only; imgtrans_ocr_vars() shows it.  Job times are the real
-- start and end of the work; imgtrans.worker_status() shows a job only to
-- those who may see the job.
\echo Use "ALTER EXTENSION imgtrans UPDATE TO '0.6.0'" to load this file. \quit

CREATE FUNCTION imgtrans_ocr_vars(OUT name text, OUT type text, OUT min float8, OUT max float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'imgtrans_ocr_vars'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION imgtrans_ocr_vars() IS
    'The tesseract variables vars may set: the built-in allow-list (type, range; for strings max is the longest value in bytes) and the names a superuser added in imgtrans.extra_tesseract_vars (type NULL)';

COMMENT ON COLUMN imgtrans.jobs.started_at IS 'When a worker took the job for its latest attempt';
COMMENT ON COLUMN imgtrans.jobs.finished_at IS 'When the job''s last attempt ended (done, failed or cancelled)';
COMMENT ON FUNCTION imgtrans.worker_status() IS
    'The job workers'' shared-memory registry; a job and its phase are shown only to its owner (and members) and imgtrans_admin. Use the view imgtrans.workers';

-- ---------------------------------------------------------------------------
-- Translation: the longest text a provider takes whole (longer ones are split)
-- ---------------------------------------------------------------------------

ALTER TABLE imgtrans.providers
    ADD COLUMN max_chars int CHECK (max_chars BETWEEN 1 AND 1000000);  -- NULL: the kind's default
COMMENT ON COLUMN imgtrans.providers.max_chars IS
    'Longest text (characters) sent whole; longer texts are split at paragraph and sentence ends. NULL: the kind''s default';

CREATE OR REPLACE FUNCTION imgtrans_add_provider(name text, kind text, url text, api_key text DEFAULT NULL,
                                      options jsonb DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    opt_keys  text[];
    batch_cap int := CASE kind WHEN 'deepl' THEN 50 WHEN 'google' THEN 128 ELSE 10000 END;
    batch     int;
    timeout   int;
    chars     int;
    make_default boolean;
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'only superusers can add translation providers'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- checked here, so that no constraint error can print the row (and its key)
    IF name IS NULL OR name !~ '^[A-Za-z0-9_.-]{1,63}$' THEN
        RAISE EXCEPTION 'invalid translation provider name "%"', name
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use 1 to 63 letters, digits, "_", "." or "-".';
    END IF;
    IF kind IS NULL OR kind NOT IN ('apertium', 'libretranslate', 'deepl', 'google') THEN
        RAISE EXCEPTION 'unknown translation provider kind "%"', kind
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use apertium, libretranslate, deepl or google.';
    END IF;
    IF url IS NULL OR url !~* '^https?://[^/?#]+' THEN
        RAISE EXCEPTION 'URL of translation provider "%" must start with http:// or https://', name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF kind IN ('deepl', 'google') AND coalesce(api_key, '') = '' THEN
        RAISE EXCEPTION 'translation provider kind "%" needs an API key', kind
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF options IS NOT NULL AND jsonb_typeof(options) <> 'object' THEN
        RAISE EXCEPTION 'options must be a JSON object'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    opt_keys := ARRAY(SELECT jsonb_object_keys(coalesce(options, '{}'))
                      EXCEPT SELECT unnest(ARRAY['timeout_ms', 'max_batch', 'max_chars', 'default']));
    IF cardinality(opt_keys) > 0 THEN
        RAISE EXCEPTION 'unknown provider option "%"', opt_keys[1]
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Options are timeout_ms, max_batch, max_chars and default.';
    END IF;
    BEGIN
        timeout := (options->>'timeout_ms')::int;
        batch := coalesce((options->>'max_batch')::int,
                          CASE kind WHEN 'apertium' THEN 1000 WHEN 'libretranslate' THEN 100
                                    ELSE batch_cap END);
        chars := (options->>'max_chars')::int;
        make_default := coalesce((options->>'default')::boolean, false);
    EXCEPTION WHEN data_exception THEN
        RAISE EXCEPTION 'invalid provider options'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'timeout_ms, max_batch and max_chars are integers, default is a boolean.';
    END;
    IF timeout IS NOT NULL AND timeout < 1 THEN
        RAISE EXCEPTION 'timeout_ms must be positive' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF batch < 1 OR batch > batch_cap THEN
        RAISE EXCEPTION 'max_batch of a % provider must be between 1 and %', kind, batch_cap
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF chars IS NOT NULL AND (chars < 1 OR chars > 1000000) THEN
        RAISE EXCEPTION 'max_chars must be between 1 and 1000000'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The most characters of one text the provider translates whole; longer texts are split at sentence ends.';
    END IF;
    IF EXISTS (SELECT 1 FROM imgtrans.providers p WHERE p.name = imgtrans_add_provider.name) THEN
        RAISE EXCEPTION 'translation provider "%" already exists', name
            USING ERRCODE = 'duplicate_object',
                  HINT = 'Drop it first with imgtrans_drop_provider().';
    END IF;
    make_default := make_default OR NOT EXISTS (SELECT 1 FROM imgtrans.providers);
    IF make_default THEN
        UPDATE imgtrans.providers SET is_default = false WHERE is_default;
    END IF;
    INSERT INTO imgtrans.providers (name, kind, url, api_key, timeout_ms, max_batch, max_chars, is_default)
    VALUES (name, kind, url, nullif(api_key, ''), timeout, batch, chars, make_default);
END
$$;
COMMENT ON FUNCTION imgtrans_add_provider(text, text, text, text, jsonb) IS
    'Adds a translation provider (superuser only). kind: apertium, libretranslate, deepl or google; options: {"timeout_ms": int, "max_batch": int, "max_chars": int, "default": bool}. The first provider added is the default';
