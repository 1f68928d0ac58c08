#!/usr/bin/env bash
# A throw-away IMAP server for the mail-intake tests (issue 23 §2): Debian's dovecot-imapd on 127.0.0.1,
# plaintext login for one test user, maildir in a temporary folder, no TLS, nothing outside that folder.
#
#   scripts/ci_dovecot.sh          start it (installs dovecot-imapd when missing) and print the port
#   scripts/ci_dovecot.sh stop     stop the one this script started
#
# The last line printed is what the tests read from the environment:
#   KESU_TEST_IMAP=127.0.0.1:10143:kesu:kesu-imap-test
# Environment: KESU_DOVECOT_DIR (default /tmp/kesu-dovecot), KESU_DOVECOT_PORT (default 10143).
set -euo pipefail

DIR="${KESU_DOVECOT_DIR:-/tmp/kesu-dovecot}"
PORT="${KESU_DOVECOT_PORT:-10143}"
USER_NAME=kesu
USER_PASSWORD=kesu-imap-test
CONF="$DIR/dovecot.conf"

if [ "${1:-}" = "stop" ]; then
    if [ -f "$CONF" ] && [ -f "$DIR/run/master.pid" ]; then
        dovecot -c "$CONF" stop || true
    fi
    exit 0
fi

if ! command -v dovecot >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "dovecot is not installed and this is not root: apt-get install dovecot-imapd first" >&2
        exit 1
    fi
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends dovecot-imapd >/dev/null
fi

# A server this script started earlier is stopped first, so a second run starts from a clean config.
if [ -f "$CONF" ] && [ -f "$DIR/run/master.pid" ]; then
    dovecot -c "$CONF" stop 2>/dev/null || true
    sleep 1
fi
mkdir -p "$DIR/run" "$DIR/state" "$DIR/mail"

if [ "$(id -u)" -eq 0 ]; then
    # Dovecot never gives mail access as root: the mail belongs to an unprivileged system user.
    MAIL_USER=nobody
    MAIL_UID=$(id -u nobody)
    MAIL_GID=$(id -g nobody)
    chown -R "$MAIL_UID:$MAIL_GID" "$DIR/mail"
    INTERNAL_USER=dovecot
    LOGIN_USER=dovenull
    CHROOT_LINES=""
else
    MAIL_USER=$(id -un)
    MAIL_UID=$(id -u)
    MAIL_GID=$(id -g)
    INTERNAL_USER=$MAIL_USER
    LOGIN_USER=$MAIL_USER
    CHROOT_LINES="  chroot ="
fi
chmod 755 "$DIR"

printf '%s:{PLAIN}%s::::::\n' "$USER_NAME" "$USER_PASSWORD" > "$DIR/users"

cat > "$CONF" <<EOF
# Written by scripts/ci_dovecot.sh: a local test server only.
base_dir = $DIR/run
state_dir = $DIR/state
log_path = $DIR/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = $MAIL_UID
last_valid_uid = $MAIL_UID
default_internal_user = $INTERNAL_USER
default_login_user = $LOGIN_USER
mail_location = maildir:$DIR/mail/%u
mail_max_userip_connections = 200
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DIR/users
}
userdb {
  driver = static
  args = uid=$MAIL_UID gid=$MAIL_GID home=$DIR/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $PORT
  }
  inet_listener imaps {
    port = 0
  }
$CHROOT_LINES
}
service anvil {
$CHROOT_LINES
}
EOF

dovecot -c "$CONF"

# Wait until the server greets (at most ten seconds).
for _ in $(seq 1 50); do
    if python3 - "$PORT" <<'PY' 2>/dev/null
import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1) as s:
    sys.exit(0 if s.recv(100).startswith(b"* OK") else 1)
PY
    then
        echo "dovecot for $MAIL_USER listening on 127.0.0.1:$PORT (config $CONF, log $DIR/dovecot.log)"
        echo "KESU_TEST_IMAP=127.0.0.1:$PORT:$USER_NAME:$USER_PASSWORD"
        exit 0
    fi
    sleep 0.2
done
echo "dovecot did not answer on 127.0.0.1:$PORT; see $DIR/dovecot.log" >&2
exit 1
