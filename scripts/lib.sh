# scripts/lib.sh: shared shell helpers for imgtrans's test, demo and bench
# scripts.  Source it; it defines functions only.
#
#   imgtrans_deps         install the Debian packages the project needs
#   imgtrans_build        make && make install (as root)
#   cluster_start [conf]  initdb a throwaway cluster in a temp dir, start it
#                         on a free 127.0.0.1 port, export PGHOST/PGPORT/
#                         PGUSER/PGDATABASE; extra postgresql.conf lines as $1
#   cluster_restart [mode] pg_ctl stop -m mode (default fast), then start
#   cluster_stop          stop that server by its PID and remove the dir
#
# Servers are reached on 127.0.0.1 only and stopped by PID, never by name.
#
# IMGTRANS_PRIVATE_PG=DIR builds into a private copy of PostgreSQL's tree in
# DIR (made from the system's on first use; PostgreSQL finds its lib and
# share dirs relative to its binaries) and runs the servers from there, so
# runs from different checkouts need neither the system install nor the
# machine-wide lock.  Unset (CI, the README's commands): the system tree.

IMGTRANS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -n "${IMGTRANS_PRIVATE_PG:-}" ]; then
  PGBIN=$IMGTRANS_PRIVATE_PG/usr/lib/postgresql/15/bin
fi
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
IMGTRANS_PACKAGES="postgresql-15 postgresql-server-dev-15 libtesseract-dev tesseract-ocr
  tesseract-ocr-eng tesseract-ocr-spa tesseract-ocr-osd libleptonica-dev libcmocka-dev
  libcurl4-openssl-dev pkg-config make gcc python3 imagemagick apertium-apy apertium-eng-spa
  python3-streamparser python3-chardet openssl fonts-dejavu-core libfreetype-dev
  libpoppler-glib-dev libcairo2-dev libheif-dev libheif-examples poppler-utils img2pdf python3-reportlab
  postgresql-15-plproxy prometheus-postgres-exporter curl pgpool2
  libraqm-dev libharfbuzz-dev libfribidi-dev libfontconfig-dev libthai-dev fonts-noto-core
  fonts-noto-cjk fonts-symbola tesseract-ocr-jpn tesseract-ocr-chi-sim tesseract-ocr-kor
  tesseract-ocr-ara tesseract-ocr-hin tesseract-ocr-rus tesseract-ocr-script-frak"

log() { printf '== %s\n' "$*" >&2; }

# imgtrans_locked "$0" "$@": re-runs the calling script under the machine-wide
# lock, so only one build+install+test runs at a time (make install writes
# into the one system PostgreSQL lib dir).  Call it before anything else.
imgtrans_locked() {
  if [ -z "${IMGTRANS_TEST_LOCKED:-}" ] && [ -z "${IMGTRANS_PRIVATE_PG:-}" ]; then
    export IMGTRANS_TEST_LOCKED=1
    exec flock /tmp/imgtrans-test.lock "$@"
  fi
}

imgtrans_deps() {
  local missing="" p
  for p in $IMGTRANS_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  log "installing Debian packages:$missing"
  if [ "$(id -u)" != 0 ]; then
    echo "missing packages:$missing (run as root, or install them)" >&2
    return 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

imgtrans_build() {
  log "building and installing imgtrans${IMGTRANS_PRIVATE_PG:+ into $IMGTRANS_PRIVATE_PG}"
  make -C "$IMGTRANS_ROOT" -s -j2 >/dev/null
  if [ -n "${IMGTRANS_PRIVATE_PG:-}" ]; then
    # made on first use; later, files that packages installed since then
    # added to the system tree (another extension) are copied in, never over
    mkdir -p "$IMGTRANS_PRIVATE_PG/usr/lib/postgresql" "$IMGTRANS_PRIVATE_PG/usr/share/postgresql"
    cp -an /usr/lib/postgresql/15 "$IMGTRANS_PRIVATE_PG/usr/lib/postgresql/"
    cp -an /usr/share/postgresql/15 "$IMGTRANS_PRIVATE_PG/usr/share/postgresql/"
    make -C "$IMGTRANS_ROOT" -s install DESTDIR="$IMGTRANS_PRIVATE_PG" >/dev/null
  else
    make -C "$IMGTRANS_ROOT" -s install >/dev/null
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# run a command as the unprivileged server user when we are root
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cluster_start() {
  local extra=${1:-}
  CLUSTER_DIR=$(mktemp -d /tmp/imgtrans-pg.XXXXXX)
  chmod 755 "$CLUSTER_DIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$CLUSTER_DIR"
  PGPORT=$(free_port)
  as_pg "$PGBIN/initdb" -D "$CLUSTER_DIR/data" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >"$CLUSTER_DIR/initdb.log" 2>&1 \
    || { cat "$CLUSTER_DIR/initdb.log" >&2; return 1; }
  cat >>"$CLUSTER_DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$CLUSTER_DIR'
fsync = off
max_connections = 30
log_line_prefix = '%m [%p] '
$extra
CONF
  as_pg "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w -t 60 start >/dev/null \
    || { cat "$CLUSTER_DIR/server.log" >&2; return 1; }
  CLUSTER_PID=$(head -1 "$CLUSTER_DIR/data/postmaster.pid")
  export PGHOST=127.0.0.1 PGPORT PGUSER=postgres PGDATABASE=postgres CLUSTER_DIR CLUSTER_PID
  log "PostgreSQL running on 127.0.0.1:$PGPORT (pid $CLUSTER_PID, dir $CLUSTER_DIR)"
}

cluster_restart() {
  as_pg "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -w -t 60 stop -m "${1:-fast}" >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w -t 60 start >/dev/null
  CLUSTER_PID=$(head -1 "$CLUSTER_DIR/data/postmaster.pid")
}

# a directory inside the cluster dir that the server can read files from
cluster_filedir() {
  local d="$CLUSTER_DIR/files"
  mkdir -p "$d"
  cp -r "$@" "$d/"
  [ "$(id -u)" = 0 ] && chown -R postgres: "$d"
  echo "$d"
}

cluster_stop() {
  [ -n "${CLUSTER_PID:-}" ] || return 0
  if kill -INT "$CLUSTER_PID" 2>/dev/null; then
    for _ in $(seq 1 100); do kill -0 "$CLUSTER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$CLUSTER_PID" 2>/dev/null || true
  fi
  if [ -n "${KEEP_CLUSTER_LOG:-}" ] && [ -f "$CLUSTER_DIR/server.log" ]; then
    cp "$CLUSTER_DIR/server.log" "$KEEP_CLUSTER_LOG"
  fi
  rm -rf "$CLUSTER_DIR"
  CLUSTER_PID=""
}
