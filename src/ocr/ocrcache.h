/*-------------------------------------------------------------------------
 * ocrcache.h
 *	  The OCR cache, imgtrans.ocr_cache (ocrcache.c): results of the SQL OCR
 *	  functions keyed by a SHA-256 of the image and every argument that
 *	  changes them.  No tesseract types here.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_OCRCACHE_H
#define IMGTRANS_OCRCACHE_H

#include "fmgr.h"
#include "funcapi.h"
#include "common/sha2.h"
#include "nodes/pg_list.h"
#include "utils/array.h"

/*
 * What a call's output depends on.  The caller fills the arguments; the
 * lookup sets the rest, and the store after a successful call uses it.
 */
typedef struct OcrCacheKey
{
	const char *kind;			/* output: "boxes", "text", "hocr", "alto", "tsv" */
	const bytea *image;
	const char *lang;
	int			psm;
	unsigned	levels;			/* box levels (boxes only) */
	List	   *vars;			/* of OcrVar, checked and canonical */
	List	   *steps;			/* preprocessing steps (int), in order */
	ArrayType  *pages;			/* NULL for all */
	int			dpi;			/* 0 for imgtrans.pdf_dpi */
	int			text_source;
	const char *engine_version; /* tesseract's version string */
	TupleDesc	rowdesc;		/* box rows: the row type (set by the lookup) */
	/* set by the lookup */
	bool		active;			/* imgtrans.ocr_cache was on: store the result */
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
} OcrCacheKey;

extern bool imgtrans_ocr_cache;

extern void ocrcache_init(void);

/* box rows: a hit fills rsinfo's tuplestore and returns true */
extern bool ocrcache_lookup_rows(OcrCacheKey *key, ReturnSetInfo *rsinfo);
extern void ocrcache_store_rows(OcrCacheKey *key, ReturnSetInfo *rsinfo);

/* text outputs: a hit returns the text, a miss NULL */
extern text *ocrcache_lookup_text(OcrCacheKey *key);
extern void ocrcache_store_text(OcrCacheKey *key, const char *data, int len);

#endif							/* IMGTRANS_OCRCACHE_H */
