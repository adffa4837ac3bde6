#!/usr/bin/env bash
# The closed-loop demo: builds the operator jar and the e2e module, then runs io.stableserve.e2e.Demo
# (about three and a half minutes): an API server, a real Prometheus (Debian's package, installed
# by scripts/ensure-prometheus.sh when missing), the operator as `java -jar stableserve.jar run`, and a
# simulated vLLM Deployment that follows the replica count.
#
#   ./demo.sh [CHART.png]                   on Fabric8's API server mock (quick, nothing to build)
#   ./demo.sh --real-apiserver [CHART.png]  on kube-apiserver v1.20.2 of scripts/real-apiserver.sh,
#       with deploy/install.yaml applied (less the CRD's CEL rules and the PodDisruptionBudget, which
#       v1.20 cannot hold) and the operator authenticated as its ServiceAccount. The first use builds
#       the server from Debian's packages (about 5 minutes on two cores and 125 MB of downloads, and
#       etcd-server and Go 1.19 installed through apt, which needs root or sudo); later runs reuse the
#       cache under ~/.cache/stableserve/apiserver and start it in seconds. The servers run from
#       e2e/target/demo/apiserver and stop when the demo ends.
#
# The chart goes to CHART.png, by default e2e/target/demo/closed-loop.png.
set -euo pipefail
cd "$(dirname "$0")"
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
demo_args=()
chart=e2e/target/demo/closed-loop.png
for arg in "$@"; do
  case $arg in
    -h|--help) usage; exit 0 ;;
    --real-apiserver) demo_args+=(--real-apiserver) ;;
    -*) echo "unknown option $arg" >&2; usage >&2; exit 2 ;;
    *) chart=$arg ;;
  esac
done
echo "building (./mvnw -B -q -DskipTests package) ..."
./mvnw -B -q -DskipTests -pl e2e -am package \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile=target/runtime.classpath -Dmdep.includeScope=runtime
exec java -Djava.awt.headless=true -Dapiserver.run=e2e/target/demo/apiserver \
  -cp "e2e/target/classes:$(cat e2e/target/runtime.classpath)" \
  io.stableserve.e2e.Demo "${demo_args[@]}" "$chart"
