/*-------------------------------------------------------------------------
 * transcodec.h
 *	  Plain-C helpers of the translation providers: provider kinds and
 *	  their limits, form and JSON string encoding, language code mapping,
 *	  batch chunking, splitting texts into the pieces a provider takes
 *	  whole, line splitting and secret scrubbing.
 *
 * No PostgreSQL headers here and none in transcodec.c, so the cmocka
 * tests (test/translate/test_translate.c) can link it alone.  Encoders follow one
 * pattern: called with dst == NULL they return the length they would
 * write, so the caller can allocate exactly (no terminator is written).
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_TRANSCODEC_H
#define IMGTRANS_TRANSCODEC_H

#include <stdbool.h>
#include <stddef.h>

typedef enum TrKind
{
	TR_APERTIUM,
	TR_LIBRETRANSLATE,
	TR_DEEPL,
	TR_GOOGLE,
	TR_NKINDS
} TrKind;

typedef struct TrKindInfo
{
	const char *name;			/* as in imgtrans.providers.kind */
	int			max_batch;		/* texts per request the provider accepts */
	size_t		max_request_bytes;	/* text bytes per request we send */
	int			max_chars;		/* default characters per text (APy: per request) */
	bool		detects_source; /* source => 'auto' works */
} TrKindInfo;

/* a line of a text: bytes [start, start + len) */
typedef struct TrSpan
{
	size_t		start;
	size_t		len;
} TrSpan;

extern int	tr_kind_from_name(const char *name);	/* -1 if unknown */
extern const TrKindInfo *tr_kind_info(TrKind kind);

extern size_t tr_form_encode(char *dst, const char *src, size_t len);
extern size_t tr_json_escape(char *dst, const char *src, size_t len);
extern size_t tr_latin1_to_utf8(char *dst, const char *src, size_t len);

extern bool tr_lang_valid(const char *code);
extern const char *tr_iso1_to_iso3(const char *iso1);
extern const char *tr_iso3_to_iso1(const char *iso3);
extern bool tr_lang_for_provider(TrKind kind, const char *code, bool target,
								 char *out, size_t outlen);

extern int	tr_next_chunk(const size_t *lens, const size_t *chars, int start, int n,
						  int max_count, size_t max_bytes, size_t max_chars);
extern int	tr_split_lines(const char *s, size_t len, TrSpan *spans, int max);
extern void tr_trim_span(const char *s, const TrSpan *line, TrSpan *core);

extern size_t tr_utf8_chars(const char *s, size_t len);
extern int	tr_segment(const char *s, size_t len, size_t max_chars, TrSpan *pieces, int max);

extern size_t tr_scrub_workspace(size_t len);
extern size_t tr_scrub(char *s, const char *secret, void *work);

#endif							/* IMGTRANS_TRANSCODEC_H */
