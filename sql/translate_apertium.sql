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
-- every line break, blank line and blank at a line's ends comes back as it was; each line
-- travels alone (followed by a "." line), so words cannot move between texts of a batch
SELECT replace(replace(imgtrans_translate(t, 'es', 'en'), E'\n', '<LF>'), E'\r', '<CR>') AS kept
FROM unnest(ARRAY[E'a\n\n\nb', E'\n', E'Hello.\r\nGood morning.\n', E'  Lead.  \n\n\t']) t;
SELECT imgtrans_translate(ARRAY['The red', 'house', E'a\n\n\nb', E'\n', 'Good morning.', NULL, E'\r\n'], 'es', 'en');
-- a long text (148,892 characters, 5000 sentences) is split into pieces APy takes whole
-- (APy itself keeps only the first ~40,960 characters of a text and drops the rest)
SELECT length(t) AS in_chars, array_length(string_to_array(t, '.'), 1) - 1 AS in_sentences,
       array_length(string_to_array(r, '.'), 1) - 1 AS out_sentences,
       r LIKE 'El número de casa 1 es rojo. %' AS first_ok,
       right(r, 32) AS last
FROM (SELECT t, imgtrans_translate(t, 'es', 'en') AS r
      FROM (SELECT string_agg('The house number ' || i || ' is red.', ' ') AS t
            FROM generate_series(1, 5000) i) s) x;
-- max_chars per provider (an option of imgtrans_add_provider): longer texts are split at
-- sentence ends and come back whole
SELECT imgtrans_add_provider('apertium_tiny', 'apertium', :'apy', NULL, '{"max_chars": 20}');
SELECT max_chars FROM imgtrans.providers WHERE name = 'apertium_tiny';
SELECT imgtrans_translate(E'The house is red. The dog is black.\nThe cat is white and small.', 'es', 'en', 'apertium_tiny');
-- beyond what APy takes whole: its cut answer is an ERROR, and nothing is cached
SELECT rows AS rows_before FROM imgtrans_cache_stats() \gset
UPDATE imgtrans.providers SET max_chars = 1000000 WHERE name = 'apertium_tiny';
SELECT tr_err($$SELECT imgtrans_translate(string_agg('The house number ' || i || ' is red.', ' '), 'es', 'en', 'apertium_tiny') FROM generate_series(1, 5000) i$$) AS cut;
SELECT rows - :rows_before AS cached_rows FROM imgtrans_cache_stats();
SELECT imgtrans_drop_provider('apertium_tiny');
-- max_chars out of range
SELECT tr_err($$SELECT imgtrans_add_provider('apertium_tiny', 'apertium', 'http://127.0.0.1:1', NULL, '{"max_chars": 0}')$$) AS bad_max_chars;
SELECT tr_err($$SELECT imgtrans_add_provider('apertium_tiny', 'apertium', 'http://127.0.0.1:1', NULL, '{"max_chars": "x"}')$$) AS bad_max_chars;
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
