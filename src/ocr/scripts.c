/*-------------------------------------------------------------------------
 * scripts.c
 *	  Tesseract languages by script, for source => 'auto' (autolang.c),
 *	  and the script models, for preprocess => '{auto}' (preprocess.c).
 *
 * What it is for: after OSD has named the script of a page, the installed
 * languages written in that script are the candidates; auto's script
 * trial reads a page in a script the call's languages are not written in
 * with that script's model.  The table covers
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

/*
 * tesseract's script models (tessdata/<name>.traineddata, Debian's
 * tesseract-ocr-script-* packages): one model for every language written
 * in its script, for a page whose language is not known.  Han has two
 * (HanS, HanT) and no entry: which one cannot be told from OSD.
 */
typedef struct ScriptModel
{
	const char *script;
	const char *model;
	const char *package;
} ScriptModel;

static const ScriptModel script_models[] = {
	{"Latin", "Latin", "tesseract-ocr-script-latn"},
	{"Fraktur", "Fraktur", "tesseract-ocr-script-frak"},
	{"Cyrillic", "Cyrillic", "tesseract-ocr-script-cyrl"},
	{"Greek", "Greek", "tesseract-ocr-script-grek"},
	{"Arabic", "Arabic", "tesseract-ocr-script-arab"},
	{"Hebrew", "Hebrew", "tesseract-ocr-script-hebr"},
	{"Devanagari", "Devanagari", "tesseract-ocr-script-deva"},
	{"Bengali", "Bengali", "tesseract-ocr-script-beng"},
	{"Tamil", "Tamil", "tesseract-ocr-script-taml"},
	{"Telugu", "Telugu", "tesseract-ocr-script-telu"},
	{"Kannada", "Kannada", "tesseract-ocr-script-knda"},
	{"Malayalam", "Malayalam", "tesseract-ocr-script-mlym"},
	{"Thai", "Thai", "tesseract-ocr-script-thai"},
	{"Japanese", "Japanese", "tesseract-ocr-script-jpan"},
	{"Korean", "Hangul", "tesseract-ocr-script-hang"},
};

#define N_SCRIPT_MODELS (sizeof(script_models) / sizeof(script_models[0]))

const char *
ocr_script_model(const char *script, const char **package)
{
	size_t		i;

	for (i = 0; i < N_SCRIPT_MODELS; i++)
		if (strcmp(script_models[i].script, script) == 0)
		{
			if (package)
				*package = script_models[i].package;
			return script_models[i].model;
		}
	return NULL;
}

const char *
ocr_name_script(const char *name)
{
	const char *script = ocr_lang_script(name);
	size_t		i;

	if (script != NULL)
		return script;
	for (i = 0; i < N_SCRIPT_MODELS; i++)
		if (strcmp(script_models[i].model, name) == 0)
			return script_models[i].script;
	return NULL;
}
