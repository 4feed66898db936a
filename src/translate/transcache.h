/*-------------------------------------------------------------------------
 * transcache.h
 *	  The translation cache, imgtrans.translation_cache (transcache.c).
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_TRANSCACHE_H
#define IMGTRANS_TRANSCACHE_H

#include "common/sha2.h"

typedef uint8 TextDigest[PG_SHA256_DIGEST_LENGTH];

/* the key of a cached translation, besides the text's digest */
typedef struct CacheKey
{
	const char *provider;
	const char *source;			/* provider's code, or "auto" */
	const char *target;			/* provider's code */
} CacheKey;

extern void cache_digest(const char *text, Oid role, TextDigest out);
extern int	cache_lookup(const CacheKey *key, int n, TextDigest *digests, char **out);
extern void cache_store(const CacheKey *key, int n, TextDigest *digests, char **translations);
extern void cache_count(int hits, int misses);
extern void cache_shmem_init(void);

#endif							/* IMGTRANS_TRANSCACHE_H */
