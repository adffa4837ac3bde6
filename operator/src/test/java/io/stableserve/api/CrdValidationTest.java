package io.stableserve.api;

import io.stableserve.settings.Durations;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed CRD's OpenAPI schema and CEL rules refuse invalid InferenceServices with a message
 * that names what to fix, and accept valid ones.
 */
class CrdValidationTest {

  private static CrdValidator validator;

  @BeforeAll
  static void loadCrd() {
    validator = CrdValidator.inferenceServices();
  }

  /** A resource with {@code spec} as given (YAML, indented by two spaces per level from column 0). */
  static String service(String spec) {
    return """
        apiVersion: stableserve.io/v1alpha1
        kind: InferenceService
        metadata: {name: llama, namespace: llm}
        spec:
        """ + spec.indent(2);
  }

  private static final String TARGET = "scaleTargetRef: {kind: Deployment, name: llama}\n";
  private static final String METRICS = """
      metrics:
        prometheusUrl: http://prometheus.monitoring:9090
        selector: 'namespace="llm",model_name="llama"'
      """;
  private static final String VALID = TARGET + "replicas: {min: 1, max: 8}\n" + METRICS;
  /** A service allowed to go to zero, less its idle rule: min 0 and the gateway's held requests. */
  private static final String ZERO = TARGET + "replicas: {min: 0, max: 8}\n" + METRICS + """
        queries:
          gatewayQueue: 'sum(inference_extension_flow_control_queue_size{$selector})'
      """;

  /** A variant named {@code name} with {@code extra} fields (YAML flow-mapping entries) added. */
  private static String variant(String name, String extra) {
    return "- {name: " + name + ", scaleTargetRef: {kind: Deployment, name: llama-" + name + "}, costPerHour: 4.0, "
        + "replicas: {max: 4}, selector: 'pod=~\"llama-" + name + "-.*\"'" + (extra.isEmpty() ? "" : ", " + extra) + "}\n";
  }

  private static String variants(String... entries) {
    return "variants:\n" + String.join("", entries).indent(2) + METRICS;
  }

  private static final String TWO_VARIANTS = variants(variant("h100", ""), variant("a100", ""));

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("min above max", TARGET + "replicas: {min: 5, max: 2}\n" + METRICS,
            "spec.replicas: replicas.min must be less than or equal to replicas.max"),
        Arguments.of("default min above max", TARGET + "replicas: {max: 0}\n" + METRICS,
            "spec.replicas.max: must have a minimum value of 1"),
        Arguments.of("no max", TARGET + "replicas: {min: 1}\n" + METRICS,
            "spec.replicas: required property 'max' not found"),
        Arguments.of("min 0 without an idle rule", TARGET + "replicas: {min: 0, max: 3}\n" + METRICS,
            "spec: replicas.min 0 needs spec.scaleToZero, the idle rule that says when the service goes to zero"),
        Arguments.of("min -1", TARGET + "replicas: {min: -1, max: 3}\n" + METRICS,
            "spec.replicas.min: must have a minimum value of 0"),
        Arguments.of("idle rule with min 1", VALID + "scaleToZero: {idleAfter: 10m}\n",
            "spec: spec.scaleToZero needs replicas.min: 0 (and one target, not spec.variants)"),
        Arguments.of("idle rule on variants", TWO_VARIANTS + "scaleToZero: {idleAfter: 10m}\n",
            "spec: spec.scaleToZero needs replicas.min: 0 (and one target, not spec.variants)"),
        Arguments.of("min 0 without a gateway queue", TARGET + "replicas: {min: 0, max: 3}\n" + METRICS
            + "scaleToZero: {idleAfter: 10m}\n",
            "spec: spec.scaleToZero needs metrics.queries.gatewayQueue, the requests a gateway holds while no replica serves"),
        Arguments.of("idle after 1s", ZERO + "scaleToZero: {idleAfter: 1s}\n",
            "spec.scaleToZero.idleAfter: must be between 10s and 24h"),
        Arguments.of("idle after two days", ZERO + "scaleToZero: {idleAfter: 48h}\n",
            "spec.scaleToZero.idleAfter: must be between 10s and 24h"),
        Arguments.of("idle after in words", ZERO + "scaleToZero: {idleAfter: ten minutes}\n",
            "spec.scaleToZero.idleAfter: must be a duration such as 15s, 5m, 1m30s or 500ms"),
        Arguments.of("utilization 1", VALID + "targetUtilization: 1\n",
            "spec.targetUtilization: must be a fraction strictly between 0 and 1"),
        Arguments.of("utilization 0", VALID + "targetUtilization: 0\n",
            "spec.targetUtilization: must be a fraction strictly between 0 and 1"),
        Arguments.of("utilization 85 (a percentage)", VALID + "targetUtilization: 85\n",
            "spec.targetUtilization: must be a fraction strictly between 0 and 1"),
        Arguments.of("negative KV tokens", VALID + "engine: {kvCacheTokens: -48000}\n",
            "spec.engine.kvCacheTokens: must have a minimum value of 1"),
        Arguments.of("zero max_num_seqs", VALID + "engine: {maxNumSeqs: 0}\n",
            "spec.engine.maxNumSeqs: must have a minimum value of 1"),
        Arguments.of("chunk above token budget", VALID + "engine: {chunkTokens: 8192, maxBatchedTokens: 4096}\n",
            "spec.engine: engine.chunkTokens must not exceed engine.maxBatchedTokens"),
        Arguments.of("step time without its base", VALID + "engine: {stepTime: {secondsPerToken: 2.0e-5}}\n",
            "spec.engine.stepTime: required property 'baseSeconds' not found"),
        Arguments.of("zero step base", VALID + "engine: {stepTime: {baseSeconds: 0}}\n",
            "spec.engine.stepTime.baseSeconds: must be greater than 0 seconds"),
        Arguments.of("SLO target in words", VALID + "slo: {ttft: {target: 2 seconds}}\n",
            "spec.slo.ttft.target: must be a duration such as 15s, 5m, 1m30s or 500ms"),
        Arguments.of("SLO target of 0s", VALID + "slo: {ttft: {target: 0s}}\n",
            "spec.slo.ttft.target: must be between 10ms and 10m"),
        Arguments.of("SLO target of a day", VALID + "slo: {ttft: {target: 24h}}\n",
            "spec.slo.ttft.target: must be between 10ms and 10m"),
        Arguments.of("SLO percentile 99 (a percentage)", VALID + "slo: {ttft: {target: 2s, percentile: 99}}\n",
            "spec.slo.ttft.percentile: must be between 0.5 and 0.9999"),
        Arguments.of("poll interval of 0s", VALID + "behavior: {pollInterval: 0s}\n",
            "spec.behavior.pollInterval: must be between 1s and 10m"),
        Arguments.of("poll interval of 1ms", VALID + "behavior: {pollInterval: 1ms}\n",
            "spec.behavior.pollInterval: must be between 1s and 10m"),
        Arguments.of("poll interval of a day", VALID + "behavior: {pollInterval: 24h}\n",
            "spec.behavior.pollInterval: must be between 1s and 10m"),
        Arguments.of("window beyond any clock", TARGET + "replicas: {max: 8}\n" + METRICS.replace("selector", "window: 9999999999999h\n  selector"),
            "spec.metrics.window: must be a duration such as 15s, 5m, 1m30s or 500ms"),
        Arguments.of("window of 1s", TARGET + "replicas: {max: 8}\n" + METRICS.replace("selector", "window: 1s\n  selector"),
            "spec.metrics.window: must be between 10s and 1h"),
        Arguments.of("timeout of 0s", TARGET + "replicas: {max: 8}\n" + METRICS.replace("selector", "timeout: 0s\n  selector"),
            "spec.metrics.timeout: must be between 1s and 1m"),
        Arguments.of("start-up of two days", VALID + "behavior: {replicaStartupTime: 48h}\n",
            "spec.behavior.replicaStartupTime: must be between 1s and 1h"),
        Arguments.of("scale-down window of a day", VALID + "behavior: {scaleDown: {stabilizationWindow: 24h}}\n",
            "spec.behavior.scaleDown.stabilizationWindow: must be between 0s and 1h"),
        Arguments.of("scale-up window of a day", VALID + "behavior: {scaleUp: {stabilizationWindow: 24h}}\n",
            "spec.behavior.scaleUp.stabilizationWindow: must be between 0s and 1h"),
        Arguments.of("settle time of an hour", VALID + "behavior: {scaleUp: {settleTime: 1h}}\n",
            "spec.behavior.scaleUp.settleTime: must be between 0s and 10m"),
        Arguments.of("SLO drain time of 1s", VALID + "slo: {ttft: {target: 2s, drainTime: 1s}}\n",
            "spec.slo.ttft.drainTime: must be between 5s and 10m"),
        Arguments.of("SLO drain time of an hour", VALID + "slo: {ttft: {target: 2s, drainTime: 1h}}\n",
            "spec.slo.ttft.drainTime: must be between 5s and 10m"),
        Arguments.of("SLO without a target", VALID + "slo: {ttft: {percentile: 0.9}}\n",
            "spec.slo.ttft: required property 'target' not found"),
        Arguments.of("unknown mode", VALID + "mode: Auto\n",
            "spec.mode: does not have a value in the enumeration [\"Enforce\", \"Metric\", \"Recommend\"]"),
        Arguments.of("unknown model", VALID + "model: queueing\n",
            "spec.model: does not have a value in the enumeration [\"Iterative\", \"Paper\", \"Scheduler\"]"),
        Arguments.of("missing target", "replicas: {max: 8}\n" + METRICS,
            "spec: spec.scaleTargetRef is required"),
        Arguments.of("variants next to a target", TARGET + TWO_VARIANTS,
            "set either spec.scaleTargetRef (one target) or spec.variants"),
        Arguments.of("variants with service-wide replicas", "replicas: {max: 8}\n" + TWO_VARIANTS,
            "move spec.replicas into each variant's replicas"),
        Arguments.of("variants with service-wide engine", "engine: {maxNumSeqs: 64}\n" + TWO_VARIANTS,
            "move spec.engine into each variant's engine"),
        Arguments.of("target without replicas", TARGET + METRICS, "spec.replicas is required with spec.scaleTargetRef"),
        Arguments.of("variant names repeated", variants(variant("h100", ""), variant("h100", "")),
            "spec.variants: variant names must be unique"),
        Arguments.of("two variants on one target", variants(variant("h100", ""), variant("a100", "")
                .replace("name: llama-a100", "name: llama-h100")),
            "spec.variants: two variants scale the same target"),
        Arguments.of("variant name not a DNS label", variants(variant("H100_sxm", "")),
            "spec.variants[0].name: must be a DNS label"),
        Arguments.of("variant min above max", variants(variant("h100", "").replace("{max: 4}", "{min: 5, max: 4}")),
            "spec.variants[0].replicas: replicas.min must be less than or equal to replicas.max"),
        Arguments.of("variant max above 10000", variants(variant("h100", "").replace("{max: 4}", "{max: 20000}")),
            "spec.variants.0.replicas.max: must have a maximum value of 10000"),
        Arguments.of("variant min negative", variants(variant("h100", "").replace("{max: 4}", "{min: -1, max: 4}")),
            "spec.variants.0.replicas.min: must have a minimum value of 0"),
        Arguments.of("every variant at max 0", variants(variant("h100", "").replace("{max: 4}", "{max: 0}")),
            "spec.variants: at least one variant needs replicas.max of 1 or more"),
        Arguments.of("free variant", variants(variant("h100", "").replace("costPerHour: 4.0", "costPerHour: 0")),
            "spec.variants[0].costPerHour: must be the cost of one replica for an hour, more than 0"),
        Arguments.of("cost per month", variants(variant("h100", "").replace("costPerHour: 4.0", "costPerHour: 29000")),
            "spec.variants[0].costPerHour: must be the cost of one replica for an hour"),
        Arguments.of("variant without cost", variants(variant("h100", "").replace("costPerHour: 4.0, ", "")),
            "spec.variants.0: required property 'costPerHour' not found"),
        Arguments.of("variant without target", variants(variant("h100", "").replace("scaleTargetRef: {kind: Deployment, name: llama-h100}, ", "")),
            "spec.variants.0: required property 'scaleTargetRef' not found"),
        Arguments.of("variant selector without quotes", variants(variant("h100", "").replace("'pod=~\"llama-h100-.*\"'", "pod=llama")),
            "spec.variants[0].selector: must be PromQL label matchers"),
        Arguments.of("variant engine chunk above budget", variants(variant("h100", "engine: {chunkTokens: 8192, maxBatchedTokens: 4096}")),
            "spec.variants[0].engine: engine.chunkTokens must not exceed engine.maxBatchedTokens"),
        Arguments.of("nine variants", variants(variant("v1", ""), variant("v2", ""), variant("v3", ""), variant("v4", ""),
            variant("v5", ""), variant("v6", ""), variant("v7", ""), variant("v8", ""), variant("v9", "")),
            "spec.variants: must have at most 8 items"),
        Arguments.of("empty variants", "variants: []\n" + METRICS, "spec.variants: must have at least 1 items"),
        Arguments.of("target without name", "scaleTargetRef: {kind: Deployment}\nreplicas: {max: 8}\n" + METRICS,
            "spec.scaleTargetRef: required property 'name' not found"),
        Arguments.of("target kind in lower case", "scaleTargetRef: {kind: deployment, name: llama}\nreplicas: {max: 8}\n" + METRICS,
            "spec.scaleTargetRef.kind: does not match the regex pattern ^[A-Z][A-Za-z0-9]*$"),
        Arguments.of("missing metrics", TARGET + "replicas: {max: 8}\n",
            "spec: required property 'metrics' not found"),
        Arguments.of("bad window", TARGET + "replicas: {max: 8}\n" + METRICS.replace("selector", "window: 5 minutes\n  selector"),
            "spec.metrics.window: must be a duration such as 15s, 5m, 1m30s or 500ms"),
        Arguments.of("fractional poll interval", VALID + "behavior: {pollInterval: 1.5s}\n",
            "spec.behavior.pollInterval: must be a duration such as 15s, 5m, 1m30s or 500ms"),
        Arguments.of("negative scale-down window", VALID + "behavior: {scaleDown: {stabilizationWindow: -5m}}\n",
            "spec.behavior.scaleDown.stabilizationWindow: must be a duration such as 15s, 5m, 1m30s or 500ms"),
        Arguments.of("scale-down step over 100%", VALID + "behavior: {scaleDown: {maxPercentPerStep: 150}}\n",
            "spec.behavior.scaleDown.maxPercentPerStep: must have a maximum value of 100"),
        Arguments.of("Prometheus URL without scheme", TARGET + "replicas: {max: 8}\n" + METRICS.replace("http://", ""),
            "spec.metrics.prometheusUrl: must be an http:// or https:// URL"),
        Arguments.of("selector without quotes", TARGET + "replicas: {max: 8}\n" + METRICS.replace("'namespace=\"llm\",model_name=\"llama\"'", "model_name=llama"),
            "spec.metrics.selector: must be PromQL label matchers"),
        Arguments.of("CA for plain http", VALID.replace("selector", "caSecretRef: {name: prom-ca, key: ca.crt}\n  selector"),
            "spec.metrics: metrics.caSecretRef needs an https:// metrics.prometheusUrl"),
        Arguments.of("token secret without key", VALID.replace("selector", "bearerTokenSecretRef: {name: prom-token}\n  selector"),
            "spec.metrics.bearerTokenSecretRef: required property 'key' not found"),
        Arguments.of("misspelt field", VALID + "targetUtilisation: 0.8\n",
            "spec: property 'targetUtilisation' is not defined in the schema"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void refusesInvalidServicesNamingWhatToFix(String name, String spec, String expected) {
    assertThat(validator.validate(service(spec)))
        .as("errors of %s", name)
        .anySatisfy(error -> assertThat(error).contains(expected));
  }

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("minimal", VALID),
        Arguments.of("default min with max 1", TARGET + "replicas: {max: 1}\n" + METRICS),
        Arguments.of("min equal to max", TARGET + "replicas: {min: 4, max: 4}\n" + METRICS),
        Arguments.of("fully specified", TARGET.replace("{", "{apiVersion: apps/v1, ") + """
            replicas: {min: 2, max: 16}
            targetUtilization: 0.7
            model: Scheduler
            mode: Recommend
            engine:
              kvCacheTokens: 48000
              chunkTokens: 512
              maxNumSeqs: 24
              maxBatchedTokens: 4096
              stepTime: {baseSeconds: 0.015, secondsPerToken: 2.0e-5, secondsPerKvToken: 1.0e-7}
            metrics:
              prometheusUrl: https://thanos-query.monitoring.svc:9091/prometheus
              bearerTokenSecretRef: {name: prom-token, key: token}
              caSecretRef: {name: prom-ca, key: ca.crt}
              timeout: 5s
              selector: 'namespace="llm", model_name=~"meta-llama/.*", pod!=""'
              window: 2m30s
              queries:
                arrivals: 'sum(rate(gateway_requests_total{route="llm"}[$window]))'
            behavior:
              scaleUp: {stabilizationWindow: 0s, maxReplicasPerStep: 4, maxPercentPerStep: 200}
              scaleDown: {stabilizationWindow: 10m, maxPercentPerStep: 10}
              replicaStartupTime: 8m
              pollInterval: 5s
            """),
        Arguments.of("durations at their bounds", TARGET + "replicas: {max: 8}\n"
            + METRICS.replace("selector", "window: 1h\n  timeout: 1s\n  selector")
            + "behavior: {pollInterval: 1s, replicaStartupTime: 1h, scaleUp: {stabilizationWindow: 0s, settleTime: 10m}, "
            + "scaleDown: {stabilizationWindow: 1h}}\nslo: {ttft: {target: 10ms, drainTime: 5s}}\n"),
        Arguments.of("every default applied", VALID + "behavior: {scaleUp: {}, scaleDown: {}}\nengine: {stepTime: {baseSeconds: 0.02}}\n"),
        Arguments.of("two variants", TWO_VARIANTS),
        Arguments.of("scale to zero with a gateway", ZERO + "scaleToZero: {idleAfter: 10m}\n"),
        Arguments.of("scale to zero, the default idle period", ZERO + "scaleToZero: {}\n"),
        Arguments.of("idle period at its lower bound", ZERO + "scaleToZero: {idleAfter: 10s}\n"),
        Arguments.of("idle period at its upper bound", ZERO + "scaleToZero: {idleAfter: 24h}\n"),
        Arguments.of("eight variants, one unused, with engines and an SLO", variants(variant("v1", "replicas: {min: 0, max: 0}")
                .replace("replicas: {max: 4}, ", ""), variant("v2", "engine: {maxNumSeqs: 64, kvCacheTokens: 48000}"),
            variant("v3", ""), variant("v4", ""), variant("v5", ""), variant("v6", ""), variant("v7", ""), variant("v8", ""))
            + "slo: {ttft: {target: 2s}}\n"),
        Arguments.of("LeaderWorkerSet target", "scaleTargetRef: {apiVersion: leaderworkerset.x-k8s.io/v1, kind: LeaderWorkerSet, name: llama-70b}\n"
            + "replicas: {max: 4}\n" + METRICS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void acceptsValidServices(String name, String spec) {
    assertThat(validator.validate(service(spec))).as("errors of %s", name).isEmpty();
  }

  @Test
  void everyCelRuleCompiles() {
    assertThat(validator.rules())
        .as("CEL rules in the CRD")
        .contains("self.min <= self.max", Durations.RULE)
        .hasSizeGreaterThanOrEqualTo(5);
  }

  @Test
  void statusIsValidatedToo() {
    String withStatus = service(VALID) + """
        status:
          replicas: 3
          desiredReplicas: 4
          capacity: {stableRatePerReplica: 2.5, bottleneck: Memory, kvCacheTokensSource: Guessed}
        """;
    assertThat(validator.validate(withStatus))
        .anySatisfy(error -> assertThat(error).contains("status.capacity.kvCacheTokensSource: does not have a value in the enumeration"));
  }

  @Test
  void schemaIsStructural() {
    JsonNode root = new ObjectMapper().valueToTree(
        CrdFiles.committed().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema());
    List<String> problems = new ArrayList<>();
    structural(root, "", problems);
    assertThat(problems).as("the API server refuses a CRD whose schema is not structural").isEmpty();
  }

  private static void structural(JsonNode schema, String path, List<String> problems) {
    if (!schema.has("type") && !schema.path("x-kubernetes-int-or-string").asBoolean()
        && !schema.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
      problems.add((path.isEmpty() ? "<root>" : path) + " has no type");
    }
    if (schema.has("properties") && schema.has("additionalProperties")) {
      problems.add(path + " has both properties and additionalProperties");
    }
    schema.path("properties").fields().forEachRemaining(p -> structural(p.getValue(), path + "." + p.getKey(), problems));
    if (schema.has("items")) {
      structural(schema.get("items"), path + "[]", problems);
    }
  }
}
