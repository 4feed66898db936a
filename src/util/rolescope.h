/*-------------------------------------------------------------------------
 * rolescope.h
 *	  Running code as another role with a fixed search_path (rolescope.c).
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_ROLESCOPE_H
#define IMGTRANS_ROLESCOPE_H

#include "postgres.h"

/*
 * Runs code as another role with search_path = pg_catalog, pg_temp, as a
 * SECURITY DEFINER function with a SET clause would.  Pair every enter
 * with a leave; an ERROR in between is cleaned up by the transaction abort.
 */
typedef struct RoleScope
{
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;
	bool		timed;			/* armed statement_timeout (role_scope_timeout_ms) */
} RoleScope;

extern int	role_scope_timeout_ms;

extern void role_scope_enter(RoleScope *scope, Oid role);
extern void role_scope_leave(RoleScope *scope);

#endif							/* IMGTRANS_ROLESCOPE_H */
