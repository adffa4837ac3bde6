package io.stableserve.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.stableserve.api.Conditions;
import io.stableserve.api.InferenceService;
import io.stableserve.api.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Metric mode end to end: the operator process exports its count, Prometheus scrapes it from the
 * operator's {@code /metrics}, a simulated KEDA runs the sample ScaledObject's query against that
 * Prometheus and sets the Deployment's replicas through {@code /scale}, and the API server mock
 * sees no write to {@code /scale} from the operator.
 */
public class MetricModeTest {

  static final ResourceDefinitionContext SCALED_OBJECTS = new ResourceDefinitionContext.Builder().withGroup("keda.sh")
      .withVersion("v1alpha1").withKind("ScaledObject").withPlural("scaledobjects").withNamespaced(true).build();
  /** The series the sample's query selects, replaced by this scenario's. */
  static final String SAMPLE_SELECTOR = "namespace=\"llm\",name=\"llama-3-1-8b-metric\"";

  static ClosedLoop loop;

  @BeforeAll
  static void start() {
    loop = ClosedLoop.start(Path.of("target", "metric-mode"));
    loop.scrapeOperator();
  }

  @AfterAll
  static void stop() {
    if (loop != null) {
      loop.close();
    }
  }

  /**
   * The ScaledObject of {@code deploy/samples/metric-mode/inferenceservice-keda.yaml}, moved to
   * {@code namespace}, its query on {@code service}'s series, polling every 2 s instead of 15 (the
   * loop's windows are seconds, not minutes).
   */
  static GenericKubernetesResource sampleScaledObject(String namespace, String service) {
    List<HasMetadata> objects = loop.cluster().read(loop.repository().resolve("deploy/samples/metric-mode/inferenceservice-keda.yaml"));
    GenericKubernetesResource so = objects.stream().filter(o -> o.getKind().equals("ScaledObject"))
        .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
    so.getMetadata().setNamespace(namespace);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) so.getAdditionalProperties().get("spec");
    spec.put("pollingInterval", 2);
    @SuppressWarnings("unchecked")
    Map<String, Object> metadata = (Map<String, Object>) ((List<Map<String, Object>>) spec.get("triggers")).get(0).get("metadata");
    String query = (String) metadata.get("query");
    assertThat(query).contains(SAMPLE_SELECTOR);
    metadata.put("query", query.replace(SAMPLE_SELECTOR, "namespace=\"" + namespace + "\",name=\"" + service + "\""));
    return so;
  }

  @Test
  void kedaReadingTheExportedCountThroughPrometheusSetsTheReplicasAndTheOperatorNeverWritesScale() {
    loop.cluster().takeRequests();  // those of the loop's start
    Served s = loop.deploy("metric", Mode.Metric, 1.5, ClosedLoop.SHORT, 2);
    String name = s.service().getMetadata().getName();
    String deployment = s.deployment().fleet().spec().modelName();
    GenericKubernetesResource scaledObject = sampleScaledObject(s.namespace(), name);
    loop.cluster().client().genericKubernetesResources(SCALED_OBJECTS).inNamespace(s.namespace()).resource(scaledObject).create();
    SimulatedKeda.Settings settings = SimulatedKeda.Settings.of(scaledObject, 0);
    try {
      InferenceService first = s.await("Ready ExportingMetric with a count", x -> x.getStatus().getDesiredReplicas() != null
          && x.getStatus().condition(Conditions.READY).map(c -> Conditions.EXPORTING_METRIC.equals(c.getReason())).orElse(false),
          Duration.ofSeconds(60));
      assertThat(first.getStatus().condition(Conditions.TARGET_RESOLVED).orElseThrow().getStatus())
          .as("the ScaledObject reading the series is accepted").isEqualTo(Conditions.TRUE);
      // KEDA is applied once the series is there: with ignoreNullValues false an empty answer counts towards the fallback.
      loop.prometheus().awaitSeries(settings.query(), Duration.ofSeconds(30));
      try (SimulatedKeda keda = new SimulatedKeda(loop.cluster().client(), s.namespace(), deployment, loop.prometheus(), settings)) {
        ClosedLoopTest.settled(s, 1);
        assertThat(keda.scales()).as("at the settled load the count stays 1").isEmpty();

        s.load().set(4.5, ClosedLoop.SHORT);
        int expected = ClosedLoop.replicasFor(4.5, ClosedLoop.SHORT);
        assertThat(expected).isGreaterThan(1);
        Served.awaitTrue(() -> s.specReplicas() == expected, Duration.ofSeconds(120),
            () -> "KEDA did not set " + expected + " replicas; its writes " + keda.scales() + ", its last error " + keda.lastError()
                + ", the series " + loop.prometheus().scalar(settings.query()) + "\noperator log:\n" + loop.operator().logTail());
        InferenceService seen = s.service();
        assertThat(seen.getStatus().getDesiredReplicas()).isEqualTo(expected);
        assertThat(seen.getStatus().getLastDecision().getApplied()).as("the operator applied nothing").isFalse();
        assertThat(seen.getStatus().condition(Conditions.READY).orElseThrow().getMessage())
            .startsWith("exporting the count as stableserve_desired_replicas (never writes /scale): ");
        assertThat(loop.prometheus().scalar(settings.query())).as("the series through Prometheus").isEqualTo(expected);
        assertThat(keda.scales()).last().satisfies(w -> {
          assertThat(w.to()).isEqualTo(expected);
          assertThat(w.why()).isEqualTo("query = " + (double) expected);
        });
        List<Event> exported = s.events(Conditions.LOAD_ABOVE_TARGET);
        assertThat(exported).isNotEmpty().allSatisfy(e -> assertThat(e.getMessage())
            .startsWith("Metric mode, /scale not written, ").contains("exported as stableserve_desired_replicas{namespace=\"metric\""));
        assertThat(s.rescales()).isEmpty();

        String scale = "/apis/apps/v1/namespaces/" + s.namespace() + "/deployments/" + deployment + "/scale";
        List<Cluster.SeenRequest> onScale = loop.cluster().takeRequests().stream().filter(r -> r.path().startsWith(scale)).toList();
        assertThat(onScale).filteredOn(Cluster.SeenRequest::byOperator).as("the operator reads /scale")
            .extracting(Cluster.SeenRequest::method).contains("GET").containsOnly("GET");
        assertThat(onScale).filteredOn(r -> !r.byOperator()).as("KEDA's writes, as the mock saw them")
            .extracting(Cluster.SeenRequest::method).contains("PATCH");

        // The service gone, its series goes: after three empty answers KEDA holds the fallback's replicas.
        loop.cluster().client().resources(InferenceService.class).inNamespace(s.namespace()).withName(name).delete();
        Served.awaitTrue(() -> s.specReplicas() == settings.fallbackReplicas(), Duration.ofSeconds(60),
            () -> "KEDA did not fall back to " + settings.fallbackReplicas() + "; its writes " + keda.scales());
        assertThat(keda.scales()).last().satisfies(w -> assertThat(w.why()).startsWith("fallback after 3 empty answers"));
      }
    } finally {
      loop.retire(s);
    }
  }
}
