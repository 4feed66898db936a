-- Tesseract variables (vars) are an allow-list of variables that affect
-- recognition only.  Everything else -- variables that write files, start
-- the ScrollView debugger, trip asserts -- is refused before tesseract
-- sees it, for any role; a superuser may allow more names.

-- the list, as documented in the README
SELECT name, type, min, max FROM imgtrans_ocr_vars() ORDER BY name;

-- every allowed variable runs at both ends of its range (no crash, no
-- hang, the words still come back where the variable leaves them alone)
SELECT v.name, e.which,
       rtrim(imgtrans_ocr_text(fx('hello.png'), vars => jsonb_build_object(v.name, e.val)), E'\n') AS hello
FROM imgtrans_ocr_vars() v,
     LATERAL (VALUES
       ('min', CASE v.type WHEN 'boolean' THEN 'false'::jsonb WHEN 'string' THEN '""'::jsonb
                           ELSE to_jsonb(v.min) END),
       ('max', CASE v.type WHEN 'boolean' THEN 'true'::jsonb WHEN 'string' THEN to_jsonb(repeat('a', 4096))
                           ELSE to_jsonb(v.max) END)) AS e(which, val)
ORDER BY 1, 2;

-- what an attacker tried: files written as the server's OS user, an
-- unkillable backend (ScrollView), an abort (tessedit_train_from_boxes);
-- and variables that are harmless but not per-call (load_*, engine mode)
CREATE ROLE regress_ocr_vars_user;
CREATE TEMP TABLE img AS SELECT fx('hello.png') AS hello;
GRANT SELECT ON img TO regress_ocr_vars_user;
SET ROLE regress_ocr_vars_user;
SELECT name, try(format('SELECT imgtrans_ocr_text(hello, vars => %L) FROM img',
                        jsonb_build_object(name, val))) AS result
FROM (VALUES ('debug_file', '"/tmp/imgtrans-debug"'::jsonb),
             ('tessedit_write_params_to_file', '"/tmp/imgtrans-params"'),
             ('tessedit_write_images', 'true'),
             ('tessedit_dump_pageseg_images', 'true'),
             ('tessedit_create_boxfile', 'true'),
             ('tessedit_create_txt', 'true'),
             ('classify_debug_level', '1'),
             ('textord_debug_tabfind', '1'),
             ('textord_tabfind_show_vlines', 'true'),
             ('interactive_display_mode', 'true'),
             ('tessedit_train_from_boxes', 'true'),
             ('user_words_file', '"/etc/passwd"'),
             ('tessedit_ocr_engine_mode', '0'),
             ('load_system_dawg', 'false'),
             ('no_such_variable', '1'),
             ('', '1')) AS t(name, val)
ORDER BY 1;
-- the whole message, with the list in the hint
SELECT imgtrans_ocr_text(hello, vars => '{"debug_file": "/tmp/x"}') FROM img;
-- the same at imgtrans_ocr and with an allowed variable first
SELECT count(*) FROM img, imgtrans_ocr(hello, vars => '{"preserve_interword_spaces": 1, "classify_debug_level": 1}');
-- values are checked against the variable's type and range
SELECT val, try(format('SELECT imgtrans_ocr_text(hello, vars => %L) FROM img', val)) AS result
FROM (VALUES ('{"textord_min_xheight": 0}'::jsonb),
             ('{"textord_min_xheight": 1001}'),
             ('{"textord_min_xheight": 1.5}'),
             ('{"textord_min_xheight": "1e3"}'),
             ('{"textord_min_xheight": "10"}'),
             ('{"invert_threshold": "nan"}'),
             ('{"invert_threshold": -0.1}'),
             ('{"preserve_interword_spaces": "yes"}'),
             ('{"preserve_interword_spaces": 2}'),
             ('{"tessedit_char_whitelist": 123}'),
             ('{"tessedit_char_whitelist": null}')) AS t(val)
ORDER BY 1::text;
SELECT imgtrans_ocr_text(hello, vars => '{"textord_min_xheight": 0}') FROM img;
SELECT imgtrans_ocr_text(hello, vars => jsonb_build_object('tessedit_char_whitelist', repeat('x', 4097))) FROM img;
-- an ordinary role cannot extend the list
SET imgtrans.extra_tesseract_vars = 'debug_file';
RESET ROLE;

-- a superuser can; a name that tesseract does not know is then its ERROR,
-- and a call that fails half-way leaves the variables it set restored
SET imgtrans.extra_tesseract_vars = 'tosp_old_to_method, no_such_variable';
SELECT name, type FROM imgtrans_ocr_vars() WHERE type IS NULL;
SELECT rtrim(imgtrans_ocr_text(hello, vars => '{"tosp_old_to_method": true}'), E'\n') AS extra_ok FROM img;
SELECT imgtrans_ocr_text(hello, vars => '{"tessedit_char_whitelist": "0123456789", "no_such_variable": 1}') FROM img;
SELECT rtrim(imgtrans_ocr_text(hello), E'\n') AS after_failed_vars FROM img;
SET imgtrans.extra_tesseract_vars = 'not a list';
RESET imgtrans.extra_tesseract_vars;
DROP TABLE img;
DROP ROLE regress_ocr_vars_user;
