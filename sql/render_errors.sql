-- imgtrans_render: every bad input is an ERROR with a SQLSTATE that says what to fix
SELECT q, try(q) AS result FROM unnest(ARRAY[
  $$SELECT imgtrans_render(fx('hello.png'), '{"x": 1}'::jsonb)$$,
  $$SELECT imgtrans_render(fx('hello.png'), '42'::jsonb)$$,
  $$SELECT imgtrans_render(fx('hello.png'), '"boxes"'::jsonb)$$,
  $$SELECT imgtrans_render(fx('hello.png'), '[1, 2]'::jsonb)$$,
  $$SELECT imgtrans_render(fx('hello.png'), '[{"x": 1, "y": 2, "width": 3}]'::jsonb)$$,
  $$SELECT imgtrans_render(fx('hello.png'), '[{"y": 2, "width": 3, "height": 4}]'::jsonb)$$,
  $$SELECT imgtrans_render(fx('hello.png'), '[{"x": "1", "y": 2, "width": 3, "height": 4}]'::jsonb)$$,
  $$SELECT imgtrans_render(fx('hello.png'), '[{"x": 1, "y": 2, "width": -3, "height": 4}]'::jsonb)$$,
  $$SELECT imgtrans_render(fx('hello.png'), '[{"x": 1, "y": 2, "width": 3, "height": -4}]'::jsonb)$$,
  $$SELECT imgtrans_render(fx('hello.png'), '[{"x": 1e300, "y": 2, "width": 3, "height": 4}]'::jsonb)$$,
  $$SELECT imgtrans_render(fx('hello.png'), '[{"x": 1, "y": 2, "width": 3, "height": 4, "translated": 5}]'::jsonb)$$,
  $$SELECT imgtrans_render(fx('hello.png'), '[{"x": 1, "y": 2, "width": 3, "height": 4, "conf": "high"}]'::jsonb)$$,
  $$SELECT imgtrans_render(fx('hello.png'), '[]'::jsonb, 'sepia')$$,
  $$SELECT imgtrans_render(fx('hello.png'), '[]'::jsonb, NULL)$$,
  $$SELECT imgtrans_render(fx('hello.png'), '[]'::jsonb, 'boxes', 'gif')$$,
  $$SELECT imgtrans_render(fx('hello.png'), '[]'::jsonb, 'boxes', NULL)$$,
  $$SELECT imgtrans_render(fx('hello.png'), '[not json'::jsonb)$$,
  $$SELECT imgtrans_render(fx('hello.png'), '[]')$$,
  $$SELECT imgtrans_render(fx('bomb.png'), '[]'::jsonb)$$,
  $$SELECT imgtrans_render(fx('truncated.png'), '[]'::jsonb)$$,
  $$SELECT imgtrans_render(fx('notimage.txt'), '[]'::jsonb)$$,
  $$SELECT imgtrans_render(''::bytea, '[]'::jsonb)$$
]) q;
-- the image size limits apply
SET imgtrans.max_image_pixels = 1000;
SELECT try($$SELECT imgtrans_render(fx('hello.png'), '[]'::jsonb)$$);
RESET imgtrans.max_image_pixels;
-- a font that cannot be loaded (superuser setting); then the default again
SET imgtrans.font_path = '/nonexistent/font.ttf';
SELECT try($$SELECT imgtrans_render(fx('hello.png'), '[{"x": 16, "y": 16, "width": 496, "height": 58, "translated": "Hola"}]'::jsonb)$$);
SELECT try($$SELECT imgtrans_render(fx('hello.png'), '[{"x": 16, "y": 16, "width": 496, "height": 58}]'::jsonb, 'erase')$$) AS erase_needs_no_font;
SET imgtrans.font_path = '/etc/passwd';
SELECT try($$SELECT imgtrans_render(fx('hello.png'), '[{"x": 16, "y": 16, "width": 496, "height": 58, "translated": "Hola"}]'::jsonb)$$);
RESET imgtrans.font_path;
SELECT try($$SELECT imgtrans_render(fx('hello.png'), '[{"x": 16, "y": 16, "width": 496, "height": 58, "translated": "Hola"}]'::jsonb)$$);
SHOW imgtrans.font_path;
-- ordinary users cannot change it
CREATE ROLE render_user;
SET ROLE render_user;
SELECT try($$SET imgtrans.font_path = '/tmp/x.ttf'$$);
RESET ROLE;
DROP ROLE render_user;
-- imgtrans_translate_image: arguments checked before any OCR; NULLs give no rows
-- (source => 'auto' chooses from the page's script: sql/autolang.sql)
SELECT try($$SELECT * FROM imgtrans_translate_image(fx('doc.png'), 'es', level => 'word')$$);
SELECT try($$SELECT * FROM imgtrans_translate_image(fx('bomb.png'), 'es')$$);
SELECT try($$SELECT * FROM imgtrans_translate_image(fx('doc.png'), 'es', provider => 'no_such_provider')$$);
SELECT (SELECT count(*) FROM imgtrans_translate_image(NULL, 'es')) AS null_image,
       (SELECT count(*) FROM imgtrans_translate_image(fx('doc.png'), NULL)) AS null_target;
-- the provider and the languages are checked before the OCR: a bad one fails
-- fast (even on a bomb), and fails the same on an image without text
SELECT try($$SELECT * FROM imgtrans_translate_image(fx('bomb.png'), 'es', provider => 'no_such_provider')$$) AS before_ocr;
SELECT try($$SELECT * FROM imgtrans_translate_image(fx('blank.png'), 'es', provider => 'no_such_provider')$$) AS no_text;
SELECT try($$SELECT * FROM imgtrans_translate_image(fx('blank.png'), 'xx-nope', provider => 'render_apy')$$) AS bad_target;
SELECT try($$SELECT * FROM imgtrans_translate_image(fx('blank.png'), 'es', 'xyz', provider => 'render_apy')$$) AS bad_source;
-- bad images and OCR arguments are the OCR's errors
SELECT q, try(q) AS result FROM unnest(ARRAY[
  $$SELECT * FROM imgtrans_translate_image(''::bytea, 'es', 'en', provider => 'render_apy')$$,
  $$SELECT * FROM imgtrans_translate_image(fx('notimage.txt'), 'es', 'en', provider => 'render_apy')$$,
  $$SELECT * FROM imgtrans_translate_image(fx('truncated.png'), 'es', 'en', provider => 'render_apy')$$,
  $$SELECT * FROM imgtrans_translate_image(fx('hello.png'), 'es', 'en', 'PARA', 'render_apy')$$,
  $$SELECT * FROM imgtrans_translate_image(fx('hello.png'), 'es', 'en', provider => 'render_apy', preprocess => '{sharpen-ish}')$$
]) q;
SELECT (SELECT count(*) FROM imgtrans_translate_image(fx('doc.png'), 'es', NULL)) AS null_source,
       (SELECT count(*) FROM imgtrans_translate_image(fx('doc.png'), 'es', 'en', NULL)) AS null_level;
-- imgtrans.max_image_bytes limits what imgtrans accepts, not what imgtrans_render
-- returns (bounded by max_image_pixels): a lossy WebP written back as PNG can be
-- larger than the limit, and is then refused as input like any other image
SET imgtrans.max_image_bytes = 3000;
CREATE TEMP TABLE big_render AS
SELECT imgtrans_render(fx('hello.webp'), '[]'::jsonb, 'boxes', 'png') AS img;
SELECT length(fx('hello.webp')) <= 3000 AS input_within, length(img) > 3000 AS output_over FROM big_render;
SELECT try($$SELECT imgtrans_image_info(img) FROM big_render$$) AS fed_back;
RESET imgtrans.max_image_bytes;
DROP TABLE big_render;
-- a text too long to shape: 54000 at once (was a backend that ignored every
-- cancel), from imgtrans_render_glyphs and from a box in any mode
SET statement_timeout = '10s';
SELECT count(*) FROM imgtrans_render_glyphs(repeat(U&'\0301', 1000000));
SELECT imgtrans_render(fx('hello.png'), jsonb_build_array(jsonb_build_object(
  'x', 16, 'y', 16, 'width', 496, 'height', 58, 'translated', repeat(U&'\0301', 1000000))));
SELECT q, try(q) AS result FROM unnest(ARRAY[
  $$SELECT count(*) FROM imgtrans_render_glyphs(repeat('abcdefghij', 100000))$$,
  $$SELECT count(*) FROM imgtrans_render_glyphs(repeat('x', 10001))$$,
  $$SELECT count(*) FROM imgtrans_render_glyphs(repeat('x', 10000))$$,
  $$SELECT imgtrans_render(fx('hello.png'), jsonb_build_array(jsonb_build_object('x', 16, 'y', 16, 'width', 496, 'height', 58, 'translated', repeat('abcdefghij', 100000))))$$,
  $$SELECT imgtrans_render(fx('hello.png'), jsonb_build_array(jsonb_build_object('x', 16, 'y', 16, 'width', 496, 'height', 58, 'text', repeat('x', 10001))), 'boxes')$$,
  $$SELECT imgtrans_render(fx('hello.png'), jsonb_build_array(jsonb_build_object('x', 16, 'y', 16, 'width', 496, 'height', 58, 'text', repeat('x', 10001), 'translated', 'Hola')))$$,
  $$SELECT imgtrans_render(fx('hello.png'), jsonb_build_array(jsonb_build_object('x', 16, 'y', 16, 'width', 496, 'height', 58, 'translated', repeat('x', 10000))))$$
]) q;
RESET statement_timeout;
