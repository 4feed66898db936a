-- DeepL, Google v2 and LibreTranslate against test/stub_provider.py, which
-- answers 400 (and records a failure) when a request is not exactly what
-- the provider documents.  Its "translation" is "[SOURCE>TARGET] text".
\getenv stub IMGTRANS_STUB_URL
\getenv stub_tls IMGTRANS_STUB_TLS_URL
SET imgtrans.translation_cache = off;   -- every call goes to the stub
SELECT imgtrans_add_provider('stub_deepl', 'deepl', :'stub' || '/deepl', 'deepl-test-key');
SELECT imgtrans_add_provider('stub_google', 'google', :'stub' || '/google/', 'google-test-key');
SELECT imgtrans_add_provider('stub_libre', 'libretranslate', :'stub' || '/libre', 'libre-test-key');
SELECT imgtrans_add_provider('stub_libre_nokey', 'libretranslate', :'stub' || '/libre');
SELECT name, kind, has_api_key, max_batch, is_default FROM imgtrans_providers() ORDER BY name;

-- ---------------------------------------------------------------------------
-- Keep-alive and batching: the stub counts requests per TCP connection
-- ---------------------------------------------------------------------------
SELECT imgtrans_translate('__conn__', 'es', 'en', 'stub_libre');
SELECT imgtrans_translate('__conn__', 'es', 'en', 'stub_deepl');
-- 120 texts to DeepL: 3 requests (50 + 50 + 20)
SELECT count(*) AS texts, count(*) FILTER (WHERE t = '[EN>ES] text ' || i) AS right_ones
FROM unnest(imgtrans_translate(ARRAY(SELECT 'text ' || i FROM generate_series(1, 120) i), 'es', 'en', 'stub_deepl'))
     WITH ORDINALITY AS u(t, i);
SELECT imgtrans_translate('__conn__', 'es', 'en', 'stub_deepl');
-- 300 texts to Google: 3 requests (128 + 128 + 44); 300 to LibreTranslate: 3 (max_batch 100)
SELECT cardinality(imgtrans_translate(ARRAY(SELECT 'text ' || i FROM generate_series(1, 300) i), 'es', 'en', 'stub_google'));
SELECT cardinality(imgtrans_translate(ARRAY(SELECT 'text ' || i FROM generate_series(1, 300) i), 'es', 'en', 'stub_libre'));
SELECT imgtrans_translate('__conn__', 'es', 'en', 'stub_google');

-- ---------------------------------------------------------------------------
-- Request and answer formats, languages, UTF-8
-- ---------------------------------------------------------------------------
SELECT p, imgtrans_translate(ARRAY['Hello', NULL, 'Café 日本 😀', E'two\nlines', 'quote " back\slash & = + %'], 'es', 'en', p)
FROM unnest(ARRAY['stub_deepl', 'stub_google', 'stub_libre', 'stub_libre_nokey']) p;
-- line structure kept exactly: lines travel as separate texts, blanks and breaks stay
SELECT p, replace(replace(imgtrans_translate(E'\n  First line.\n\n\nSecond line. \r\n', 'es', 'en', p),
                          E'\n', '<LF>'), E'\r', '<CR>') AS kept
FROM unnest(ARRAY['stub_deepl', 'stub_google', 'stub_libre']) p;
SELECT imgtrans_translate(ARRAY[E'\n', 'one', E'a\n\n\nb'], 'es', 'en', 'stub_google');
-- detection (source 'auto') and code mapping per provider
SELECT p, imgtrans_translate('Hi', 'pt-BR', provider => p) AS auto_pt_br,
       imgtrans_translate('Hi', 'zh-cn', 'eng', p) AS eng_zh_cn,
       imgtrans_translate('Hi', 'spa', 'de', p) AS de_spa
FROM unnest(ARRAY['stub_deepl', 'stub_google', 'stub_libre']) p;
SELECT * FROM imgtrans_provider_languages('stub_deepl') ORDER BY 1, 2;
SELECT * FROM imgtrans_provider_languages('stub_google') ORDER BY 1, 2;
SELECT * FROM imgtrans_provider_languages('stub_libre') ORDER BY 1, 2;

-- ---------------------------------------------------------------------------
-- Provider errors: SQLSTATE, provider name and HTTP status; keys scrubbed
-- ---------------------------------------------------------------------------
-- a 429 whose Retry-After (7 s) is longer than the call has left (timeout_ms 3 s): an
-- ERROR at once; providers of their own, as a 429 holds every session off the provider
SELECT imgtrans_add_provider('stub_' || d || '_429', k, :'stub' || '/' || d, d || '-test-key', '{"timeout_ms": 3000}')
FROM (VALUES ('deepl', 'deepl'), ('google', 'google'), ('libretranslate', 'libre')) v(k, d);
SELECT p, tr_err(format($$SELECT imgtrans_translate(ARRAY['ok', '__429__'], 'es', 'en', %L)$$, p)) AS rate_limited
FROM unnest(ARRAY['stub_deepl_429', 'stub_google_429', 'stub_libre_429']) p;
SELECT p, tr_err(format($$SELECT imgtrans_translate('__500__', 'es', 'en', %L)$$, p)) AS server_error
FROM unnest(ARRAY['stub_deepl', 'stub_google', 'stub_libre']) p;
SELECT tr_err($$SELECT imgtrans_translate('__456__', 'es', 'en', 'stub_deepl')$$) AS quota;
SELECT tr_err($$SELECT imgtrans_translate('__badjson__', 'es', 'en', 'stub_deepl')$$) AS malformed_json;
SELECT tr_err($$SELECT imgtrans_translate('__hugenum__', 'es', 'en', 'stub_deepl')$$) AS number_out_of_range;
SELECT tr_err($$SELECT imgtrans_translate(ARRAY['a', '__short__'], 'es', 'en', 'stub_google')$$) AS count_mismatch;
SELECT tr_err($$SELECT imgtrans_translate('__redirect__', 'es', 'en', 'stub_libre')$$) AS redirect_not_followed;
SELECT imgtrans_add_provider('stub_deepl_badkey', 'deepl', :'stub' || '/deepl', 'sk-WRONG-123');
SELECT imgtrans_add_provider('stub_google_badkey', 'google', :'stub' || '/google', 'sk-WRONG-456');
SELECT imgtrans_add_provider('stub_libre_badkey', 'libretranslate', :'stub' || '/libre', 'sk-WRONG-789');
SELECT p, tr_err(format($$SELECT imgtrans_translate('Hello', 'es', 'en', %L)$$, p)) AS wrong_key
FROM unnest(ARRAY['stub_deepl_badkey', 'stub_google_badkey', 'stub_libre_badkey']) p;
-- a provider that echoes the request in its error: the key is masked in every encoding
-- it travelled in (header, form, JSON; as sent, JSON-quoted, as plain text), also for
-- an ordinary role
SELECT imgtrans_add_provider('stub_echo_' || k, k, :'stub' || '/' || d, 'k/ey+with "quotes" & spaces=é')
FROM (VALUES ('deepl', 'deepl'), ('google', 'google'), ('libretranslate', 'libre')) v(k, d);
CREATE ROLE regress_imgtrans_echo;
SET ROLE regress_imgtrans_echo;
SELECT p, q, tr_err(format($$SELECT imgtrans_translate(%L, 'es', 'en', %L)$$, q, p)) AS echoed
FROM unnest(ARRAY['stub_echo_deepl', 'stub_echo_google', 'stub_echo_libretranslate']) p,
     unnest(ARRAY['__echo__', '__echoquoted__', '__echotext__']) q
ORDER BY 1, 2;
RESET ROLE;
DROP ROLE regress_imgtrans_echo;
-- the cache is the role's own unless imgtrans.translation_cache_shared (superuser):
-- a role cannot tell from its hits whether another role translated a text it guesses
CREATE ROLE regress_imgtrans_guess;
SET imgtrans.translation_cache = on;
SELECT hits AS h0 FROM imgtrans_cache_stats() \gset
SELECT imgtrans_translate('The merger closes on June 3', 'es', 'en', 'stub_libre') AS by_postgres;
SELECT imgtrans_translate('The merger closes on June 3', 'es', 'en', 'stub_libre') AS again_a_hit;
SET ROLE regress_imgtrans_guess;
SELECT imgtrans_translate('The merger closes on June 3', 'es', 'en', 'stub_libre') AS guessed;
SELECT tr_err($$SET imgtrans.translation_cache_shared = on$$) AS set_shared;
RESET ROLE;
SELECT hits - :h0 AS hits_not_shared FROM imgtrans_cache_stats();
SET imgtrans.translation_cache_shared = on;
SELECT imgtrans_translate('The merger closes on June 4', 'es', 'en', 'stub_libre') AS by_postgres;
SET ROLE regress_imgtrans_guess;
SELECT imgtrans_translate('The merger closes on June 4', 'es', 'en', 'stub_libre') AS guessed;
RESET ROLE;
SELECT hits - :h0 AS hits_shared FROM imgtrans_cache_stats();
RESET imgtrans.translation_cache_shared;
SET imgtrans.translation_cache = off;
DROP ROLE regress_imgtrans_guess;
SELECT imgtrans_add_provider('stub_nowhere', 'libretranslate', :'stub' || '/nowhere');
SELECT tr_err($$SELECT imgtrans_translate('Hello', 'es', 'en', 'stub_nowhere')$$) AS wrong_url;
-- TLS certificates are verified (the stub's is self-signed)
SELECT imgtrans_add_provider('stub_tls', 'libretranslate', :'stub_tls' || '/libre');
SELECT tr_err($$SELECT imgtrans_translate('Hello', 'es', 'en', 'stub_tls')$$) AS tls_unverified;
-- response size cap
SET imgtrans.max_response_bytes = '1MB';
SELECT tr_err($$SELECT imgtrans_translate('__big__', 'es', 'en', 'stub_libre')$$) AS too_big;
RESET imgtrans.max_response_bytes;
SELECT length(imgtrans_translate('__big__', 'es', 'en', 'stub_libre')) AS big_ok;

-- ---------------------------------------------------------------------------
-- Timeouts and interrupts
-- ---------------------------------------------------------------------------
SET imgtrans.http_timeout_ms = 300;
SELECT tr_err($$SELECT imgtrans_translate('__slow__', 'es', 'en', 'stub_deepl')$$) AS http_timeout;
RESET imgtrans.http_timeout_ms;
SELECT imgtrans_add_provider('stub_deepl_quick', 'deepl', :'stub' || '/deepl', 'deepl-test-key', '{"timeout_ms": 200}');
SELECT tr_err($$SELECT imgtrans_translate('__slow__', 'es', 'en', 'stub_deepl_quick')$$) AS provider_timeout;
-- statement_timeout stops a request the stub would answer after 10 s
SELECT clock_timestamp() AS t0 \gset
SET statement_timeout = '300ms';
SELECT imgtrans_translate('__slow__', 'es', 'en', 'stub_google');
RESET statement_timeout;
SELECT clock_timestamp() - :'t0'::timestamptz < interval '1.5 s' AS interrupted_quickly;
-- and the backend's handle works on afterwards
SELECT imgtrans_translate('after', 'es', 'en', 'stub_google');
SELECT count(*) AS dropped FROM (SELECT imgtrans_drop_provider(name) FROM imgtrans_providers() WHERE name LIKE 'stub%') d;
