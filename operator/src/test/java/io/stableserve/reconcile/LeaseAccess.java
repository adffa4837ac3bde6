package io.stableserve.reconcile;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.stableserve.api.OperatorPermissions;
import java.util.List;

/** Leader election against the mock API server. */
final class LeaseAccess {

  static final String LEASE_NAME = "stableserve-operator";

  private LeaseAccess() {}

  /**
   * JOSDK asks, before electing, whether it may use Leases (a SelfSubjectRulesReview); the CRUD
   * mock cannot answer that itself, so it answers with the verbs {@link OperatorPermissions#ALL}
   * grants on Leases: JOSDK refuses to elect when one it checks for is missing there.
   */
  static void allow(KubernetesMockServer server, String namespace) {
    OperatorPermissions.Permission leases = OperatorPermissions.ALL.stream()
        .filter(p -> p.resource().equals("leases")).findFirst().orElseThrow();
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, new SelfSubjectRulesReviewBuilder()
            .withNewMetadata().endMetadata().withNewSpec().withNamespace(namespace).endSpec()
            .withNewStatus().withIncomplete(false)
            .addNewResourceRule().withApiGroups(leases.apiGroup()).withResources(leases.resource())
            .withVerbs(List.copyOf(leases.verbs())).endResourceRule()
            .endStatus().build())
        .always();
  }

  /** The Lease {@value #LEASE_NAME} in {@code namespace}, held as {@code identity}. */
  static LeaderElectionConfiguration election(String namespace, String identity) {
    // exitOnStopLeading off: the test stops the operator, which must not end the test JVM
    return new LeaderElectionConfiguration(LEASE_NAME, namespace,
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE, LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, identity, null, false);
  }
}
