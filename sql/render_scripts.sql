-- imgtrans_render in every script (issue 18): per-character font fallback
-- (fontconfig), shaping and bidi (raqm), line breaking by script; the round
-- trip per script (render translated boxes onto doc.png, OCR them back in that
-- language, character similarity >= 0.85); no .notdef in a mixed image; odd
-- strings; a clear ERROR for a character no font has.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
RESET client_min_messages;
-- character similarity of got to want, white space ignored (CJK OCR adds some)
CREATE FUNCTION char_sim(got text, want text) RETURNS numeric LANGUAGE sql IMMUTABLE
AS $$ SELECT 1 - levenshtein(regexp_replace(coalesce(got, ''), '\s+', '', 'g'),
                             regexp_replace(want, '\s+', '', 'g'))::numeric
             / greatest(length(regexp_replace(want, '\s+', '', 'g')), 1) $$;

-- doc.png's two paragraphs, as OCR finds them
CREATE TEMP TABLE paras AS
SELECT p.* FROM imgtrans_ocr(fx('doc.png'), level => 'para') p WHERE btrim(p.text) <> '';
SELECT count(*) AS paras FROM paras;
CREATE TEMP TABLE tr (lang text, block int, t text);
INSERT INTO tr VALUES
('jpn', 1, '家は大きいです。私の猫はテーブルの上で寝ています。犬は庭にいます。'),
('jpn', 2, '今日は天気が良いです。私たちは古い町まで歩いてパンを買います。店は川の近くにあります。'),
('chi_sim', 1, '房子很大。我的猫在桌子上睡觉。狗在花园里。'),
('chi_sim', 2, '今天天气很好。我们走到老城买面包。商店在河边。'),
('kor', 1, '집이 큽니다. 내 고양이는 탁자 위에서 잠을 잡니다. 개는 정원에 있습니다.'),
('kor', 2, '오늘은 날씨가 좋습니다. 우리는 구시가지로 걸어가서 빵을 삽니다. 가게는 강 근처에 있습니다.'),
('ara', 1, 'المنزل كبير. قطتي تنام على الطاولة. الكلب في الحديقة.'),
('ara', 2, 'الطقس جميل اليوم. نمشي إلى المدينة القديمة ونشتري الخبز. المتجر قريب من النهر.'),
('hin', 1, 'घर बड़ा है। मेरी बिल्ली मेज़ पर सोती है। कुत्ता बगीचे में है।'),
('hin', 2, 'आज मौसम अच्छा है। हम पुराने शहर तक चलते हैं और रोटी खरीदते हैं। दुकान नदी के पास है।'),
('rus', 1, 'Дом большой. Моя кошка спит на столе. Собака в саду.'),
('rus', 2, 'Сегодня хорошая погода. Мы идём в старый город и покупаем хлеб. Магазин у реки.');

-- round trip per script: render, OCR in that language, similarity >= 0.85
CREATE TEMP TABLE rendered AS
SELECT l.lang, imgtrans_render(fx('doc.png'),
         (SELECT jsonb_agg(jsonb_set(to_jsonb(p), '{translated}', to_jsonb(tr.t)) ORDER BY p.block_num)
          FROM paras p JOIN tr ON tr.block = p.block_num AND tr.lang = l.lang)) AS img
FROM (SELECT DISTINCT lang FROM tr) l;
CREATE TEMP TABLE trip AS
SELECT r.lang, char_sim(imgtrans_ocr_text(r.img, r.lang),
                        (SELECT string_agg(t, ' ' ORDER BY block) FROM tr WHERE tr.lang = r.lang)) AS sim
FROM rendered r;
SELECT lang, sim >= 0.85 AS round_trip_ok FROM trip ORDER BY lang;
-- (the similarities themselves, measured: README "Scripts"; not compared, tesseract versions differ)

-- a mixed Latin + CJK + Arabic + Devanagari + Thai + Hebrew line: every character a real glyph
CREATE TEMP TABLE mixed AS
SELECT * FROM imgtrans_render_glyphs('Menu 菜单 メニュー 메뉴 قائمة الطعام मेनू เมนู תפריט Меню');
SELECT count(*) FILTER (WHERE glyph = 0) AS notdef_glyphs, count(*) > 40 AS many_glyphs FROM mixed;
SELECT chr, font
FROM mixed WHERE chr IN ('M', '菜', 'メ', '메', 'ق', 'म', 'เ', 'ת', 'М') ORDER BY char_no;
SELECT length(imgtrans_render(fx('doc.png'),
  '[{"x": 60, "y": 60, "width": 950, "height": 110, "translated": "Menu 菜单 メニュー 메뉴 قائمة الطعام मेनू เมนู תפריט Меню"}]'::jsonb)) > 0
  AS mixed_rendered;

-- bidi: an Arabic text is right-to-left, its number and Latin word keep their own order
SELECT bool_and(rtl) AS rtl,
       string_agg(chr, '' ORDER BY glyph_no) FILTER (WHERE chr ~ '[0-9A-Za-z]') AS ltr_inside
FROM imgtrans_render_glyphs('السعر 125 دينار PDF');
-- and the Arabic letters run right to left: the first letter is drawn last
SELECT (SELECT char_no FROM imgtrans_render_glyphs('مرحبا') ORDER BY glyph_no DESC LIMIT 1) AS rightmost_char;
-- Hebrew too; a Latin text with Arabic inside stays left-to-right
SELECT bool_and(rtl) AS hebrew_rtl FROM imgtrans_render_glyphs('שלום עולם');
SELECT bool_or(rtl) AS latin_rtl FROM imgtrans_render_glyphs('Dubai دبي');
-- shaping: Arabic letters join (contextual forms, not the isolated ones), Devanagari conjuncts
SELECT count(DISTINCT glyph) = 2 AS beh_forms_differ
FROM imgtrans_render_glyphs('ببب') WHERE glyph_no IN (1, 2);
SELECT count(*) < length('क्षत्रिय') AS conjuncts FROM imgtrans_render_glyphs('क्षत्रिय');

-- odd strings never fail: marks alone, joiners alone, emoji ZWJ sequences, one very
-- long word, RTL + LTR mixes, empty and blank text, Thai without spaces
SELECT k, length(imgtrans_render(fx('doc.png'), jsonb_build_array(jsonb_build_object(
         'x', 60, 'y', 60, 'width', 400, 'height', 60, 'translated', s)))) > 0 AS rendered
FROM (VALUES (1, U&'\0301\0301\0308'), (2, U&'\200D'), (3, U&'\200D\200C\FE0F'),
             (4, U&'\+01F469\200D\+01F4BB x'), (5, repeat('Donaudampfschiff', 40)),
             (6, repeat('日本語', 200)), (7, 'abc مرحبا 123 שלום def'), (8, ''), (9, E' \n\t '),
             (10, 'ภาษาไทยไม่มีการเว้นวรรคระหว่างคำภาษาไทยไม่มีการเว้นวรรค'),
             (11, U&'e\0301\0302\0303\0304\0305'), (12, U&'\202Eevil\202C'),
             (13, repeat(U&'क्\200D', 100)), (14, '「」。、')) v(k, s) ORDER BY k;

-- a character no installed font has: an ERROR with a hint, never a .notdef box
SELECT try($$SELECT imgtrans_render(fx('doc.png'),
  '[{"x": 60, "y": 60, "width": 400, "height": 60, "translated": "a \ue000 b"}]'::jsonb)$$) AS private_use;

-- imgtrans.font_path is an override: its font first, fontconfig's for what it lacks
SET imgtrans.font_path = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
SELECT chr, font FROM imgtrans_render_glyphs('A日') ORDER BY glyph_no;
RESET imgtrans.font_path;
SELECT chr, font FROM imgtrans_render_glyphs('A') ORDER BY glyph_no;

-- bounded shaping (HarfBuzz takes time quadratic in the marks on one base, and
-- cannot be interrupted): marks past the 30th on a base are dropped before
-- shaping (UAX #15 Stream-Safe); a regression fails at the timeout, not hangs
SET statement_timeout = '10s';
-- x has no precomposed form: x and k marks are 1 + k glyphs, at most 1 + 30
SELECT k, (SELECT count(*) FROM imgtrans_render_glyphs('x' || repeat(U&'\0301', k))) AS glyphs
FROM (VALUES (1), (29), (30), (31), (1000), (9999)) v(k) ORDER BY k;
-- marks alone are a run too; a new base starts a new one; a default-ignorable
-- between marks (U+2060) is kept, but does not start one
SELECT (SELECT count(*) FROM imgtrans_render_glyphs(repeat(U&'\0301', 10000))) AS marks_alone,
       (SELECT count(*) FROM imgtrans_render_glyphs(repeat('x' || repeat(U&'\0301', 30), 3))) AS three_bases,
       (SELECT count(*) FROM imgtrans_render_glyphs('x' || repeat(U&'\0301\2060', 1000))) AS joiners_kept;
-- a few marks are shaped as before: e + U+0301 as the precomposed é, every mark kept
SELECT (SELECT array_agg(glyph ORDER BY glyph_no) FROM imgtrans_render_glyphs(U&'cafe\0301 nin\0303o')) =
       (SELECT array_agg(glyph ORDER BY glyph_no) FROM imgtrans_render_glyphs('café niño')) AS decomposed_as_precomposed,
       (SELECT count(*) FROM imgtrans_render_glyphs(U&'x\0301\0302\0303\0304\0305\0306')) AS x_and_6_marks;
-- and drawn: a box of x and 9999 marks, of 10000 Thai SARA AM (one cluster
-- to HarfBuzz, its slowest known text: ~0.2 s), of 10000 letters
SELECT k, length(imgtrans_render(fx('doc.png'), jsonb_build_array(jsonb_build_object(
         'x', 60, 'y', 60, 'width', 400, 'height', 60, 'translated', s)))) > 0 AS rendered
FROM (VALUES (1, 'x' || repeat(U&'\0301', 9999)), (2, repeat(U&'\0E33', 10000)),
             (3, repeat('abcdefghi ', 1000))) v(k, s) ORDER BY k;
RESET statement_timeout;
