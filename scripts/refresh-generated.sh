#!/usr/bin/env bash
# Regenerates the committed files that are built from the code: the CRD (from io.stableserve.api),
# then, from that CRD, docs/crd-reference.md and deploy/install.yaml. The build fails while any of
# them is stale. Run from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl operator test -Dtest=CrdUpToDateTest -Dcrd.update -Dsurefire.failIfNoSpecifiedTests=false
./mvnw -B -q -pl operator test -Dtest='CrdReferenceTest,DeployManifestsTest' -Ddocs.update -Ddeploy.update \
  -Dsurefire.failIfNoSpecifiedTests=false
git status --short crds docs/crd-reference.md deploy/install.yaml
