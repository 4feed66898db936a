/*-------------------------------------------------------------------------
 * results.c
 *	  A finished job's results into the results tables that
 *	  imgtrans_setup_results() made for its source table, keyed by the
 *	  source row's own primary key columns:
 *	    <table>_imgtrans_boxes  one row per OCR box (and its translation),
 *	                            with its page number
 *	    <table>_imgtrans_text   one row per page (of a PDF or TIFF; one for
 *	                            an image): text, translation, tsvector
 *
 * The worker OCRs (and translates) into imgtrans.job_boxes as before; the
 * last step of the job, in the same transaction, replaces the row's
 * previous results with these and empties the staging rows.  A job older
 * than the results already there (a re-upload's job finished first)
 * publishes nothing, so the tables always hold the newest image's text.
 *
 * Never write the results tables as the worker's superuser: they belong to
 * a user, who may have triggers, policies or a domain key on them.  Every
 * statement on them, and the key types' input functions and equality
 * operators, run as the job's owner inside a role scope
 * (util/rolescope.c).  Only quoted catalog names are spliced into SQL.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "catalog/namespace.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "jobs/results.h"
#include "jobs/sourcekey.h"
#include "jobs/sqlexec.h"

static const char *lookup_sql =
"SELECT boxes_table::pg_catalog.oid, text_table::pg_catalog.oid FROM imgtrans.result_tables"
" WHERE source_table OPERATOR(pg_catalog.=) $1";

static const char *unstage_sql =
"DELETE FROM imgtrans.job_boxes WHERE job_id OPERATOR(pg_catalog.=) $1";

/* newer results of the row: %1 table, %2 key condition, %3 job id param */
static const char *newer_fmt =
"SELECT FROM %s t WHERE %s AND t.job_id OPERATOR(pg_catalog.>) $%d LIMIT 1";

static const char *delete_fmt =
"DELETE FROM %s t WHERE %s";

/* %s table, %s key columns, %s key params, $%d job id */
static const char *boxes_fmt =
"INSERT INTO %s AS t (%s, job_id, page, box_no, level, block_num, par_num, line_num, word_num,"
"  x, y, width, height, conf, text, bbox, translated)"
" SELECT %s, b.job_id, b.page_num, b.box_no, b.level, b.block_num, b.par_num, b.line_num, b.word_num,"
"  b.x, b.y, b.width, b.height, b.conf, b.text, b.bbox, b.translated"
" FROM imgtrans.job_boxes b WHERE b.job_id OPERATOR(pg_catalog.=) $%d ORDER BY b.box_no";

/*
 * Each page's text from the job's finest level of boxes (words: spaces
 * within a line, a newline between lines; a blank line between
 * paragraphs), and its translation joined the same way; a row for every
 * page, NULL text for a page without any.  %1 table, %2 key columns, %3 key
 * params, $%4 job id, $%5 language, %6 the extension's schema, $%7 pages.
 */
static const char *text_fmt =
"INSERT INTO %1$s AS t (%2$s, page, job_id, lang, tsconfig, text, translated)"
" SELECT %3$s, g.p, $%4$d, $%5$d, %6$s.imgtrans_ts_config($%5$d), p.text, p.translated"
" FROM pg_catalog.generate_series(1, $%7$d) AS g(p)"
" LEFT JOIN (SELECT s.page_num,"
"    pg_catalog.string_agg(s.text, s.sep ORDER BY s.box_no) AS text,"
"    pg_catalog.string_agg(s.translated, s.sep ORDER BY s.box_no) AS translated"
"  FROM (SELECT b.page_num, b.box_no, b.text, b.translated,"
"         CASE WHEN b.block_num IS DISTINCT FROM pg_catalog.lag(b.block_num) OVER w"
"                OR b.par_num IS DISTINCT FROM pg_catalog.lag(b.par_num) OVER w THEN E'\\n\\n'"
"              WHEN b.level OPERATOR(pg_catalog.=) 'word'"
"                AND b.line_num OPERATOR(pg_catalog.=) pg_catalog.lag(b.line_num) OVER w THEN ' '"
"              ELSE E'\\n' END AS sep"
"       FROM imgtrans.job_boxes b"
"       WHERE b.job_id OPERATOR(pg_catalog.=) $%4$d"
"         AND pg_catalog.btrim(b.text) OPERATOR(pg_catalog.<>) ''"
"         AND b.level OPERATOR(pg_catalog.=) (SELECT l.level FROM imgtrans.job_boxes l"
"               WHERE l.job_id OPERATOR(pg_catalog.=) $%4$d ORDER BY l.box_no DESC LIMIT 1)"
"       WINDOW w AS (PARTITION BY b.page_num ORDER BY b.box_no)) s"
"  GROUP BY s.page_num) p ON p.page_num OPERATOR(pg_catalog.=) g.p";

/* schema.name of a relation, quoted; NULL if it no longer exists */
static char *
qualified_relname(Oid relid)
{
	char	   *name = get_rel_name(relid);

	if (name == NULL)
		return NULL;
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)), name);
}

/* "k1, k2" and "$1, $2" of the key */
static void
key_lists(const SourceKey *key, char **columns, char **params)
{
	StringInfoData c,
				p;
	int			i;

	initStringInfo(&c);
	initStringInfo(&p);
	for (i = 0; i < key->natts; i++)
	{
		appendStringInfo(&c, "%s%s", i > 0 ? ", " : "", key->names[i]);
		appendStringInfo(&p, "%s$%d", i > 0 ? ", " : "", i + 1);
	}
	*columns = c.data;
	*params = p.data;
}

/*
 * Publishes job's results if its source table has results tables; returns
 * false when it has none (the results stay in imgtrans.job_boxes, as for
 * imgtrans_submit jobs).  The caller runs it in the job's transaction, with
 * SPI connected, as the worker.
 */
bool
results_publish(int64 job_id, Oid owner, Oid source_table, const char *source_key,
				const char *lang, int pages, const char *ext_schema)
{
	Oid			nsp = get_namespace_oid("imgtrans", true);
	SqlArgs		a = {0};
	bool		isnull;
	char	   *boxes,
			   *text;
	Relation	rel;
	SourceKey	key;
	char	   *where,
			   *columns,
			   *params;
	int			job_param,
				lang_param,
				pages_param;
	RoleScope	scope;

	/* results tables came with 0.9.0: an older extension has none */
	if (!OidIsValid(nsp) || !OidIsValid(get_relname_relid("result_tables", nsp)))
		return false;
	sql_arg(&a, REGCLASSOID, ObjectIdGetDatum(source_table), false);
	if (imgtrans_sql(lookup_sql, &a) != 1)
		return false;
	boxes = qualified_relname(DatumGetObjectId(sql_value(0, 1, &isnull)));
	text = qualified_relname(DatumGetObjectId(sql_value(0, 2, &isnull)));
	if (boxes == NULL || text == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("the results tables of table \"%s\" no longer exist", get_rel_name(source_table)),
				 errhint("Run imgtrans_drop_results() and imgtrans_setup_results() for the table again.")));

	rel = table_open(source_table, AccessShareLock);
	source_key_open(rel, &key);
	table_close(rel, NoLock);
	where = source_key_where(&key, "t");
	key_lists(&key, &columns, &params);
	job_param = key.natts + 1;
	lang_param = key.natts + 2;
	pages_param = key.natts + 3;

	memset(&a, 0, sizeof(a));
	role_scope_enter(&scope, owner);
	PG_TRY();
	{
		source_key_args(&key, source_key, &a);
		sql_arg(&a, INT8OID, Int64GetDatum(job_id), false);
		sql_arg_text(&a, lang);
		sql_arg(&a, INT4OID, Int32GetDatum(pages), false);
		if (imgtrans_sql(psprintf(newer_fmt, text, where, job_param), &a) == 0)
		{
			(void) imgtrans_sql(psprintf(delete_fmt, boxes, where), &a);
			(void) imgtrans_sql(psprintf(delete_fmt, text, where), &a);
			(void) imgtrans_sql(psprintf(boxes_fmt, boxes, columns, params, job_param), &a);
			(void) imgtrans_sql(psprintf(text_fmt, text, columns, params, job_param, lang_param,
										 quote_identifier(ext_schema), pages_param), &a);
		}
	}
	PG_FINALLY();
	{
		role_scope_leave(&scope);
	}
	PG_END_TRY();

	memset(&a, 0, sizeof(a));
	sql_arg(&a, INT8OID, Int64GetDatum(job_id), false);
	(void) imgtrans_sql(unstage_sql, &a);
	return true;
}
