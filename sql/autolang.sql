-- source => 'auto' for imgtrans_translate_image (issue 18): tesseract's OSD
-- names the script, and the one installed language written in it is the
-- OCR language (and the provider's source).  None or several: an ERROR that
-- names them.  Fixtures: scripts/make-autolang-fixtures.sh; rus comes from
-- tesseract-ocr-rus (scripts/lib.sh).  The stub provider's "[ru>es] ..."
-- shows what the provider was told.
\set VERBOSITY default
\getenv stub IMGTRANS_STUB_URL
SELECT count(*) AS provider_added
FROM (SELECT imgtrans_add_provider('auto_stub', 'libretranslate', :'stub' || '/libre', 'libre-test-key')) s;
SET imgtrans.translation_cache = off;

-- what OSD sees
SELECT f, script FROM unnest(ARRAY['doc.png', 'ru.png', 'ru.heic']) AS f, imgtrans_osd(fx(f));

-- Cyrillic: rus is the one installed language written in it
SELECT block_num, par_num, text, translated
FROM imgtrans_translate_image(fx('ru.png'), 'es', 'auto', provider => 'auto_stub') ORDER BY 1, 2;
-- a Russian HEIC photo, on page 1 named, source in any case
SELECT count(*) AS paras, bool_and(translated LIKE '[ru>en] %') AS told_ru
FROM imgtrans_translate_image(fx('ru.heic'), 'en', 'AUTO', provider => 'auto_stub', page => 1);

-- Latin: eng and spa are both installed, so auto refuses and names them
-- (imgtrans.auto_languages keeps other Latin languages a machine may have
-- out of the message)
SET imgtrans.auto_languages = 'eng+spa+rus';
SELECT * FROM imgtrans_translate_image(fx('doc.png'), 'es', 'auto', provider => 'auto_stub');
-- imgtrans.auto_languages narrows the candidates: Latin then means eng
SET imgtrans.auto_languages = 'eng+rus';
SELECT block_num, par_num, translated
FROM imgtrans_translate_image(fx('doc.png'), 'es', 'auto', provider => 'auto_stub') ORDER BY 1, 2;
SELECT count(*) AS paras FROM imgtrans_translate_image(fx('ru.png'), 'es', 'auto', provider => 'auto_stub');

-- no allowed language of the script: the hint names the packages to
-- install (terse message: its detail lists this machine's languages)
SET imgtrans.auto_languages = 'spa';
DO $$
DECLARE
  msg text;
  hint text;
  state text;
BEGIN
  PERFORM * FROM imgtrans_translate_image(fx('ru.png'), 'es', 'auto', provider => 'auto_stub');
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT, state = RETURNED_SQLSTATE;
  RAISE NOTICE '% %', state, msg;
  RAISE NOTICE 'hint: %', hint;
END $$;
RESET imgtrans.auto_languages;

-- too little text for OSD to name a script
SELECT * FROM imgtrans_translate_image(fx('hello.png'), 'es', 'auto', provider => 'auto_stub');
SELECT * FROM imgtrans_translate_image(fx('blank.png'), 'es', 'auto', provider => 'auto_stub');
-- a bad setting is refused when set; anyone may set it
SET imgtrans.auto_languages = 'eng+../x';
CREATE ROLE imgtrans_auto_user;
SET ROLE imgtrans_auto_user;
SET imgtrans.auto_languages = 'rus';
SHOW imgtrans.auto_languages;
RESET ROLE;
DROP ROLE imgtrans_auto_user;
RESET imgtrans.auto_languages;
-- imgtrans_osd on a page of a document, and its NULLs
SELECT script FROM imgtrans_osd(fx('ru.png'), page => 1, dpi => NULL);
SELECT imgtrans_osd(fx('ru.png'), page => NULL) IS NULL AS null_page;
SELECT imgtrans_osd(NULL) IS NULL AS null_image;
SELECT * FROM imgtrans_osd(fx('ru.png'), page => 2);
SELECT imgtrans_drop_provider('auto_stub');
