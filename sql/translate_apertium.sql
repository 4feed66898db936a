-- Translation through a real Apertium APy (apertium-eng-spa), started by
-- scripts/services-translate.sh; the cache; provider management; security.
\getenv apy IMGTRANS_APERTIUM_URL
-- SQLSTATE, message and hint of the error a statement raises
CREATE FUNCTION tr_err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    st text;
    msg text;
    hint text;
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
    RETURN st || ': ' || msg || CASE WHEN hint <> '' THEN E'\nHINT: ' || hint ELSE '' END;
END $$;
-- no provider yet
SELECT tr_err($$SELECT imgtrans_translate('Hello', 'es', 'en')$$);
SELECT imgtrans_add_provider('apertium', 'apertium', :'apy');
SELECT name, kind, url = :'apy' AS url_shown, has_api_key, timeout_ms, max_batch, is_default
FROM imgtrans_providers();

-- ---------------------------------------------------------------------------
-- Translating
-- ---------------------------------------------------------------------------
SELECT imgtrans_translate('The house is red.', 'es', 'en');
SELECT q, imgtrans_translate(q, 'es', 'en') AS es
FROM (VALUES ('I have three cats.'), ('Where is the library?'),
             ('The weather is nice today.'), ('We are reading a book in the garden.')) v(q);
-- ISO 639-1 or Apertium's own codes, both directions
SELECT imgtrans_translate('The dog is black.', 'spa', 'eng') AS iso639_3,
       imgtrans_translate('La casa es roja.', 'en', 'es') AS back;
-- arrays: order kept, NULLs in place, '' stays ''; shape kept
SELECT imgtrans_translate(ARRAY['Good morning.', NULL, 'Thank you very much.', '', NULL], 'es', 'en');
SELECT imgtrans_translate(ARRAY[['One.', 'Two.'], ['Three.', 'Four.']], 'es', 'en');
SELECT imgtrans_translate('{}'::text[], 'es', 'en') AS empty,
       imgtrans_translate(NULL::text, 'es', 'en') IS NULL AS null_text,
       imgtrans_translate(NULL::text[], 'es', 'en') IS NULL AS null_array;
-- line breaks, blank lines and the blanks around each line are kept
SELECT imgtrans_translate(E'Line one.\n\n  The second line.  \r\nLine three.\n', 'es', 'en');
-- UTF-8 in and out; what Apertium does not know passes unchanged
SELECT imgtrans_translate('Café 日本語 😀 naïve — “quoted”', 'es', 'en');
-- a provider with max_batch 2 sends 3 requests for 5 lines: same result
SELECT imgtrans_add_provider('apertium_small', 'apertium', :'apy', NULL, '{"max_batch": 2}');
SELECT imgtrans_translate(ARRAY['One.', 'Two.', 'Three.', 'Four.', 'Five.'], 'es', 'en', 'apertium_small');
SELECT imgtrans_drop_provider('apertium_small');

-- ---------------------------------------------------------------------------
-- Errors
-- ---------------------------------------------------------------------------
SELECT tr_err($$SELECT imgtrans_translate('Hello', 'es')$$) AS no_auto;
SELECT tr_err($$SELECT imgtrans_translate('Hello', 'e|s', 'en')$$) AS bad_code;
SELECT tr_err($$SELECT imgtrans_translate('Hello', 'xx', 'en')$$) AS unknown_code;
SELECT tr_err($$SELECT imgtrans_translate('Hello', 'fr', 'en')$$) AS unsupported_pair;
SELECT tr_err($$SELECT imgtrans_translate('Hello', NULL, 'en')$$) AS null_target;
SELECT tr_err($$SELECT imgtrans_translate('Hello', 'es', 'e s')$$) AS bad_source;
SELECT tr_err($$SELECT imgtrans_translate('Hello', 'es', NULL)$$) AS null_source_is_auto;
SELECT tr_err($$SELECT imgtrans_translate('Hello', 'es', 'en', 'nope')$$) AS unknown_provider;
SELECT imgtrans_add_provider('down', 'apertium', 'http://127.0.0.1:1');
SELECT tr_err($$SELECT imgtrans_translate('Hello', 'es', 'en', 'down')$$) AS provider_down;
SELECT tr_err($$SELECT * FROM imgtrans_provider_languages('down')$$) AS languages_down;
SELECT tr_err($$SELECT * FROM imgtrans_provider_languages('nope')$$) AS languages_unknown_provider;
SELECT imgtrans_drop_provider('down');
SELECT * FROM imgtrans_provider_languages('apertium') ORDER BY 1, 2;

-- ---------------------------------------------------------------------------
-- Cache
-- ---------------------------------------------------------------------------
SELECT imgtrans_cache_purge() >= 0 AS purged;
SELECT hits AS h0, misses AS m0 FROM imgtrans_cache_stats() \gset
SELECT imgtrans_translate('The cat sleeps on the table.', 'es', 'en');
SELECT rows, hits - :h0 AS hits, misses - :m0 AS misses FROM imgtrans_cache_stats();
SELECT imgtrans_translate('The cat sleeps on the table.', 'es', 'en');
SELECT rows, hits - :h0 AS hits, misses - :m0 AS misses FROM imgtrans_cache_stats();
-- provider codes share the entries of ISO codes; duplicates in a batch are looked up once
SELECT imgtrans_translate('The cat sleeps on the table.', 'spa', 'eng');
SELECT imgtrans_translate(ARRAY['The cat sleeps on the table.', 'A new sentence.', 'A new sentence.'], 'es', 'en');
SELECT rows, hits - :h0 AS hits, misses - :m0 AS misses FROM imgtrans_cache_stats();
-- the server goes away: cached texts still translate, with no HTTP at all
UPDATE imgtrans.providers SET url = 'http://127.0.0.1:1' WHERE name = 'apertium';
SELECT imgtrans_translate('The cat sleeps on the table.', 'es', 'en');
SELECT imgtrans_translate(ARRAY['A new sentence.', NULL], 'es', 'en');
SELECT tr_err($$SELECT imgtrans_translate('Something never translated.', 'es', 'en')$$) AS uncached;
SET imgtrans.translation_cache = off;
SELECT tr_err($$SELECT imgtrans_translate('The cat sleeps on the table.', 'es', 'en')$$) AS cache_off;
RESET imgtrans.translation_cache;
UPDATE imgtrans.providers SET url = :'apy' WHERE name = 'apertium';
-- a rolled-back transaction takes its cache entries with it
BEGIN;
SELECT imgtrans_translate('The river is long.', 'es', 'en');
ROLLBACK;
SELECT rows FROM imgtrans_cache_stats();
-- a read-only transaction translates without caching
BEGIN READ ONLY;
SELECT imgtrans_translate('The river is long.', 'es', 'en');
COMMIT;
SELECT rows FROM imgtrans_cache_stats();
SELECT imgtrans_cache_purge('1 hour') AS purged_old, imgtrans_cache_purge() AS purged_all;
SELECT rows FROM imgtrans_cache_stats();

-- ---------------------------------------------------------------------------
-- Provider management
-- ---------------------------------------------------------------------------
SELECT tr_err($$SELECT imgtrans_add_provider('apertium', 'apertium', 'http://x')$$) AS duplicate;
SELECT tr_err($$SELECT imgtrans_add_provider('x y', 'apertium', 'http://x')$$) AS bad_name;
SELECT tr_err($$SELECT imgtrans_add_provider('x', 'yandex', 'http://x')$$) AS bad_kind;
SELECT tr_err($$SELECT imgtrans_add_provider('x', 'apertium', 'file:///etc/passwd')$$) AS bad_url;
SELECT tr_err($$SELECT imgtrans_add_provider('x', 'deepl', 'https://api-free.deepl.com')$$) AS no_key;
SELECT tr_err($$SELECT imgtrans_add_provider('x', 'deepl', 'https://api-free.deepl.com', 'sk-SECRET', '{"max_batch": 51}')$$) AS batch_cap;
SELECT tr_err($$SELECT imgtrans_add_provider('x', 'apertium', 'http://x', NULL, '{"colour": 1}')$$) AS bad_option;
SELECT tr_err($$SELECT imgtrans_add_provider('x', 'google', 'https://g', 'sk-SECRET', '{"timeout_ms": "soon"}')$$) AS bad_value;
SELECT tr_err($$SELECT imgtrans_add_provider('x', 'apertium', 'http://x', NULL, '[1]')$$) AS options_not_object;
SELECT tr_err($$SELECT imgtrans_add_provider('x', 'apertium', 'http://x', NULL, '{"timeout_ms": 0}')$$) AS bad_timeout;
SELECT tr_err($$SELECT imgtrans_add_provider('x', 'apertium', 'http://x', NULL, '{"max_batch": 0}')$$) AS batch_zero;
SELECT tr_err($$SELECT imgtrans_drop_provider('x')$$) AS drop_missing;
-- the default moves with "default": true, and back to the oldest on drop
SELECT imgtrans_add_provider('second', 'apertium', :'apy', NULL, '{"default": true, "timeout_ms": 5000}');
SELECT name, timeout_ms, is_default FROM imgtrans_providers();
SELECT imgtrans_drop_provider('second');
SELECT name, is_default FROM imgtrans_providers();

-- ---------------------------------------------------------------------------
-- Security: any role translates; only superusers see URLs and manage
-- providers; nobody else reads keys or the cache
-- ---------------------------------------------------------------------------
SELECT imgtrans_add_provider('keyed', 'libretranslate', 'http://127.0.0.1:1', 'sk-SECRET-KEY-123');
CREATE ROLE regress_imgtrans_user;
SET ROLE regress_imgtrans_user;
SELECT imgtrans_translate('The house is red.', 'es', 'en');
SELECT imgtrans_translate(ARRAY['The house is red.', 'The sky is blue.'], 'es', 'en');
SELECT name, kind, url, has_api_key FROM imgtrans_providers();
SELECT tr_err($$SELECT api_key FROM imgtrans.providers$$) AS read_keys;
SELECT tr_err($$SELECT * FROM imgtrans.translation_cache$$) AS read_cache;
SELECT tr_err($$SELECT imgtrans_add_provider('evil', 'apertium', 'http://127.0.0.1:2')$$) AS add;
SELECT tr_err($$SELECT imgtrans_drop_provider('apertium')$$) AS drop;
SELECT tr_err($$SELECT imgtrans_cache_purge()$$) AS purge;
SELECT tr_err($$SET imgtrans.http_timeout_ms = 1$$) AS set_timeout;
SELECT tr_err($$SET imgtrans.translation_cache = off$$) AS set_cache;
-- the key is not in the error of a provider that fails
SELECT tr_err($$SELECT imgtrans_translate('Hello', 'es', 'en', 'keyed')$$) AS keyed_down;
-- after those errors we are still who we were
SELECT current_user;
RESET ROLE;
-- granting EXECUTE does not make add_provider usable by non-superusers
GRANT EXECUTE ON FUNCTION imgtrans_add_provider(text, text, text, text, jsonb) TO regress_imgtrans_user;
SET ROLE regress_imgtrans_user;
SELECT tr_err($$SELECT imgtrans_add_provider('evil', 'apertium', 'http://127.0.0.1:2')$$) AS add_granted;
RESET ROLE;
REVOKE EXECUTE ON FUNCTION imgtrans_add_provider(text, text, text, text, jsonb) FROM regress_imgtrans_user;
DROP ROLE regress_imgtrans_user;
SELECT imgtrans_drop_provider('keyed');
SELECT name, is_default FROM imgtrans_providers();
