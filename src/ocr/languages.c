/*-------------------------------------------------------------------------
 * languages.c
 *	  The languages installed in the tessdata directory, and checks of a
 *	  caller's language list against them.
 *
 * Checked here, before tesseract sees a name, so an unknown language is a
 * clean ERROR whose hint lists what is installed, instead of tesseract's
 * own complaint on the server's stderr.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/stat.h>

#include "funcapi.h"
#include "lib/stringinfo.h"
#include "storage/fd.h"
#include "utils/builtins.h"

#include "imgtrans.h"
#include "ocr/ocrargs.h"

#define TRAINEDDATA ".traineddata"

static int
cmp_cstring(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Sorted palloc'd names of *.traineddata files; *n gets the count. */
char	  **
imgtrans_language_list(int *n)
{
	const char *dir = imgtrans_tessdata_path();
	DIR		   *d = AllocateDir(dir);
	struct dirent *de;
	char	  **names = NULL;
	int			cap = 0;

	*n = 0;
	if (d == NULL)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open tessdata directory \"%s\": %m", dir),
				 errhint("Install a tesseract-ocr-LANG package or set imgtrans.tessdata_dir.")));
	while ((de = ReadDir(d, dir)) != NULL)
	{
		size_t		len = strlen(de->d_name);
		size_t		sfx = strlen(TRAINEDDATA);

		if (len <= sfx || strcmp(de->d_name + len - sfx, TRAINEDDATA) != 0)
			continue;
		if (*n == cap)
		{
			cap = cap ? cap * 2 : 16;
			names = names ? repalloc(names, cap * sizeof(char *)) : palloc(cap * sizeof(char *));
		}
		names[(*n)++] = pnstrdup(de->d_name, len - sfx);
	}
	FreeDir(d);
	if (*n > 1)
		qsort(names, *n, sizeof(char *), cmp_cstring);
	return names;
}

/* "eng, osd, spa" for hints. */
char *
imgtrans_installed_languages(void)
{
	StringInfoData buf;
	int			n,
				i;
	char	  **names = imgtrans_language_list(&n);

	initStringInfo(&buf);
	for (i = 0; i < n; i++)
		appendStringInfo(&buf, "%s%s", i ? ", " : "", names[i]);
	if (n == 0)
		appendStringInfoString(&buf, "(none)");
	return buf.data;
}

/* Validates a language list such as "eng+spa"; ERROR names what is wrong. */
/* The file a language is read from: <tessdata>/<lang>.traineddata (palloc'd). */
char *
imgtrans_traineddata_path(const char *lang)
{
	return psprintf("%s/%s%s", imgtrans_tessdata_path(), lang, TRAINEDDATA);
}

void
imgtrans_check_lang(const char *lang)
{
	const char *problem = ocr_lang_check(lang);
	char		part[OCR_MAX_LANG_PART + 1];
	int			i;

	if (problem != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid language \"%s\": %s", lang, problem),
				 errhint("Use tesseract language codes such as 'eng' or 'eng+spa'.")));
	for (i = 0; ocr_lang_part(lang, i, part, sizeof(part)); i++)
	{
		char	   *path = imgtrans_traineddata_path(part);
		struct stat st;

		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("language \"%s\" is not installed", part),
					 errdetail("No file %s.", path),
					 errhint("Installed languages: %s.", imgtrans_installed_languages())));
		pfree(path);
	}
}

PG_FUNCTION_INFO_V1(imgtrans_languages);

/* imgtrans_languages() returns the installed traineddata names. */
Datum
imgtrans_languages(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			n,
				i;
	char	  **names;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	names = imgtrans_language_list(&n);
	for (i = 0; i < n; i++)
	{
		Datum		value = CStringGetTextDatum(names[i]);
		bool		isnull = false;

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &isnull);
	}
	return (Datum) 0;
}
