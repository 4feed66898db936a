-- The upgrade chain from 0.1.0, walked in a scratch database so that
-- contrib_regression keeps the extension ocr_setup created: first to 0.2.0
-- (translation), then to the default version.
SELECT current_database() AS regress_db \gset
CREATE DATABASE imgtrans_upgrade;
\c imgtrans_upgrade
CREATE EXTENSION imgtrans VERSION '0.1.0';
SELECT extversion, to_regclass('imgtrans.providers') AS providers FROM pg_extension WHERE extname = 'imgtrans';
ALTER EXTENSION imgtrans UPDATE TO '0.2.0';
SELECT extversion FROM pg_extension WHERE extname = 'imgtrans';
-- what 0.2.0 added
SELECT pg_describe_object(classid, objid, objsubid) AS object
FROM pg_depend
WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
  AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'imgtrans')
  AND pg_describe_object(classid, objid, objsubid) !~ 'imgtrans_(ocr|image_info|languages|engine_info|box)'
ORDER BY 1;
-- every new object is documented
SELECT pg_describe_object(classid, objid, objsubid) AS undocumented
FROM pg_depend
WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
  AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'imgtrans')
  AND classid <> 'pg_type'::regclass
  AND obj_description(objid, (SELECT relname FROM pg_class WHERE oid = classid)) IS NULL;
-- internal tables and management functions are closed to PUBLIC
SELECT has_schema_privilege('public', 'imgtrans', 'USAGE') AS schema_usage,
       has_table_privilege('public', 'imgtrans.providers', 'SELECT') AS providers_select,
       has_table_privilege('public', 'imgtrans.translation_cache', 'SELECT,INSERT') AS cache_access,
       has_function_privilege('public', 'imgtrans_add_provider(text,text,text,text,jsonb)', 'EXECUTE') AS add_provider,
       has_function_privilege('public', 'imgtrans_translate(text,text,text,text)', 'EXECUTE') AS translate;
-- providers (with their keys) are dumped by pg_dump, the cache is not
SELECT extconfig::regclass[] FROM pg_extension WHERE extname = 'imgtrans';
-- a library newer than the SQL: 0.16.0's imgtrans_engine_info() (three
-- columns) still works until the update
ALTER EXTENSION imgtrans UPDATE TO '0.16.0';
SELECT omp_thread_limit, ocr_process_pid IS NULL AS no_ocr_process_yet FROM imgtrans_engine_info();
-- on to the default version, and a fresh CREATE EXTENSION gives the same
ALTER EXTENSION imgtrans UPDATE;
SELECT e.extversion = a.default_version AS updated_to_default
FROM pg_extension e JOIN pg_available_extensions a ON a.name = e.extname
WHERE e.extname = 'imgtrans';
-- 0.15.0: submitted images are stored with lz4 (pglz searched a compressed
-- PDF through before storing it as it was; Debian's server has lz4)
SELECT attcompression AS job_image_compression FROM pg_attribute
WHERE attrelid = 'imgtrans.jobs'::regclass AND attname = 'image';
-- 0.16.0: imgtrans_engine_info() shows the backend's OCR process, 0.17.0
-- its image decoder
SELECT pg_get_function_arguments('imgtrans_engine_info()'::regprocedure);
-- 0.18.0: results tables take job options (preprocess => '{auto}' for a
-- whole table), recorded with them; one function, not an overload
SELECT pg_get_function_arguments(p.oid) FROM pg_proc p WHERE p.proname = 'imgtrans_setup_results';
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid = 'imgtrans.result_tables'::regclass AND attname = 'options';
DROP EXTENSION imgtrans;
CREATE EXTENSION imgtrans;
SELECT e.extversion = a.default_version AS fresh_is_default
FROM pg_extension e JOIN pg_available_extensions a ON a.name = e.extname
WHERE e.extname = 'imgtrans';
\c :regress_db
DROP DATABASE imgtrans_upgrade;
SELECT e.extversion = a.default_version AS regress_db_is_default
FROM pg_extension e JOIN pg_available_extensions a ON a.name = e.extname
WHERE e.extname = 'imgtrans';
