package io.stableserve.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.stableserve.api.InferenceService;
import io.stableserve.api.OperatorPermissions;
import io.stableserve.e2e.RealApiServers;
import io.stableserve.observe.prometheus.PrometheusObservers;
import io.stableserve.reconcile.OperatorProcess;
import io.stableserve.reconcile.SchedulerEngineAdvisor;
import io.stableserve.reconcile.StableServeOperator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The operator, running for up to a minute against kube-apiserver v1.20.2 as its ServiceAccount
 * (client certificate) with the install bundle's RBAC: the server's audit log shows every request it
 * made, none refused, each one granted by {@link OperatorPermissions}. The requests are written as a
 * markdown table to {@code target/operator-on-kube-apiserver.md} and printed.
 *
 * <p>The samples' Prometheus is not there, so no pass scales: each holds with MetricsAvailable=False
 * after resolving its target and looking for another autoscaler on it (HPAs listed as
 * autoscaling/v1, which v1.20 serves). The sample services that share one Deployment stop earlier,
 * at TargetClaimed.
 */
class OperatorOnRealApiServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RUN_FOR = Duration.ofSeconds(60);

  /**
   * Requests that need no rule of the operator's: every authenticated user may make them (the
   * system:basic-user ClusterRole). The Java Operator SDK checks its own permissions with one.
   */
  private static final Set<String> ALLOWED_TO_EVERY_USER = Set.of(
      "create authorization.k8s.io/selfsubjectrulesreviews", "create authorization.k8s.io/selfsubjectaccessreviews");

  /** The operator lists HPAs as autoscaling/v1, which every version serves (v2 came in 1.23). */
  private static final String HPA_LIST = "list autoscaling/horizontalpodautoscalers";

  @Test
  void everyRequestOfTheRunningOperatorIsGrantedAndAllowed() throws Exception {
    KubernetesClient admin = InstalledBundle.admin();
    long offset = AuditLog.mark();
    List<GenericKubernetesResource> services;

    try (KubernetesClient operator = RealApiServers.kubeOperator();
         OperatorProcess process = OperatorProcess.start(operator, settings(), 0, 0)) {
      Instant deadline = Instant.now().plus(RUN_FOR);
      // conditions may be left by an earlier test's operator: this one must also have been elected
      do {
        Thread.sleep(1000);
        services = admin.genericKubernetesResources(InferenceService.GROUP + "/" + InferenceService.VERSION, InferenceService.KIND)
            .inAnyNamespace().list().getItems();
      } while (Instant.now().isBefore(deadline)
          && !(services.stream().allMatch(OperatorOnRealApiServerIT::hasConditions) && leads(admin)));
      Thread.sleep(2000);
    }

    Lease lease = admin.leases().inNamespace(InstalledBundle.SYSTEM).withName("stableserve-operator").get();
    assertThat(lease).as("the leader-election Lease").isNotNull();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("stableserve-it");

    assertThat(services).isNotEmpty().allSatisfy(s -> assertThat(hasConditions(s))
        .as("status conditions of %s written by the operator", s.getMetadata().getName()).isTrue());

    Map<String, TreeSet<Integer>> requests = new TreeMap<>();
    Set<String> granted = new TreeSet<>();
    List<Map.Entry<String, Integer>> refused = new ArrayList<>();
    List<String> ungranted = new ArrayList<>();
    List<OperatorPermissions.Permission> permissions = new ArrayList<>(OperatorPermissions.ALL);
    permissions.add(OperatorPermissions.NAMED_SECRETS);
    permissions.forEach(p -> p.verbs().forEach(v -> granted.add(v + " " + groupResource(p.apiGroup(), p.resource()))));
    for (JsonNode event : AuditLog.eventsSince(offset)) {
      if (!event.at("/user/username").asText().equals(InstalledBundle.USER)) {
        continue;
      }
      JsonNode ref = event.get("objectRef");
      int code = event.at("/responseStatus/code").asInt();
      String request = ref == null
          ? event.get("verb").asText() + " " + event.get("requestURI").asText().replaceAll("\\?.*", "")
          : event.get("verb").asText() + " " + groupResource(ref.path("apiGroup").asText(),
              ref.path("resource").asText() + (ref.has("subresource") ? "/" + ref.get("subresource").asText() : ""));
      requests.computeIfAbsent(request, k -> new TreeSet<>()).add(code);
      if (code == 403) {
        refused.add(Map.entry(event.get("requestURI").asText(), code));
      }
      if (ref != null && !granted.contains(request) && !ALLOWED_TO_EVERY_USER.contains(request)) {
        ungranted.add(request);
      }
    }

    StringBuilder table = new StringBuilder("Requests of the operator on kube-apiserver v1.20.2 (audit log), as ")
        .append(InstalledBundle.USER).append("\n\n| Request | Status codes |\n|---|---|\n");
    requests.forEach((request, codes) -> table.append("| `").append(request).append("` | ").append(codes).append(" |\n"));
    table.append("\nInferenceService conditions after the run:\n\n");
    for (GenericKubernetesResource s : services) {
      table.append("- ").append(s.getMetadata().getName()).append(": ");
      JSON.valueToTree(s.getAdditionalProperties().get("status")).path("conditions").forEach(c -> table
          .append(c.path("type").asText()).append('=').append(c.path("status").asText())
          .append(" (").append(c.path("reason").asText()).append(") "));
      table.append('\n');
    }
    Path file = Path.of("target", "operator-on-kube-apiserver.md");
    Files.createDirectories(file.getParent());
    Files.writeString(file, table);
    System.out.println(table);

    assertThat(requests).as("requests of the operator in the audit log").isNotEmpty();
    assertThat(requests.keySet()).as("the informer and the leader election ran")
        .contains("list stableserve.io/inferenceservices", "watch stableserve.io/inferenceservices");
    assertThat(refused).as("requests of the operator that RBAC refused").isEmpty();
    assertThat(ungranted).as("requests that OperatorPermissions does not list").isEmpty();

    assertThat(requests.get(HPA_LIST)).as("the HPA check reached and answered").containsExactly(200);
    assertThat(services).as("no pass failed on this server").allSatisfy(s ->
        assertThat(JSON.valueToTree(s.getAdditionalProperties().get("status")).path("conditions").toString())
            .doesNotContain("ReconcileError"));
    assertThat(services).as("a service whose target it holds waits for its metrics")
        .anySatisfy(s -> assertThat(JSON.valueToTree(s.getAdditionalProperties().get("status")).path("conditions").toString())
            .contains("\"MetricsAvailable\"").contains("\"status\":\"False\""));
  }

  /**
   * Spec changes made while the operator writes status: each status write is a PUT with the
   * resourceVersion it read, so one that crosses a spec change gets 409 Conflict from the server,
   * and the next pass must write the status of the newest generation. The operator must never write
   * the spec back.
   */
  @Test
  void statusWritesThatRaceSpecChangesEndAtTheNewestGeneration() throws Exception {
    KubernetesClient admin = InstalledBundle.admin();
    String name = "llama-3-1-8b-racing";
    InferenceService racing = admin.resources(InferenceService.class).inNamespace("llm").withName("llama-3-1-8b").get();
    racing.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace("llm").build());
    racing.getSpec().getScaleTargetRef().setName(name);
    racing.setStatus(null);
    admin.resources(InferenceService.class).inNamespace("llm").withName(name).delete();
    admin.resources(InferenceService.class).inNamespace("llm").withName(name)
        .waitUntilCondition(java.util.Objects::isNull, 30, java.util.concurrent.TimeUnit.SECONDS);
    long offset = AuditLog.mark();
    int changes = 20;
    InferenceService last;
    try (KubernetesClient operator = RealApiServers.kubeOperator();
         OperatorProcess process = OperatorProcess.start(operator, settings(), 0, 0)) {
      admin.resource(racing).create();
      for (int i = 1; i <= changes; i++) {
        int max = 8 + i;
        // A merge patch, as `kubectl patch` sends: an edit that sends back the resourceVersion it read
        // gets 409 Conflict itself when a status write lands between its read and its write.
        admin.resources(InferenceService.class).inNamespace("llm").withName(name)
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":{\"max\":" + max + "}}}");
        Thread.sleep(150);
      }
      last = admin.resources(InferenceService.class).inNamespace("llm").withName(name)
          .waitUntilCondition(s -> s.getStatus() != null && s.getStatus().getObservedGeneration() != null
              && s.getStatus().getObservedGeneration().equals(s.getMetadata().getGeneration()), 90, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      admin.resources(InferenceService.class).inNamespace("llm").withName(name).delete();
    }

    assertThat(last.getSpec().getReplicas().getMax()).as("the newest spec, not written back by the operator").isEqualTo(8 + changes);
    assertThat(last.getMetadata().getGeneration()).as("one generation per spec change").isEqualTo(1L + changes);
    List<String> specWrites = new ArrayList<>();
    List<Integer> statusCodes = new ArrayList<>();
    for (JsonNode event : AuditLog.eventsSince(offset)) {
      JsonNode ref = event.get("objectRef");
      if (!event.at("/user/username").asText().equals(InstalledBundle.USER) || ref == null
          || !ref.path("resource").asText().equals("inferenceservices") || !ref.path("name").asText().equals(name)) {
        continue;
      }
      String verb = event.get("verb").asText();
      boolean write = verb.equals("update") || verb.equals("patch");
      if (write && ref.path("subresource").asText().equals("status")) {
        statusCodes.add(event.at("/responseStatus/code").asInt());
      } else if (write) {
        specWrites.add(verb + " " + event.get("requestURI").asText());
      }
    }
    System.out.printf("status writes of %s racing %d spec changes: %s%n", name, changes, statusCodes);
    assertThat(specWrites).as("the operator writes only the status").isEmpty();
    assertThat(statusCodes).as("status writes of the operator").isNotEmpty()
        .allSatisfy(code -> assertThat(code).as("a status write either lands or loses the race").isIn(200, 201, 409));
    assertThat(statusCodes.get(statusCodes.size() - 1)).as("the last status write landed").isIn(200, 201);
  }

  private static StableServeOperator.Settings settings() {
    return new StableServeOperator.Settings(Set.of(),
        Optional.of(new LeaderElectionConfiguration("stableserve-operator", InstalledBundle.SYSTEM,
            LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE, LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
            // not exiting when it stops leading: the test stops it, which must not end the test JVM
            LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, "stableserve-it", null, false)),
        false, new PrometheusObservers(), SchedulerEngineAdvisor.standard(), Clock.systemUTC(), Duration.ofMinutes(2));
  }

  private static boolean leads(KubernetesClient admin) {
    Lease lease = admin.leases().inNamespace(InstalledBundle.SYSTEM).withName("stableserve-operator").get();
    return lease != null && "stableserve-it".equals(lease.getSpec().getHolderIdentity());
  }

  private static boolean hasConditions(GenericKubernetesResource service) {
    return service.getAdditionalProperties().get("status") instanceof Map<?, ?> status
        && status.get("conditions") instanceof List<?> conditions && !conditions.isEmpty();
  }

  private static String groupResource(String group, String resource) {
    return group.isEmpty() ? resource : group + "/" + resource;
  }
}
