/*-------------------------------------------------------------------------
 * sourcekey.c
 *	  A source row's primary key, single or composite, of any type: how the
 *	  imgtrans_enqueue trigger stores it in imgtrans.jobs.source_key, and
 *	  how a worker turns it back into values and a WHERE clause.
 *
 * Stored form: the key column's text output for a single-column key (as
 * before 0.9.0), a text[] literal of every key column's output in key
 * order for a composite key ('{7,"2024-01-01"}').
 *
 * Never run the key types' input functions or equality operators as
 * anyone but the job's owner: source_key_args() must be called inside the
 * owner's role scope (util/rolescope.c), and the operators named by
 * source_key_where() are only ever executed there.  source_key_open() only
 * reads the catalogs.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/stratnum.h"
#include "catalog/pg_index.h"
#include "catalog/pg_operator.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "jobs/sourcekey.h"

/*
 * The columns of rel's primary key into atts (INDEX_MAX_KEYS of room);
 * returns how many.  ERROR if the table has no primary key.
 */
int
imgtrans_primary_key(Relation rel, AttrNumber *atts)
{
	Oid			index = RelationGetPrimaryKeyIndex(rel);
	HeapTuple	tup;
	Form_pg_index ind;
	int			n;
	int			i;

	if (!OidIsValid(index))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" needs a primary key for imgtrans jobs",
						RelationGetRelationName(rel)),
				 errdetail("A job records the row's primary key to read the image when it runs."),
				 errhint("Add a primary key, such as an identity column.")));
	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(index));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for index %u", index);
	ind = (Form_pg_index) GETSTRUCT(tup);
	n = ind->indnkeyatts;
	for (i = 0; i < n; i++)
		atts[i] = ind->indkey.values[i];
	ReleaseSysCache(tup);
	return n;
}

/*
 * The key of row as imgtrans.jobs.source_key stores it, written in styles
 * that read back the same in any session (ISO dates: a worker's DateStyle
 * need not be the caller's).  Runs the key types' output functions: call
 * it in the session of the role that queues the job (the trigger), never
 * in a worker.
 */
char *
source_key_text(Relation rel, HeapTuple row)
{
	AttrNumber	atts[INDEX_MAX_KEYS];
	int			n = imgtrans_primary_key(rel, atts);
	Datum		parts[INDEX_MAX_KEYS];
	char	   *result;
	int			nest = NewGUCNestLevel();
	int			i;

	(void) set_config_option("datestyle", "ISO", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("intervalstyle", "postgres", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("extra_float_digits", "3", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	if (n == 1)
		result = SPI_getvalue(row, RelationGetDescr(rel), atts[0]);
	else
	{
		for (i = 0; i < n; i++)
			parts[i] = CStringGetTextDatum(SPI_getvalue(row, RelationGetDescr(rel), atts[i]));
		result = OidOutputFunctionCall(F_ARRAY_OUT,
									   PointerGetDatum(construct_array(parts, n, TEXTOID, -1, false,
																	   TYPALIGN_INT)));
	}
	AtEOXact_GUC(true, nest);
	return result;
}

/* OPERATOR(schema.=) of the btree opclass of the primary key's column i */
static char *
key_equality_operator(Relation index, int i)
{
	Oid			opcintype = index->rd_opcintype[i];
	Oid			op;
	HeapTuple	tup;
	Form_pg_operator oper;
	char	   *result;

	op = get_opfamily_member(index->rd_opfamily[i], opcintype, opcintype, BTEqualStrategyNumber);
	if (!OidIsValid(op))
		elog(ERROR, "no equality operator for column %d of index \"%s\"",
			 i + 1, RelationGetRelationName(index));
	tup = SearchSysCache1(OPEROID, ObjectIdGetDatum(op));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for operator %u", op);
	oper = (Form_pg_operator) GETSTRUCT(tup);
	result = psprintf("OPERATOR(%s.%s)",
					  quote_identifier(get_namespace_name(oper->oprnamespace)),
					  NameStr(oper->oprname));
	ReleaseSysCache(tup);
	return result;
}

/*
 * The key columns of rel: names, types and equality operators, from the
 * catalogs only.  A user-defined key type's "=" lives in the user's
 * schema, which is not on the worker's search_path, hence the qualified
 * operator.
 */
void
source_key_open(Relation rel, SourceKey *key)
{
	Relation	index;
	int			i;

	key->natts = imgtrans_primary_key(rel, key->atts);
	index = index_open(RelationGetPrimaryKeyIndex(rel), AccessShareLock);
	for (i = 0; i < key->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(RelationGetDescr(rel), key->atts[i] - 1);

		key->types[i] = att->atttypid;
		key->typmods[i] = att->atttypmod;
		key->names[i] = pstrdup(quote_identifier(NameStr(att->attname)));
		key->eqops[i] = key_equality_operator(index, i);
	}
	index_close(index, AccessShareLock);
}

/*
 * "alias.k1 OPERATOR(s.=) $1 AND alias.k2 OPERATOR(s.=) $2 ...": the key
 * values are the first parameters of every statement that uses it.
 */
char *
source_key_where(const SourceKey *key, const char *alias)
{
	StringInfoData s;
	int			i;

	initStringInfo(&s);
	for (i = 0; i < key->natts; i++)
		appendStringInfo(&s, "%s%s.%s %s $%d", i > 0 ? " AND " : "",
						 alias, key->names[i], key->eqops[i], i + 1);
	return s.data;
}

/*
 * Appends the stored key's values to a, through the key types' input
 * functions (a domain's CHECK, a user-defined type): the caller must be
 * inside the job owner's role scope.
 */
void
source_key_args(const SourceKey *key, const char *stored, SqlArgs *a)
{
	Datum	   *parts = NULL;
	bool	   *nulls = NULL;
	int			n = 1;
	int			i;

	if (key->natts > 1)
	{
		Datum		arr = OidInputFunctionCall(F_ARRAY_IN, (char *) stored, TEXTOID, -1);

		deconstruct_array(DatumGetArrayTypeP(arr), TEXTOID, -1, false, TYPALIGN_INT,
						  &parts, &nulls, &n);
	}
	for (i = 0; i < key->natts; i++)
	{
		const char *value;
		Oid			typinput,
					typioparam;

		if (n != key->natts || (nulls && nulls[i]))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("stored key %s does not match the table's primary key of %d columns",
							stored, key->natts),
					 errdetail("The table's primary key changed after the job was queued.")));
		value = key->natts > 1 ? TextDatumGetCString(parts[i]) : stored;
		getTypeInputInfo(key->types[i], &typinput, &typioparam);
		sql_arg(a, key->types[i],
				OidInputFunctionCall(typinput, (char *) value, typioparam, key->typmods[i]), false);
	}
}
