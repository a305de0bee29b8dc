#!/bin/sh
# Installs the Wachsam desktop agent on a Linux PC (as root): the single executable to
# /opt/wachsam, the systemd user unit for every user, and optionally the server and the
# organisation token for enrolment at each user's first start.
#
#   sudo ./install-wachsam-agent.sh --server https://alarm.stadt.example [--org-token wsorg_…]
#   sudo WACHSAM_ORG_TOKEN=wsorg_… ./install-wachsam-agent.sh --server https://alarm.stadt.example
#   sudo ./install-wachsam-agent.sh --uninstall
#
# Exit codes: 0 installed (or already), 1 failed, 2 wrong parameters, 3 not root.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
binary="$here/wachsam-agent-linux-x64"
unit="$here/wachsam-agent.service"
server=""
token="${WACHSAM_ORG_TOKEN:-}"
uninstall=0

usage() { echo "Aufruf: $0 --server URL [--org-token SCHLÜSSEL] [--binary DATEI] | --uninstall" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --server) [ $# -ge 2 ] || usage; server=$2; shift 2 ;;
    --org-token) [ $# -ge 2 ] || usage; token=$2; shift 2 ;;
    --binary) [ $# -ge 2 ] || usage; binary=$2; shift 2 ;;
    --uninstall) uninstall=1; shift ;;
    *) usage ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "Bitte als root ausführen." >&2; exit 3; }

if [ "$uninstall" -eq 1 ]; then
  systemctl --global disable wachsam-agent.service 2>/dev/null || true
  rm -f /etc/systemd/user/wachsam-agent.service /opt/wachsam/wachsam-agent /etc/wachsam/agent.env
  rmdir /opt/wachsam /etc/wachsam 2>/dev/null || true
  echo "Deinstalliert. Laufende Agenten enden mit der Abmeldung; die Ordner ~/.config/wachsam bleiben."
  exit 0
fi

case "$server" in
  http://*|https://*) ;;
  *) echo "--server https://… fehlt." >&2; usage ;;
esac
[ -f "$binary" ] || { echo "$binary fehlt (--binary)." >&2; exit 2; }
[ -f "$unit" ] || { echo "$unit fehlt." >&2; exit 2; }

install -d -m 0755 /opt/wachsam /etc/systemd/user
install -m 0755 "$binary" /opt/wachsam/wachsam-agent.new
mv -f /opt/wachsam/wachsam-agent.new /opt/wachsam/wachsam-agent   # atomic: running agents keep the old file
install -m 0644 "$unit" /etc/systemd/user/wachsam-agent.service
/opt/wachsam/wachsam-agent version

# Each account enrols itself, so every user of this PC can read the token: scope it to the
# department or building and give it an expiry (see packages/agent/README.md).
install -d -m 0755 /etc/wachsam
umask 022
{
  echo "WACHSAM_SERVER=$server"
  if [ -n "$token" ]; then echo "WACHSAM_ORG_TOKEN=$token"; fi
} > /etc/wachsam/agent.env.new
mv -f /etc/wachsam/agent.env.new /etc/wachsam/agent.env

systemctl --global enable wachsam-agent.service
echo "Installiert. Der Agent startet bei der nächsten Anmeldung (sofort: systemctl --user start wachsam-agent)."
