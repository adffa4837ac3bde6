package io.stableserve.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.stableserve.api.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Two operator processes ({@code stableserve.jar run}, as the Deployment's two replicas run it) on
 * kube-apiserver v1.20.2, both as the install bundle's ServiceAccount, electing with one Lease and
 * the CLI's shortened lease timings. One holds the Lease and alone writes: the scale-up's
 * {@code /scale} writes in the audit log all carry its user agent, and the other wrote nothing but
 * its attempts at the Lease. The leader is then killed (SIGKILL: it cannot release the Lease); the
 * other takes the Lease once it expires and scales the service on the next change of load. Last,
 * another holder takes the Lease over the new leader, which stops leading and exits with 1.
 */
class LeaderElectionOnRealApiServerIT {

  private static final String NAMESPACE = "election";
  private static final String NAME = "llama-elected";
  /** Its own Lease, not the deployed one, which the in-process operators of the other tests leave held for 15 s. */
  private static final String LEASE = "stableserve-operator-election";
  private static final Duration LEASE_DURATION = Duration.ofSeconds(6);
  private static final List<String> RUN = List.of("--watch-namespaces=" + NAMESPACE,
      "--lease-namespace=" + InstalledBundle.SYSTEM, "--lease-name=" + LEASE,
      "--lease-duration=" + LEASE_DURATION.toSeconds() + "s", "--lease-renew-deadline=4s", "--lease-retry-period=1s");
  private static final Set<String> WRITES = Set.of("create", "update", "patch", "delete", "deletecollection");
  /** Writes a standby makes too: its attempts at the Lease and the Java Operator SDK's check of its rights to it. */
  private static final Set<String> STANDBY_WRITES = Set.of("leases", "selfsubjectrulesreviews");

  @Test
  void oneOfTwoOperatorProcessesLeadsAndTheOtherTakesOverWhenTheLeaderIsKilled() throws Exception {
    KubernetesClient admin = InstalledBundle.admin();
    admin.leases().inNamespace(InstalledBundle.SYSTEM).withName(LEASE).delete();
    double higher = 3.6 * SimulatedService.perReplica();
    int highCount = SimulatedService.count(SimulatedService.HIGH);
    int higherCount = SimulatedService.count(higher);
    assertThat(higherCount).as("the model's count at the higher load").isEqualTo(highCount + 1);

    long started = AuditLog.mark();
    try (SimulatedService service = SimulatedService.start(admin, NAMESPACE, NAME, SimulatedService.LOW, Duration.ofMinutes(5));
         OperatorCommand a = OperatorCommand.start("stableserve-operator-a", RUN);
         OperatorCommand b = OperatorCommand.start("stableserve-operator-b", RUN)) {
      // 1. One of the two takes the Lease and evaluates the service at one replica.
      Lease first = awaitLease(admin, h -> h.equals(a.identity()) || h.equals(b.identity()), Duration.ofSeconds(90), a, b);
      OperatorCommand leader = first.getSpec().getHolderIdentity().equals(a.identity()) ? a : b;
      OperatorCommand standby = leader == a ? b : a;
      System.out.printf(Locale.ROOT, "leader %s, standby %s%n", leader.identity(), standby.identity());
      service.await("a stable evaluation at 1 replica", s -> s.getReplicas() == 1 && s.isTrue(Conditions.STABLE)
          && s.getWorkload() != null, Duration.ofSeconds(90));

      // 2. The load rises; the leader scales up, the standby writes nothing.
      long risen = AuditLog.mark();
      service.offer(SimulatedService.HIGH);
      service.awaitTrue(() -> service.specReplicas() == highCount, Duration.ofSeconds(60),
          () -> "the Deployment at " + highCount + " replicas\n" + leader.tail() + "\n" + standby.tail());
      assertThat(holder(admin)).as("the Lease's holder through the scale-up").isEqualTo(leader.identity());
      assertThat(leader.isAlive()).as(leader.tail()).isTrue();
      assertThat(standby.isAlive()).as(standby.tail()).isTrue();
      assertThat(scaleWrites(AuditLog.eventsSince(risen))).as("the scale-up's writes of /scale")
          .isNotEmpty()
          .allSatisfy(e -> assertThat(e.path("userAgent").asText()).isEqualTo(OperatorCommand.userAgent(leader.identity())))
          .anySatisfy(e -> assertThat(e.at("/responseStatus/code").asInt()).isEqualTo(200));
      List<JsonNode> sinceStart = AuditLog.eventsSince(started);
      assertThat(requestsOf(standby, sinceStart).stream().filter(e -> e.at("/objectRef/resource").asText().equals("leases")))
          .as("the standby's attempts at the Lease").isNotEmpty();
      assertThat(requestsOf(standby, sinceStart).stream()
          .filter(e -> WRITES.contains(e.path("verb").asText()))
          .filter(e -> !STANDBY_WRITES.contains(e.at("/objectRef/resource").asText()))
          .map(e -> e.path("verb").asText() + " " + e.path("requestURI").asText()))
          .as("writes of the standby").isEmpty();
      assertThat(requestsOf(leader, sinceStart).stream().filter(e -> e.at("/responseStatus/code").asInt() == 403)
          .map(e -> e.path("verb").asText() + " " + e.path("requestURI").asText()))
          .as("requests of the leader that RBAC refused").isEmpty();

      // 3. The leader is killed; the standby takes the Lease when it expires.
      Lease held = admin.leases().inNamespace(InstalledBundle.SYSTEM).withName(LEASE).get();
      int transitions = held.getSpec().getLeaseTransitions() == null ? 0 : held.getSpec().getLeaseTransitions();
      Instant killed = Instant.now();
      leader.process().kill();
      Lease taken = awaitLease(admin, standby.identity()::equals, LEASE_DURATION.multipliedBy(5), standby);
      Duration failover = Duration.between(killed, Instant.now());
      System.out.printf(Locale.ROOT, "%s took the Lease %.1f s after %s was killed%n", standby.identity(),
          failover.toMillis() / 1000.0, leader.identity());
      assertThat(taken.getSpec().getLeaseTransitions()).as("a new holder is a transition").isEqualTo(transitions + 1);
      assertThat(taken.getSpec().getAcquireTime().toInstant()).as("taken once the dead leader's last renewal expired")
          .isAfterOrEqualTo(held.getSpec().getRenewTime().toInstant().plus(LEASE_DURATION));
      assertThat(standby.isAlive()).as(standby.tail()).isTrue();

      // 4. The load rises again: the new leader scales.
      long rerisen = AuditLog.mark();
      service.offer(higher);
      service.awaitTrue(() -> service.specReplicas() >= higherCount, Duration.ofSeconds(90),
          () -> "the Deployment at " + higherCount + " replicas after the failover\n" + standby.tail());
      assertThat(scaleWrites(AuditLog.eventsSince(rerisen))).as("the writes of /scale after the failover")
          .isNotEmpty()
          .allSatisfy(e -> assertThat(e.path("userAgent").asText()).isEqualTo(OperatorCommand.userAgent(standby.identity())))
          .anySatisfy(e -> assertThat(e.at("/responseStatus/code").asInt()).isEqualTo(200));
      assertThat(holder(admin)).isEqualTo(standby.identity());

      // 5. Someone else takes the Lease: the leader cannot renew it, stops leading and exits (its pod would restart).
      // A merge patch: an edit that sends back the resourceVersion it read gets 409 Conflict itself
      // when the leader renews between its read and its write.
      String now = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX"));
      admin.leases().inNamespace(InstalledBundle.SYSTEM).withName(LEASE).patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"spec\":{\"holderIdentity\":\"another-operator\",\"leaseDurationSeconds\":60,\"renewTime\":\"" + now + "\"}}");
      service.awaitTrue(() -> !standby.isAlive(), Duration.ofSeconds(20), () -> "the leader's exit after losing the Lease\n"
          + standby.tail());
      assertThat(standby.process().exitCode()).as(standby.tail()).isEqualTo(1);
      assertThat(standby.process().logTail()).contains("lost the leader-election Lease");
    }
  }

  private static String holder(KubernetesClient admin) {
    Lease lease = admin.leases().inNamespace(InstalledBundle.SYSTEM).withName(LEASE).get();
    return lease == null || lease.getSpec().getHolderIdentity() == null ? "" : lease.getSpec().getHolderIdentity();
  }

  private static Lease awaitLease(KubernetesClient admin, Predicate<String> holder, Duration timeout, OperatorCommand... operators)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      Lease lease = admin.leases().inNamespace(InstalledBundle.SYSTEM).withName(LEASE).get();
      if (lease != null && lease.getSpec().getHolderIdentity() != null && holder.test(lease.getSpec().getHolderIdentity())) {
        return lease;
      }
      Thread.sleep(200);
    }
    StringBuilder why = new StringBuilder("the Lease's holder after " + timeout + ": '" + holder(admin) + "'");
    for (OperatorCommand operator : operators) {
      why.append('\n').append(operator.tail());
    }
    throw new AssertionError(why);
  }

  private static List<JsonNode> scaleWrites(List<JsonNode> events) {
    return events.stream()
        .filter(e -> e.at("/objectRef/resource").asText().equals("deployments") && e.at("/objectRef/name").asText().equals(NAME)
            && e.at("/objectRef/subresource").asText().equals("scale") && WRITES.contains(e.path("verb").asText()))
        .toList();
  }

  private static List<JsonNode> requestsOf(OperatorCommand operator, List<JsonNode> events) {
    return events.stream().filter(operator::sent).toList();
  }
}
