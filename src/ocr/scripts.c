/*-------------------------------------------------------------------------
 * scripts.c
 *	  Tesseract languages by script, for source => 'auto' (autolang.c).
 *
 * What it is for: after OSD has named the script of a page, the installed
 * languages written in that script are the candidates.  The table covers
 * the traineddata Debian 12 packages as tesseract-ocr-LANG (LANG with '_'
 * as '-'); a language missing here is never chosen by auto, only passed
 * explicitly.  Never guesses: a script with no entry has no candidates.
 *-------------------------------------------------------------------------
 */
#include "ocr/scripts.h"

#include <stdio.h>
#include <string.h>

typedef struct LangScript
{
	const char *lang;
	const char *script;
} LangScript;

/* In script order, so the packages of a script come out together. */
static const LangScript lang_scripts[] = {
	{"afr", "Latin"}, {"aze", "Latin"}, {"bos", "Latin"}, {"bre", "Latin"},
	{"cat", "Latin"}, {"ceb", "Latin"}, {"ces", "Latin"}, {"cos", "Latin"},
	{"cym", "Latin"}, {"dan", "Latin"}, {"deu", "Latin"}, {"eng", "Latin"},
	{"enm", "Latin"}, {"epo", "Latin"}, {"est", "Latin"}, {"eus", "Latin"},
	{"fao", "Latin"}, {"fil", "Latin"}, {"fin", "Latin"}, {"fra", "Latin"},
	{"frm", "Latin"}, {"fry", "Latin"}, {"gla", "Latin"}, {"gle", "Latin"},
	{"glg", "Latin"}, {"hat", "Latin"}, {"hrv", "Latin"}, {"hun", "Latin"},
	{"ind", "Latin"}, {"isl", "Latin"}, {"ita", "Latin"}, {"ita_old", "Latin"},
	{"jav", "Latin"}, {"kmr", "Latin"}, {"lat", "Latin"}, {"lav", "Latin"},
	{"lit", "Latin"}, {"ltz", "Latin"}, {"mlt", "Latin"}, {"mri", "Latin"},
	{"msa", "Latin"}, {"nld", "Latin"}, {"nor", "Latin"}, {"oci", "Latin"},
	{"pol", "Latin"}, {"por", "Latin"}, {"que", "Latin"}, {"ron", "Latin"},
	{"slk", "Latin"}, {"slv", "Latin"}, {"spa", "Latin"}, {"spa_old", "Latin"},
	{"sqi", "Latin"}, {"srp_latn", "Latin"}, {"swa", "Latin"}, {"swe", "Latin"},
	{"tgl", "Latin"}, {"ton", "Latin"}, {"tur", "Latin"}, {"uzb", "Latin"},
	{"vie", "Latin"}, {"yor", "Latin"},
	{"frk", "Fraktur"},
	{"rus", "Cyrillic"}, {"ukr", "Cyrillic"}, {"bel", "Cyrillic"}, {"bul", "Cyrillic"},
	{"mkd", "Cyrillic"}, {"srp", "Cyrillic"}, {"kaz", "Cyrillic"}, {"kir", "Cyrillic"},
	{"mon", "Cyrillic"}, {"tat", "Cyrillic"}, {"tgk", "Cyrillic"}, {"uzb_cyrl", "Cyrillic"},
	{"aze_cyrl", "Cyrillic"},
	{"ell", "Greek"}, {"grc", "Greek"},
	{"ara", "Arabic"}, {"fas", "Arabic"}, {"urd", "Arabic"}, {"pus", "Arabic"},
	{"snd", "Arabic"}, {"uig", "Arabic"},
	{"heb", "Hebrew"}, {"yid", "Hebrew"},
	{"hin", "Devanagari"}, {"mar", "Devanagari"}, {"nep", "Devanagari"}, {"san", "Devanagari"},
	{"ben", "Bengali"}, {"asm", "Bengali"},
	{"tam", "Tamil"}, {"tel", "Telugu"}, {"kan", "Kannada"}, {"mal", "Malayalam"},
	{"tha", "Thai"},
	{"chi_sim", "Han"}, {"chi_tra", "Han"},
	{"jpn", "Japanese"},
	{"kor", "Korean"},
};

#define N_LANG_SCRIPTS (sizeof(lang_scripts) / sizeof(lang_scripts[0]))

const char *
ocr_lang_script(const char *lang)
{
	size_t		i;

	for (i = 0; i < N_LANG_SCRIPTS; i++)
		if (strcmp(lang_scripts[i].lang, lang) == 0)
			return lang_scripts[i].script;
	return NULL;
}

const char *
ocr_script_canonical(const char *osd_script)
{
	static const char *const same[][2] = {
		{"Hiragana", "Japanese"}, {"Katakana", "Japanese"}, {"Hangul", "Korean"},
	};
	size_t		i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		if (strcmp(osd_script, same[i][0]) == 0)
			return same[i][1];
	for (i = 0; i < N_LANG_SCRIPTS; i++)
		if (strcmp(lang_scripts[i].script, osd_script) == 0)
			return lang_scripts[i].script;
	return NULL;
}

void
ocr_script_packages(const char *script, int max, char *buf, size_t buflen)
{
	size_t		i,
				used = 0;
	int			n = 0;

	if (buflen == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < N_LANG_SCRIPTS && n < max; i++)
	{
		char		pkg[64];
		char	   *c;
		int			w;

		if (strcmp(lang_scripts[i].script, script) != 0)
			continue;
		snprintf(pkg, sizeof(pkg), "tesseract-ocr-%s", lang_scripts[i].lang);
		for (c = pkg; *c; c++)
			if (*c == '_')
				*c = '-';
		w = snprintf(buf + used, buflen - used, "%s%s", n ? ", " : "", pkg);
		if (w < 0 || (size_t) w >= buflen - used)
		{
			buf[used] = '\0';	/* what fits, whole names only */
			return;
		}
		used += (size_t) w;
		n++;
	}
}
