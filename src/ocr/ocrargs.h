/*-------------------------------------------------------------------------
 * ocrargs.h
 *	  Validation of the small OCR arguments (level, psm, language names).
 *
 * Plain C with no PostgreSQL dependency so test/ can unit-test it; the SQL
 * layer turns the results into ereport()s.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_OCRARGS_H
#define IMGTRANS_OCRARGS_H

#include <stdbool.h>
#include <stddef.h>

/* Box levels, in tesseract's TSV numbering (page = 1 ... word = 5). */
typedef enum OcrLevel
{
	OCR_LEVEL_PAGE = 1,
	OCR_LEVEL_BLOCK = 2,
	OCR_LEVEL_PARA = 3,
	OCR_LEVEL_LINE = 4,
	OCR_LEVEL_WORD = 5
} OcrLevel;

#define OCR_LEVEL_BIT(l)	(1u << (l))
#define OCR_LEVELS_ALL		(OCR_LEVEL_BIT(OCR_LEVEL_PAGE) | OCR_LEVEL_BIT(OCR_LEVEL_BLOCK) | \
							 OCR_LEVEL_BIT(OCR_LEVEL_PARA) | OCR_LEVEL_BIT(OCR_LEVEL_LINE) | \
							 OCR_LEVEL_BIT(OCR_LEVEL_WORD))
#define OCR_LEVEL_NAMES		"page, block, para, line, word, all"

#define OCR_MAX_LANG_LEN	255
#define OCR_MAX_LANG_PART	64

/* Returns a bit mask of OCR_LEVEL_BIT()s, or 0 for an unknown name. */
extern unsigned ocr_parse_levels(const char *name);
extern const char *ocr_level_name(OcrLevel level);

/* Page segmentation modes that produce text (0 and 2 do not). */
extern bool ocr_psm_valid(int psm);

/*
 * The preprocessing steps by name, in the order of preprocess.c's PrepStep:
 * checked here for job options (no engine needed), parsed there.
 */
#define OCR_NUM_PREP_STEPS	12
#define OCR_PREP_STEP_NAMES "gray, otsu, sauvola, deskew, orient, scale, denoise, border, invert, rules, flatten, auto"
extern const char *const ocr_prep_step_names[OCR_NUM_PREP_STEPS];

/* The step's index in ocr_prep_step_names, or -1 for an unknown name. */
extern int	ocr_prep_step(const char *name);

/*
 * Checks a tesseract language spec such as "eng" or "eng+spa": parts are
 * 1..OCR_MAX_LANG_PART characters of [A-Za-z0-9_-], joined by '+'.  Returns
 * NULL when valid, otherwise a static message naming the problem.
 */
extern const char *ocr_lang_check(const char *lang);

/*
 * Tesseract variables a caller may set per call (vars): an allow-list of
 * variables that affect recognition only, each with its type and range.
 * Everything else is refused -- tesseract has variables that open files
 * for writing (debug_file, tessedit_write_params_to_file), write images
 * into the working directory, start the ScrollView debugger (a JVM the
 * backend then waits on forever) or trip asserts that abort the process.
 */
typedef enum OcrVarType
{
	OCR_VAR_BOOL,
	OCR_VAR_INT,
	OCR_VAR_DOUBLE,
	OCR_VAR_STRING
} OcrVarType;

typedef struct OcrVarSpec
{
	const char *name;
	OcrVarType	type;
	double		min;			/* INT/DOUBLE: inclusive range; STRING: 0 */
	double		max;			/* STRING: longest value in bytes */
} OcrVarSpec;

#define OCR_VAR_MAX_STRING 4096

/* The allow-list, in documentation order; *n gets its length. */
extern const OcrVarSpec *ocr_var_list(int *n);

/* The entry for name, or NULL when it is not on the list. */
extern const OcrVarSpec *ocr_var_find(const char *name);

/*
 * Checks a value (as text: "1"/"0" for booleans, digits for numbers) for
 * spec; returns NULL when valid, else a static message.  *canon gets the
 * text tesseract is given (booleans as "1"/"0"), pointing into value or a
 * static string.
 */
extern const char *ocr_var_check(const OcrVarSpec *spec, const char *value, const char **canon);

extern const char *ocr_var_type_name(OcrVarType type);

/*
 * Splits a valid language spec in place-free fashion: copies part number i
 * (0-based) into buf and returns true, or false when there is no part i.
 */
extern bool ocr_lang_part(const char *lang, int i, char *buf, size_t buflen);

#endif							/* IMGTRANS_OCRARGS_H */
