package io.stableserve.e2e;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  /** Writes arrival rate, stable capacity, replicas and queue over time as a PNG. */
  public Path chart(Path png, String title) {
    List<Served.Row> all = rows();
    if (all.isEmpty()) {
      throw new IllegalStateException("no samples to chart for " + served.namespace());
    }
    double t0 = all.get(0).time();
    double[] t = all.stream().mapToDouble(r -> r.time() - t0).toArray();
    XYChart chart = new XYChartBuilder().width(1000).height(560).title(title)
        .xAxisTitle("time (s)").yAxisTitle("req/s, replicas, requests queued").build();
    chart.getStyler().setMarkerSize(0);
    add(chart, "arrival rate (req/s)", t, all.stream().mapToDouble(Served.Row::arrivalRate).toArray());
    add(chart, "stable capacity of ready replicas (req/s)", t,
        all.stream().mapToDouble(r -> Double.isNaN(r.stableCapacity()) ? 0 : r.stableCapacity()).toArray());
    add(chart, "replicas (spec)", t, all.stream().mapToDouble(Served.Row::desired).toArray());
    add(chart, "replicas ready", t, all.stream().mapToDouble(Served.Row::ready).toArray());
    add(chart, "queue (requests)", t, all.stream().mapToDouble(Served.Row::queue).toArray());
    try {
      Files.createDirectories(png.toAbsolutePath().getParent());
      BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the chart " + png, e);
    }
    return png.toString().endsWith(".png") ? png : Path.of(png + ".png");
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
