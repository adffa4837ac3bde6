package io.stableserve.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's rules, read from the main sources' imports and qualified names: the mathematics
 * never touches Kubernetes, HTTP or the edges, solve does not run the simulator, and the packages
 * form no cycle.
 */
class PackageRulesTest {

  static final Path SOURCES = Path.of("src/main/java");
  static final String ROOT = "io.stableserve";

  /** The Kubernetes-free core. */
  static final List<String> CORE = List.of("workload", "solve", "decide", "estimate", "correct", "pipeline", "settings", "observe");

  /** What the core must not reach: Kubernetes, the operator framework, HTTP, the Prometheus adapter and the edges. */
  static final List<String> FORBIDDEN = List.of("io.fabric8.", "io.javaoperatorsdk.", "java.net.http.", ROOT + ".observe.prometheus.",
      ROOT + ".reconcile.", ROOT + ".actuate.", ROOT + ".report.", ROOT + ".api.", ROOT + ".cli.", ROOT + ".bench.");

  static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)\\s*;", Pattern.MULTILINE);
  static final Pattern QUALIFIED = Pattern.compile("\\b(io\\.stableserve(?:\\.[a-z]\\w*)+|io\\.fabric8(?:\\.[a-z]\\w*)+|"
      + "io\\.javaoperatorsdk(?:\\.[a-z]\\w*)+|java\\.net\\.http)\\.[A-Z]");

  record Source(String pkg, Path file, Set<String> references) {}

  static List<Source> sources() {
    assertThat(SOURCES).as("the main sources, read from the operator module's folder").isDirectory();
    List<Source> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String text = Files.readString(f);
        String pkg = SOURCES.relativize(f.getParent()).toString().replace('/', '.').replace('\\', '.');
        Set<String> refs = new TreeSet<>();
        Matcher m = IMPORT.matcher(text);
        while (m.find()) {
          refs.add(m.group(1));
        }
        Matcher q = QUALIFIED.matcher(withoutComments(text));
        while (q.find()) {
          refs.add(q.group(1) + ".*");
        }
        out.add(new Source(pkg, f, refs));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(out).as("Java sources under " + SOURCES.toAbsolutePath()).hasSizeGreaterThan(100);
    return out;
  }

  static String withoutComments(String text) {
    return text.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
  }

  static boolean inCore(String pkg) {
    return CORE.stream().anyMatch(c -> {
      String p = ROOT + "." + c;
      return (pkg.equals(p) || pkg.startsWith(p + ".")) && !pkg.startsWith(ROOT + ".observe.prometheus");
    });
  }

  static List<String> violations(List<Source> sources) {
    List<String> out = new ArrayList<>();
    for (Source s : sources) {
      if (!inCore(s.pkg())) {
        continue;
      }
      for (String ref : s.references()) {
        for (String forbidden : FORBIDDEN) {
          if (ref.startsWith(forbidden)) {
            out.add(s.file() + " (" + s.pkg() + ") uses " + ref);
          }
        }
        if (s.pkg().startsWith(ROOT + ".solve") && ref.startsWith(ROOT + ".sim.")) {
          out.add(s.file() + " (solve) uses the simulator: " + ref);
        }
      }
    }
    return out;
  }

  @Test
  void theCoreReachesNoKubernetesNoHttpAndNoEdge() {
    assertThat(violations(sources())).isEmpty();
  }

  @Test
  void theRuleCatchesWhatItForbids() {
    Source bad = new Source(ROOT + ".decide", Path.of("Bad.java"), Set.of("io.fabric8.kubernetes.api.model.Pod"));
    Source solveSim = new Source(ROOT + ".solve", Path.of("Sim.java"), Set.of(ROOT + ".sim.SaturatedEngine"));
    Source edge = new Source(ROOT + ".reconcile", Path.of("Edge.java"), Set.of("io.fabric8.kubernetes.api.model.Pod"));
    Source prometheus = new Source(ROOT + ".pipeline", Path.of("P.java"), Set.of(ROOT + ".observe.prometheus.PrometheusClient"));
    assertThat(violations(List.of(bad, solveSim, edge, prometheus))).hasSize(3);
  }

  /** Package → the packages of this project it uses. */
  static Map<String, Set<String>> graph(List<Source> sources) {
    Set<String> packages = new HashSet<>();
    sources.forEach(s -> packages.add(s.pkg()));
    Map<String, Set<String>> deps = new TreeMap<>();
    for (Source s : sources) {
      Set<String> to = deps.computeIfAbsent(s.pkg(), k -> new TreeSet<>());
      for (String ref : s.references()) {
        String p = ref;
        while (p.contains(".") && !packages.contains(p)) {
          p = p.substring(0, p.lastIndexOf('.'));
        }
        if (packages.contains(p) && !p.equals(s.pkg())) {
          to.add(p);
        }
      }
    }
    return deps;
  }

  /** The strongly connected components of more than one package (Tarjan). */
  static List<Set<String>> cycles(Map<String, Set<String>> deps) {
    List<Set<String>> out = new ArrayList<>();
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    List<String> stack = new ArrayList<>();
    Set<String> onStack = new HashSet<>();
    int[] counter = {0};
    for (String v : deps.keySet()) {
      if (!index.containsKey(v)) {
        connect(v, deps, index, low, stack, onStack, counter, out);
      }
    }
    return out;
  }

  private static void connect(String v, Map<String, Set<String>> deps, Map<String, Integer> index, Map<String, Integer> low,
      List<String> stack, Set<String> onStack, int[] counter, List<Set<String>> out) {
    index.put(v, counter[0]);
    low.put(v, counter[0]++);
    stack.add(v);
    onStack.add(v);
    for (String w : deps.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        connect(w, deps, index, low, stack, onStack, counter, out);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.remove(stack.size() - 1);
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        out.add(component);
      }
    }
  }

  @Test
  void noPackageCycle() {
    assertThat(cycles(graph(sources()))).isEmpty();
  }

  @Test
  void aCycleIsFound() {
    Map<String, Set<String>> deps = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
    assertThat(cycles(deps)).containsExactly(Set.of("a", "b", "c"));
  }
}
