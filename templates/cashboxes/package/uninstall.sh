{% autoescape off %}#!/bin/sh
# Removes the {% if macos %}launchd daemon{% else %}systemd service{% endif %} of this package. The service folder {{ service_folder }} stays:
# it holds the queues' receipt journals, which must be kept.
set -eu
cd "$(dirname "$0")"
here="$(pwd)"
if [ "$(id -u)" -ne 0 ]; then
  exec sudo sh "$here/uninstall.sh" "$@"
fi
{% if macos %}cashbox="$(sed -n 's/^ *"ftCashBoxId": *"\([^"]*\)".*/\1/p' "$here/{{ launcher_file }}")"
label="cloud.fiskaltrust.$cashbox"
plist="/Library/LaunchDaemons/$label.plist"
launchctl bootout "system/$label" || true
rm -f "$plist"
echo "Removed the launchd daemon $label."
{% else %}launcher="$here/fiskaltrust.Launcher"
if [ ! -x "$launcher" ]; then
  launcher="$(command -v fiskaltrust.Launcher || true)"
fi
if [ -z "$launcher" ]; then
  echo "fiskaltrust.Launcher not found: put the fiskaltrust Launcher 2.0 next to this script (see README.md)." >&2
  exit 1
fi
"$launcher" uninstall --launcher-configuration-file "$here/{{ launcher_file }}"
{% endif %}{% endautoescape %}
