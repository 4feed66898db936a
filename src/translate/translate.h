/*-------------------------------------------------------------------------
 * translate.h
 *	  Text translation for the rest of imgtrans (translate.c): the C entry
 *	  point the image pipeline and the background workers call, and the
 *	  helpers that read the extension's own tables as its owner.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_TRANSLATE_H
#define IMGTRANS_TRANSLATE_H


/* GUCs */
extern bool imgtrans_translation_cache;
extern bool imgtrans_translation_cache_shared;

/*
 * Translates texts[0..n) from source ("auto" or NULL: detect) to target
 * with the named provider (NULL: the default one), through the cache.
 * nulls (may be NULL) marks NULL inputs, which give NULL outputs.
 * Returns a palloc'd array of n palloc'd strings (NULL where nulls[i]).
 * ERRORs as the SQL function imgtrans_translate does.  Any role may call
 * it: the provider row and the cache are read as the extension's owner.
 */
extern char **imgtrans_translate_batch(const char *provider, const char *source,
									   const char *target, int n,
									   const char *const *texts, const bool *nulls);

/*
 * ERRORs as imgtrans_translate does (42704, with a hint) unless the named
 * provider exists (name NULL: unless a default provider is configured).
 * Any role may call it: the providers are read as the extension's owner.
 */
extern void imgtrans_check_provider(const char *name);

extern void imgtrans_translate_init(void);

/*
 * The longest Retry-After (ms) a provider's 429 asked for since the last
 * call with reset; a job's backoff is at least that (ratelimit.c).
 */
extern int	imgtrans_translate_retry_after_ms(bool reset);

#endif							/* IMGTRANS_TRANSLATE_H */
