#!/usr/bin/env python3
"""bench/accuracy.py: OCR accuracy and cost of imgtrans with and without
preprocessing, per image: character error rate (CER) and word recall.

Called by bench/accuracy.sh, which starts the cluster and makes the
synthetic variants.  Usage: accuracy.py MANIFEST EDITDIST
MANIFEST lines: name<TAB>set<TAB>image path (server-readable)<TAB>ground-truth path.

Environment:
  ACCURACY_STEPS=1   also every single step (slow: 11 more OCR runs per image)
  ACCURACY_ONLY=RE   only images whose name matches the regular expression
  ACCURACY_MARKDOWN=1  also print the README table (markdown)

Every image is recognised with each config in one psql session (COPY ...
TO STDOUT); edit distances come from bench/editdist.  CER is capped at 100 %
(a page of garbage counts as every character wrong).  Word recall is the
share of ground-truth words (as a multiset) found anywhere in the text, so a
reading order that differs from the ground truth's costs CER but not recall.
"""
import os
import re
import subprocess
import sys

STEPS = ["gray", "otsu", "sauvola", "deskew", "orient", "scale", "denoise",
         "border", "invert", "rules"]
CONFIGS = ["none"] + (STEPS if os.environ.get("ACCURACY_STEPS") == "1" else []) + ["auto"]

# the targets
MAX_CER_LOSS = 1.0          # CER points
MAX_RECALL_LOSS = 0.02
MIN_MEAN_CER_GAIN = 0.25    # relative
MAX_UPRIGHT_COST = 1.2      # auto time / none time on upright clean pages


def sql_literal(s):
    return "'" + s.replace("'", "''") + "'"


def copy_escape(s):
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def run_psql(sql, check=True, stderr=None):
    out = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1"], input=sql,
                         capture_output=True, text=True)
    if out.returncode != 0 and not check:
        return ""
    if out.returncode != 0:
        sys.exit("psql failed:\n" + out.stderr)
    if stderr is not None:
        stderr.append(out.stderr)
    return out.stdout


def kept_trials(messages):
    """name -> the trials auto kept, from the DEBUG1 lines each auto call wrote
    after its NOTICE marker ("imgtrans auto: scale x2 read ...: kept")."""
    kept, name = {}, None
    for line in messages.splitlines():
        m = re.search(r"NOTICE:  accuracy-image (.*)$", line)
        if m:
            name = m.group(1)
            kept[name] = []
            continue
        m = re.search(r"imgtrans auto: (.*?) read \d+ words .*: kept$", line)
        if m and name is not None:
            kept[name].append(re.sub(r"^(.*) script read with (.*)$", r"script \1: \2", m.group(1)))
    return kept


def recognise(images):
    """(name, cfg) -> (ms, text) for every image and config."""
    values = ",\n".join(
        "(%s, %s, %s)" % (sql_literal(name), sql_literal(path), sql_literal(cfg))
        for name, _, path, _ in images for cfg in CONFIGS)
    sql = """
CREATE OR REPLACE FUNCTION pg_temp.run(path text, cfg text, OUT ms float8, OUT txt text) AS $$
DECLARE img bytea := pg_read_binary_file(path); t0 timestamptz;
BEGIN
  IF cfg = 'auto' THEN
    -- what the trials kept: DEBUG1 after this marker (the timing is unaffected)
    RAISE NOTICE 'accuracy-image %%', path;
    PERFORM set_config('client_min_messages', 'debug1', true);
  END IF;
  t0 := clock_timestamp();
  txt := imgtrans_ocr_text(img, 'eng', 3, NULL,
                           CASE WHEN cfg = 'none' THEN NULL ELSE ARRAY[cfg] END);
  ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
  PERFORM set_config('client_min_messages', 'notice', true);
END $$ LANGUAGE plpgsql;
SELECT pg_temp.run(%s, 'none');  -- warm-up: engine load
COPY (SELECT v.name, v.cfg, r.ms, r.txt FROM (VALUES %s) AS v(name, path, cfg),
      LATERAL pg_temp.run(v.path, v.cfg) r) TO STDOUT;
""" % (sql_literal(images[0][2]), values)
    res, messages = {}, []
    for line in run_psql(sql, stderr=messages).splitlines():
        if line.count("\t") >= 3:
            name, cfg, ms, txt = line.split("\t", 3)
            res[name, cfg] = (float(ms), "" if txt == "\\N" else txt)
    by_path = kept_trials("".join(messages))
    kept = {name: by_path.get(path, []) for name, _, path, _ in images}
    return res, kept


def plans(images):
    """name -> the steps auto decided, from imgtrans_preprocess_plan."""
    sql = "COPY (SELECT v.name, (SELECT string_agg(step || CASE WHEN applied THEN ''" \
          " WHEN step = 'scale' THEN ' x' || (measurements->>'candidate_factor') || '(if it reads more)'" \
          " ELSE '?' END, ',' ORDER BY ord) FROM imgtrans_preprocess_plan(pg_read_binary_file(v.path)) p" \
          " WHERE applied OR step = 'orient' OR measurements ? 'candidate_factor' OR measurements ? 'trial')" \
          " FROM (VALUES %s) AS v(name, path)) TO STDOUT;" % \
          ",".join("(%s, %s)" % (sql_literal(n), sql_literal(p)) for n, _, p, _ in images)
    out = {}
    for line in run_psql(sql, check=False).splitlines():
        name, steps = line.split("\t")
        out[name] = "" if steps == "\\N" else steps.replace("orient?", "osd(if poor)") \
            .replace("flatten?", "flatten(if it reads more)")
    return out


def word_recall(hyp_copy, gt):
    """Share of ground-truth words (as a multiset) found in the text."""
    hyp = hyp_copy.replace("\\n", " ").replace("\\t", " ").split()
    ref = gt.split()
    if not ref:
        return 1.0
    pool = {}
    for w in hyp:
        pool[w] = pool.get(w, 0) + 1
    found = 0
    for w in ref:
        if pool.get(w, 0) > 0:
            pool[w] -= 1
            found += 1
    return found / len(ref)


def main():
    manifest, editdist = sys.argv[1], sys.argv[2]
    only = os.environ.get("ACCURACY_ONLY")
    images = [line.rstrip("\n").split("\t") for line in open(manifest) if line.strip()]
    if only:
        images = [i for i in images if re.search(only, i[0])]
    gts = {name: open(gt, encoding="utf-8").read() for name, _, _, gt in images}

    res, kept = recognise(images)
    feed = "".join("%s|%s\t%s\t%s\n" % (name, cfg, txt or "-", copy_escape(gts[name]))
                   for (name, cfg), (_, txt) in res.items())
    dist = subprocess.run([editdist], input=feed, capture_output=True, text=True,
                          check=True).stdout
    cer, rec, ms = {}, {}, {}
    for line in dist.splitlines():
        key, cd, cn, _, _ = line.split("\t")
        name, cfg = key.split("|")
        cer[name, cfg] = 100 * min(1.0, int(cd) / max(1, int(cn)))
    for (name, cfg), (t, txt) in res.items():
        ms[name, cfg] = t
        rec[name, cfg] = word_recall(txt, gts[name])
    report(images, cer, rec, ms, plans(images), kept)


def report(images, cer, rec, ms, plan, kept):
    sets = []
    for _, s, _, _ in images:
        if s not in sets:
            sets.append(s)
    print("\n== per image: CER (%, lower is better), word recall (higher is better), OCR ms,"
          "\n   and what auto decided (osd(if poor): OSD, to turn the page or read it in its script, only if the first pass reads poorly;"
          "\n   scale xN(if it reads more): a second pass scaled by N, kept if it reads more;"
          "\n   kept: the trials recognition kept, from DEBUG1)")
    print("%-36s%8s%8s%8s%8s%8s%8s%9s%9s  %-60s %s" % ("image", "CER", "auto", "Δ", "recall", "auto",
                                                     "Δ", "ms", "auto ms", "auto plan", "kept"))
    for name, _, _, _ in images:
        print("%-36s%8.1f%8.1f%+8.1f%8.2f%8.2f%+8.2f%9.0f%9.0f  %-60s %s" % (
            name[:36], cer[name, "none"], cer[name, "auto"], cer[name, "auto"] - cer[name, "none"],
            rec[name, "none"], rec[name, "auto"], rec[name, "auto"] - rec[name, "none"],
            ms[name, "none"], ms[name, "auto"], plan.get(name, ""), ", ".join(kept.get(name, [])) or "-"))
    for s in sets:
        names = [n for n, s2, _, _ in images if s2 == s]
        print("%-36s%8.1f%8.1f%8s%8.2f%8.2f" % (
            "mean, %s (%d)" % (s, len(names)),
            mean(cer[n, "none"] for n in names), mean(cer[n, "auto"] for n in names), "",
            mean(rec[n, "none"] for n in names), mean(rec[n, "auto"] for n in names)))

    if len(CONFIGS) > 2:
        for title, metric, fmt in (("CER (%)", cer, "%8.1f"), ("word recall", rec, "%8.2f")):
            print("\n== every single step: %s" % title)
            print("%-36s" % "image" + "".join("%8s" % c for c in CONFIGS))
            for name, _, _, _ in images:
                print("%-36s" % name[:36] + "".join(fmt % metric[name, c] for c in CONFIGS))
            for s in sets:
                names = [n for n, s2, _, _ in images if s2 == s]
                print("%-36s" % ("mean, " + s) +
                      "".join(fmt % mean(metric[n, c] for n in names) for c in CONFIGS))

    print("\n== targets")
    names = [n for n, _, _, _ in images]
    wc = max(names, key=lambda n: cer[n, "auto"] - cer[n, "none"])
    wr = max(names, key=lambda n: rec[n, "none"] - rec[n, "auto"])
    dc = cer[wc, "auto"] - cer[wc, "none"]
    dr = rec[wr, "none"] - rec[wr, "auto"]
    print("worst per-image CER loss of auto against none: %+.1f points (%s) -> %s"
          % (dc, wc, verdict(dc <= MAX_CER_LOSS + 1e-9)))
    print("worst per-image word recall loss of auto against none: %.2f (%s) -> %s"
          % (dr, wr, verdict(dr <= MAX_RECALL_LOSS + 1e-9)))
    for s in sets:
        ns = [n for n, s2, _, _ in images if s2 == s]
        mn, ma = mean(cer[n, "none"] for n in ns), mean(cer[n, "auto"] for n in ns)
        gain = (mn - ma) / mn if mn > 0 else 0.0
        # the target is for real pages (and turned/skewed ones); the two
        # upright fixtures are there to show auto leaves them alone
        target = "" if s == "synthetic-upright" else " (target >= %.0f %%) -> %s" % (
            100 * MIN_MEAN_CER_GAIN, verdict(gain >= MIN_MEAN_CER_GAIN))
        print("mean CER, %s: none %.1f %%, auto %.1f %%, %.0f %% lower%s; mean word recall %.3f -> %.3f"
              % (s, mn, ma, 100 * gain, target,
                 mean(rec[n, "none"] for n in ns), mean(rec[n, "auto"] for n in ns)))
    # cost: clean upright pages are those none already reads well (CER < 5)
    clean = [n for n in names if cer[n, "none"] < 5 and ms[n, "none"] >= 20]
    if clean:
        tn, ta = sum(ms[n, "none"] for n in clean), sum(ms[n, "auto"] for n in clean)
        print("auto on the %d upright clean pages (CER < 5 without): %.2fx plain OCR time"
              " (target <= %.1fx) -> %s" % (len(clean), ta / tn, MAX_UPRIGHT_COST,
                                            verdict(ta <= MAX_UPRIGHT_COST * tn)))
    big = max(names, key=lambda n: ms[n, "none"])
    print("the slowest page, %s: none %.0f ms, auto %.0f ms (%.2fx)"
          % (big, ms[big, "none"], ms[big, "auto"], ms[big, "auto"] / ms[big, "none"]))

    if os.environ.get("ACCURACY_MARKDOWN") == "1":
        print("\n| image | CER none | CER auto | recall none | recall auto | ms none | ms auto | auto decided | trials kept |")
        print("|---|---|---|---|---|---|---|---|---|")
        for name, _, _, _ in images:
            print("| %s | %.1f | %.1f | %.2f | %.2f | %.0f | %.0f | %s | %s |" % (
                name, cer[name, "none"], cer[name, "auto"], rec[name, "none"], rec[name, "auto"],
                ms[name, "none"], ms[name, "auto"], plan.get(name, "") or "—",
                ", ".join(kept.get(name, [])) or "—"))
        for s in sets:
            ns = [n for n, s2, _, _ in images if s2 == s]
            print("| **mean, %s (%d)** | %.1f | %.1f | %.3f | %.3f | | | | |" % (
                s, len(ns), mean(cer[n, "none"] for n in ns), mean(cer[n, "auto"] for n in ns),
                mean(rec[n, "none"] for n in ns), mean(rec[n, "auto"] for n in ns)))


def verdict(ok):
    return "met" if ok else "NOT met"


def mean(xs):
    xs = list(xs)
    return sum(xs) / len(xs) if xs else 0.0


if __name__ == "__main__":
    main()
