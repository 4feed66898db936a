-- Bad arguments and bad images: a clear ERROR with a SQLSTATE, never a crash.

-- each bad input with its SQLSTATE
SELECT what, try(q) AS result FROM (VALUES
  ('empty image',        $$SELECT imgtrans_ocr_text(''::bytea)$$),
  ('random bytes',       $$SELECT * FROM imgtrans_ocr(fx('random.bin'))$$),
  ('text file',          $$SELECT * FROM imgtrans_ocr(fx('notimage.txt'))$$),
  ('truncated png',      $$SELECT imgtrans_ocr_text(fx('truncated.png'))$$),
  ('truncated jpeg',     $$SELECT imgtrans_ocr_text(fx('truncated.jpg'))$$),
  ('unknown language',   $$SELECT imgtrans_ocr_text(fx('hello.png'), 'xyz')$$),
  ('one part unknown',   $$SELECT imgtrans_ocr_text(fx('hello.png'), 'eng+klingon')$$),
  ('path as language',   $$SELECT imgtrans_ocr_text(fx('hello.png'), '../../etc/passwd')$$),
  ('empty language',     $$SELECT imgtrans_ocr_text(fx('hello.png'), '')$$),
  ('empty part',         $$SELECT imgtrans_ocr_text(fx('hello.png'), 'eng+')$$),
  ('unknown level',      $$SELECT * FROM imgtrans_ocr(fx('hello.png'), level => 'words')$$),
  ('psm 0',              $$SELECT imgtrans_ocr_text(fx('hello.png'), psm => 0)$$),
  ('psm 2',              $$SELECT imgtrans_ocr_text(fx('hello.png'), psm => 2)$$),
  ('psm 14',             $$SELECT imgtrans_ocr_text(fx('hello.png'), psm => 14)$$),
  ('unknown variable',   $$SELECT imgtrans_ocr_text(fx('hello.png'), vars => '{"no_such_variable": 1}')$$),
  ('vars array',         $$SELECT imgtrans_ocr_text(fx('hello.png'), vars => '["tessedit_char_whitelist"]')$$),
  ('vars scalar',        $$SELECT imgtrans_ocr_text(fx('hello.png'), vars => '"abc"')$$),
  ('vars nested value',  $$SELECT imgtrans_ocr_text(fx('hello.png'), vars => '{"tessedit_char_whitelist": {"a": 1}}')$$),
  ('vars null value',    $$SELECT imgtrans_ocr_text(fx('hello.png'), vars => '{"tessedit_char_whitelist": null}')$$)
) AS t(what, q);

-- the messages' details and hints, for a few
SELECT imgtrans_ocr_text(fx('truncated.png'));
SELECT imgtrans_ocr_text(fx('hello.png'), 'xyz');
SELECT * FROM imgtrans_ocr(fx('hello.png'), level => 'words');
SELECT imgtrans_ocr_text(fx('hello.png'), psm => 0);
SELECT imgtrans_ocr_text(fx('hello.png'), vars => '{"no_such_variable": 1}');

-- (the variable allow-list, and a failed vars call: sql/ocr_vars.sql)

-- a bad tessdata dir
SET imgtrans.tessdata_dir = '/nonexistent';
SELECT imgtrans_ocr_text(fx('hello.png'), 'spa');
SELECT * FROM imgtrans_languages();
RESET imgtrans.tessdata_dir;

-- after all these errors the backend still works
SELECT rtrim(imgtrans_ocr_text(fx('hello.png')), E'\n') AS still_works;
