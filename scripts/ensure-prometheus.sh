#!/bin/sh
# Makes sure a Prometheus server binary is available for the integration tests and prints its path.
# Uses $PROMETHEUS_BIN, else `prometheus` on the PATH, else /usr/bin/prometheus; if none is there it
# installs Debian's `prometheus` package (needs root and the Debian mirrors). The package's systemd
# unit is not used: the tests start the binary themselves with their own configuration.
set -eu

found() {
  if [ -n "${1:-}" ] && [ -x "$1" ]; then
    echo "$1"
    exit 0
  fi
}

found "${PROMETHEUS_BIN:-}"
found "$(command -v prometheus 2>/dev/null || true)"
found /usr/bin/prometheus

if [ "$(id -u)" != "0" ]; then
  echo "ensure-prometheus: no prometheus binary found and not root, so it cannot be installed;" \
       "install it (apt-get install -y prometheus) or set PROMETHEUS_BIN to a prometheus binary" >&2
  exit 1
fi

echo "ensure-prometheus: installing Debian package prometheus" >&2
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends prometheus >&2; }; then
  echo "ensure-prometheus: apt-get could not install prometheus; install it by hand or set PROMETHEUS_BIN" >&2
  exit 1
fi
# The package starts its own service where an init system runs; the tests do not need it.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl stop prometheus >/dev/null 2>&1 || true
fi
found /usr/bin/prometheus
echo "ensure-prometheus: the package installed but /usr/bin/prometheus is missing" >&2
exit 1
