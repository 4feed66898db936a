#!/usr/bin/env bash
# scripts/make-docs-pictures.sh: the README's picture per script, made by the
# extension itself.
#
# Builds and installs imgtrans, starts a throwaway cluster on a free
# 127.0.0.1 port, and renders the sign fixture (test/fixtures/sign.png) with
# its two text boxes translated into Japanese, Chinese, Korean, Arabic,
# Hindi, Russian, Thai and a mixed line, written as docs/script-LANG.png
# (scaled to half size, PNG); then stops the server by PID.  Never writes
# anywhere but docs/.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
imgtrans_locked "$0" "$@"
cd "$IMGTRANS_ROOT"
trap cluster_stop EXIT

imgtrans_deps
imgtrans_build
cluster_start
dir=$(cluster_filedir test/fixtures/sign.png)

psql -X -q -v ON_ERROR_STOP=1 -v img="$dir/sign.png" -At -F ' ' <<'SQL' | while read -r lang hex; do
CREATE EXTENSION imgtrans;
CREATE TEMP TABLE t (lang text, line1 text, line2 text);
INSERT INTO t VALUES
 ('ja', 'ようこそ', '午後6時に閉店'),
 ('zh', '欢迎光临', '下午6点关门'),
 ('ko', '환영합니다', '오후 6시에 문을 닫습니다'),
 ('ar', 'أهلاً وسهلاً', 'نغلق الساعة 6 مساءً'),
 ('hi', 'स्वागत है', 'शाम 6 बजे बंद'),
 ('ru', 'Добро пожаловать', 'Закрываемся в 18:00'),
 ('th', 'ยินดีต้อนรับ', 'ปิดเวลา 18.00 น.'),
 ('mixed', 'Welcome 欢迎 أهلاً', 'मेनू Меню メニュー 18:00');
WITH img AS (SELECT pg_read_binary_file(:'img') AS data),
     boxes AS (SELECT b.* FROM img, imgtrans_ocr(data, level => 'line') b
               WHERE btrim(b.text) <> '' ORDER BY b.block_num, b.par_num, b.line_num LIMIT 2)
SELECT t.lang, encode(imgtrans_render(img.data,
         (SELECT jsonb_agg(jsonb_set(to_jsonb(b), '{translated}',
                   to_jsonb(CASE WHEN n = 1 THEN t.line1 ELSE t.line2 END)))
          FROM (SELECT b.*, row_number() OVER () AS n FROM boxes b) b)), 'hex')
FROM img, t ORDER BY t.lang;
SQL
  echo "$hex" | xxd -r -p > "docs/script-$lang.full.png"
  convert "docs/script-$lang.full.png" -resize 50% -strip "docs/script-$lang.png"
  rm -f "docs/script-$lang.full.png"
  log "docs/script-$lang.png"
done
