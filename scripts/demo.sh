#!/usr/bin/env bash
# scripts/demo.sh: the imgtrans demo on a throwaway local cluster.
#
# Installs what it needs, builds and installs the extension, starts a
# temporary PostgreSQL on a free 127.0.0.1 port, OCRs a sample cheque image
# and prints its word rows and the codes pulled out with plain SQL, then
# stops the server and removes its files.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
imgtrans_locked "$0" "$@"
cd "$IMGTRANS_ROOT"
trap cluster_stop EXIT

imgtrans_deps
imgtrans_build
cluster_start
dir=$(cluster_filedir test/fixtures/cheque.png)

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
