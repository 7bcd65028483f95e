{% autoescape off %}#!/bin/sh
# Checks the setup (launcher doctor), then runs the fiskaltrust Middleware of this package in the
# foreground with debug logging. Stop it with Ctrl+C. Run it before install.sh.
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
folder="{{ service_folder }}"
if [ ! -d "$folder" ]; then
  echo "Creating the service folder $folder"
  sudo mkdir -p "$folder"
fi
if [ ! -w "$folder" ]; then
  sudo chown -R "$(id -u):$(id -g)" "$folder"
fi
"$launcher" doctor --launcher-configuration-file "$here/{{ launcher_file }}"
exec "$launcher" run --launcher-configuration-file "$here/{{ launcher_file }}" --log-level debug
{% endautoescape %}
