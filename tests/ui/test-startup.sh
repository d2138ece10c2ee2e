#!/bin/sh
# portier starts, shows its window, and quits cleanly through its own quit action, with
# no warning on the way (G_DEBUG=fatal-warnings makes any warning a crash).
#   test-startup.sh PORTIER APP_ID      (under Xvfb and dbus-run-session)
set -u
portier=$1 app_id=$2
object_path=/$(echo "$app_id" | tr . /)
log=$(mktemp)
# A record of openings of its own: at start, Portier cleans up what an earlier run left
# behind, which must never be the machine's own record.
PORTIER_STATE_DIR=$(mktemp -d)
export PORTIER_STATE_DIR
trap 'rm -f "$log"; rm -rf "$PORTIER_STATE_DIR"' EXIT

echo "1..1"
G_DEBUG=fatal-warnings "$portier" >"$log" 2>&1 &
pid=$!

shown=no
for _ in $(seq 100); do
  if xwininfo -root -tree 2>/dev/null | grep -q '"Portier"'; then shown=yes; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done

gdbus call --session --dest "$app_id" --object-path "$object_path" \
  --method org.gtk.Actions.Activate quit '[]' '{}' >/dev/null 2>&1
status=timeout
for _ in $(seq 100); do
  if ! kill -0 "$pid" 2>/dev/null; then wait "$pid"; status=$?; break; fi
  sleep 0.1
done
[ "$status" = timeout ] && kill -9 "$pid" 2>/dev/null

sed 's/^/# /' "$log"
if [ "$shown" = yes ] && [ "$status" = 0 ] && ! grep -qiE 'warning|critical' "$log"; then
  echo "ok 1 - portier showed its window and quit cleanly"
  exit 0
fi
echo "not ok 1 - window shown: $shown, exit status: $status"
exit 1
