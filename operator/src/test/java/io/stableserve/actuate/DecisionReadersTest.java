package io.stableserve.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which ScaledObject and HPA specs read a service's exported decision, and what each refusal names. */
class DecisionReadersTest {

  static final DecisionSeries SERIES = new DecisionSeries("llm", "llama");

  static Map<String, Object> prometheusTrigger(String query) {
    return Map.of("type", "prometheus", "metadata", Map.of("serverAddress", "http://prometheus:9090", "query", query,
        "threshold", "1"));
  }

  static Map<String, Object> external(String metric, Map<String, String> matchLabels) {
    return Map.of("type", "External", "external", Map.of("metric", Map.of("name", metric,
        "selector", Map.of("matchLabels", matchLabels)), "target", Map.of("type", "AverageValue", "averageValue", "1")));
  }

  @Test
  void aPrometheusQueryOnTheSeriesWithTheServicesNameReadsIt() {
    assertThat(DecisionReaders.queryMisses("stableserve_desired_replicas{namespace=\"llm\", name=\"llama\"}", SERIES)).isEmpty();
    assertThat(DecisionReaders.queryMisses("max(stableserve_desired_replicas{name=\"llama\"})", SERIES)).isEmpty();
    assertThat(DecisionReaders.queryMisses("stableserve_desired_replicas{exported_namespace=\"llm\",name=\"llama\"}", SERIES))
        .isEmpty();
  }

  @Test
  void aQueryOnAnotherSeriesServiceOrNamespaceDoesNot() {
    assertThat(DecisionReaders.queryMisses("sum(vllm:num_requests_waiting{model_name=\"llama\"})", SERIES))
        .contains("does not read stableserve_desired_replicas");
    assertThat(DecisionReaders.queryMisses("stableserve_desired_replicas{name=\"llama-2\"}", SERIES))
        .contains("has no matcher name=\"llama\"");
    assertThat(DecisionReaders.queryMisses("stableserve_desired_replicas{model_name=\"llama\"}", SERIES))
        .as("model_name is not name").contains("has no matcher name=\"llama\"");
    assertThat(DecisionReaders.queryMisses("stableserve_desired_replicas{name!=\"llama\"}", SERIES)).isPresent();
    assertThat(DecisionReaders.queryMisses("stableserve_desired_replicas{namespace=\"prod\",name=\"llama\"}", SERIES))
        .contains("selects namespace \"prod\", not \"llm\"");
  }

  @Test
  void aScaledObjectReadsTheSeriesOnlyWhenEveryTriggerDoes() {
    String ours = "stableserve_desired_replicas{namespace=\"llm\",name=\"llama\"}";
    assertThat(DecisionReaders.scaledObjectMisses(Map.of("triggers", List.of(prometheusTrigger(ours))), SERIES)).isEmpty();
    assertThat(DecisionReaders.scaledObjectMisses(Map.of("triggers", List.of(prometheusTrigger(ours),
        Map.of("type", "cpu", "metadata", Map.of("value", "60")))), SERIES)).contains("trigger 1 is of type cpu, not prometheus");
    assertThat(DecisionReaders.scaledObjectMisses(Map.of("triggers", List.of()), SERIES)).contains("it has no triggers");
  }

  @Test
  void anHpaReadsTheSeriesOnlyAsItsOneExternalMetricSelectingTheService() {
    assertThat(DecisionReaders.hpaMisses(Map.of("metrics", List.of(external("stableserve_desired_replicas",
        Map.of("namespace", "llm", "name", "llama")))), SERIES)).isEmpty();
    assertThat(DecisionReaders.hpaMisses(Map.of("metrics", List.of(external("stableserve_desired_replicas",
        Map.of("name", "other")))), SERIES)).contains("metric 0's selector has no matchLabels name: llama (or matchExpressions key name operator In values [llama])");
    assertThat(DecisionReaders.hpaMisses(Map.of("metrics", List.of(external("stableserve_desired_replicas",
        Map.of("name", "llama", "namespace", "prod")))), SERIES)).contains("metric 0's selector has namespace: prod, not llm");
    assertThat(DecisionReaders.hpaMisses(Map.of("metrics", List.of(external("s0-prometheus", Map.of("name", "llama")))), SERIES))
        .contains("metric 0 is s0-prometheus, not stableserve_desired_replicas");
    assertThat(DecisionReaders.hpaMisses(Map.of("metrics", List.of(
        external("stableserve_desired_replicas", Map.of("name", "llama")),
        Map.of("type", "Resource", "resource", Map.of("name", "cpu")))), SERIES)).contains("metric 1 is of type Resource, not External");
    assertThat(DecisionReaders.hpaMisses(Map.of(), SERIES)).contains("it has no metrics (an HPA without any scales on CPU)");
  }

  static Map<String, Object> externalWithExpressions(List<Map<String, Object>> expressions) {
    return Map.of("type", "External", "external", Map.of("metric", Map.of("name", "stableserve_desired_replicas",
        "selector", Map.of("matchExpressions", expressions)), "target", Map.of("type", "AverageValue", "averageValue", "1")));
  }

  static Map<String, Object> expression(String key, String operator, String... values) {
    return Map.of("key", key, "operator", operator, "values", List.of(values));
  }

  static String miss(Map<String, Object> metric) {
    return DecisionReaders.hpaMisses(Map.of("metrics", List.of(metric)), SERIES).orElse("");
  }

  @Test
  void anHpaSelectorPinningTheServiceWithMatchExpressionsReadsItToo() {
    assertThat(DecisionReaders.hpaMisses(Map.of("metrics", List.of(externalWithExpressions(List.of(
        expression("name", "In", "llama"), expression("namespace", "In", "llm"))))), SERIES)).isEmpty();
    assertThat(miss(externalWithExpressions(List.of(expression("name", "In", "llama", "other")))))
        .as("two services").contains("matchExpressions on name (In [llama, other]) that does not pin one value");
    assertThat(miss(externalWithExpressions(List.of(expression("name", "NotIn", "other")))))
        .contains("use operator In with one value");
    assertThat(miss(externalWithExpressions(List.of(expression("name", "In", "llama"), expression("namespace", "In", "prod")))))
        .isEqualTo("metric 0's selector has namespace: prod, not llm");
    assertThat(miss(externalWithExpressions(List.of(expression("job", "In", "stableserve")))))
        .startsWith("metric 0's selector has no matchLabels name: llama");
  }
}
