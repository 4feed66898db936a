-- imgtrans 0.1.0 -> 0.2.0: text translation through HTTP providers, with a cache.
\echo Use "ALTER EXTENSION imgtrans UPDATE TO '0.2.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Internal schema
-- ---------------------------------------------------------------------------

CREATE SCHEMA IF NOT EXISTS imgtrans;
REVOKE ALL ON SCHEMA imgtrans FROM PUBLIC;
COMMENT ON SCHEMA imgtrans IS
    'imgtrans internals; readable only by the extension''s owner, used through the imgtrans_* functions';

-- ---------------------------------------------------------------------------
-- Providers
-- ---------------------------------------------------------------------------

CREATE TABLE imgtrans.providers (
    name       text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9_.-]{1,63}$'),
    kind       text NOT NULL CHECK (kind IN ('apertium', 'libretranslate', 'deepl', 'google')),
    url        text NOT NULL CHECK (url ~* '^https?://[^/?#]+'),
    api_key    text,
    timeout_ms int CHECK (timeout_ms > 0),      -- NULL: imgtrans.http_timeout_ms
    max_batch  int NOT NULL CHECK (max_batch >= 1 AND max_batch <=
                   CASE kind WHEN 'deepl' THEN 50 WHEN 'google' THEN 128 ELSE 10000 END),
    is_default boolean NOT NULL DEFAULT false,
    created    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX providers_one_default ON imgtrans.providers (is_default) WHERE is_default;
REVOKE ALL ON TABLE imgtrans.providers FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('imgtrans.providers', '');
COMMENT ON TABLE imgtrans.providers IS
    'Translation providers (with their API keys: superuser only); manage with imgtrans_add_provider/imgtrans_drop_provider';

CREATE FUNCTION imgtrans_add_provider(name text, kind text, url text, api_key text DEFAULT NULL,
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
                      EXCEPT SELECT unnest(ARRAY['timeout_ms', 'max_batch', 'default']));
    IF cardinality(opt_keys) > 0 THEN
        RAISE EXCEPTION 'unknown provider option "%"', opt_keys[1]
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Options are timeout_ms, max_batch and default.';
    END IF;
    BEGIN
        timeout := (options->>'timeout_ms')::int;
        batch := coalesce((options->>'max_batch')::int,
                          CASE kind WHEN 'apertium' THEN 1000 WHEN 'libretranslate' THEN 100
                                    ELSE batch_cap END);
        make_default := coalesce((options->>'default')::boolean, false);
    EXCEPTION WHEN data_exception THEN
        RAISE EXCEPTION 'invalid provider options'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'timeout_ms and max_batch are integers, default is a boolean.';
    END;
    IF timeout IS NOT NULL AND timeout < 1 THEN
        RAISE EXCEPTION 'timeout_ms must be positive' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF batch < 1 OR batch > batch_cap THEN
        RAISE EXCEPTION 'max_batch of a % provider must be between 1 and %', kind, batch_cap
            USING ERRCODE = 'invalid_parameter_value';
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
    INSERT INTO imgtrans.providers (name, kind, url, api_key, timeout_ms, max_batch, is_default)
    VALUES (name, kind, url, nullif(api_key, ''), timeout, batch, make_default);
END
$$;
REVOKE ALL ON FUNCTION imgtrans_add_provider(text, text, text, text, jsonb) FROM PUBLIC;
COMMENT ON FUNCTION imgtrans_add_provider(text, text, text, text, jsonb) IS
    'Adds a translation provider (superuser only). kind: apertium, libretranslate, deepl or google; options: {"timeout_ms": int, "max_batch": int, "default": bool}. The first provider added is the default';

CREATE FUNCTION imgtrans_drop_provider(name text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    was_default boolean;
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'only superusers can drop translation providers'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM imgtrans.providers p WHERE p.name = imgtrans_drop_provider.name
    RETURNING is_default INTO was_default;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'translation provider "%" does not exist', name
            USING ERRCODE = 'undefined_object';
    END IF;
    DELETE FROM imgtrans.translation_cache c WHERE c.provider = imgtrans_drop_provider.name;
    IF was_default THEN     -- the oldest remaining provider takes over
        UPDATE imgtrans.providers SET is_default = true
        WHERE providers.name = (SELECT p.name FROM imgtrans.providers p ORDER BY created, p.name LIMIT 1);
    END IF;
END
$$;
REVOKE ALL ON FUNCTION imgtrans_drop_provider(text) FROM PUBLIC;
COMMENT ON FUNCTION imgtrans_drop_provider(text) IS
    'Drops a translation provider and its cached translations (superuser only)';

CREATE FUNCTION imgtrans_providers(OUT name text, OUT kind text, OUT url text, OUT has_api_key boolean,
                                   OUT timeout_ms int, OUT max_batch int, OUT is_default boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'imgtrans_providers'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION imgtrans_providers() IS
    'The translation providers, without their API keys; url is shown to superusers only';

CREATE FUNCTION imgtrans_provider_languages(name text DEFAULT NULL, OUT source text, OUT target text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'imgtrans_provider_languages'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION imgtrans_provider_languages(text) IS
    'Language pairs the provider (NULL: the default one) says it supports, in its own codes';

-- ---------------------------------------------------------------------------
-- Cache
-- ---------------------------------------------------------------------------

CREATE TABLE imgtrans.translation_cache (
    provider    text NOT NULL,
    source      text NOT NULL,          -- provider's code, or 'auto'
    target      text NOT NULL,          -- provider's code
    text_hash   bytea NOT NULL,         -- SHA-256 of the source text
    translation text NOT NULL,
    created     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, source, target, text_hash)
);
REVOKE ALL ON TABLE imgtrans.translation_cache FROM PUBLIC;
COMMENT ON TABLE imgtrans.translation_cache IS
    'Translations already fetched, keyed by provider, languages and SHA-256 of the text';

CREATE FUNCTION imgtrans_cache_stats(OUT rows bigint, OUT hits bigint, OUT misses bigint)
RETURNS record
AS 'MODULE_PATHNAME', 'imgtrans_cache_stats'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION imgtrans_cache_stats() IS
    'Cached translations, and distinct texts found (hits) or not (misses) in the cache: since server start with shared_preload_libraries, else in this session';

CREATE FUNCTION imgtrans_cache_purge(older_than interval DEFAULT '0')
RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n bigint;
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'only superusers can purge the translation cache'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM imgtrans.translation_cache WHERE created <= now() - coalesce(older_than, '0');
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
REVOKE ALL ON FUNCTION imgtrans_cache_purge(interval) FROM PUBLIC;
COMMENT ON FUNCTION imgtrans_cache_purge(interval) IS
    'Deletes cached translations older than the interval (default: all) and returns how many (superuser only)';

-- ---------------------------------------------------------------------------
-- Translation
-- ---------------------------------------------------------------------------

CREATE FUNCTION imgtrans_translate(q text, target text, source text DEFAULT 'auto',
                                   provider text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'imgtrans_translate'
LANGUAGE C VOLATILE PARALLEL UNSAFE COST 10000;
COMMENT ON FUNCTION imgtrans_translate(text, text, text, text) IS
    'Translates text to the target language (ISO 639-1 or the provider''s code) with the provider (NULL: the default one), through the cache';

CREATE FUNCTION imgtrans_translate(q text[], target text, source text DEFAULT 'auto',
                                   provider text DEFAULT NULL)
RETURNS text[]
AS 'MODULE_PATHNAME', 'imgtrans_translate_array'
LANGUAGE C VOLATILE PARALLEL UNSAFE COST 10000;
COMMENT ON FUNCTION imgtrans_translate(text[], text, text, text) IS
    'Translates every element (NULLs stay NULL, order kept) in as few HTTP requests as the provider allows, through the cache';
