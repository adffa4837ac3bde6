package io.stableserve.e2e;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Samples a service of the loop at a fixed period in the background ({@link Served#row()}), keeps the
 * rows, hands each to a listener (the demo prints them), and draws them as a chart.
 */
public final class Timeline implements AutoCloseable {

  private final Served served;
  private final List<Served.Row> rows = new ArrayList<>();
  private final ScheduledExecutorService timer;
  private volatile RuntimeException lastError;

  public Timeline(Served served, long periodMillis, Consumer<Served.Row> listener) {
    this.served = served;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "timeline-" + served.namespace());
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(() -> {
      try {
        Served.Row row = served.row();
        synchronized (rows) {
          rows.add(row);
        }
        listener.accept(row);
      } catch (RuntimeException e) {
        lastError = e;
      }
    }, 0, periodMillis, TimeUnit.MILLISECONDS);
  }

  public List<Served.Row> rows() {
    synchronized (rows) {
      return List.copyOf(rows);
    }
  }

  public RuntimeException lastError() {
    return lastError;
  }

  /**
   * Writes the rows as a PNG, one panel per quantity, each with one unit: rates and capacity (req/s),
   * replicas, the queue (requests), and TTFT (s) against the SLO's target when there is one.
   */
  public Path chart(Path png, String title, OptionalDouble ttftTarget) {
    List<Served.Row> all = rows();
    if (all.isEmpty()) {
      throw new IllegalStateException("no samples to chart for " + served.namespace());
    }
    double t0 = all.get(0).time();
    double[] t = all.stream().mapToDouble(r -> r.time() - t0).toArray();
    XYChart rates = panel(title + ": arrivals and capacity", "req/s");
    add(rates, "arrival rate offered", t, all.stream().mapToDouble(Served.Row::arrivalRate).toArray());
    add(rates, "λ̂ (the operator's estimate)", t, all.stream().mapToDouble(r -> Double.isNaN(r.observedRate()) ? 0 : r.observedRate()).toArray());
    add(rates, "stable capacity of ready replicas", t,
        all.stream().mapToDouble(r -> Double.isNaN(r.stableCapacity()) ? 0 : r.stableCapacity()).toArray());
    XYChart replicas = panel("replicas", "replicas");
    add(replicas, "spec", t, all.stream().mapToDouble(Served.Row::desired).toArray());
    add(replicas, "ready", t, all.stream().mapToDouble(Served.Row::ready).toArray());
    XYChart queue = panel("queue", "requests waiting");
    add(queue, "waiting in the replicas", t, all.stream().mapToDouble(Served.Row::queue).toArray());
    XYChart ttft = panel("time to first token", "seconds");
    add(ttft, "TTFT p99 measured", t, all.stream().mapToDouble(r -> Double.isNaN(r.ttftP99()) ? 0 : r.ttftP99()).toArray());
    ttftTarget.ifPresent(target -> add(ttft, "SLO target", t, all.stream().mapToDouble(r -> target).toArray()));
    try {
      Files.createDirectories(png.toAbsolutePath().getParent());
      BitmapEncoder.saveBitmap(List.of(rates, replicas, queue, ttft), 4, 1, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the chart " + png, e);
    }
    return png.toString().endsWith(".png") ? png : Path.of(png + ".png");
  }

  private static XYChart panel(String title, String unit) {
    XYChart chart = new XYChartBuilder().width(1000).height(260).title(title).xAxisTitle("time (s)").yAxisTitle(unit).build();
    chart.getStyler().setMarkerSize(0);
    return chart;
  }

  private static void add(XYChart chart, String name, double[] x, double[] y) {
    XYSeries s = chart.addSeries(name, x, y);
    s.setMarker(SeriesMarkers.NONE);
  }

  public static void print(PrintStream out, Served.Row row) {
    out.println(row.format());
    out.flush();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
