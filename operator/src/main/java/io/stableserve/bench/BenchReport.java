package io.stableserve.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The benchmark's table, its check against the goal, and its chart. */
public final class BenchReport {

  private BenchReport() {}

  /** One Markdown table row per run. */
  public static void printTable(PrintWriter out, List<RunResult> results) {
    out.println("| workload | policy | GPU-h | vs oracle | TTFT<2s | P99 TTFT (s) | longest backlog (s) | peak queue | actions | preemptions |");
    out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (RunResult r : results) {
      double oracle = results.stream()
          .filter(o -> o.workload().equals(r.workload()) && o.policy().equals(Oracle.NAME))
          .mapToDouble(RunResult::gpuHours).findFirst().orElse(Double.NaN);
      out.printf(Locale.ROOT, "| %s | %s | %.2f | %s | %.1f%% | %s | %.0f | %d | %d | %d |%n",
          r.workload(), r.policy(), r.gpuHours(),
          Double.isNaN(oracle) ? "" : String.format(Locale.ROOT, "%+.0f%%", 100 * (r.gpuHours() / oracle - 1)),
          100 * r.sloAttainment(), Double.isInfinite(r.ttftP99()) ? "unfinished" : String.format(Locale.ROOT, "%.2f", r.ttftP99()),
          r.longestBacklogSeconds(), r.peakQueue(), r.scalingActions(), r.preemptions());
    }
    out.flush();
  }

  /**
   * The goal, per workload, checked on the figures: StableServe's SLO attainment at least
   * the best peer's; GPU-hours at least 25% below the cheapest peer that meets the SLO as often;
   * no backlog longer than the replica start-up delay; fewer scaling actions than every peer;
   * GPU-hours within 15% of the oracle.
   */
  public static List<String> goalCheck(List<RunResult> results, double startupSeconds) {
    List<String> lines = new ArrayList<>();
    List<String> workloads = results.stream().map(RunResult::workload).distinct().toList();
    String oracleName = Oracle.NAME;
    for (String w : workloads) {
      List<RunResult> runs = results.stream().filter(r -> r.workload().equals(w)).toList();
      Optional<RunResult> ss = runs.stream().filter(r -> r.policy().equals(StableServeAutoscaler.NAME)).findFirst();
      List<RunResult> peers = runs.stream().filter(r -> !r.policy().equals(StableServeAutoscaler.NAME) && !r.policy().equals(oracleName)).toList();
      Optional<RunResult> oracle = runs.stream().filter(r -> r.policy().equals(oracleName)).findFirst();
      if (ss.isEmpty() || peers.isEmpty()) {
        continue;
      }
      RunResult s = ss.get();
      double bestPeerSlo = peers.stream().mapToDouble(RunResult::sloAttainment).max().orElseThrow();
      Optional<RunResult> cheapestAsGood = peers.stream().filter(p -> p.sloAttainment() >= s.sloAttainment())
          .min(java.util.Comparator.comparingDouble(RunResult::gpuHours));
      int fewestPeerActions = peers.stream().mapToInt(RunResult::scalingActions).min().orElseThrow();
      StringBuilder b = new StringBuilder(w).append(": ");
      b.append(String.format(Locale.ROOT, "SLO %.1f%% vs best peer %.1f%% [%s]; ", 100 * s.sloAttainment(), 100 * bestPeerSlo,
          s.sloAttainment() >= bestPeerSlo ? "met" : "missed"));
      b.append(cheapestAsGood.map(p -> String.format(Locale.ROOT, "GPU-h %.2f vs %.2f of %s, the cheapest peer as good (%+.0f%%) [%s]; ",
              s.gpuHours(), p.gpuHours(), p.policy(), 100 * (s.gpuHours() / p.gpuHours() - 1),
              s.gpuHours() <= 0.75 * p.gpuHours() ? "met" : "missed"))
          .orElse("no peer meets the SLO as often [met]; "));
      b.append(String.format(Locale.ROOT, "longest backlog %.0f s [%s]; ", s.longestBacklogSeconds(),
          s.longestBacklogSeconds() <= startupSeconds ? "met" : "missed"));
      b.append(String.format(Locale.ROOT, "%d actions vs fewest peer %d [%s]", s.scalingActions(), fewestPeerActions,
          s.scalingActions() < fewestPeerActions ? "met" : "missed"));
      oracle.ifPresent(o -> b.append(String.format(Locale.ROOT, "; GPU-h %+.0f%% of the oracle [%s]",
          100 * (s.gpuHours() / o.gpuHours() - 1), s.gpuHours() <= 1.15 * o.gpuHours() ? "met" : "missed")));
      lines.add(b.toString());
    }
    return lines;
  }

  /** One panel per workload: the replicas each policy asked for over time. Written as PNG. */
  public static void writeChart(Path file, List<RunResult> results) throws IOException {
    List<String> workloads = results.stream().map(RunResult::workload).distinct().toList();
    List<XYChart> charts = new ArrayList<>();
    for (String w : workloads) {
      XYChart chart = new XYChartBuilder().width(720).height(420).title(w).xAxisTitle("minutes").yAxisTitle("replicas").build();
      chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
      chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
      chart.getStyler().setMarkerSize(0);
      for (RunResult r : results) {
        if (!r.workload().equals(w)) {
          continue;
        }
        double[] x = new double[r.replicas().size()];
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
          x[i] = r.replicas().get(i)[0] / 60;
          y[i] = r.replicas().get(i)[1];
        }
        XYSeries s = chart.addSeries(r.policy(), x, y);
        s.setMarker(SeriesMarkers.NONE);
      }
      charts.add(chart);
    }
    int cols = Math.min(2, charts.size());
    int rows = (charts.size() + cols - 1) / cols;
    String name = file.toString();
    String base = name.toLowerCase(Locale.ROOT).endsWith(".png") ? name.substring(0, name.length() - 4) : name;
    BitmapEncoder.saveBitmap(new ArrayList<>(charts), rows, cols, base, BitmapEncoder.BitmapFormat.PNG);
  }
}
