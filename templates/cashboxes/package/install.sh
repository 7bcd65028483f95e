{% autoescape off %}#!/bin/sh
# Installs the fiskaltrust Middleware of this package as the {% if macos %}launchd daemon
# cloud.fiskaltrust.<CashBox id>{% else %}systemd service
# fiskaltrust-<CashBox id>{% endif %}, with the settings of {{ launcher_file }}. Run test.sh first.
set -eu
cd "$(dirname "$0")"
here="$(pwd)"
launcher="$here/fiskaltrust.Launcher"
if [ ! -x "$launcher" ]; then
  launcher="$(command -v fiskaltrust.Launcher || true)"
fi
if [ -z "$launcher" ]; then
  echo "fiskaltrust.Launcher not found: put the fiskaltrust Launcher 2.0 next to this script (see README.md)." >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  exec sudo sh "$here/install.sh" "$@"
fi
cashbox="$(sed -n 's/^ *"ftCashBoxId": *"\([^"]*\)".*/\1/p' "$here/{{ launcher_file }}")"
mkdir -p "{{ service_folder }}"
{% if macos %}# The launcher installs services on Windows and Linux (systemd) only: on macOS a launchd daemon
# runs it the same way.
label="cloud.fiskaltrust.$cashbox"
plist="/Library/LaunchDaemons/$label.plist"
cat > "$plist" <<PLIST
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key><string>$label</string>
  <key>ProgramArguments</key>
  <array>
    <string>$launcher</string>
    <string>run</string>
    <string>--launcher-configuration-file</string>
    <string>$here/{{ launcher_file }}</string>
  </array>
  <key>WorkingDirectory</key><string>$here</string>
  <key>RunAtLoad</key><true/>
  <key>KeepAlive</key><true/>
</dict>
</plist>
PLIST
chmod 644 "$plist"
launchctl bootstrap system "$plist"
echo "Installed: launchd daemon $label (sudo launchctl print system/$label)."
{% else %}# An absolute path: the service does not start in this folder.
"$launcher" install --launcher-configuration-file "$here/{{ launcher_file }}"
echo "Installed: systemd service fiskaltrust-$cashbox (systemctl status fiskaltrust-$cashbox)."
{% endif %}{% endautoescape %}
