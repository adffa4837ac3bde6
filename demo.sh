#!/usr/bin/env bash
# The closed-loop demo: builds the operator jar and the e2e module, then runs io.stableserve.e2e.Demo
# (about three and a half minutes): an API server mock, a real Prometheus (Debian's package, installed
# by scripts/ensure-prometheus.sh when missing), the operator as `java -jar stableserve.jar run`, and a
# simulated vLLM Deployment that follows the replica count. Usage: ./demo.sh [CHART.png]
set -euo pipefail
cd "$(dirname "$0")"
chart="${1:-e2e/target/demo/closed-loop.png}"
echo "building (./mvnw -B -q -DskipTests package) ..."
./mvnw -B -q -DskipTests -pl e2e -am package \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile=target/runtime.classpath -Dmdep.includeScope=runtime
exec java -Djava.awt.headless=true -cp "e2e/target/classes:$(cat e2e/target/runtime.classpath)" \
  io.stableserve.e2e.Demo "$chart"
