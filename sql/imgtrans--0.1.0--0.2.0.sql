-- imgtrans 0.1.0--0.2.0: translation (issue 4).
-- Placeholder on the render branch: the real script comes from its own branch.
\echo Use "CREATE EXTENSION imgtrans" to load this file. \quit
