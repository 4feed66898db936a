-- imgtrans 0.12.0 -> 0.13.0: a document's pages in parallel across workers
-- (issue 14), and operations: statistics, quotas, prompt wait (issue 16).
\echo Use "ALTER EXTENSION imgtrans UPDATE" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Operations (issue 16): provider rate limits, per-role queue limits, fair
-- scheduling between roles.  Section owned by the quotas branch.
--
-- A provider's requests_per_second and max_concurrent are shared by every
-- session and worker (shared memory, src/translate/ratelimit.c).  Only a
-- superuser sets them; nothing here may let an ordinary role change a
-- limit, read a key, or see another role's jobs.
-- ---------------------------------------------------------------------------

ALTER TABLE imgtrans.providers
    ADD COLUMN requests_per_second float8 CHECK (requests_per_second > 0 AND requests_per_second <= 100000),
    ADD COLUMN max_concurrent int CHECK (max_concurrent BETWEEN 1 AND 64);
COMMENT ON COLUMN imgtrans.providers.requests_per_second IS
    'Most requests per second to this provider from all sessions and workers together (no bursts); NULL: no limit';
COMMENT ON COLUMN imgtrans.providers.max_concurrent IS
    'Most requests in flight to this provider at once, all sessions and workers together; NULL: no limit';

CREATE FUNCTION imgtrans_set_provider_limits(name text, requests_per_second float8 DEFAULT NULL,
                                             max_concurrent int DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'only superusers can set the limits of translation providers'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF requests_per_second IS NOT NULL AND NOT (requests_per_second > 0 AND requests_per_second <= 100000) THEN
        RAISE EXCEPTION 'requests_per_second must be greater than 0 and at most 100000'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'NULL means no rate limit.';
    END IF;
    IF max_concurrent IS NOT NULL AND NOT (max_concurrent BETWEEN 1 AND 64) THEN
        RAISE EXCEPTION 'max_concurrent must be between 1 and 64'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'NULL means no limit.';
    END IF;
    UPDATE imgtrans.providers p
    SET requests_per_second = imgtrans_set_provider_limits.requests_per_second,
        max_concurrent = imgtrans_set_provider_limits.max_concurrent
    WHERE p.name = imgtrans_set_provider_limits.name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'translation provider "%" does not exist', name
            USING ERRCODE = 'undefined_object',
                  HINT = 'See imgtrans_providers().';
    END IF;
END
$$;
COMMENT ON FUNCTION imgtrans_set_provider_limits(text, float8, int) IS
    'Sets a translation provider''s shared request limits (superuser only): requests per second and requests at once, for all sessions and workers together; NULL: no limit';

-- fair scheduling between roles (the claim in src/jobs/jobrun.c) and the
-- per-role queue limit (imgtrans.max_queued_jobs_per_role)
CREATE INDEX jobs_owner_queue_idx ON imgtrans.jobs (owner, priority DESC, id) WHERE status = 'queued';
CREATE INDEX jobs_owner_started_idx ON imgtrans.jobs (owner, started_at);
CREATE INDEX jobs_owner_running_idx ON imgtrans.jobs (owner) WHERE status = 'running';
