/*-------------------------------------------------------------------------
 * ocrargs.c
 *	  Validation of the small OCR arguments (level, psm, language names,
 *	  the allow-list of tesseract variables).
 *
 * Language names become file names under the tessdata directory, so the
 * check here is also what keeps a caller from naming "../../etc/passwd".
 * The variable allow-list is what keeps a caller from writing files,
 * starting a debugger or aborting the backend through tesseract: never
 * add a variable here that names a file, enables debug output or
 * training, or is only read when a language is loaded.
 *-------------------------------------------------------------------------
 */
#include "ocr/ocrargs.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const level_names[] = {
	[OCR_LEVEL_PAGE] = "page",
	[OCR_LEVEL_BLOCK] = "block",
	[OCR_LEVEL_PARA] = "para",
	[OCR_LEVEL_LINE] = "line",
	[OCR_LEVEL_WORD] = "word",
};

unsigned
ocr_parse_levels(const char *name)
{
	int			l;

	if (strcmp(name, "all") == 0)
		return OCR_LEVELS_ALL;
	for (l = OCR_LEVEL_PAGE; l <= OCR_LEVEL_WORD; l++)
		if (strcmp(name, level_names[l]) == 0)
			return OCR_LEVEL_BIT(l);
	return 0;
}

const char *
ocr_level_name(OcrLevel level)
{
	if (level < OCR_LEVEL_PAGE || level > OCR_LEVEL_WORD)
		return "unknown";
	return level_names[level];
}

bool
ocr_psm_valid(int psm)
{
	return psm == 1 || (psm >= 3 && psm <= 13);
}

const char *
ocr_lang_check(const char *lang)
{
	size_t		part = 0;
	const char *p;

	if (*lang == '\0')
		return "language is empty";
	if (strlen(lang) > OCR_MAX_LANG_LEN)
		return "language list is too long";
	for (p = lang; *p; p++)
	{
		if (*p == '+')
		{
			if (part == 0)
				return "language list has an empty part";
			part = 0;
			continue;
		}
		if (!(isascii((unsigned char) *p) &&
			  (isalnum((unsigned char) *p) || *p == '_' || *p == '-')))
			return "language names may contain only letters, digits, '_' and '-', joined by '+'";
		if (++part > OCR_MAX_LANG_PART)
			return "language name is too long";
	}
	if (part == 0)
		return "language list has an empty part";
	return NULL;
}

bool
ocr_lang_part(const char *lang, int i, char *buf, size_t buflen)
{
	const char *start = lang;
	const char *end;
	size_t		n;

	while (i-- > 0)
	{
		start = strchr(start, '+');
		if (start == NULL)
			return false;
		start++;
	}
	end = strchr(start, '+');
	n = end ? (size_t) (end - start) : strlen(start);
	if (n == 0 || n >= buflen)
		return false;
	memcpy(buf, start, n);
	buf[n] = '\0';
	return true;
}

/*
 * Variables that change what tesseract recognises and nothing else: no
 * file names, no debug output, no training modes, nothing read only when a
 * language is loaded.  Ranges keep values where tesseract is known to run
 * (sql/ocr_vars.sql runs OCR with every entry at its minimum and maximum).
 */
#define B(n)			{n, OCR_VAR_BOOL, 0, 1}
#define I(n, lo, hi)	{n, OCR_VAR_INT, lo, hi}
#define D(n, lo, hi)	{n, OCR_VAR_DOUBLE, lo, hi}
#define S(n)			{n, OCR_VAR_STRING, 0, OCR_VAR_MAX_STRING}

static const OcrVarSpec ocr_vars[] = {
	/* characters */
	S("tessedit_char_whitelist"),
	S("tessedit_char_blacklist"),
	S("tessedit_char_unblacklist"),
	B("classify_bln_numeric_mode"),
	/* dictionary and language model */
	B("tessedit_enable_dict_correction"),
	B("tessedit_enable_bigram_correction"),
	B("tessedit_enable_doc_dict"),
	B("lstm_use_matrix"),
	D("lstm_rating_coefficient", 0, 100),
	D("language_model_penalty_non_freq_dict_word", 0, 1),
	D("language_model_penalty_non_dict_word", 0, 1),
	D("language_model_penalty_punc", 0, 1),
	D("language_model_penalty_case", 0, 1),
	D("language_model_penalty_script", 0, 1),
	D("language_model_penalty_chartype", 0, 1),
	D("language_model_penalty_font", 0, 1),
	D("language_model_penalty_spacing", 0, 1),
	D("segment_penalty_dict_frequent_word", 0, 10),
	D("segment_penalty_dict_case_ok", 0, 10),
	D("segment_penalty_dict_case_bad", 0, 10),
	D("segment_penalty_dict_nonword", 0, 10),
	D("segment_penalty_garbage", 0, 10),
	/* layout and spacing */
	B("preserve_interword_spaces"),
	B("paragraph_text_based"),
	B("textord_heavy_nr"),
	B("textord_noise_rejwords"),
	B("textord_noise_rejrows"),
	B("textord_space_size_is_variable"),
	B("textord_tabfind_find_tables"),
	B("textord_tabfind_vertical_text"),
	B("textord_tabfind_force_vertical_text"),
	I("textord_min_xheight", 1, 1000),
	I("edges_max_children_per_outline", 1, 100),
	/* image: resolution, thresholding, inversion */
	I("user_defined_dpi", 0, 2400),
	I("thresholding_method", 0, 2),
	D("thresholding_window_size", 0.05, 1),
	D("thresholding_kfactor", 0, 1),
	D("thresholding_tile_size", 0.05, 1),
	D("thresholding_smooth_kernel_size", 0, 1),
	D("thresholding_score_fraction", 0, 1),
	B("tessedit_do_invert"),
	D("invert_threshold", 0, 1),
	/* hOCR output */
	B("hocr_font_info"),
	B("hocr_char_boxes"),
	I("lstm_choice_mode", 0, 2),
	I("lstm_choice_iterations", 1, 20),
};

#undef B
#undef I
#undef D
#undef S

const OcrVarSpec *
ocr_var_list(int *n)
{
	*n = (int) (sizeof(ocr_vars) / sizeof(ocr_vars[0]));
	return ocr_vars;
}

const OcrVarSpec *
ocr_var_find(const char *name)
{
	size_t		i;

	for (i = 0; i < sizeof(ocr_vars) / sizeof(ocr_vars[0]); i++)
		if (strcmp(ocr_vars[i].name, name) == 0)
			return &ocr_vars[i];
	return NULL;
}

const char *
ocr_var_type_name(OcrVarType type)
{
	switch (type)
	{
		case OCR_VAR_BOOL:
			return "boolean";
		case OCR_VAR_INT:
			return "integer";
		case OCR_VAR_DOUBLE:
			return "number";
		case OCR_VAR_STRING:
			return "string";
	}
	return "unknown";
}

/* a whole decimal number, as strtod reads it, and nothing else */
static bool
parse_number(const char *s, double *out)
{
	char	   *end;

	if (*s == '\0' || isspace((unsigned char) *s))
		return false;
	errno = 0;
	*out = strtod(s, &end);
	return errno == 0 && *end == '\0' && isfinite(*out);
}

const char *
ocr_var_check(const OcrVarSpec *spec, const char *value, const char **canon)
{
	double		d = 0;

	*canon = value;
	switch (spec->type)
	{
		case OCR_VAR_BOOL:
			if (strcmp(value, "1") == 0 || strcmp(value, "true") == 0)
				*canon = "1";
			else if (strcmp(value, "0") == 0 || strcmp(value, "false") == 0)
				*canon = "0";
			else
				return "must be a boolean (true, false, 1 or 0)";
			return NULL;
		case OCR_VAR_INT:
			if (!parse_number(value, &d) || d != floor(d) || strpbrk(value, ".eE") != NULL)
				return "must be an integer";
			break;
		case OCR_VAR_DOUBLE:
			if (!parse_number(value, &d) || strpbrk(value, "xXpPnN") != NULL)
				return "must be a number";
			break;
		case OCR_VAR_STRING:
			if (strlen(value) > (size_t) spec->max)
				return "is longer than 4096 bytes";
			return NULL;
	}
	if (d < spec->min || d > spec->max)
		return "is out of range";
	return NULL;
}

const char *const ocr_prep_step_names[OCR_NUM_PREP_STEPS] = {
	"gray", "otsu", "sauvola", "deskew", "orient", "scale", "denoise", "border",
	"invert", "rules", "flatten", "auto"
};

int
ocr_prep_step(const char *name)
{
	int			i;

	for (i = 0; name && i < OCR_NUM_PREP_STEPS; i++)
		if (strcmp(name, ocr_prep_step_names[i]) == 0)
			return i;
	return -1;
}
