package io.stableserve.sim.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A strict reader of the Prometheus text format, enough to read our own pages back in tests. */
final class ExpositionParser {

  record Sample(String name, Map<String, String> labels, double value) {}

  final Map<String, String> help = new HashMap<>();
  final Map<String, String> type = new HashMap<>();
  final List<Sample> samples = new ArrayList<>();

  static ExpositionParser parse(String text) {
    ExpositionParser p = new ExpositionParser();
    String family = null;
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# HELP ")) {
        String[] parts = line.substring(7).split(" ", 2);
        p.help.put(parts[0], parts[1]);
        family = parts[0];
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.substring(7).split(" ", 2);
        if (!parts[0].equals(family)) {
          throw new IllegalArgumentException("TYPE of " + parts[0] + " does not follow its HELP");
        }
        p.type.put(parts[0], parts[1]);
        continue;
      }
      if (line.startsWith("#")) {
        throw new IllegalArgumentException("unexpected comment: " + line);
      }
      p.samples.add(sample(line, family));
    }
    return p;
  }

  private static Sample sample(String line, String family) {
    int i = 0;
    while (i < line.length() && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '_'
        || line.charAt(i) == ':')) {
      i++;
    }
    String name = line.substring(0, i);
    if (family == null || !name.startsWith(family)) {
      throw new IllegalArgumentException("sample " + name + " outside its family " + family);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String key = line.substring(i, eq);
        if (!key.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
          throw new IllegalArgumentException("bad label name " + key);
        }
        if (line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException("label value not quoted in " + line);
        }
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        while (line.charAt(j) != '"') {
          char c = line.charAt(j);
          if (c == '\\') {
            char n = line.charAt(++j);
            value.append(n == 'n' ? '\n' : n);
          } else {
            value.append(c);
          }
          j++;
        }
        if (labels.put(key, value.toString()) != null) {
          throw new IllegalArgumentException("label " + key + " twice in " + line);
        }
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        }
      }
      i++;
    }
    if (line.charAt(i) != ' ') {
      throw new IllegalArgumentException("no space before the value in " + line);
    }
    String v = line.substring(i + 1);
    double value = switch (v) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(v);
    };
    return new Sample(name, labels, value);
  }

  List<Sample> series(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  double value(String name) {
    List<Sample> found = series(name);
    if (found.size() != 1) {
      throw new IllegalArgumentException(name + " has " + found.size() + " series");
    }
    return found.get(0).value();
  }
}
