#!/usr/bin/env bash
# The poppler-glib calls imgtrans makes are only those that read page sizes,
# page content and the text layer (src/document/README.md, "What it must
# never do"): none that hands out actions (JavaScript, launch, URI), links,
# form fields, annotations or attachments, and only src/document/pdf.c
# includes poppler.  Poppler itself has no JavaScript interpreter; this keeps
# imgtrans from ever asking it for a script.  A static check of the sources
# (no server); the checker refuses a forbidden call, so this test can fail.
set -uo pipefail
source "$(dirname "$0")/../tap.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

# the font list (poppler_font_info_*, poppler_fonts_iter_*) only names fonts and says whether each is
# embedded: pdf.c asks it whether cairo's caches may be reset (pdf_close)
ALLOWED="poppler_document_get_n_pages poppler_document_get_page poppler_document_new_from_bytes
poppler_page_get_size poppler_page_get_text poppler_page_get_text_layout poppler_page_render
poppler_font_info_new poppler_font_info_scan poppler_font_info_free poppler_fonts_iter_is_embedded
poppler_fonts_iter_next poppler_fonts_iter_free"

# check_calls FILE...: prints the poppler_* identifiers not in ALLOWED
check_calls() {
  grep -ohE '\bpoppler_[a-z_]+\b' "$@" | sort -u | grep -vxF -f <(tr ' ' '\n' <<<"$ALLOWED" | grep .)
}

bad=$(check_calls "$ROOT"/src/document/pdf.c)
if [ -z "$bad" ]; then ok "pdf.c calls only: $(tr '\n' ' ' <<<"$ALLOWED")"
else not_ok "pdf.c calls poppler functions outside the allow-list: $bad"; fi

others=$(grep -rlE '#include [<"](poppler|glib)' "$ROOT/src" | grep -v '/src/document/pdfprelude.h$')
if [ -z "$others" ]; then ok "only src/document/pdfprelude.h (for pdf.c) includes poppler or glib"
else not_ok "poppler or glib included by: $others"; fi
grep -q '"document/pdfprelude.h"' "$ROOT/src/document/pdf.c" &&
  [ "$(grep -rl 'pdfprelude.h' "$ROOT/src" --include='*.c' | wc -l)" = 1 ]
check "pdfprelude.h is included by pdf.c alone" test $? = 0

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for f in poppler_document_get_attachments poppler_page_get_link_mapping poppler_action_copy \
         poppler_page_get_form_field_mapping poppler_document_get_javascript; do
  printf 'x = %s(doc);\n' "$f" >"$TMP/bad.c"
  if [ -n "$(check_calls "$ROOT/src/document/pdf.c" "$TMP/bad.c")" ]; then ok "refuses $f"
  else not_ok "refuses $f"; fi
done
tap_done
