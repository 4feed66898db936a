-- imgtrans 0.1.0--0.2.0: placeholder (replaced at merge)
\echo Use "ALTER EXTENSION imgtrans UPDATE" to load this file. \quit
