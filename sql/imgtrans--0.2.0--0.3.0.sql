-- imgtrans 0.2.0--0.3.0: background workers (issue 5).
-- Placeholder on the render branch: the real script comes from its own branch.
\echo Use "CREATE EXTENSION imgtrans" to load this file. \quit
