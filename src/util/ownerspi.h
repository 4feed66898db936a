/*-------------------------------------------------------------------------
 * ownerspi.h
 *	  SPI on the extension's internal tables as their owner (ownerspi.c).
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_OWNERSPI_H
#define IMGTRANS_OWNERSPI_H

#include "postgres.h"

#include "executor/spi.h"

#include "util/rolescope.h"

/*
 * SPI on the extension's internal tables (imgtrans.providers,
 * imgtrans.translation_cache and imgtrans.ocr_cache, readable only by their
 * owner): runs as the
 * owner of those tables with search_path = pg_catalog, pg_temp, as a
 * SECURITY DEFINER function would (a RoleScope, see sqlexec.h).  Pair
 * every begin with an end; an ERROR in between is cleaned up by the
 * transaction abort.
 */
extern void imgtrans_spi_begin(RoleScope *scope);
extern void imgtrans_spi_end(RoleScope *scope);
extern SPIPlanPtr imgtrans_spi_plan(SPIPlanPtr *cache, const char *sql,
									int nargs, Oid *argtypes);

#endif							/* IMGTRANS_OWNERSPI_H */
