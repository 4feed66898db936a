#!/usr/bin/python3
"""test/stub_provider.py: a local stand-in for DeepL, Google Translation v2
and LibreTranslate, for imgtrans's tests (python3 standard library only).

    stub_provider.py PORT FAILURES_FILE [TLS_PORT CERT KEY]

Listens on 127.0.0.1 only.  Paths: /deepl/v2/translate, /deepl/v2/languages,
/google/language/translate/v2, /google/language/translate/v2/languages,
/libre/translate, /libre/languages.  Each request is checked against what
the provider documents (method, path, headers, content type, body
encoding, batch size); a request that is not is answered 400 with
"stub: <what was wrong>" and the same line is appended to FAILURES_FILE,
which the tests check is empty.  Unknown paths get a plain 404.

A "translation" is "[SOURCE>TARGET] text" (SOURCE "auto" when none was
sent), so UTF-8 and language-code mapping are visible.  Magic texts make
the provider misbehave, in its own error format:
  __429__ rate limit (Retry-After: 7)    __500__ internal error
  __456__ DeepL quota exceeded           __slow__ answers after 10 s
  __big__ a 2 MB answer                  __badjson__ truncated JSON
  __short__ one translation too few      __redirect__ a 302
  __hugenum__ valid JSON with a number beyond PostgreSQL's numeric
  __conn__ "HTTP/1.1 request N on this connection" (keep-alive probe)
  __echo__ a 400 whose message echoes the request (Authorization header
  and body) as received; __echoquoted__ the same as a JSON string
  (non-ASCII escaped); __echotext__ the same as a text/plain body.  Checked
  before the key, so the tests see their key scrubbed in every encoding.
Wrong API keys get the provider's 403/400, with the key echoed in the
message (real providers do not; it lets the tests check it is scrubbed).

Rate limits (issue 16), seen from the provider's side:
  __429once__ the first request holding this text gets a 429 with
  Retry-After: 1, the next ones translate; __hold__ answers after 0.3 s.
  GET /stats: {"requests": [[start, end], ...] (time.time() of every
  translate request), "peak": most requests in flight at once};
  GET /stats/reset empties both and forgets the requests still in flight
  (e.g. a __slow__ one whose client gave up).  Any path under /r429/ (e.g.
  /r429/deepl/v2/translate) is answered 429 with Retry-After: 3.
"""
import json
import re
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

KEYS = {"deepl": "deepl-test-key", "google": "google-test-key", "libre": "libre-test-key"}
FAILURES_FILE = None
FAIL_LOCK = threading.Lock()
STATS_LOCK = threading.Lock()
STATS = {"requests": [], "peak": 0, "live": set()}  # live: requests in flight since the reset
SEEN_ONCE = set()


class Reject(Exception):
    """The request is not what the provider documents."""


class Answer(Exception):
    """A deliberate non-200 answer (magic text, wrong key)."""

    def __init__(self, status, body, headers=None, ctype="application/json"):
        super().__init__(status)
        self.status, self.body, self.headers, self.ctype = status, body, headers or {}, ctype


def need(cond, what):
    if not cond:
        raise Reject(what)


def fake(src, tgt, text):
    return "[%s>%s] %s" % (src or "auto", tgt, text)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "stub-provider/1"

    def setup(self):
        super().setup()
        self.requests_here = 0

    def log_message(self, fmt, *args):
        sys.stderr.write("stub: " + (fmt % args) + "\n")

    # -- plumbing ------------------------------------------------------
    def send(self, status, body, ctype="application/json", headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.done_counting()    # the client cannot have the answer before its body is written
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def body(self):
        need(self.headers.get("Transfer-Encoding") is None, "chunked request body")
        return self.raw_body

    def json_body(self):
        """the body as a JSON object, sent as application/json"""
        need(self.ctype() == "application/json", "Content-Type must be application/json, got %r" % self.ctype())
        try:
            req = json.loads(self.body().decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise Reject("body is not UTF-8 JSON: %s" % e)
        need(isinstance(req, dict), "body must be a JSON object")
        return req

    def ctype(self):
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def dispatch(self):
        self.requests_here += 1
        # read the whole body first, so any answer leaves the connection usable
        self.raw_body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        if url.path.startswith("/r429/"):
            self.send(429, {"message": "stub says 429 always"}, headers={"Retry-After": "3"})
            return
        route = ROUTES.get((self.command, url.path))
        self.counting = route is not None and url.path.endswith("translate")
        if self.counting:
            self.started = time.time()
            self.token = object()
            with STATS_LOCK:
                STATS["live"].add(self.token)
                STATS["peak"] = max(STATS["peak"], len(STATS["live"]))
        try:
            self.answer(route, url)
        finally:
            self.done_counting()

    def done_counting(self):
        """a counted request ends (once) just before its answer's body goes out"""
        if getattr(self, "counting", False):
            self.counting = False
            with STATS_LOCK:
                if self.token in STATS["live"]:     # not one from before the last reset
                    STATS["live"].discard(self.token)
                    STATS["requests"].append([self.started, time.time()])

    def answer(self, route, url):
        try:
            if route is None:
                raise Answer(404, {"message": "Not Found", "error": "Not Found"})
            if b"__echo" in self.raw_body:
                echo(self)
            route(self, url)
        except Reject as e:
            msg = "stub: %s %s: %s" % (self.command, url.path, e)
            with FAIL_LOCK, open(FAILURES_FILE, "a") as f:
                f.write(msg + "\n")
            self.send(400, {"message": msg, "error": msg})
        except Answer as a:
            self.send(a.status, a.body, a.ctype, headers=a.headers)

    do_GET = dispatch
    do_POST = dispatch
    do_PUT = dispatch

    # -- magic ------------------------------------------------------------
    def magic(self, texts, error):
        """error(status, message) -> that provider's error body"""
        joined = "\n".join(texts)
        for status, tag in ((429, "__429__"), (500, "__500__"), (456, "__456__")):
            if tag in joined:
                raise Answer(status, error(status, "stub says %d" % status),
                             {"Retry-After": "7"} if status == 429 else None)
        if "__429once__" in joined:
            with STATS_LOCK:
                first = joined not in SEEN_ONCE
                SEEN_ONCE.add(joined)
            if first:
                raise Answer(429, error(429, "stub says 429 once"), {"Retry-After": "1"})
        if "__hold__" in joined:
            time.sleep(0.3)
        if "__redirect__" in joined:
            raise Answer(302, b"", {"Location": "http://127.0.0.1:1/elsewhere"})
        if "__slow__" in joined:
            for _ in range(200):
                time.sleep(0.05)
        if "__badjson__" in joined:
            raise Answer(200, b'{"translations": [{"text": "unterminated')
        if "__hugenum__" in joined:
            raise Answer(200, b'{"translations": [{"text": "x"}], "n": 1e999999999}')

    def special(self, text, src, tgt):
        if text == "__conn__":
            return "%s request %d on this connection" % (self.request_version, self.requests_here)
        if text == "__big__":
            return "x" * (2 * 1024 * 1024)
        return fake(src, tgt, text)

    def translate_all(self, texts, src, tgt):
        out = [self.special(t, src, tgt) for t in texts]
        return out[:-1] if "__short__" in texts else out


def echo(h):
    seen = "Authorization: %s; body: %s" % (h.headers.get("Authorization"),
                                            h.raw_body.decode("utf-8", "replace"))
    if b"__echotext__" in h.raw_body:
        raise Answer(400, ("bad request " + seen).encode(), ctype="text/plain")
    if b"__echoquoted__" in h.raw_body:
        seen = json.dumps(seen)
    raise Answer(400, {"message": "bad request " + seen})


LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]+)?$")


# -- DeepL -----------------------------------------------------------------
def deepl_error(status, msg):
    return {"message": msg}


def deepl_auth(h):
    auth = h.headers.get("Authorization") or ""
    need(auth.startswith("DeepL-Auth-Key "), "Authorization must be 'DeepL-Auth-Key KEY', got %r" % auth[:20])
    key = auth[len("DeepL-Auth-Key "):]
    if key != KEYS["deepl"]:
        raise Answer(403, deepl_error(403, "Wrong auth key %s" % key))


def deepl_translate(h, url):
    need(url.query == "", "no query string expected")
    deepl_auth(h)
    req = h.json_body()
    need(set(req) <= {"text", "target_lang", "source_lang"}, "unexpected keys %s" % sorted(set(req)))
    texts = req.get("text")
    need(isinstance(texts, list) and all(isinstance(t, str) for t in texts), "text must be an array of strings")
    need(1 <= len(texts) <= 50, "text must hold 1 to 50 strings, got %d" % len(texts))
    tgt, src = req.get("target_lang"), req.get("source_lang")
    need(isinstance(tgt, str) and re.match(r"^[A-Z]{2}(-[A-Z]+)?$", tgt), "bad target_lang %r" % tgt)
    need(src is None or (isinstance(src, str) and re.match(r"^[A-Z]{2}$", src)), "bad source_lang %r" % src)
    h.magic(texts, deepl_error)
    h.send(200, {"translations": [{"detected_source_language": src or "EN", "text": t}
                                  for t in h.translate_all(texts, src, tgt)]})


def deepl_languages(h, url):
    deepl_auth(h)
    q = parse_qs(url.query, strict_parsing=True)
    need(q.get("type") in (["source"], ["target"]), "type must be source or target")
    codes = ["EN", "ES", "DE"] if q["type"] == ["source"] else ["EN-GB", "EN-US", "ES", "DE"]
    h.send(200, [{"language": c, "name": c} for c in codes])


# -- Google Translation v2 -------------------------------------------------
def google_error(status, msg):
    return {"error": {"code": status, "message": msg, "errors": [{"message": msg, "reason": "stub"}]}}


def google_form(h, url):
    need(url.query == "", "parameters must be in the form body, not the URL")
    need(h.ctype() == "application/x-www-form-urlencoded",
         "Content-Type must be application/x-www-form-urlencoded, got %r" % h.ctype())
    try:
        form = parse_qs(h.body().decode("ascii"), keep_blank_values=True, strict_parsing=True,
                        encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError) as e:
        raise Reject("body is not a valid form: %s" % e)
    need(form.get("key") and len(form["key"]) == 1, "exactly one key parameter expected")
    if form["key"][0] != KEYS["google"]:
        raise Answer(400, google_error(400, "API key not valid: %s" % form["key"][0]))
    return form


def google_translate(h, url):
    form = google_form(h, url)
    need(set(form) <= {"q", "target", "source", "format", "key"}, "unexpected parameters %s" % sorted(form))
    texts = form.get("q", [])
    need(1 <= len(texts) <= 128, "q must be repeated 1 to 128 times, got %d" % len(texts))
    need(form.get("format") == ["text"], "format=text expected (html mangles newlines)")
    need(len(form.get("target", [])) == 1 and LANG.match(form["target"][0]), "one valid target expected")
    src = form.get("source", [None])
    need(len(src) == 1 and (src[0] is None or LANG.match(src[0])), "at most one valid source")
    h.magic(texts, google_error)
    tr = [{"translatedText": t} for t in h.translate_all(texts, src[0], form["target"][0])]
    if src[0] is None:
        for t in tr:
            t["detectedSourceLanguage"] = "en"
    h.send(200, {"data": {"translations": tr}})


def google_languages(h, url):
    form = google_form(h, url)
    need(set(form) <= {"key", "target", "model"}, "unexpected parameters %s" % sorted(form))
    h.send(200, {"data": {"languages": [{"language": c} for c in ("en", "es", "de")]}})


# -- LibreTranslate --------------------------------------------------------
def libre_error(status, msg):
    return {"error": msg}


def libre_translate(h, url):
    need(url.query == "", "no query string expected")
    req = h.json_body()
    need(set(req) <= {"q", "source", "target", "format", "api_key", "alternatives"},
         "unexpected keys %s" % sorted(set(req)))
    if "api_key" in req and req["api_key"] != KEYS["libre"]:
        raise Answer(403, libre_error(403, "Invalid API key %s" % req["api_key"]))
    q = req.get("q")
    texts = q if isinstance(q, list) else [q]
    need(all(isinstance(t, str) for t in texts) and texts, "q must be a string or an array of strings")
    src, tgt = req.get("source"), req.get("target")
    need(src == "auto" or (isinstance(src, str) and LANG.match(src)), "source must be auto or a code")
    need(isinstance(tgt, str) and LANG.match(tgt), "bad target %r" % tgt)
    need(req.get("format", "text") == "text", "format must be text")
    h.magic(texts, libre_error)
    out = h.translate_all(texts, None if src == "auto" else src, tgt)
    h.send(200, {"translatedText": out if isinstance(q, list) else out[0]})


def libre_languages(h, url):
    h.send(200, [{"code": "en", "name": "English", "targets": ["en", "es", "de"]},
                 {"code": "es", "name": "Spanish", "targets": ["en", "es"]}])


def stats(h, url):
    with STATS_LOCK:
        h.send(200, {"requests": STATS["requests"], "peak": STATS["peak"]})


def stats_reset(h, url):
    with STATS_LOCK:
        STATS["requests"], STATS["peak"], STATS["live"] = [], 0, set()
    h.send(200, {"reset": True})


ROUTES = {
    ("GET", "/stats"): stats,
    ("GET", "/stats/reset"): stats_reset,
    ("POST", "/deepl/v2/translate"): deepl_translate,
    ("GET", "/deepl/v2/languages"): deepl_languages,
    ("POST", "/google/language/translate/v2"): google_translate,
    ("POST", "/google/language/translate/v2/languages"): google_languages,
    ("POST", "/libre/translate"): libre_translate,
    ("GET", "/libre/languages"): libre_languages,
}


def serve(server):
    server.daemon_threads = True
    server.serve_forever(poll_interval=0.1)


def main():
    global FAILURES_FILE
    port, FAILURES_FILE = int(sys.argv[1]), sys.argv[2]
    open(FAILURES_FILE, "a").close()
    if len(sys.argv) > 5:
        tls = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[3])), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[4], sys.argv[5])
        tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
        threading.Thread(target=serve, args=(tls,), daemon=True).start()
    serve(ThreadingHTTPServer(("127.0.0.1", port), Handler))


if __name__ == "__main__":
    main()
