#!/usr/bin/env bash
# test/t/translate_stub_clean.sh: every request imgtrans sent to the
# provider stub (test/stub_provider.py) was exactly what DeepL, Google or
# LibreTranslate document; the stub records those it rejected.
set -euo pipefail
: "${IMGTRANS_STUB_FAILURES:?start the services first (scripts/services-translate.sh)}"
if [ -s "$IMGTRANS_STUB_FAILURES" ]; then
  echo "FAIL: the provider stub rejected requests:" >&2
  cat "$IMGTRANS_STUB_FAILURES" >&2
  exit 1
fi
echo "ok: the provider stub rejected no request"
