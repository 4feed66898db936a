/*-------------------------------------------------------------------------
 * rolescope.c
 *	  Running code as another role with search_path = pg_catalog, pg_temp,
 *	  as a SECURITY DEFINER function with a SET clause would.
 *
 * Used by the job code (a worker becomes the job's owner before it touches
 * anything the owner defined; job functions write imgtrans.jobs as the
 * bootstrap superuser after their own access check) and by translation
 * (the provider and cache tables are read as their owner).  The switch
 * adds SECURITY_RESTRICTED_OPERATION, so code run inside cannot change
 * role, and every setting it changes is undone when the scope is left.
 * Never leave a scope open across a return to the caller: pair every enter
 * with a leave (an ERROR in between is cleaned up by the transaction
 * abort, which restores user id and GUCs).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/timeout.h"

#include "util/rolescope.h"

/*
 * Milliseconds the code inside a scope may run before it is cancelled as
 * by statement_timeout; 0: no limit.  Set by the job workers only
 * (imgtrans.owner_code_timeout): a user's session has its own
 * statement_timeout.
 */
int			role_scope_timeout_ms = 0;

void
role_scope_enter(RoleScope *scope, Oid role)
{
	scope->timed = role_scope_timeout_ms > 0 && !get_timeout_active(STATEMENT_TIMEOUT);
	if (scope->timed)
		enable_timeout_after(STATEMENT_TIMEOUT, role_scope_timeout_ms);
	GetUserIdAndSecContext(&scope->save_userid, &scope->save_sec_context);
	SetUserIdAndSecContext(role, scope->save_sec_context |
						   SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
	scope->save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
}

/*
 * Every setting the code inside changed is rolled back, not only
 * search_path: a plain SET (or set_config(..., false)) run by the role's
 * code would otherwise outlive the scope, and the caller (a worker, the
 * bootstrap superuser) would run its next statements under that role's
 * search_path, default_transaction_read_only or statement_timeout.  As
 * PostgreSQL does after running index functions as a table's owner.
 */
void
role_scope_leave(RoleScope *scope)
{
	AtEOXact_GUC(false, scope->save_nestlevel);
	SetUserIdAndSecContext(scope->save_userid, scope->save_sec_context);
	if (scope->timed)
		disable_timeout(STATEMENT_TIMEOUT, false);
}
