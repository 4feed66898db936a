/*-------------------------------------------------------------------------
 * providers.h
 *	  Translation provider kinds: requests, responses, language codes
 *	  (providers.c).
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_PROVIDERS_H
#define IMGTRANS_PROVIDERS_H

#include "nodes/pg_list.h"

#include "translate/transcodec.h"

/* one row of imgtrans.providers */
typedef struct Provider
{
	char	   *name;
	TrKind		kind;
	char	   *url;			/* base URL, no trailing slash */
	char	   *api_key;		/* NULL if none; never in messages */
	int			timeout_ms;		/* 0: imgtrans.http_timeout_ms */
	int			max_batch;		/* texts per request */
	int			max_chars;		/* characters per text sent; 0: the kind's default */
	double		requests_per_second;	/* shared rate limit; 0: none */
	int			max_concurrent; /* requests at once, all sessions; 0: no limit */
} Provider;

/* a language pair as the provider names it */
typedef struct ProviderPair
{
	char	   *source;
	char	   *target;
} ProviderPair;

extern char *provider_lang(const Provider *p, const char *code, bool target);
extern void provider_translate(const Provider *p, const char *source, const char *target,
							   int n, char **texts, char **out);
extern List *provider_languages(const Provider *p);

#endif							/* IMGTRANS_PROVIDERS_H */
