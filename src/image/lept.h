/*-------------------------------------------------------------------------
 * lept.h
 *	  The one place imgtrans includes leptonica.
 *
 * Include after postgres.h.  Leptonica's headers define short macros of
 * their own; keeping the include here shows at a glance which files talk
 * to leptonica.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_LEPT_H
#define IMGTRANS_LEPT_H

#include <leptonica/allheaders.h>

#endif							/* IMGTRANS_LEPT_H */
