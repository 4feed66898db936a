/*-------------------------------------------------------------------------
 * tess.h
 *	  The one place imgtrans includes tesseract's C API.
 *
 * Only the engine module (imgtrans_engine.so) may include this: the main
 * module must never link libtesseract, because loading it loads libgomp,
 * and libgomp reads OMP_THREAD_LIMIT only once, when it is loaded.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_TESS_H
#define IMGTRANS_TESS_H

#include "image/lept.h"
#include <tesseract/capi.h>

#endif							/* IMGTRANS_TESS_H */
