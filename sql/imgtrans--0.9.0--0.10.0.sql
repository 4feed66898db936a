\echo Use "ALTER EXTENSION imgtrans UPDATE" to load this file. \quit
