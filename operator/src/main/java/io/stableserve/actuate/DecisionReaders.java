package io.stableserve.actuate;

import io.stableserve.api.OperatorMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether an autoscaler of the target reads a service's exported decision (Metric mode) and
 * nothing else, judged from its spec as the API server returns it:
 * <ul>
 *   <li>a KEDA ScaledObject whose every trigger is of type {@code prometheus} with a query that
 *       names {@code stableserve_desired_replicas}, has the matcher {@code name="<service>"}, and,
 *       where it has a {@code namespace} (or {@code exported_namespace}) matcher, the service's
 *       namespace;</li>
 *   <li>an {@code autoscaling/v2} HPA whose every metric is {@code External}, named
 *       {@code stableserve_desired_replicas}, with {@code matchLabels} holding {@code name: <service>}
 *       and, where it holds a namespace label, the service's namespace.</li>
 * </ul>
 * A reader with another trigger or metric besides is not one: the HPA takes the largest proposal of
 * its metrics, so the other one would also set the replicas.
 */
final class DecisionReaders {

  /** The label (a PromQL matcher, or a {@code matchLabels} key) that names the service. */
  static final String NAME_LABEL = "name";
  private static final Pattern NAMESPACE_MATCHER =
      Pattern.compile("(?<![A-Za-z0-9_])(?:exported_)?namespace\\s*=\\s*\"([^\"]*)\"");
  private static final List<String> NAMESPACE_LABELS = List.of("namespace", "exported_namespace");

  private DecisionReaders() {}

  /** Why a ScaledObject's spec does not read {@code series} alone; empty when it does. */
  static Optional<String> scaledObjectMisses(Object spec, DecisionSeries series) {
    List<?> triggers = spec instanceof Map<?, ?> s && s.get("triggers") instanceof List<?> l ? l : List.of();
    if (triggers.isEmpty()) {
      return Optional.of("it has no triggers");
    }
    List<String> misses = new ArrayList<>();
    for (int i = 0; i < triggers.size(); i++) {
      Map<?, ?> trigger = triggers.get(i) instanceof Map<?, ?> m ? m : Map.of();
      Object type = trigger.get("type");
      if (!"prometheus".equals(type)) {
        misses.add("trigger " + i + " is of type " + type + ", not prometheus");
        continue;
      }
      Object query = trigger.get("metadata") instanceof Map<?, ?> md ? md.get("query") : null;
      Optional<String> miss = queryMisses(query instanceof String q ? q : "", series);
      if (miss.isPresent()) {
        misses.add("trigger " + i + "'s query " + miss.get());
      }
    }
    return misses.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", misses));
  }

  /** Why a PromQL query does not select {@code series}; empty when it does. */
  static Optional<String> queryMisses(String query, DecisionSeries series) {
    if (!query.contains(OperatorMetrics.DESIRED_REPLICAS)) {
      return Optional.of("does not read " + OperatorMetrics.DESIRED_REPLICAS);
    }
    Pattern name = Pattern.compile("(?<![A-Za-z0-9_])" + NAME_LABEL + "\\s*=\\s*\"" + Pattern.quote(series.name()) + "\"");
    if (!name.matcher(query).find()) {
      return Optional.of("has no matcher " + NAME_LABEL + "=\"" + series.name() + "\"");
    }
    Matcher namespaces = NAMESPACE_MATCHER.matcher(query);
    while (namespaces.find()) {
      if (!namespaces.group(1).equals(series.namespace())) {
        return Optional.of("selects namespace \"" + namespaces.group(1) + "\", not \"" + series.namespace() + "\"");
      }
    }
    return Optional.empty();
  }

  /** Why an autoscaling/v2 HPA's spec does not read {@code series} alone; empty when it does. */
  static Optional<String> hpaMisses(Object spec, DecisionSeries series) {
    List<?> metrics = spec instanceof Map<?, ?> s && s.get("metrics") instanceof List<?> l ? l : List.of();
    if (metrics.isEmpty()) {
      return Optional.of("it has no metrics (an HPA without any scales on CPU)");
    }
    List<String> misses = new ArrayList<>();
    for (int i = 0; i < metrics.size(); i++) {
      Map<?, ?> metric = metrics.get(i) instanceof Map<?, ?> m ? m : Map.of();
      if (!"External".equals(metric.get("type"))) {
        misses.add("metric " + i + " is of type " + metric.get("type") + ", not External");
        continue;
      }
      Map<?, ?> identifier = metric.get("external") instanceof Map<?, ?> e && e.get("metric") instanceof Map<?, ?> id ? id : Map.of();
      if (!OperatorMetrics.DESIRED_REPLICAS.equals(identifier.get("name"))) {
        misses.add("metric " + i + " is " + identifier.get("name") + ", not " + OperatorMetrics.DESIRED_REPLICAS);
        continue;
      }
      Map<?, ?> selector = identifier.get("selector") instanceof Map<?, ?> sel ? sel : Map.of();
      Map<String, String> pinned = new LinkedHashMap<>();
      Optional<String> unpinned = pinnedLabels(selector, pinned);
      if (unpinned.isPresent()) {
        misses.add("metric " + i + "'s selector " + unpinned.get());
        continue;
      }
      if (!series.name().equals(pinned.get(NAME_LABEL))) {
        misses.add("metric " + i + "'s selector has no matchLabels " + NAME_LABEL + ": " + series.name()
            + " (or matchExpressions key " + NAME_LABEL + " operator In values [" + series.name() + "])");
        continue;
      }
      for (String key : NAMESPACE_LABELS) {
        if (pinned.containsKey(key) && !series.namespace().equals(pinned.get(key))) {
          misses.add("metric " + i + "'s selector has " + key + ": " + pinned.get(key) + ", not " + series.namespace());
        }
      }
    }
    return misses.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", misses));
  }

  /**
   * The one value each label of a label selector pins, from {@code matchLabels} and from
   * {@code matchExpressions} with the operator In and one value, into {@code pinned}; an expression
   * on the name or a namespace label that pins no one value leaves the series open, and is said.
   */
  private static Optional<String> pinnedLabels(Map<?, ?> selector, Map<String, String> pinned) {
    if (selector.get("matchLabels") instanceof Map<?, ?> labels) {
      labels.forEach((k, v) -> pinned.put(String.valueOf(k), String.valueOf(v)));
    }
    List<?> expressions = selector.get("matchExpressions") instanceof List<?> l ? l : List.of();
    for (Object e : expressions) {
      Map<?, ?> expression = e instanceof Map<?, ?> m ? m : Map.of();
      String key = String.valueOf(expression.get("key"));
      List<?> values = expression.get("values") instanceof List<?> v ? v : List.of();
      boolean ours = NAME_LABEL.equals(key) || NAMESPACE_LABELS.contains(key);
      if ("In".equals(expression.get("operator")) && values.size() == 1) {
        String value = String.valueOf(values.get(0));
        if (pinned.containsKey(key) && !pinned.get(key).equals(value)) {
          return Optional.of("asks " + key + " to be both " + pinned.get(key) + " and " + value);
        }
        pinned.put(key, value);
      } else if (ours) {
        return Optional.of("has a matchExpressions on " + key + " (" + expression.get("operator") + " " + values
            + ") that does not pin one value: use operator In with one value");
      }
    }
    return Optional.empty();
  }
}
