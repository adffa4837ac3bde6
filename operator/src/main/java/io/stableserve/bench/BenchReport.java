package io.stableserve.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The benchmark's tables (one per stage, engine and seed; a summary per stage and engine), its
 * check against the goal, and its chart.
 */
public final class BenchReport {

  private BenchReport() {}

  /** The mean of a policy's figures at one setting over the seeds of a stage and engine. */
  public record Mean(PolicyKind kind, String policy, String setting, boolean defaultSetting, double attainment, double gpuHours,
      double scalingActions, double longestBacklogSeconds, int seeds) {

    static Mean of(List<RunResult> runs) {
      RunResult first = runs.get(0);
      return new Mean(first.kind(), first.policy(), first.setting(), first.defaultSetting(),
          runs.stream().mapToDouble(RunResult::sloAttainment).average().orElseThrow(),
          runs.stream().mapToDouble(RunResult::gpuHours).average().orElseThrow(),
          runs.stream().mapToDouble(RunResult::scalingActions).average().orElseThrow(),
          runs.stream().mapToDouble(RunResult::longestBacklogSeconds).max().orElseThrow(), runs.size());
    }

  }

  /** Best first: attainment down (ties within {@link Benchmark#ATTAINMENT_TIE}), then GPU-hours up. */
  static final Comparator<Mean> BEST_MEAN_FIRST = (a, b) -> {
    if (Math.abs(a.attainment() - b.attainment()) > Benchmark.ATTAINMENT_TIE) {
      return Double.compare(b.attainment(), a.attainment());
    }
    return Double.compare(a.gpuHours(), b.gpuHours());
  };

  // ---- one table per stage, engine and seed ----

  /**
   * One Markdown table for one cell (a stage, an engine, a seed): per workload, StableServe, each
   * peer at its default and at its best grid point (one row when they are the same), the SLO
   * bound and the reactive bound.
   */
  public static void printCellTable(PrintWriter out, List<Benchmark.WorkloadRuns> cell, double ttftTargetSeconds) {
    out.printf(Locale.ROOT, "| workload | policy | setting | GPU-h | ÷ bound | TTFT<%ss | P99 TTFT (s) | longest backlog (s) | peak queue | actions | preemptions |%n",
        number(ttftTargetSeconds));
    out.println("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (Benchmark.WorkloadRuns w : cell) {
      double bound = w.boundRun().map(RunResult::gpuHours).orElse(Double.NaN);
      for (RunResult r : rows(w)) {
        String setting = r.setting();
        if (r.kind() != null && r.kind().isPeer()) {
          boolean best = w.best(r.kind()).map(b -> b == r).orElse(false);
          setting += r.defaultSetting() && best ? " (default, best)" : r.defaultSetting() ? " (default)" : " (best)";
        }
        out.printf(Locale.ROOT, "| %s | %s | %s | %.2f | %s | %.1f%% | %s | %.0f | %d | %d | %d |%n",
            r.workload(), r.policy(), setting, r.gpuHours(),
            Double.isNaN(bound) ? "" : String.format(Locale.ROOT, "%.2f", r.gpuHours() / bound),
            100 * r.sloAttainment(), Double.isInfinite(r.ttftP99()) ? "unfinished" : String.format(Locale.ROOT, "%.2f", r.ttftP99()),
            r.longestBacklogSeconds(), r.peakQueue(), r.scalingActions(), r.preemptions());
      }
    }
    out.flush();
  }

  /** The rows of one workload: StableServe, each peer's default and best, the bounds. */
  static List<RunResult> rows(Benchmark.WorkloadRuns w) {
    List<RunResult> rows = new ArrayList<>();
    w.stableServe().ifPresent(rows::add);
    rows.addAll(w.of(PolicyKind.STABLESERVE_METRIC));
    for (PolicyKind kind : PolicyKind.values()) {
      if (!kind.isPeer() || w.of(kind).isEmpty()) {
        continue;
      }
      Optional<RunResult> def = w.atDefault(kind);
      Optional<RunResult> best = w.best(kind);
      def.ifPresent(rows::add);
      best.filter(b -> def.map(d -> d != b).orElse(true)).ifPresent(rows::add);
    }
    w.boundRun().ifPresent(rows::add);
    w.reactiveBoundRun().ifPresent(rows::add);
    return rows;
  }

  /** How each bound's factor was found, one line per bound and workload of a cell. */
  public static List<String> boundSearches(List<Benchmark.WorkloadRuns> cell) {
    List<String> lines = new ArrayList<>();
    for (Benchmark.WorkloadRuns w : cell) {
      w.bound().ifPresent(b -> lines.add(search(w.workload(), SloBound.NAME, b)));
      w.reactiveBound().ifPresent(b -> lines.add(search(w.workload(), ReactiveBound.NAME, b)));
    }
    return lines;
  }

  private static String search(String workload, String bound, SloBound.Result found) {
    return String.format(Locale.ROOT, "%s: %s %s; factors run: %s", workload, bound, found.setting(),
        found.probes().entrySet().stream()
            .map(e -> String.format(Locale.ROOT, "×%.2f %.1f%%", e.getKey(), 100 * e.getValue()))
            .collect(Collectors.joining(", ")));
  }

  // ---- the summary per stage and engine ----

  /** The means over seeds of every setting of every policy on one workload, in run order. */
  static List<Mean> means(List<Benchmark.WorkloadRuns> seeds) {
    Map<String, List<RunResult>> byKey = new LinkedHashMap<>();
    for (Benchmark.WorkloadRuns w : seeds) {
      for (RunResult r : w.runs()) {
        String key = r.kind().isBound() ? r.kind().key() : r.kind().key() + "|" + r.setting();
        byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
      }
    }
    return byKey.values().stream().filter(l -> l.size() == seeds.size()).map(Mean::of).toList();
  }

  /**
   * One Markdown table for a stage and an engine, means over its seeds: per workload, StableServe's
   * attainment and GPU-hours; the best tuned peer (the peer setting with the highest mean attainment,
   * then the fewest GPU-hours); the cheapest peer setting whose mean attainment reaches
   * StableServe's; the SLO bound's GPU-hours and StableServe's ratio to them; the reactive bound's and
   * StableServe's ratio to them.
   *
   * @param byWorkload the cells of every seed, per workload
   */
  public static void printSummary(PrintWriter out, Map<String, List<Benchmark.WorkloadRuns>> byWorkload, double ttftTargetSeconds) {
    String t = number(ttftTargetSeconds);
    out.printf(Locale.ROOT, "| workload | StableServe TTFT<%ss | StableServe GPU-h | best tuned peer | its TTFT<%ss | its GPU-h "
        + "| cheapest peer as good as StableServe | its TTFT<%ss | its GPU-h | SLO bound GPU-h | bound's factor by seed | StableServe ÷ bound "
        + "| reactive bound GPU-h | StableServe ÷ reactive bound |%n",
        t, t, t);
    out.println("| --- | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |");
    for (Map.Entry<String, List<Benchmark.WorkloadRuns>> e : byWorkload.entrySet()) {
      List<Mean> means = means(e.getValue());
      Optional<Mean> ss = means.stream().filter(m -> m.kind() == PolicyKind.STABLESERVE).findFirst();
      List<Mean> peers = means.stream().filter(m -> m.kind().isPeer()).toList();
      Optional<Mean> best = peers.stream().min(BEST_MEAN_FIRST);
      Optional<Mean> cheapest = ss.flatMap(s -> cheapestAsGood(peers, s.attainment()));
      Optional<Mean> bound = means.stream().filter(m -> m.kind() == PolicyKind.SLO_BOUND).findFirst();
      Optional<Mean> reactive = means.stream().filter(m -> m.kind() == PolicyKind.REACTIVE_BOUND).findFirst();
      out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", e.getKey(),
          ss.map(m -> percent(m.attainment())).orElse(""), ss.map(m -> hours(m.gpuHours())).orElse(""),
          best.map(BenchReport::label).orElse(""), best.map(m -> percent(m.attainment())).orElse(""),
          best.map(m -> hours(m.gpuHours())).orElse(""),
          ss.isEmpty() ? "" : cheapest.map(BenchReport::label).orElse("none"), cheapest.map(m -> percent(m.attainment())).orElse(""),
          cheapest.map(m -> hours(m.gpuHours())).orElse(""),
          bound.map(m -> hours(m.gpuHours())).orElse(""), bound.isPresent() ? factors(e.getValue()) : "",
          ss.isPresent() && bound.isPresent() ? String.format(Locale.ROOT, "%.2f", ss.get().gpuHours() / bound.get().gpuHours()) : "",
          reactive.map(m -> hours(m.gpuHours())).orElse(""),
          ss.isPresent() && reactive.isPresent() ? String.format(Locale.ROOT, "%.2f", ss.get().gpuHours() / reactive.get().gpuHours()) : "");
    }
    out.flush();
  }

  /** The cheapest peer setting whose mean attainment reaches {@code attainment} (within the tie). */
  static Optional<Mean> cheapestAsGood(List<Mean> peers, double attainment) {
    return peers.stream().filter(p -> p.attainment() >= attainment - Benchmark.ATTAINMENT_TIE)
        .min(Comparator.comparingDouble(Mean::gpuHours));
  }

  /** The bound's factor on each seed, with why it was chosen: "×1.05 / ×1.10 (99% in time)". */
  private static String factors(List<Benchmark.WorkloadRuns> seeds) {
    List<SloBound.Result> found = seeds.stream().flatMap(w -> w.bound().stream()).toList();
    boolean sameWhy = found.stream().map(SloBound.Result::why).distinct().count() == 1;
    String list = found.stream()
        .map(r -> String.format(Locale.ROOT, "×%.2f", r.factor()) + (sameWhy ? "" : " (" + r.why() + ")"))
        .collect(Collectors.joining(" / "));
    return sameWhy && !found.isEmpty() ? list + " (" + found.get(0).why() + ")" : list;
  }

  private static String label(Mean m) {
    return m.policy() + " " + m.setting() + (m.defaultSetting() ? " (default)" : "");
  }

  /**
   * The goal for a stage and engine, per workload, on the means over seeds: StableServe's
   * attainment at least the best tuned peer's; GPU-hours at least 25% below the cheapest peer
   * setting as good; no backlog longer than the replica start-up delay (on any seed); fewer scaling
   * actions than every peer at its best setting; and its GPU-hours over each bound's.
   */
  public static List<String> goalCheck(Map<String, List<Benchmark.WorkloadRuns>> byWorkload, double startupSeconds) {
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, List<Benchmark.WorkloadRuns>> e : byWorkload.entrySet()) {
      List<Mean> means = means(e.getValue());
      Optional<Mean> ssm = means.stream().filter(m -> m.kind() == PolicyKind.STABLESERVE).findFirst();
      List<Mean> peers = means.stream().filter(m -> m.kind().isPeer()).toList();
      if (ssm.isEmpty() || peers.isEmpty()) {
        continue;
      }
      Mean s = ssm.get();
      Mean best = peers.stream().min(BEST_MEAN_FIRST).orElseThrow();
      Optional<Mean> cheapest = cheapestAsGood(peers, s.attainment());
      double fewestActions = bestPerPeer(peers).stream().mapToDouble(Mean::scalingActions).min().orElseThrow();
      StringBuilder b = new StringBuilder(e.getKey()).append(": ");
      b.append(String.format(Locale.ROOT, "SLO %s vs best tuned peer %s (%s) [%s]; ", percent(s.attainment()), percent(best.attainment()),
          label(best), s.attainment() >= best.attainment() - Benchmark.ATTAINMENT_TIE ? "met" : "missed"));
      b.append(cheapest.map(p -> String.format(Locale.ROOT, "GPU-h %.2f vs %.2f of %s, the cheapest peer as good (%+.0f%%) [%s]; ",
              s.gpuHours(), p.gpuHours(), label(p), 100 * (s.gpuHours() / p.gpuHours() - 1), s.gpuHours() <= 0.75 * p.gpuHours() ? "met" : "missed"))
          .orElse("no peer setting meets the SLO as often [met]; "));
      b.append(String.format(Locale.ROOT, "longest backlog %.0f s [%s]; ", s.longestBacklogSeconds(),
          s.longestBacklogSeconds() <= startupSeconds ? "met" : "missed"));
      b.append(String.format(Locale.ROOT, "%.1f actions vs fewest tuned peer %.1f [%s]", s.scalingActions(), fewestActions,
          s.scalingActions() < fewestActions ? "met" : "missed"));
      means.stream().filter(m -> m.kind() == PolicyKind.SLO_BOUND).findFirst().ifPresent(bound ->
          b.append(String.format(Locale.ROOT, "; GPU-h %.2f× the SLO bound's %.2f", s.gpuHours() / bound.gpuHours(), bound.gpuHours())));
      means.stream().filter(m -> m.kind() == PolicyKind.REACTIVE_BOUND).findFirst().ifPresent(reactive ->
          b.append(String.format(Locale.ROOT, ", %.2f× the reactive bound's %.2f", s.gpuHours() / reactive.gpuHours(), reactive.gpuHours())));
      lines.add(b.toString());
    }
    return lines;
  }

  /** Each peer's best setting. */
  private static List<Mean> bestPerPeer(List<Mean> peers) {
    Map<PolicyKind, List<Mean>> byKind = peers.stream().collect(Collectors.groupingBy(Mean::kind, LinkedHashMap::new, Collectors.toList()));
    return byKind.values().stream().map(l -> l.stream().min(BEST_MEAN_FIRST).orElseThrow()).toList();
  }

  // ---- the chart ----

  /**
   * One panel per workload of one cell, one quantity (replicas asked for, against minutes):
   * StableServe, each peer at its best setting, the SLO bound and the reactive bound. Written as PNG.
   */
  public static void writeChart(Path file, List<Benchmark.WorkloadRuns> cell) throws IOException {
    List<XYChart> charts = new ArrayList<>();
    for (Benchmark.WorkloadRuns w : cell) {
      XYChart chart = new XYChartBuilder().width(720).height(420).title(w.workload() + " (" + w.setup().cell() + ")")
          .xAxisTitle("minutes").yAxisTitle("replicas").build();
      chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
      chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
      chart.getStyler().setMarkerSize(0);
      List<RunResult> shown = new ArrayList<>();
      w.stableServe().ifPresent(shown::add);
      for (PolicyKind kind : PolicyKind.values()) {
        if (kind.isPeer()) {
          w.best(kind).ifPresent(shown::add);
        }
      }
      w.boundRun().ifPresent(shown::add);
      w.reactiveBoundRun().ifPresent(shown::add);
      for (RunResult r : shown) {
        double[] x = new double[r.replicas().size()];
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
          x[i] = r.replicas().get(i)[0] / 60;
          y[i] = r.replicas().get(i)[1];
        }
        String name = r.kind() == PolicyKind.STABLESERVE ? r.policy() : r.policy() + " " + r.setting();
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        if (r.kind() == PolicyKind.SLO_BOUND || r.kind() == PolicyKind.REACTIVE_BOUND) {
          // The bounds are references, not policies: dashed, in greys of their own.
          s.setLineStyle(SeriesLines.DASH_DASH);
          s.setLineColor(r.kind() == PolicyKind.SLO_BOUND ? java.awt.Color.BLACK : java.awt.Color.GRAY);
        }
      }
      charts.add(chart);
    }
    if (charts.isEmpty()) {
      return;
    }
    int cols = Math.min(2, charts.size());
    int rows = (charts.size() + cols - 1) / cols;
    String name = file.toString();
    String base = name.toLowerCase(Locale.ROOT).endsWith(".png") ? name.substring(0, name.length() - 4) : name;
    BitmapEncoder.saveBitmap(new ArrayList<>(charts), rows, cols, base, BitmapEncoder.BitmapFormat.PNG);
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }

  private static String hours(double h) {
    return String.format(Locale.ROOT, "%.2f", h);
  }

  private static String number(double x) {
    return x == Math.rint(x) ? String.format(Locale.ROOT, "%.0f", x) : String.format(Locale.ROOT, "%s", x);
  }
}
