/*-------------------------------------------------------------------------
 * ocrargs.c
 *	  Validation of the small OCR arguments (level, psm, language names).
 *
 * Language names become file names under the tessdata directory, so the
 * check here is also what keeps a caller from naming "../../etc/passwd".
 *-------------------------------------------------------------------------
 */
#include "ocrargs.h"

#include <ctype.h>
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
