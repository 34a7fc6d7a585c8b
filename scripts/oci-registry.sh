#!/usr/bin/env bash
# Starts or stops a CNCF distribution registry (Debian's `docker-registry`)
# on a free loopback port with its storage in DIR, for the OCI tests.
#
#   scripts/oci-registry.sh start DIR [USER PASS]   # prints HOST:PORT
#   scripts/oci-registry.sh stop DIR
#
# With USER and PASS it requires htpasswd basic auth (bcrypt, from
# apache2-utils). The registry's pid is kept in DIR/pid; `stop` ends that
# process only.
set -euo pipefail

cmd=${1:?usage: oci-registry.sh start|stop DIR [USER PASS]}
dir=${2:?usage: oci-registry.sh start|stop DIR [USER PASS]}

case "$cmd" in
start)
  mkdir -p "$dir/storage"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  {
    echo "version: 0.1"
    echo "log:"
    echo "  level: error"
    echo "  accesslog:"
    echo "    disabled: true"
    echo "storage:"
    echo "  filesystem:"
    echo "    rootdirectory: $dir/storage"
    echo "  delete:"
    echo "    enabled: true"
    echo "http:"
    echo "  addr: 127.0.0.1:$port"
    if [ $# -ge 4 ]; then
      htpasswd -Bbn "$3" "$4" >"$dir/htpasswd"
      echo "auth:"
      echo "  htpasswd:"
      echo "    realm: expert-test"
      echo "    path: $dir/htpasswd"
    fi
  } >"$dir/config.yml"
  docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
  echo $! >"$dir/pid"
  for _ in $(seq 1 100); do
    code=$(python3 - "$port" <<'PY'
import sys, urllib.request, urllib.error
try:
    print(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/v2/", timeout=1).status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    print(0)
PY
)
    if [ "$code" = 200 ] || [ "$code" = 401 ]; then
      echo "127.0.0.1:$port"
      exit 0
    fi
    if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
      echo "docker-registry exited:" >&2
      cat "$dir/log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "docker-registry did not answer on 127.0.0.1:$port" >&2
  cat "$dir/log" >&2
  exit 1
  ;;
stop)
  if [ -f "$dir/pid" ]; then
    kill "$(cat "$dir/pid")" 2>/dev/null || true
    rm -f "$dir/pid"
  fi
  ;;
*)
  echo "usage: oci-registry.sh start|stop DIR [USER PASS]" >&2
  exit 2
  ;;
esac
