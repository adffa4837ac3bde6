#!/usr/bin/env bash
# Builds and runs real Kubernetes API servers on loopback ports, from Debian packages only, for the
# test suite in it/ (./mvnw -B -Pit verify -pl it -am).
#
#   scripts/real-apiserver.sh start [crd|kube|both]   build once (cached), start etcd and the server(s)
#   scripts/real-apiserver.sh build [crd|kube|both|kubectl]   build only
#   scripts/real-apiserver.sh kubectl                 print the path of a kubectl that runs (see below)
#   scripts/real-apiserver.sh stop                    stop what start started (by PID file)
#   scripts/real-apiserver.sh status
#
# crd   apiextensions-apiserver v1.36 built from sid's golang-k8s-*-dev packages with sid's Go:
#       CRDs with CEL, defaulting, status and scale subresources, printer columns, OpenAPI, watch.
#       No built-in kinds, no RBAC (every client certificate of the run's CA is an administrator).
# kube  kube-apiserver v1.20.2 built from bookworm's kubernetes source package with bookworm's Go
#       1.19: built-in kinds (Deployments and /scale), RBAC, CRDs, status, printer columns, watch.
#       No CEL: it drops x-kubernetes-validations from a CRD without a word. No controller-manager.
#
# kubectl: STABLESERVE_KUBECTL if set, else the kubectl on PATH if `kubectl version --client` runs,
#       else kubectl v1.20.2 built (once, cached) from the same kubernetes source package as kube-apiserver.
#
# start prints the run folder and writes in it:
#   crd.kubeconfig            administrator of the CRD server
#   kube-admin.kubeconfig     system:masters on kube-apiserver
#   kube-operator.kubeconfig  the operator's ServiceAccount, stableserve-system/stableserve-operator (a
#                             client certificate with its user name and groups), for RBAC tests
#   kube-audit.log            kube-apiserver's audit log of the requests of ServiceAccounts (JSON lines)
#
# Environment: STABLESERVE_APISERVER_CACHE (built binaries; default
# ${XDG_CACHE_HOME:-$HOME/.cache}/stableserve/apiserver), STABLESERVE_APISERVER_RUN (run folder;
# default ${TMPDIR:-/tmp}/stableserve-apiserver-$UID), DEBIAN_MIRROR (default: the host's first
# Debian mirror, else http://deb.debian.org/debian), STABLESERVE_APISERVER_KEEP=1 keeps the build
# trees. The first build downloads about 450 MB from Debian and needs about 3 GB of disk while it
# runs; installing etcd-server, golang-1.19-go and the tools needs root (or sudo). Heavy steps run
# under nice -n 19.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${STABLESERVE_APISERVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stableserve/apiserver}
RUN=${STABLESERVE_APISERVER_RUN:-${TMPDIR:-/tmp}/stableserve-apiserver-$(id -u)}
KEEP=${STABLESERVE_APISERVER_KEEP:-0}
KUBE_SOURCE=${KUBE_SOURCE_VERSION:-1.20.5+really1.20.2-1.1+deb12u1}
CRD_MAIN=$HERE/real-apiserver/apiextensions-apiserver
CRD_BIN=$CACHE/bin/apiextensions-apiserver
KUBE_BIN=$CACHE/bin/kube-apiserver
KUBECTL_BIN=$CACHE/bin/kubectl
OPERATOR_NAMESPACE=stableserve-system
OPERATOR_ACCOUNT=stableserve-operator
NICE=(nice -n 19)
export DEBIAN_FRONTEND=noninteractive

log() { echo "real-apiserver $(date +%H:%M:%S): $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo "$@"
  else
    die "needs root (or passwordless sudo) to run: $*"
  fi
}

# ------------------------------------------------------------------ packages of the host

host_updated=0
ensure_installed() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} = 0 ] && return 0
  if [ $host_updated = 0 ]; then
    as_root "${NICE[@]}" apt-get update -qq >&2 || die "apt-get update failed"
    host_updated=1
  fi
  log "installing ${missing[*]}"
  mkdir -p "$CACHE"
  if ! as_root "${NICE[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" > "$CACHE/apt-install.log" 2>&1; then
    tail -n 20 "$CACHE/apt-install.log" >&2
    die "cannot install ${missing[*]} from the host's Debian sources (the kube flavour needs Debian 12, bookworm, for golang-1.19-go)"
  fi
  # The tests run their own etcd; the package's service is not wanted where systemd started it.
  if [[ " ${missing[*]} " == *" etcd-server "* ]] && [ -d /run/systemd/system ]; then
    as_root systemctl disable --now etcd >/dev/null 2>&1 || true
  fi
}

# ------------------------------------------------------------------ a private apt for downloads
# sid's binary packages and bookworm's sources, indexed under the cache: nothing is added to the
# host's apt sources and nothing from sid is installed; the packages are only unpacked.

APT_ROOT=$CACHE/apt

mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  local uri
  uri=$(grep -shE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list \
        | sed -E 's/^URIs: *//; s/^deb +(\[[^]]*\] +)?//; s/ .*//' | grep -v security | grep -E 'debian/?$' | head -1)
  echo "${uri:-http://deb.debian.org/debian}"
}

PAPT=(-o "Dir::Etc::SourceList=$APT_ROOT/sources.list" -o "Dir::Etc::SourceParts=$APT_ROOT/empty"
      -o "Dir::Etc::Preferences=$APT_ROOT/empty/none" -o "Dir::Etc::PreferencesParts=$APT_ROOT/empty"
      -o "Dir::State::Lists=$APT_ROOT/lists" -o "Dir::Cache=$APT_ROOT/cache"
      -o "Dir::State::status=$APT_ROOT/empty/status" -o "APT::Architectures=$(dpkg --print-architecture)"
      -o "APT::Sandbox::User=$(id -un)" -o "Debug::NoLocking=true")
papt_get() { "${NICE[@]}" apt-get "${PAPT[@]}" "$@"; }
papt_cache() { apt-cache "${PAPT[@]}" "$@"; }

papt_update() {
  [ -f "$APT_ROOT/updated" ] && [ -n "$(find "$APT_ROOT/updated" -mmin -1440)" ] && return 0
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg uri
  [ -f $keyring ] || ensure_installed debian-archive-keyring
  uri=$(mirror)
  mkdir -p "$APT_ROOT"/{lists/partial,cache/archives/partial,empty}
  : > "$APT_ROOT/empty/status"
  cat > "$APT_ROOT/sources.list" <<EOF
deb [signed-by=$keyring] $uri sid main
deb [signed-by=$keyring] $uri bookworm main
deb-src [signed-by=$keyring] $uri bookworm main
EOF
  log "indexing sid and bookworm from $uri"
  papt_get update -qq >&2 || die "apt-get update of sid and bookworm from $uri failed (set DEBIAN_MIRROR?)"
  touch "$APT_ROOT/updated"
}

# The golang-* packages that the given packages of sid need, with the packages themselves.
sid_golang_closure() {
  papt_cache -o APT::Default-Release=sid depends --recurse --no-recommends --no-suggests --no-conflicts \
      --no-breaks --no-replaces --no-enhances "$@" \
    | grep -E '^golang-' | grep -vxE 'golang-(go|any|src|doc)' | sort -u
}

download() {  # folder package/release...
  local dir=$1; shift
  mkdir -p "$dir"
  ( cd "$dir" && papt_get download -qq "$@" >&2 ) \
    || die "apt-get download failed (see above): a package is no longer in Debian, or the mirror (DEBIAN_MIRROR) cannot be reached"
}

# ------------------------------------------------------------------ builds

build_crd() {
  local stamp
  stamp=$(sha256sum < "$CRD_MAIN/main.go" | cut -c1-16)
  [ -x "$CRD_BIN" ] && [ "$(cat "$CRD_BIN.stamp" 2>/dev/null)" = "$stamp" ] && return 0
  local b=$CACHE/build-crd t0=$SECONDS go_pkg
  papt_update
  rm -rf "$b"; mkdir -p "$b/root" "$CACHE/bin"
  go_pkg=$(papt_cache -o APT::Default-Release=sid depends golang-go \
           | sed -nE 's/^ *Depends: (golang-1\.[0-9]+-go).*/\1/p' | head -1)
  [ -n "$go_pkg" ] || die "sid has no golang-go that names its Go toolchain"
  papt_cache show golang-k8s-apiextensions-apiserver-dev/sid >/dev/null 2>&1 \
    || die "sid has no golang-k8s-apiextensions-apiserver-dev"
  sid_golang_closure golang-k8s-apiextensions-apiserver-dev "$go_pkg" > "$b/packages"
  log "downloading $(wc -l < "$b/packages") packages of sid (apiextensions-apiserver, its Go dependencies, $go_pkg)"
  local packages
  mapfile -t packages < <(sed 's,$,/sid,' "$b/packages")
  download "$b/debs" "${packages[@]}"
  log "unpacking them under $b/root"
  local deb
  for deb in "$b"/debs/*.deb; do "${NICE[@]}" dpkg-deb -x "$deb" "$b/root"; done
  local goroot=$b/root/usr/lib/go-${go_pkg#golang-}
  goroot=${goroot%-go}
  [ -x "$goroot/bin/go" ] || die "$go_pkg did not unpack a go binary under $goroot"
  local version
  version=$(dpkg-deb -f "$(ls "$b"/debs/golang-k8s-apiextensions-apiserver-dev_*.deb)" Version \
            | sed -E 's/^([0-9]+:)?0\.([0-9]+)\.([0-9]+).*/1.\2.\3/')
  log "building apiextensions-apiserver v$version with $("$goroot/bin/go" env GOVERSION 2>/dev/null || echo "$go_pkg")"
  local v=k8s.io/component-base/version
  ( cd "$CRD_MAIN"
    export GOROOT=$goroot PATH=$goroot/bin:$PATH GOPATH=$b/root/usr/share/gocode GO111MODULE=off \
           GOPROXY=off GOTOOLCHAIN=local GOFLAGS='' CGO_ENABLED=0 GOCACHE=$b/gocache HOME=$b
    "${NICE[@]}" go build -trimpath -o "$CRD_BIN.tmp" -ldflags "-s -w -X $v.gitVersion=v$version \
        -X $v.gitMajor=1 -X $v.gitMinor=$(echo "$version" | cut -d. -f2) -X $v.gitTreeState=clean" . >&2 ) \
    || die "go build of apiextensions-apiserver failed (sid's packages may have moved on; see above)"
  mv "$CRD_BIN.tmp" "$CRD_BIN"
  echo "v$version" > "$CRD_BIN.version"; echo "$stamp" > "$CRD_BIN.stamp"
  log "apiextensions-apiserver v$version built in $((SECONDS - t0)) s, $(du -sm "$b/debs" | cut -f1) MB downloaded"
  [ "$KEEP" = 1 ] || rm -rf "$b"
}

build_kube() {
  build_from_kube_source kube-apiserver
}

build_kubectl() {
  build_from_kube_source kubectl
}

build_from_kube_source() {  # command: cmd/COMMAND of bookworm's kubernetes 1.20.2, into the cache's bin
  local name=$1 bin=$CACHE/bin/$1
  [ -x "$bin" ] && return 0
  local b=$CACHE/build-$name t0=$SECONDS
  ensure_installed golang-1.19-go make rsync
  papt_update
  rm -rf "$b"; mkdir -p "$b/src" "$b/fix" "$CACHE/bin"
  log "downloading bookworm's kubernetes source package ($KUBE_SOURCE)"
  ( cd "$b" && papt_get source --download-only -qq "kubernetes=$KUBE_SOURCE" >&2 ) \
    || die "bookworm has no kubernetes source package $KUBE_SOURCE (set KUBE_SOURCE_VERSION)"
  "${NICE[@]}" tar xzf "$b"/kubernetes_*.orig.tar.gz -C "$b/src" --strip-components=1
  # The vendored reflect2 1.0.1 (with json-iterator 1.1.10) crashes under Go 1.18 and later on the
  # first custom resource it decodes; bookworm's reflect2 1.0.2 and json-iterator 1.1.12 fix it.
  download "$b/fix" golang-github-modern-go-reflect2-dev/bookworm golang-github-json-iterator-go-dev/bookworm
  local deb pkg
  for deb in "$b"/fix/*.deb; do dpkg-deb -x "$deb" "$b/fix/root"; done
  for pkg in github.com/modern-go/reflect2 github.com/json-iterator/go; do
    [ -d "$b/fix/root/usr/share/gocode/src/$pkg" ] || die "the bookworm package of $pkg has no Go sources"
    find "$b/src/vendor/$pkg" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) -delete
    find "$b/fix/root/usr/share/gocode/src/$pkg" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) \
      ! -name '*_test.go' -exec cp {} "$b/src/vendor/$pkg/" \;
  done
  log "building $name v1.20.2 with Go 1.19"
  local arch
  arch=$(dpkg --print-architecture)
  ( cd "$b/src"
    export HOME=$b PATH=/usr/lib/go-1.19/bin:$PATH GOPROXY=off GOFLAGS=-mod=vendor GOTOOLCHAIN=local \
           CGO_ENABLED=0 GOCACHE=$b/gocache KUBE_BUILD_PLATFORMS=linux/$arch
    "${NICE[@]}" make WHAT="cmd/$name" >&2 ) || die "make of $name failed (see above)"
  cp "$b/src/_output/bin/$name" "$bin.tmp" && mv "$bin.tmp" "$bin"
  echo v1.20.2 > "$bin.version"
  log "$name v1.20.2 built in $((SECONDS - t0)) s, $(du -cm "$b"/kubernetes_* "$b/fix"/*.deb | tail -1 | cut -f1) MB downloaded besides Go 1.19"
  [ "$KEEP" = 1 ] || rm -rf "$b"
}

kubectl_path() {
  local k
  if [ -n "${STABLESERVE_KUBECTL:-}" ]; then
    "$STABLESERVE_KUBECTL" version --client >/dev/null 2>&1 \
      || die "STABLESERVE_KUBECTL=$STABLESERVE_KUBECTL does not run (kubectl version --client failed)"
    echo "$STABLESERVE_KUBECTL"
    return
  fi
  if k=$(command -v kubectl) && "$k" version --client >/dev/null 2>&1; then
    echo "$k"
    return
  fi
  log "no kubectl on PATH that runs; building kubectl v1.20.2 from the kubernetes source package"
  ensure_installed ca-certificates
  build_kubectl
  "$KUBECTL_BIN" version --client >/dev/null 2>&1 || die "the kubectl built at $KUBECTL_BIN does not run"
  echo "$KUBECTL_BIN"
}

# ------------------------------------------------------------------ running

PKI=$RUN/pki

alive() {  # name: its PID file names a live process
  [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null
}

running() {  # name: alive, and the process is still the server started with this run folder
  alive "$1" && tr '\0' ' ' < "/proc/$(cat "$RUN/$1.pid")/cmdline" 2>/dev/null | grep -qF -- "$RUN"
}

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo $port; return; }
  done
}

certificate() {  # name subject extendedKeyUsage [subjectAltName]
  local ext="basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=$3"
  [ -z "${4:-}" ] || ext="$ext
subjectAltName=$4"
  openssl req -new -newkey rsa:2048 -nodes -keyout "$PKI/$1.key" -subj "$2" -out "$PKI/$1.csr" 2>/dev/null
  openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -days 3650 \
    -extfile <(echo "$ext") -out "$PKI/$1.crt" 2>/dev/null
  rm -f "$PKI/$1.csr"
}

make_pki() {
  [ -f "$PKI/operator.crt" ] && return 0
  rm -rf "$PKI"; mkdir -p "$PKI"; chmod 700 "$PKI"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$PKI/ca.key" -subj /CN=stableserve-test-ca -days 3650 \
    -out "$PKI/ca.crt" 2>/dev/null
  certificate serving /CN=apiserver serverAuth IP:127.0.0.1,DNS:localhost
  certificate admin /O=system:masters/CN=stableserve-admin clientAuth
  # kube-apiserver takes a client certificate's CN as the user and its O entries as the groups:
  # these are the user name and groups that a token of the ServiceAccount authenticates as.
  certificate operator "/O=system:serviceaccounts/O=system:serviceaccounts:$OPERATOR_NAMESPACE/CN=system:serviceaccount:$OPERATOR_NAMESPACE:$OPERATOR_ACCOUNT" clientAuth
  openssl genrsa -out "$PKI/service-accounts.key" 2048 2>/dev/null
}

kubeconfig() {  # file port user
  cat > "$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:$2
    certificate-authority-data: $(base64 -w0 < "$PKI/ca.crt")
users:
- name: $3
  user:
    client-certificate-data: $(base64 -w0 < "$PKI/$3.crt")
    client-key-data: $(base64 -w0 < "$PKI/$3.key")
contexts:
- name: local
  context: {cluster: local, user: $3, namespace: default}
current-context: local
EOF
  chmod 600 "$1"
}

wait_ready() {  # name url
  local code=000
  for _ in $(seq 1 600); do
    alive "$1" || { tail -n 30 "$RUN/$1.log" >&2; die "$1 exited while starting (log: $RUN/$1.log)"; }
    code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" \
           --key "$PKI/admin.key" "$2" || true)
    [ "$code" = 200 ] && return 0
    sleep 0.1
  done
  die "$1 not ready after 60 s (last HTTP status $code; log: $RUN/$1.log)"
}

launch() {  # name binary args...: in its own session, so that a test run's end does not signal it
  local name=$1; shift
  setsid "$@" > "$RUN/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"
}

start_etcd() {
  running etcd && return 0
  local client peer
  client=$(free_port)
  while peer=$(free_port); [ "$peer" = "$client" ]; do :; done
  rm -rf "$RUN/etcd"; mkdir -p "$RUN/etcd"; chmod 700 "$RUN/etcd"
  launch etcd etcd --name stableserve --data-dir "$RUN/etcd" \
    --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
    --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "stableserve=http://127.0.0.1:$peer"
  echo "$client" > "$RUN/etcd.port"
  for _ in $(seq 1 200); do
    curl -sf "http://127.0.0.1:$client/health" >/dev/null 2>&1 && return 0
    alive etcd || break
    sleep 0.1
  done
  tail -n 30 "$RUN/etcd.log" >&2
  die "etcd did not start (log: $RUN/etcd.log)"
}

start_crd() {
  running crd && return 0
  local port t0=$SECONDS
  port=$(free_port)
  launch crd "$CRD_BIN" --etcd-servers="http://127.0.0.1:$(cat "$RUN/etcd.port")" --etcd-prefix=/crd \
    --bind-address=127.0.0.1 --secure-port="$port" --cert-dir="$RUN/crd-certs" \
    --tls-cert-file="$PKI/serving.crt" --tls-private-key-file="$PKI/serving.key" --client-ca-file="$PKI/ca.crt" \
    --profiling=false
  wait_ready crd "https://127.0.0.1:$port/readyz"
  kubeconfig "$RUN/crd.kubeconfig" "$port" admin
  log "apiextensions-apiserver $(cat "$CRD_BIN.version") ready on https://127.0.0.1:$port in $((SECONDS - t0)) s"
}

start_kube() {
  running kube && return 0
  local port t0=$SECONDS
  port=$(free_port)
  # an audit log of what ServiceAccounts ask and what they get, for RBAC tests
  cat > "$RUN/audit-policy.yaml" <<EOF
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
  userGroups: [system:serviceaccounts]
- level: None
EOF
  launch kube "$KUBE_BIN" --etcd-servers="http://127.0.0.1:$(cat "$RUN/etcd.port")" --etcd-prefix=/kube \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$port" --insecure-port=0 \
    --cert-dir="$RUN/kube-certs" \
    --tls-cert-file="$PKI/serving.crt" --tls-private-key-file="$PKI/serving.key" --client-ca-file="$PKI/ca.crt" \
    --authorization-mode=RBAC --anonymous-auth=false \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/service-accounts.key" \
    --service-account-signing-key-file="$PKI/service-accounts.key" \
    --service-cluster-ip-range=10.0.0.0/24 --endpoint-reconciler-type=none \
    --disable-admission-plugins=ServiceAccount --profiling=false \
    --audit-policy-file="$RUN/audit-policy.yaml" --audit-log-path="$RUN/kube-audit.log" --audit-log-format=json
  wait_ready kube "https://127.0.0.1:$port/readyz"
  kubeconfig "$RUN/kube-admin.kubeconfig" "$port" admin
  kubeconfig "$RUN/kube-operator.kubeconfig" "$port" operator
  log "kube-apiserver $(cat "$KUBE_BIN.version") ready on https://127.0.0.1:$port in $((SECONDS - t0)) s"
}

stop_one() {
  local name=$1 pid
  if running "$name"; then
    pid=$(cat "$RUN/$name.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
    log "stopped $name (pid $pid)"
  fi
  rm -f "$RUN/$name.pid"
}

flavour() {
  case ${1:-both} in
    crd|kube|both) echo "${1:-both}" ;;
    *) die "unknown flavour '$1': crd, kube or both" ;;
  esac
}

build() {
  ensure_installed ca-certificates curl openssl etcd-server
  [ "$1" = kube ] || build_crd
  [ "$1" = crd ] || build_kube
}

case ${1:-} in
  build)
    if [ "${2:-}" = kubectl ]; then
      build_kubectl
    else
      f=$(flavour "${2:-}")
      build "$f"
    fi
    ;;
  kubectl)
    kubectl_path
    ;;
  start)
    f=$(flavour "${2:-}")
    build "$f"
    mkdir -p "$RUN"
    make_pki
    start_etcd
    [ "$f" = kube ] || start_crd
    [ "$f" = crd ] || start_kube
    echo "$RUN"
    ;;
  stop)
    for s in kube crd etcd; do stop_one $s; done
    ;;
  status)
    for s in etcd crd kube; do
      if running $s; then echo "$s: running, pid $(cat "$RUN/$s.pid")"; else echo "$s: stopped"; fi
    done
    ls "$RUN"/*.kubeconfig 2>/dev/null || true
    ;;
  *)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
