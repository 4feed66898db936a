-- imgtrans 0.1.0 -> 0.2.0: translation (issue 4).
-- Placeholder on the workers branch so that the upgrade chain to 0.3.0
-- exists; the translation branch's version of this file replaces it.
\echo Use "ALTER EXTENSION imgtrans UPDATE TO '0.2.0'" to load this file. \quit
