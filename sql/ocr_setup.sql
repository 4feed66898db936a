-- Creates the extension and fx(name): the bytes of a fixture from
-- test/fixtures/, copied by scripts/test.sh to a dir the server can read.
CREATE EXTENSION imgtrans;
\getenv fixtures IMGTRANS_FIXTURES
SELECT set_config('imgtrans_test.fixtures', :'fixtures', false) IS NOT NULL AS fixtures_set;
CREATE FUNCTION fx(name text) RETURNS bytea LANGUAGE sql STABLE
AS $$ SELECT pg_read_binary_file(current_setting('imgtrans_test.fixtures') || '/' || name) $$;
-- persist for the later test files, which run in new sessions
DO $$ BEGIN
  EXECUTE format('ALTER DATABASE %I SET imgtrans_test.fixtures = %L', current_database(),
                 current_setting('imgtrans_test.fixtures'));
END $$;
SELECT length(fx('hello.png')) > 0 AS fixture_readable;
-- every public object is documented
SELECT p.proname FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'imgtrans'
WHERE obj_description(p.oid, 'pg_proc') IS NULL ORDER BY 1;
-- lang_error(q): q's error as 'SQLSTATE: message (HINT: ...)' with the list
-- of installed languages in the hint reduced to the test packages' (eng,
-- osd, spa must be in it; other traineddata may be installed too)
CREATE FUNCTION lang_error(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; hint text;
BEGIN
  EXECUTE q;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
  IF hint ~ '^Installed languages: ' AND hint ~ '\meng\M' AND hint ~ '\mosd\M' AND hint ~ '\mspa\M' THEN
    hint := 'Installed languages: eng, osd, spa (and any others installed).';
  END IF;
  RETURN st || ': ' || msg || ' (HINT: ' || coalesce(hint, '') || ')';
END $$;
-- try(q): runs q and reports 'ok' or 'SQLSTATE: message', for error tables
CREATE FUNCTION try(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
