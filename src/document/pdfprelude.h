/*-------------------------------------------------------------------------
 * pdfprelude.h
 *	  The one place imgtrans includes poppler-glib and cairo.
 *
 * Include after postgres.h, only from pdf.c: nothing else may see glib's
 * or cairo's macros, and nothing outside imgtrans_pdf.so links poppler.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_PDFPRELUDE_H
#define IMGTRANS_PDFPRELUDE_H

#include <cairo.h>
#include <poppler.h>

#endif							/* IMGTRANS_PDFPRELUDE_H */
