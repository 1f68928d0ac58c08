#!/usr/bin/env bash
# Check the reference deployment of deploy/ on this machine, as far as it can be (docs/deploy.md):
#   1. the upload limit of the nginx site matches Kesu's settings;
#   2. the systemd units pass `systemd-analyze verify` (paths pointed at this checkout);
#   3. nginx accepts the site (`nginx -t`, with a throw-away certificate);
#   4. `kesu serve` started on a unix socket, as kesu-web.service starts it, answers /healthz and /readyz,
#      and — when nginx is installed — through nginx started with the site, on a free port.
# What cannot be checked here is said as SKIPPED; the exit status is 0 only when nothing checked FAILED.
# Usage: deploy/check.sh            (from the checkout; KESU_DATABASE_URL / KESU_DATA_DIR as for `kesu up`)
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(dirname "$HERE")"
PY="${KESU_PYTHON:-$REPO/.venv/bin/python}"
[ -x "$PY" ] || PY="$(command -v python3)"
WORK="$(mktemp -d /tmp/kesu-deploy-check.XXXXXX)"
FAILED=0
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    sleep 1
    for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT
ok()      { echo "ok       $*"; }
fail()    { echo "FAILED   $*"; FAILED=1; }
skipped() { echo "SKIPPED  $*"; }

# 1. client_max_body_size >= the largest upload Kesu accepts in one request.
nginx_mb="$(sed -n 's/^[[:space:]]*client_max_body_size[[:space:]]*\([0-9]*\)m;.*/\1/p' "$HERE/nginx/kesu.conf" | head -1)"
kesu_mb="$(cd "$REPO" && PYTHONPATH="$REPO" KESU_DATA_DIR="$WORK/settings" KESU_SECRET_KEY=check "$PY" -c '
import kesu.settings as s
mb = 1024 * 1024
print(max(s.KESU_ATTACHMENTS_PER_UPLOAD * s.KESU_ATTACHMENT_MAX_BYTES, s.KESU_IMPORT_MAX_BYTES) // mb)' 2>/dev/null)"
if [ -z "$nginx_mb" ] || [ -z "$kesu_mb" ]; then
    fail "upload limit: could not read client_max_body_size ($nginx_mb) or Kesu's limits ($kesu_mb)"
elif [ "$nginx_mb" -ge "$kesu_mb" ] && [ "$nginx_mb" -le $((kesu_mb + 50)) ]; then
    ok "upload limit: nginx client_max_body_size ${nginx_mb}m covers Kesu's ${kesu_mb} MB per request"
else
    fail "upload limit: nginx client_max_body_size ${nginx_mb}m does not match Kesu's ${kesu_mb} MB per request"
fi

# 2. systemd units.
mkdir -p "$WORK/units" "$WORK/etc"
printf 'KESU_DATA_DIR=%s\n' "$WORK/data" > "$WORK/etc/kesu.env"
for unit in kesu-web.service kesu-worker@.service kesu-worker.target; do
    sed -e "s#/opt/kesu/.venv/bin/kesu#$REPO/.venv/bin/kesu#g" -e "s#/etc/kesu/kesu.env#$WORK/etc/kesu.env#g" \
        "$HERE/systemd/$unit" > "$WORK/units/$unit"
done
cp "$WORK/units/kesu-worker@.service" "$WORK/units/kesu-worker@1.service"
if ! command -v systemd-analyze >/dev/null; then
    skipped "systemd units: systemd-analyze is not installed"
elif [ ! -x "$REPO/.venv/bin/kesu" ]; then
    skipped "systemd units: $REPO/.venv/bin/kesu is missing (pip install -e . first)"
else
    out="$(cd "$WORK/units" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no \
           kesu-web.service kesu-worker@1.service kesu-worker.target 2>&1)"
    # Without a running systemd (a container) verify still parses every line; only what needs PID 1 is noise.
    problems="$(printf '%s\n' "$out" | grep -v -e 'Failed to connect to bus' -e 'System has not been booted with systemd' \
                -e 'Cannot determine cgroup' -e 'No such file or directory.*/run/systemd' -e '^$' \
                -e 'user.*kesu.*not found' -e 'Failed to resolve user' || true)"
    if [ -z "$problems" ]; then
        ok "systemd units: systemd-analyze verify kesu-web.service kesu-worker@1.service kesu-worker.target"
    else
        fail "systemd units: $problems"
    fi
fi

# 3. and 4. A throw-away certificate and nginx configuration around the site; kesu serve on a unix socket.
port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
SOCK="$WORK/run/web.sock"
mkdir -p "$WORK/run" "$WORK/logs" "$WORK/data/static"
# nginx started by root runs its workers as "nobody": they must reach the socket, as www-data does in group kesu.
chmod 0755 "$WORK" "$WORK/run"
site="$WORK/kesu.conf"
HTTP_PORT="$(port)"; HTTPS_PORT="$(port)"
sed -e "s#unix:/run/kesu/web.sock#unix:$SOCK#" -e "s#/var/lib/kesu/static/#$WORK/data/static/#" \
    -e "s#/var/log/nginx/#$WORK/logs/#g" -e "s#/etc/ssl/certs/kesu.example.com.pem#$WORK/cert.pem#" \
    -e "s#/etc/ssl/private/kesu.example.com.key#$WORK/key.pem#" \
    -e "s#listen 80;#listen 127.0.0.1:$HTTP_PORT;#" -e "s#listen 443 ssl http2;#listen 127.0.0.1:$HTTPS_PORT ssl http2;#" \
    -e "/listen \[::\]/d" "$HERE/nginx/kesu.conf" > "$site"
NGINX="$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null || true)"
nginx_ready=0
if [ -z "$NGINX" ]; then
    skipped "nginx -t: nginx is not installed (apt-get install nginx-light)"
elif ! command -v openssl >/dev/null; then
    skipped "nginx -t: openssl is not installed to make a throw-away certificate"
else
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=kesu.example.com" \
        -keyout "$WORK/key.pem" -out "$WORK/cert.pem" >/dev/null 2>&1
    mime="$(ls /etc/nginx/mime.types 2>/dev/null || true)"
    cat > "$WORK/nginx.conf" <<CONF
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log;
worker_processes 1;
events { worker_connections 64; }
http {
    ${mime:+include $mime;}
    client_body_temp_path $WORK/tmp_body; proxy_temp_path $WORK/tmp_proxy;
    fastcgi_temp_path $WORK/tmp_fcgi; uwsgi_temp_path $WORK/tmp_uwsgi; scgi_temp_path $WORK/tmp_scgi;
    include $site;
}
CONF
    if out="$("$NGINX" -t -q -p "$WORK" -c "$WORK/nginx.conf" 2>&1)"; then
        ok "nginx -t: deploy/nginx/kesu.conf is accepted by $("$NGINX" -v 2>&1 | sed 's/.*: //')"
        nginx_ready=1
    else
        fail "nginx -t: $out"
    fi
fi

# kesu serve on the unix socket, as kesu-web.service runs it (2 workers), on the database of this environment.
export KESU_DATA_DIR="${KESU_DATA_DIR:-$WORK/data}" KESU_TRUSTED_PROXIES=unix PYTHONPATH="$REPO" \
    KESU_BASE_URL=https://kesu.example.com KESU_ALLOWED_HOSTS=kesu.example.com,localhost,127.0.0.1
(cd "$WORK" && exec "$PY" -m kesu.cli serve --bind "unix:$SOCK" --workers 2 --threads 2 \
    > "$WORK/logs/serve.out" 2> "$WORK/logs/serve.err") &
PIDS+=($!)
up=0
for _ in $(seq 1 120); do
    if curl -s --unix-socket "$SOCK" -o /dev/null http://localhost/healthz 2>/dev/null; then up=1; break; fi
    sleep 0.5
done
if [ "$up" = 1 ]; then
    ok "kesu serve: /healthz answers on unix:$SOCK"
    ready="$(curl -s --unix-socket "$SOCK" -o /dev/null -w '%{http_code}' http://localhost/readyz)"
    if [ "$ready" = 200 ]; then
        ok "kesu serve: /readyz 200 (database reachable and migrated)"
    else
        echo "note     kesu serve: /readyz $ready — the database of this environment is not migrated (kesu manage migrate)"
    fi
else
    fail "kesu serve did not answer on unix:$SOCK: $(tail -5 "$WORK/logs/serve.err")"
fi

if [ "$nginx_ready" = 1 ] && [ "$up" = 1 ]; then
    "$NGINX" -p "$WORK" -c "$WORK/nginx.conf" 2>"$WORK/logs/nginx.start" && sleep 0.5
    [ -f "$WORK/nginx.pid" ] && PIDS+=("$(cat "$WORK/nginx.pid")")
    code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/healthz")"
    redirect="$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Host: kesu.example.com' "http://127.0.0.1:$HTTP_PORT/complaints/")"
    # A forged X-Forwarded-Proto from the person is replaced by nginx; Kesu sees HTTPS and sends HSTS.
    login="$(curl -sk -D - -o /dev/null --resolve "kesu.example.com:$HTTPS_PORT:127.0.0.1" \
             "https://kesu.example.com:$HTTPS_PORT/accounts/login/" -H 'X-Forwarded-Proto: http' | tr -d '\r')"
    login_code="$(printf '%s\n' "$login" | sed -n '1s/^HTTP[^ ]* \([0-9]*\).*/\1/p')"
    if [ "$code" = 200 ] && [ "${redirect%% *}" = 301 ]; then
        ok "nginx → kesu serve: /healthz 200 over HTTP, other pages redirected to HTTPS ($redirect)"
    else
        fail "nginx → kesu serve: /healthz $code, redirect '$redirect' ($(cat "$WORK/logs/nginx.start" 2>/dev/null))"
    fi
    if [ "$ready" != 200 ]; then
        echo "note     nginx → kesu serve over HTTPS: pages need a migrated database; /accounts/login/ answered $login_code"
    elif [ "$login_code" = 200 ] && printf '%s\n' "$login" | grep -qi '^strict-transport-security:'; then
        ok "nginx → kesu serve over HTTPS: login page 200, seen as HTTPS through the trusted socket (HSTS sent)"
    else
        fail "nginx → kesu serve over HTTPS: login page $login_code, HSTS $(printf '%s\n' "$login" | grep -ci '^strict-transport')"
    fi
elif [ "$up" = 1 ]; then
    skipped "nginx → kesu serve: nginx is not available to start"
fi

if [ "$FAILED" = 0 ]; then echo "deploy/check.sh: nothing failed"; else echo "deploy/check.sh: FAILED"; fi
exit "$FAILED"
