#!/usr/bin/env bash
# bench/proc_rss.sh LABEL PID: prints "LABEL<TAB>VmRSS kB<TAB>RssAnon kB" of a
# backend together with the processes it forked (its OCR process, PDF
# reader and image decoders do the tesseract, poppler and codec work, so
# their memory is the call's).
label=$1 pid=$2
rss=0 anon=0
for p in "$pid" $(ps -o pid= --ppid "$pid"); do
  [ -r "/proc/$p/status" ] || continue
  rss=$((rss + $(awk '/^VmRSS/ {print $2}' "/proc/$p/status")))
  anon=$((anon + $(awk '/^RssAnon/ {print $2}' "/proc/$p/status")))
done
printf '%s\t%s\t%s\n' "$label" "$rss" "$anon"
