#!/usr/bin/env bash
# test/t/translate_stub_clean.sh: every request imgtrans sent to the
# provider stub (test/stub_provider.py) during the run was exactly what
# DeepL, Google or LibreTranslate document; the stub records the others.
set -uo pipefail
cd "$(dirname "$0")/../.."
source test/tap.sh
: "${IMGTRANS_STUB_FAILURES:?start the services first (scripts/services-translate.sh)}"
sed 's/^/# /' "$IMGTRANS_STUB_FAILURES"
check "the provider stub rejected no request" test ! -s "$IMGTRANS_STUB_FAILURES"
tap_done
