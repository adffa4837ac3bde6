package io.stableserve.sim.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.workload.ProjectData;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The V0 dialect against the real V0 page in the project's data: same families, types, help and labels. */
class V0SampleTest {

  private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? .*$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

  record Family(String type, String help, Set<String> labelKeys) {}

  /** A lenient reading: the published sample is partial (no +Inf bucket, no _count). */
  static Map<String, Family> families(String text) {
    Map<String, String> types = new HashMap<>();
    Map<String, String> helps = new HashMap<>();
    Map<String, Set<String>> labels = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] p = line.substring(7).split(" ", 2);
        types.put(p[0], p[1]);
      } else if (line.startsWith("# HELP ")) {
        String[] p = line.substring(7).split(" ", 2);
        helps.put(p[0], p[1]);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        Matcher m = SERIES.matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        String name = m.group(1).replaceAll("_(bucket|sum|count)$", "");
        Set<String> keys = labels.computeIfAbsent(types.containsKey(m.group(1)) ? m.group(1) : name,
            k -> new TreeSet<>());
        if (m.group(3) != null) {
          Matcher l = LABEL.matcher(m.group(3));
          while (l.find()) {
            if (!l.group(1).equals("le")) {
              keys.add(l.group(1));
            }
          }
        }
      }
    }
    Map<String, Family> out = new HashMap<>();
    types.forEach((name, type) -> out.put(name, new Family(type, helps.get(name), labels.getOrDefault(name, Set.of()))));
    return out;
  }

  @Test
  void v0DialectMatchesTheRealV0Page() throws IOException {
    Map<String, Family> real = families(ProjectData.read("vllm-v0-metrics-sample.prom"));
    VllmMetrics metrics = new VllmMetrics(new CacheConfigInfo(81_767, 16, 0.9), 32_768);
    metrics.finished(VllmMetrics.FinishReason.STOP, 37, 238, 0.01, 3.2);
    Map<String, Family> ours = families(VllmExposition.render(metrics.snapshot(), "Qwen/Qwen2.5-Coder-1.5B-Instruct", 0,
        VllmExposition.Dialect.V0));
    assertThat(real).isNotEmpty();
    for (Map.Entry<String, Family> e : real.entrySet()) {
      assertThat(ours).as("family " + e.getKey()).containsKey(e.getKey());
      Family mine = ours.get(e.getKey());
      assertThat(mine.type()).as("type of " + e.getKey()).isEqualTo(e.getValue().type());
      if (e.getValue().help() != null) {
        assertThat(mine.help()).as("help of " + e.getKey()).isEqualTo(e.getValue().help());
      }
      assertThat(mine.labelKeys()).as("label keys of " + e.getKey()).isEqualTo(e.getValue().labelKeys());
    }
  }
}
