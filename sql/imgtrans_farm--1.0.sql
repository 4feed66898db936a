-- imgtrans_farm 1.0: imgtrans's OCR functions run on a farm of PostgreSQL
-- nodes (each with imgtrans), through PL/Proxy (cluster/README.md).
--
-- The farm is a PL/Proxy cluster declared the usual way (a plproxy foreign
-- server with one pN option per node, modular_mapping '1' for any node
-- count, and a user mapping); the setting imgtrans.farm names it.  These
-- functions only forward: the node runs imgtrans_ocr on the bytes it is sent
-- and returns the rows; nothing is written on either side.  With
-- imgtrans.farm set, the main database's background workers send their OCR
-- here and store the rows themselves, in the job's transaction.
\echo Use "CREATE EXTENSION imgtrans_farm" to load this file. \quit

-- the cluster: imgtrans.farm, or an error saying how to set it
CREATE FUNCTION imgtrans_farm_cluster() RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog
AS $$
DECLARE
    farm text := nullif(current_setting('imgtrans.farm', true), '');
BEGIN
    IF farm IS NULL THEN
        RAISE EXCEPTION 'no OCR farm is configured'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'A superuser names the PL/Proxy cluster (a plproxy foreign server) in imgtrans.farm, e.g. ALTER SYSTEM SET imgtrans.farm = ''imgtrans_farm''; SELECT pg_reload_conf().';
    END IF;
    RETURN farm;
END
$$;
COMMENT ON FUNCTION imgtrans_farm_cluster() IS
    'The PL/Proxy cluster of the OCR farm: the setting imgtrans.farm';

-- the node for a call: route (any int; consecutive values go to consecutive
-- nodes with modular_mapping), or a random one when route is NULL
CREATE FUNCTION imgtrans_farm_route(route int) RETURNS int
LANGUAGE sql VOLATILE
SET search_path = pg_catalog
AS $$ SELECT coalesce(route, (random() * 2147483646)::int) $$;
COMMENT ON FUNCTION imgtrans_farm_route(int) IS
    'Hash value PL/Proxy maps to a farm node: route itself, or random for NULL (any node)';

-- On the node, the connecting role's search_path must find imgtrans (the
-- recipe in cluster/README.md sets it for the farm's role).
CREATE FUNCTION imgtrans_farm_ocr(image bytea, lang text DEFAULT 'eng', level text DEFAULT 'word',
                                  psm int DEFAULT 3, vars jsonb DEFAULT NULL,
                                  preprocess text[] DEFAULT NULL, pages int[] DEFAULT NULL,
                                  dpi int DEFAULT NULL, text_source text DEFAULT 'ocr',
                                  route int DEFAULT NULL)
RETURNS SETOF imgtrans_box
LANGUAGE plproxy AS $$
    CLUSTER @extschema@.imgtrans_farm_cluster();
    RUN ON @extschema@.imgtrans_farm_route(route);
    SELECT * FROM imgtrans_ocr(image, lang, level, psm, vars, preprocess, pages, dpi, text_source);
$$;
COMMENT ON FUNCTION imgtrans_farm_ocr(bytea, text, text, int, jsonb, text[], int[], int, text, int) IS
    'imgtrans_ocr on a node of the OCR farm (imgtrans.farm): any node, or the one route maps to';

CREATE FUNCTION imgtrans_farm_ocr_text(image bytea, lang text DEFAULT 'eng', psm int DEFAULT 3,
                                       vars jsonb DEFAULT NULL, preprocess text[] DEFAULT NULL,
                                       pages int[] DEFAULT NULL, dpi int DEFAULT NULL,
                                       text_source text DEFAULT 'ocr', route int DEFAULT NULL)
RETURNS text
LANGUAGE plproxy AS $$
    CLUSTER @extschema@.imgtrans_farm_cluster();
    RUN ON @extschema@.imgtrans_farm_route(route);
    SELECT imgtrans_ocr_text(image, lang, psm, vars, preprocess, pages, dpi, text_source);
$$;
COMMENT ON FUNCTION imgtrans_farm_ocr_text(bytea, text, int, jsonb, text[], int[], int, text, int) IS
    'imgtrans_ocr_text on a node of the OCR farm (imgtrans.farm): any node, or the one route maps to';

CREATE FUNCTION imgtrans_farm_translate_image(image bytea, target text, source text DEFAULT 'eng',
                                              level text DEFAULT 'para', provider text DEFAULT NULL,
                                              preprocess text[] DEFAULT NULL, page int DEFAULT 1,
                                              dpi int DEFAULT NULL, route int DEFAULT NULL)
RETURNS SETOF imgtrans_translated_box
LANGUAGE plproxy AS $$
    CLUSTER @extschema@.imgtrans_farm_cluster();
    RUN ON @extschema@.imgtrans_farm_route(route);
    SELECT * FROM imgtrans_translate_image(image, target, source, level, provider, preprocess, page, dpi);
$$;
COMMENT ON FUNCTION imgtrans_farm_translate_image(bytea, text, text, text, text, text[], int, int, int) IS
    'imgtrans_translate_image on a node of the OCR farm (imgtrans.farm), with the node''s providers';
