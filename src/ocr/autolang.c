/*-------------------------------------------------------------------------
 * autolang.c
 *	  source => 'auto' for imgtrans_translate_image: the OCR language from
 *	  the script tesseract's OSD sees on the page.
 *
 * What it is for: OSD names the script (imgtrans_osd, run through SPI in
 * the caller's schema so this file never touches the engine); the
 * candidates are the installed languages written in that script
 * (scripts.c), narrowed to imgtrans.auto_languages when it is set.
 * Exactly one candidate is the answer.  None, or several (eng and spa are
 * both Latin), is an ERROR that names them and says what to do: auto
 * never picks one of several by itself, since the translation of a page
 * read in the wrong Latin language is wrong without any sign of it.
 *
 * It also chooses what preprocess => '{auto}' tries on a page whose OSD
 * script the call's languages are not written in (a Fraktur page read
 * with eng): the script's model, or the few languages written in it; the
 * trial keeps that reading only if it reads better (preprocess.c).
 *
 * Never: guess a language OSD gave no script for, choose a language that
 * is not installed, or use a script confidence to break a tie.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"

#include "imgtrans.h"
#include "ocr/ocrargs.h"
#include "ocr/scripts.h"
#include "translate/transcodec.h"

char	   *imgtrans_auto_languages = NULL;

/* GUC check hook: empty, or a language list such as 'eng+rus'. */
bool
imgtrans_check_auto_languages(char **newval, void **extra, GucSource source)
{
	const char *problem;

	if (*newval == NULL || (*newval)[0] == '\0')
		return true;
	problem = ocr_lang_check(*newval);
	if (problem != NULL)
	{
		GUC_check_errdetail("%s", problem);
		GUC_check_errhint("Use tesseract language codes joined with '+', e.g. 'eng+rus'.");
		return false;
	}
	return true;
}

/* lang is one of imgtrans.auto_languages, or that setting is empty. */
static bool
auto_allowed(const char *lang)
{
	char		part[OCR_MAX_LANG_PART + 1];
	int			i;

	if (imgtrans_auto_languages == NULL || imgtrans_auto_languages[0] == '\0')
		return true;
	for (i = 0; ocr_lang_part(imgtrans_auto_languages, i, part, sizeof(part)); i++)
		if (strcmp(part, lang) == 0)
			return true;
	return false;
}

/*
 * The one installed (and allowed) language written in OSD's script; ERROR
 * when there is none or more than one.
 */
const char *
imgtrans_lang_for_script(const char *osd_script)
{
	const char *script = osd_script ? ocr_script_canonical(osd_script) : NULL;
	StringInfoData found;
	const char *chosen = NULL;
	char	  **names;
	int			n,
				i,
				nfound = 0;

	if (osd_script == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source => 'auto': tesseract's OSD could not tell the script of the image"),
				 errdetail("OSD needs a few lines of text; the image has too little, or none."),
				 errhint("Pass the language of the image as source, e.g. 'eng' or 'rus'.")));
	if (script == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source => 'auto': no tesseract language is known for the script \"%s\"",
						osd_script),
				 errhint("Pass the language of the image as source, e.g. 'eng' or 'rus'.")));
	initStringInfo(&found);
	names = imgtrans_language_list(&n);
	for (i = 0; i < n; i++)
	{
		const char *s = ocr_lang_script(names[i]);

		if (s == NULL || strcmp(s, script) != 0 || !auto_allowed(names[i]))
			continue;
		appendStringInfo(&found, "%s%s", nfound ? ", " : "", names[i]);
		chosen = names[i];
		nfound++;
	}
	if (nfound == 0)
	{
		char		packages[512];

		ocr_script_packages(script, 6, packages, sizeof(packages));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source => 'auto': the image is in %s script, and no installed language%s is written in it",
						script, imgtrans_auto_languages && imgtrans_auto_languages[0] ?
						" of imgtrans.auto_languages" : ""),
				 errdetail("Installed languages: %s.", imgtrans_installed_languages()),
				 errhint("Install the traineddata package of the image's language (%s), or pass source.",
						 packages)));
	}
	if (nfound > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source => 'auto': the image is in %s script, which %d installed languages are written in: %s",
						script, nfound, found.data),
				 errhint("Pass one of them as source, or set imgtrans.auto_languages to the languages auto may choose from (e.g. 'eng+rus').")));
	ereport(DEBUG1,
			(errmsg_internal("source => 'auto': script %s, language %s", script, chosen)));
	return pstrdup(chosen);
}

/* The installed traineddata name is among names (n of them, sorted). */
static bool
installed(char **names, int n, const char *name)
{
	int			i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/*
 * preprocess => '{auto}', its script trial: what to read a page with whose
 * OSD script (osd_script) none of the parts of lang is written in: that
 * script's model when it is installed (and allowed), else the installed
 * (and allowed) languages written in it, joined with '+', when there are
 * at most MAX_TRIAL_LANGS.  NULL, with the reason in *why, when there is
 * nothing to try: OSD named no script, lang is written in it already, a
 * part of lang is of a script this table does not know (a custom model),
 * or nothing for it is installed.  Never raises for any of these.
 */
#define MAX_TRIAL_LANGS 3
const char *
imgtrans_script_trial_lang(const char *lang, const char *osd_script, char **why)
{
	const char *script = osd_script ? ocr_script_canonical(osd_script) : NULL;
	const char *model;
	const char *package = NULL;
	char		part[OCR_MAX_LANG_PART + 1];
	StringInfoData found;
	char	  **names;
	int			n,
				i,
				nfound = 0;

	if (script == NULL)
	{
		*why = psprintf("OSD named no script it knows (%s)", osd_script ? osd_script : "none");
		return NULL;
	}
	for (i = 0; ocr_lang_part(lang, i, part, sizeof(part)); i++)
	{
		const char *s = ocr_name_script(part);

		if (s == NULL)
		{
			*why = psprintf("the script of \"%s\" is not known", part);
			return NULL;
		}
		if (strcmp(s, script) == 0)
		{
			*why = psprintf("%s is written in %s script, OSD's", part, script);
			return NULL;
		}
	}
	names = imgtrans_language_list(&n);
	model = ocr_script_model(script, &package);
	if (model && installed(names, n, model) && auto_allowed(model))
		return model;
	initStringInfo(&found);
	for (i = 0; i < n; i++)
	{
		const char *s = ocr_lang_script(names[i]);

		if (s == NULL || strcmp(s, script) != 0 || !auto_allowed(names[i]))
			continue;
		appendStringInfo(&found, "%s%s", nfound ? "+" : "", names[i]);
		nfound++;
	}
	if (nfound >= 1 && nfound <= MAX_TRIAL_LANGS)
		return found.data;
	{
		const char *narrowed = imgtrans_auto_languages && imgtrans_auto_languages[0] ?
			" among imgtrans.auto_languages" : "";

		*why = nfound ? psprintf("%d installed languages%s are written in %s script and its model is not installed (%s)",
								 nfound, narrowed, script, package ? package : "tesseract has none") :
			psprintf("nothing for %s script is installed%s (%s)", script, narrowed,
					 package ? package : "tesseract has no model for it");
	}
	return NULL;
}

/* The translation provider's source code for a tesseract language. */
const char *
imgtrans_lang_translation_code(const char *lang)
{
	const char *iso1;

	if (strncmp(lang, "chi_", 4) == 0)
		return "zh";
	iso1 = strlen(lang) == 3 ? tr_iso3_to_iso1(lang) : NULL;
	return iso1 ? iso1 : lang;
}

/*
 * OSD's script of page page of image, through imgtrans_osd in the schema
 * of the function fn_oid (the caller's), then the language for it.
 */
const char *
imgtrans_auto_ocr_lang(Oid fn_oid, Datum image, int page, int dpi)
{
	MemoryContext outer = CurrentMemoryContext;
	char	   *schema = get_namespace_name(get_func_namespace(fn_oid));
	Oid			argtypes[3] = {BYTEAOID, INT4OID, INT4OID};
	Datum		args[3] = {image, Int32GetDatum(page), Int32GetDatum(dpi)};
	char		nulls[4] = {' ', ' ', dpi ? ' ' : 'n', '\0'};
	char	   *sql;
	char	   *script = NULL;
	bool		isnull;
	Datum		d;

	sql = psprintf("SELECT script FROM %s.imgtrans_osd($1, $2, $3)", quote_identifier(schema));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args(sql, 3, argtypes, args, nulls, true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "OSD query failed");
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (!isnull)
	{
		MemoryContext spi = MemoryContextSwitchTo(outer);

		script = TextDatumGetCString(d);
		MemoryContextSwitchTo(spi);
	}
	SPI_finish();
	return imgtrans_lang_for_script(script);
}
