#!/usr/bin/env bash
# scripts/demo.sh: the imgtrans demo on a throwaway local cluster.
#
# Installs what it needs, builds and installs the extension, starts a
# temporary PostgreSQL on a free 127.0.0.1 port, OCRs a sample cheque image
# and prints its word rows and the codes pulled out with plain SQL, then
# translates a sample sign photo into Spanish with a local Apertium server,
# fixes one translation with UPDATE and writes demo-out/overlay.png (OCR
# boxes by confidence) and demo-out/translated.png, then stops the servers
# and removes their files.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
imgtrans_locked "$0" "$@"
cd "$IMGTRANS_ROOT"
source scripts/services-translate.sh
trap 'apy_stop; cluster_stop' EXIT

imgtrans_deps
imgtrans_build
cluster_start
dir=$(cluster_filedir test/fixtures/cheque.png test/fixtures/sign.png)
apy_start "$CLUSTER_DIR"

psql -X -v ON_ERROR_STOP=1 -v img="$dir/cheque.png" <<'SQL'
\echo
\echo '== CREATE EXTENSION imgtrans'
CREATE EXTENSION imgtrans;
CREATE TABLE scans (id int PRIMARY KEY, img bytea);
INSERT INTO scans VALUES (1, pg_read_binary_file(:'img'));

\echo '== the image'
SELECT (imgtrans_image_info(img)).* FROM scans;

\echo '== word rows of the scan'
SELECT block_num AS blk, line_num AS line, word_num AS word, x, y, width, height,
       round(conf) AS conf, text
FROM scans, imgtrans_ocr(img)
WHERE btrim(text) <> ''   -- tesseract reports ruled lines as blank words
ORDER BY block_num, par_num, line_num, word_num;

\echo '== codes pulled off the cheque with plain SQL'
SELECT s.id,
       max(w.text) FILTER (WHERE w.text ~ '^[A-Z]{4}0[A-Z0-9]{6}$') AS ifsc,
       max(w.text) FILTER (WHERE w.text ~ '^[A-Z]{5}[0-9]{4}[A-Z]$') AS pan,
       max(w.text) FILTER (WHERE w.text ~ '^[0-9]{9,18}$') AS account
FROM scans s, imgtrans_ocr(s.img) w
GROUP BY s.id;
SQL

psql -X -v ON_ERROR_STOP=1 -v sign="$dir/sign.png" -v apy="$APY_URL" <<'SQL'
\echo
\echo '== image translation: the paragraphs of a photo, translated by Apertium in one batch'
SELECT imgtrans_add_provider('apertium', 'apertium', :'apy');
CREATE TABLE photos (id int PRIMARY KEY, img bytea);
INSERT INTO photos VALUES (1, pg_read_binary_file(:'sign'));
CREATE TABLE photo_es AS
SELECT t.* FROM photos p, imgtrans_translate_image(p.img, 'es') t WHERE p.id = 1;
SELECT block_num AS blk, x, y, width, height, text, translated FROM photo_es ORDER BY block_num;

\echo '== fix one translation with plain SQL'
UPDATE photo_es SET translated = 'Por favor, camine despacio' WHERE block_num = 2;
SELECT block_num AS blk, translated FROM photo_es WHERE block_num = 2;
SQL

# the pictures: OCR boxes coloured by confidence, and the translated photo
mkdir -p demo-out
psql -X -At -v ON_ERROR_STOP=1 -c "SELECT encode(imgtrans_render(img,
    (SELECT jsonb_agg(w) FROM imgtrans_ocr(img) w WHERE btrim(w.text) <> ''), 'boxes'), 'base64')
    FROM photos" | base64 -d >demo-out/overlay.png
psql -X -At -v ON_ERROR_STOP=1 -c "SELECT encode(imgtrans_render(img,
    (SELECT jsonb_agg(t) FROM photo_es t)), 'base64') FROM photos" | base64 -d >demo-out/translated.png
log "wrote demo-out/overlay.png and demo-out/translated.png"
