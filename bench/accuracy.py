#!/usr/bin/env python3
"""bench/accuracy.py: character/word error rates of imgtrans OCR with and
without preprocessing, on the shared dev set and on synthetic variants.

Called by bench/accuracy.sh, which starts the cluster and makes the
variants.  Usage: accuracy.py MANIFEST EDITDIST
MANIFEST lines: name<TAB>set<TAB>image path (server-readable)<TAB>ground-truth path.
Every image is recognised with each preprocessing config in one psql
session (COPY ... TO STDOUT); edit distances come from bench/editdist.
"""
import subprocess
import sys

CONFIGS = ["none", "gray", "otsu", "sauvola", "deskew", "orient", "scale",
           "denoise", "border", "invert", "rules", "auto"]


def sql_literal(s):
    return "'" + s.replace("'", "''") + "'"


def copy_escape(s):
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def run_psql(sql):
    out = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1"], input=sql,
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("psql failed:\n" + out.stderr)
    return out.stdout


def main():
    manifest, editdist = sys.argv[1], sys.argv[2]
    images = [line.rstrip("\n").split("\t") for line in open(manifest) if line.strip()]
    gts = {name: open(gt, encoding="utf-8").read() for name, _, _, gt in images}

    values = ",\n".join(
        "(%s, %s, %s)" % (sql_literal(name), sql_literal(path), sql_literal(cfg))
        for name, _, path, _ in images for cfg in CONFIGS)
    sql = """
CREATE OR REPLACE FUNCTION pg_temp.run(path text, cfg text, OUT ms float8, OUT txt text) AS $$
DECLARE img bytea := pg_read_binary_file(path); t0 timestamptz;
BEGIN
  t0 := clock_timestamp();
  txt := imgtrans_ocr_text(img, 'eng', 3, NULL,
                           CASE WHEN cfg = 'none' THEN NULL ELSE ARRAY[cfg] END);
  ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION pg_temp.prep_ms(path text, steps text[]) RETURNS float8 AS $$
DECLARE img bytea := pg_read_binary_file(path); t0 timestamptz; best float8 := 1e9;
BEGIN
  FOR i IN 1..3 LOOP
    t0 := clock_timestamp();
    PERFORM imgtrans_preprocess(img, steps);
    best := least(best, extract(epoch FROM clock_timestamp() - t0) * 1000);
  END LOOP;
  RETURN best;
END $$ LANGUAGE plpgsql;
SELECT pg_temp.run(%s, 'none');  -- warm-up: engine load
COPY (SELECT v.name, v.cfg, r.ms, r.txt FROM (VALUES %s) AS v(name, path, cfg),
      LATERAL pg_temp.run(v.path, v.cfg) r) TO STDOUT;
COPY (SELECT v.name, pg_temp.prep_ms(v.path, '{auto}') - pg_temp.prep_ms(v.path, '{}'),
             (imgtrans_image_info(imgtrans_preprocess(pg_read_binary_file(v.path), '{auto}'))).width *
             (imgtrans_image_info(imgtrans_preprocess(pg_read_binary_file(v.path), '{auto}'))).height::float8 /
             ((imgtrans_image_info(pg_read_binary_file(v.path))).width *
              (imgtrans_image_info(pg_read_binary_file(v.path))).height)
      FROM (VALUES %s) AS v(name, path)) TO STDOUT;
""" % (sql_literal(images[0][2]), values,
       ",".join("(%s, %s)" % (sql_literal(n), sql_literal(p)) for n, _, p, _ in images))
    out = run_psql(sql).splitlines()
    ocr = [line.split("\t", 3) for line in out if line.count("\t") >= 3]
    prep = {l.split("\t")[0]: float(l.split("\t")[1]) for l in out if l.count("\t") == 2}
    grow = {l.split("\t")[0]: float(l.split("\t")[2]) for l in out if l.count("\t") == 2}

    feed = "".join("%s|%s\t%s\t%s\n" % (name, cfg, txt if txt != "\\N" else "-",
                                         copy_escape(gts[name]))
                   for name, cfg, _, txt in ocr)
    dist = subprocess.run([editdist], input=feed, capture_output=True, text=True,
                          check=True).stdout
    cer, wer, ms = {}, {}, {}
    for line in dist.splitlines():
        key, cd, cn, wd, wn = line.split("\t")
        name, cfg = key.split("|")
        # capped at 1: a page of garbage counts as every character wrong,
        # as in the dev set README's baseline
        cer[name, cfg] = min(1.0, int(cd) / max(1, int(cn)))
        wer[name, cfg] = min(1.0, int(wd) / max(1, int(wn)))
    miss = {}
    for name, cfg, t, txt in ocr:
        ms[name, cfg] = float(t)
        miss[name, cfg] = word_miss(txt, gts[name])

    report(images, cer, wer, miss, ms, prep, grow)


def table(title, images, metric):
    print("\n== %s (%%, lower is better)" % title)
    print("%-34s" % "image" + "".join("%8s" % c for c in CONFIGS))
    sets = []
    for name, set_, _, _ in images:
        if set_ not in sets:
            sets.append(set_)
        print("%-34s" % name[:34] + "".join("%8.1f" % (100 * metric[name, c]) for c in CONFIGS))
    for set_ in sets:
        names = [n for n, s, _, _ in images if s == set_]
        print("%-34s" % ("mean, " + set_) +
              "".join("%8.1f" % (100 * sum(metric[n, c] for n in names) / len(names))
                      for c in CONFIGS))


def report(images, cer, wer, miss, ms, prep, grow):
    table("character error rate", images, cer)
    table("word error rate", images, wer)
    table("word miss rate (share of ground-truth words not found, any order)", images, miss)

    print("\n== cost per image (ms): OCR without preprocessing; OCR with auto, whose overhead"
          "\n   includes OSD and a second pass only on pages whose first pass had low"
          "\n   confidence; imgtrans_preprocess(auto) alone, which always runs OSD")
    print("%-34s%9s%9s%10s%11s%9s" % ("image", "none", "auto", "overhead", "prep only", "ratio"))
    over = []
    for name, _, _, _ in images:
        o = (ms[name, "auto"] - ms[name, "none"]) / ms[name, "none"]
        over.append(o)
        print("%-34s%9.0f%9.0f%9.0f%%%11.0f%8.0f%%" % (name[:34], ms[name, "none"], ms[name, "auto"],
              100 * o, prep[name], 100 * prep[name] / ms[name, "none"]))
    tn = sum(ms[n, "none"] for n, _, _, _ in images)
    ta = sum(ms[n, "auto"] for n, _, _, _ in images)
    print("%-34s%9.0f%9.0f%9.0f%%" % ("total", tn, ta, 100 * (ta - tn) / tn))

    print("\n== targets")
    worst = max(images, key=lambda i: cer[i[0], "auto"] - cer[i[0], "none"])[0]
    delta = 100 * (cer[worst, "auto"] - cer[worst, "none"])
    print("auto never worse than none by > 0.5 CER points: worst %+.1f (%s) -> %s"
          % (delta, worst, "met" if delta <= 0.5 else "NOT met"))
    turned = [n for n, s, _, _ in images if s == "synthetic" and ("rot" in n or "skew" in n)]
    for title, metric in (("CER", cer), ("word miss rate", miss)):
        # the upright page's best reading, without or with auto
        far = [n for n in turned if 100 * metric[n, "auto"] - 100 * min(
            metric[upright_of(n), "none"], metric[upright_of(n), "auto"]) > 1.0]
        print("rotated/skewed variants within 1 point of their upright %s with auto: %s"
              % (title, "met" if not far else "NOT met for " + ", ".join(far)))
    dev = [n for n, s, _, _ in images if s == "devset"]
    mn = sum(cer[n, "none"] for n in dev) / len(dev)
    ma = sum(cer[n, "auto"] for n in dev) / len(dev)
    print("dev set mean CER: none %.1f%%, auto %.1f%% -> %s"
          % (100 * mn, 100 * ma, "lowered" if ma < mn else "NOT lowered"))
    up = [n for n, s, _, _ in images if s in ("devset", "synthetic-upright")
          and "rot" not in n and cer[n, "none"] < 0.9]
    same = [n for n in up if grow[n] < 1.01]
    big = [n for n in up if grow[n] >= 1.01]
    tn = sum(ms[n, "none"] for n in same)
    ta = sum(ms[n, "auto"] for n in same)
    print("auto's measurements on upright pages it leaves at their size (%d): %+.0f%% OCR time"
          " (target <= 20%%) -> %s" % (len(same), 100 * (ta - tn) / tn,
                                      "met" if ta - tn <= 0.2 * tn else "NOT met"))
    for n in big:
        print("  upscaled small type: %s x%.1f pixels: OCR %+.0f%% time, CER %.1f -> %.1f"
              % (n, grow[n], 100 * (ms[n, "auto"] - ms[n, "none"]) / ms[n, "none"],
                 100 * cer[n, "none"], 100 * cer[n, "auto"]))


def word_miss(copy_txt, gt):
    """Share of ground-truth words (as a multiset) missing from the text."""
    if copy_txt == "\\N":
        copy_txt = ""
    hyp = copy_txt.replace("\\n", " ").replace("\\t", " ").split()
    ref = gt.split()
    if not ref:
        return 0.0
    pool = {}
    for w in hyp:
        pool[w] = pool.get(w, 0) + 1
    found = 0
    for w in ref:
        if pool.get(w, 0) > 0:
            pool[w] -= 1
            found += 1
    return 1 - found / len(ref)


def upright_of(name):
    return name.split("~")[0]


if __name__ == "__main__":
    main()
