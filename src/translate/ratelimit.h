/*-------------------------------------------------------------------------
 * ratelimit.h
 *	  Per-provider request rate and concurrency limits shared by every
 *	  backend and worker, and the wait a provider's 429 Retry-After asks
 *	  for (ratelimit.c).  Callers must pair every rate_acquire() with
 *	  rate_release(), also on ERROR (PG_FINALLY), and never hold two.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_RATELIMIT_H
#define IMGTRANS_RATELIMIT_H

#include "datatype/timestamp.h"

/* the limits of one provider (imgtrans.providers) */
typedef struct RateLimits
{
	const char *provider;		/* its name */
	double		per_second;		/* requests per second; <= 0: no limit */
	int			max_concurrent; /* requests at once; <= 0: no limit */
} RateLimits;

/* most requests at once a provider may allow (max_concurrent) */
#define RATE_MAX_CONCURRENT 64

extern void rate_limit_init(void);
extern void rate_acquire(const RateLimits *lim);
extern void rate_release(void);
extern void rate_hold_off(const char *provider, int ms);
extern long rate_statement_ms_left(void);

#endif							/* IMGTRANS_RATELIMIT_H */
