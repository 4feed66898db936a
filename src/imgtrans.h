/*-------------------------------------------------------------------------
 * imgtrans.h
 *	  Declarations shared by imgtrans.so and the OCR engine module.
 *
 * imgtrans.so holds the module entry, the GUCs and image decoding; the
 * engine module (imgtrans_engine.so, loaded on first use) holds everything
 * that calls tesseract.  PostgreSQL loads libraries RTLD_GLOBAL, so the
 * engine module resolves the symbols declared here against imgtrans.so.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_H
#define IMGTRANS_H

#include "fmgr.h"
#include "nodes/pg_list.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "image/imgheader.h"


/* tesseract's TBOX uses int16 coordinates */
#define TESSERACT_MAX_SIDE 32767

/* GUC variables (imgtrans.c) */
extern char *imgtrans_tessdata_dir;
extern int	imgtrans_engine_cache_size;
extern int	imgtrans_ocr_threads;
extern int	imgtrans_max_image_pixels;
extern int	imgtrans_max_image_bytes;
extern char *imgtrans_font_path;

/* imgtrans.c */
extern const char *imgtrans_tessdata_path(void);
extern PGFunction imgtrans_engine_function(const char *name);

/* image.c */
struct Pix;
extern void imgtrans_read_header(const bytea *image, ImgHeader *hdr);
extern struct Pix *imgtrans_decode(const bytea *image, ImgHeader *hdr);
extern void imgtrans_image_init(void);
extern void imgtrans_check_limits(int64 width, int64 height);
extern void imgtrans_lept_error_clear(void);
extern int	imgtrans_lept_errdetail(void);
extern const char *imgtrans_lept_error_text(void);
extern void imgtrans_lept_error_set(const char *msg);

/* ocrvars.c: one allowed tesseract variable, its value as tesseract parses it */
typedef struct OcrVar
{
	char	   *name;
	char	   *value;
} OcrVar;

extern char *imgtrans_extra_tesseract_vars;
extern List *imgtrans_check_vars(Jsonb *vars);
extern bool imgtrans_check_extra_vars(char **newval, void **extra, GucSource source);

/* languages.c */
extern void imgtrans_check_lang(const char *lang);
extern char *imgtrans_traineddata_path(const char *lang);
extern char *imgtrans_installed_languages(void);
extern char **imgtrans_language_list(int *n);

/* source => 'auto' (src/ocr/autolang.c) */
extern char *imgtrans_auto_languages;
extern bool imgtrans_check_auto_languages(char **newval, void **extra, GucSource source);
extern const char *imgtrans_lang_for_script(const char *osd_script);
extern const char *imgtrans_lang_translation_code(const char *lang);
extern const char *imgtrans_auto_ocr_lang(Oid fn_oid, Datum image, int page, int dpi);
extern const char *imgtrans_script_trial_lang(const char *lang, const char *osd_script, char **why);

#endif							/* IMGTRANS_H */
