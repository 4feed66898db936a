/*-------------------------------------------------------------------------
 * scripts.h
 *	  Which tesseract language is written in which script, as tesseract's
 *	  OSD names scripts: the table source => 'auto' chooses from.
 *
 * Plain C (no PostgreSQL), so the unit tests link it.  Never looks at the
 * disk: autolang.c intersects this table with what is installed.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_SCRIPTS_H
#define IMGTRANS_SCRIPTS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The OSD script lang is written in ("Latin", "Cyrillic", "Han", ...), or
 * NULL for languages auto never chooses (osd, equ, vertical variants) and
 * for languages this table does not know.
 */
extern const char *ocr_lang_script(const char *lang);

/*
 * The script OSD's answer stands for: the names OSD gives one writing
 * system ("Hiragana", "Katakana" and "Japanese"; "Hangul" and "Korean")
 * become one; NULL for "Common" and names it does not know.
 */
extern const char *ocr_script_canonical(const char *osd_script);

/*
 * "tesseract-ocr-rus, tesseract-ocr-ukr, ..." for script: the Debian
 * packages of its languages, the first max of them, into buf.
 */
extern void ocr_script_packages(const char *script, int max, char *buf, size_t buflen);

#endif							/* IMGTRANS_SCRIPTS_H */
