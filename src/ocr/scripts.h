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

/*
 * tesseract's model for every language of script ("Fraktur" for Fraktur,
 * "Hangul" for Korean) and its Debian package into *package (when not
 * NULL); NULL for a script without one model (Han) or unknown.
 */
extern const char *ocr_script_model(const char *script, const char **package);

/*
 * The script a traineddata name is written in: a language's (as
 * ocr_lang_script) or a script model's ("Fraktur" -> Fraktur); NULL when
 * unknown.
 */
extern const char *ocr_name_script(const char *name);

#endif							/* IMGTRANS_SCRIPTS_H */
