/*-------------------------------------------------------------------------
 * ocrvars.c
 *	  The tesseract variables (vars) a caller may set for one OCR call or
 *	  job: checked against the allow-list (ocrargs.c) and the superuser's
 *	  imgtrans.extra_tesseract_vars, and turned into the name/value pairs
 *	  the engine module applies.
 *
 * Runs in the caller's session before anything reaches tesseract: at
 * every OCR call and at imgtrans_submit(), so a job cannot be queued with
 * a variable its worker would refuse.  Must never let a name through that
 * is on neither list: tesseract's other variables write files as the
 * server's OS user, start a debugger the backend waits on forever, or
 * abort the backend (a crash-restart of the whole cluster).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/varlena.h"

#include "imgtrans.h"
#include "ocr/ocrargs.h"

char	   *imgtrans_extra_tesseract_vars = NULL;

/* name is listed in imgtrans.extra_tesseract_vars */
static bool
extra_var_allowed(const char *name)
{
	char	   *copy;
	List	   *names;
	ListCell   *lc;
	bool		found = false;

	if (imgtrans_extra_tesseract_vars == NULL || imgtrans_extra_tesseract_vars[0] == '\0')
		return false;
	copy = pstrdup(imgtrans_extra_tesseract_vars);
	if (!SplitIdentifierString(copy, ',', &names))
		return false;			/* the check hook keeps this from happening */
	foreach(lc, names)
		if (strcmp((char *) lfirst(lc), name) == 0)
			found = true;
	list_free(names);
	pfree(copy);
	return found;
}

/* GUC check hook: a comma-separated list of names */
bool
imgtrans_check_extra_vars(char **newval, void **extra, GucSource source)
{
	char	   *copy = pstrdup(*newval);
	List	   *names;
	bool		ok = SplitIdentifierString(copy, ',', &names);

	if (!ok)
		GUC_check_errdetail("List syntax is invalid.");
	list_free(names);
	pfree(copy);
	return ok;
}

static char *
allowed_names(void)
{
	StringInfoData buf;
	int			n,
				i;
	const OcrVarSpec *list = ocr_var_list(&n);

	initStringInfo(&buf);
	for (i = 0; i < n; i++)
		appendStringInfo(&buf, "%s%s", i ? ", " : "", list[i].name);
	return buf.data;
}

static void
not_allowed(const char *name)
{
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("tesseract variable \"%s\" is not allowed", name),
			 errdetail("Only variables that affect recognition alone may be set in vars."),
			 errhint("Allowed variables: %s. A superuser can allow more in imgtrans.extra_tesseract_vars.",
					 allowed_names())));
}

/* a JSON scalar as the text tesseract parses ("1"/"0" for booleans) */
static char *
scalar_text(JsonbValue *v, const char *name)
{
	switch (v->type)
	{
		case jbvString:
			return pnstrdup(v->val.string.val, v->val.string.len);
		case jbvNumeric:
			return DatumGetCString(DirectFunctionCall1(numeric_out,
													   NumericGetDatum(v->val.numeric)));
		case jbvBool:
			return pstrdup(v->val.boolean ? "1" : "0");
		default:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("value of tesseract variable \"%s\" must be a string, number or boolean", name)));
	}
	return NULL;				/* keep compiler quiet */
}

static char *
value_hint(const OcrVarSpec *spec)
{
	switch (spec->type)
	{
		case OCR_VAR_STRING:
			return psprintf("It takes a string of at most %d bytes.", OCR_VAR_MAX_STRING);
		case OCR_VAR_BOOL:
			return pstrdup("It takes true or false.");
		default:
			return psprintf("It takes %s from %g to %g.",
							spec->type == OCR_VAR_INT ? "an integer" : "a number",
							spec->min, spec->max);
	}
}

static OcrVar *
check_var(const char *name, JsonbValue *v)
{
	const OcrVarSpec *spec = ocr_var_find(name);
	OcrVar	   *var = palloc(sizeof(OcrVar));
	char	   *value = scalar_text(v, name);
	const char *canon;
	const char *why;

	var->name = pstrdup(name);
	var->value = value;
	if (spec == NULL)
	{
		if (!extra_var_allowed(name))
			not_allowed(name);
		return var;
	}
	if (spec->type == OCR_VAR_STRING && v->type != jbvString)
		why = "must be a string";
	else
		why = ocr_var_check(spec, value, &canon);
	if (why)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tesseract variable \"%s\" %s", name, why),
				 errhint("%s", value_hint(spec))));
	var->value = pstrdup(canon);
	return var;
}

/*
 * Checks a vars object (NULL = none); returns its variables as a List of
 * OcrVar in order, or ERRORs naming the first one that is not allowed.
 */
List *
imgtrans_check_vars(Jsonb *vars)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *name = NULL;
	List	   *result = NIL;

	if (vars == NULL)
		return NIL;
	if (!JB_ROOT_IS_OBJECT(vars) || JB_ROOT_IS_SCALAR(vars))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("vars must be a JSON object of tesseract variable names and values"),
				 errhint("For example '{\"tessedit_char_whitelist\": \"0123456789\"}'.")));
	it = JsonbIteratorInit(&vars->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			name = pnstrdup(v.val.string.val, v.val.string.len);
		else if (tok == WJB_VALUE)
			result = lappend(result, check_var(name, &v));
	}
	return result;
}

PG_FUNCTION_INFO_V1(imgtrans_ocr_vars);

/*
 * imgtrans_ocr_vars(): the allow-list (name, type, min, max; for strings
 * max is the longest value in bytes), then the superuser's extra names
 * with NULL type and range.
 */
Datum
imgtrans_ocr_vars(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			n,
				i;
	const OcrVarSpec *list = ocr_var_list(&n);
	char	   *copy;
	List	   *extra = NIL;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < n; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {false};

		values[0] = CStringGetTextDatum(list[i].name);
		values[1] = CStringGetTextDatum(ocr_var_type_name(list[i].type));
		values[2] = Float8GetDatum(list[i].min);
		values[3] = Float8GetDatum(list[i].max);
		nulls[2] = nulls[3] = list[i].type == OCR_VAR_BOOL;
		nulls[2] |= list[i].type == OCR_VAR_STRING;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	copy = pstrdup(imgtrans_extra_tesseract_vars ? imgtrans_extra_tesseract_vars : "");
	(void) SplitIdentifierString(copy, ',', &extra);
	foreach(lc, extra)
	{
		Datum		values[4] = {0};
		bool		nulls[4] = {false, true, true, true};

		values[0] = CStringGetTextDatum((char *) lfirst(lc));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_NULL();
}
