/*-------------------------------------------------------------------------
 * sourcekey.h
 *	  A source row's primary key, single or composite, of any type
 *	  (sourcekey.c).
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_SOURCEKEY_H
#define IMGTRANS_SOURCEKEY_H

#include "postgres.h"

#include "access/htup.h"
#include "utils/relcache.h"

#include "jobs/sqlexec.h"

/* The primary key columns of a table, as the worker's statements need them. */
typedef struct SourceKey
{
	int			natts;
	AttrNumber	atts[INDEX_MAX_KEYS];
	Oid			types[INDEX_MAX_KEYS];
	int32		typmods[INDEX_MAX_KEYS];
	char	   *names[INDEX_MAX_KEYS];	/* quoted column names */
	char	   *eqops[INDEX_MAX_KEYS];	/* OPERATOR(schema.=) of the key's btree opclass */
} SourceKey;

extern int	imgtrans_primary_key(Relation rel, AttrNumber *atts);
extern char *source_key_text(Relation rel, HeapTuple row);
extern void source_key_open(Relation rel, SourceKey *key);
extern char *source_key_where(const SourceKey *key, const char *alias);
extern void source_key_args(const SourceKey *key, const char *stored, SqlArgs *a);

#endif							/* IMGTRANS_SOURCEKEY_H */
