-- imgtrans 0.12.0 -> 0.13.0: a document's pages in parallel across workers
-- (issue 14), and operations: statistics, quotas, prompt wait (issue 16).
\echo Use "ALTER EXTENSION imgtrans UPDATE" to load this file. \quit
