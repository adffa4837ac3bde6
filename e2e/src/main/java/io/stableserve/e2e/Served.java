package io.stableserve.e2e;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stableserve.api.Conditions;
import io.stableserve.api.InferenceService;
import io.stableserve.api.InferenceServiceStatus;
import io.stableserve.sim.FleetSample;
import io.stableserve.sim.RequestLog;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** One service of the closed loop: its namespace, InferenceService, Deployment and simulated fleet. */
public final class Served {

  private final ClosedLoop loop;
  private final String namespace;
  private final String name;
  private final SimulatedDeployment deployment;

  Served(ClosedLoop loop, String namespace, String name, SimulatedDeployment deployment) {
    this.loop = loop;
    this.namespace = namespace;
    this.name = name;
    this.deployment = deployment;
  }

  public String namespace() {
    return namespace;
  }

  public SimulatedDeployment deployment() {
    return deployment;
  }

  public SteerableLoad load() {
    return deployment.load();
  }

  public InferenceService service() {
    return loop.cluster().client().resources(InferenceService.class).inNamespace(namespace).withName(name).get();
  }

  /** {@code spec.replicas} of the Deployment, as the operator last wrote it. */
  public int specReplicas() {
    Deployment d = loop.cluster().client().apps().deployments().inNamespace(namespace)
        .withName(deployment.fleet().spec().modelName()).get();
    return d.getSpec().getReplicas();
  }

  /** The SuccessfulRescale events of the service, oldest first. */
  public List<Event> rescales() {
    return events(Conditions.SUCCESSFUL_RESCALE);
  }

  /** The service's events with this reason, oldest first. */
  public List<Event> events(String reason) {
    return loop.cluster().client().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .sorted(Comparator.comparing(Event::getFirstTimestamp))
        .toList();
  }

  /** Waits until the InferenceService satisfies {@code condition}; fails with its status when it does not in time. */
  public InferenceService await(String what, Predicate<InferenceService> condition, Duration timeout) {
    InferenceService[] seen = new InferenceService[1];
    awaitTrue(() -> {
      seen[0] = service();
      try {
        return seen[0] != null && seen[0].getStatus() != null && condition.test(seen[0]);
      } catch (NullPointerException e) {
        return false;
      }
    }, timeout, () -> namespace + ": " + what + " did not happen within " + timeout + "; replicas " + specReplicas()
        + ", status:\n" + (seen[0] == null || seen[0].getStatus() == null ? "none" : Serialization.asYaml(seen[0].getStatus()))
        + "\noperator log:\n" + loop.operator().logTail());
    return seen[0];
  }

  public static void awaitTrue(Supplier<Boolean> check, Duration timeout, Supplier<String> failure) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (check.get()) {
        return;
      }
      sleep(Duration.ofMillis(500));
    }
    throw new AssertionError(failure.get());
  }

  public static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What the live table shows at this instant. */
  public Row row() {
    FleetSample s = deployment.fleet().sample();
    double now = s.time();
    RequestLog.LatencySummary latency = deployment.fleet().log().summarize(Math.max(0, now - 20), now, 1.0);
    InferenceService svc = service();
    InferenceServiceStatus st = svc == null ? null : svc.getStatus();
    Double mu = st == null || st.getCapacity() == null ? null : st.getCapacity().getStableRatePerReplica();
    String bottleneck = st == null || st.getCapacity() == null ? null : st.getCapacity().getBottleneck();
    Double observed = st == null || st.getWorkload() == null ? null : st.getWorkload().getArrivalRate();
    return new Row(now, load().rate(), observed == null ? Double.NaN : observed,
        mu == null ? Double.NaN : mu * s.ready(), s.ready(), s.starting(), s.draining(), specReplicas(),
        s.waiting() + s.atRouter(), s.running(), latency.requests() == 0 ? Double.NaN : latency.ttftP99(),
        bottleneck == null ? "-" : bottleneck, st == null ? "-" : st.condition(Conditions.STABLE).map(c -> c.getStatus()).orElse("-"));
  }

  /**
   * One instant of the loop.
   *
   * @param arrivalRate the rate the load generator offers
   * @param observedRate λ̂ in the InferenceService's status
   * @param stableCapacity μ̂ of the status times the ready replicas
   * @param queue requests waiting in the engines and at the router
   * @param ttftP99 of the requests that arrived in the last 20 s and got their first token
   */
  public record Row(double time, double arrivalRate, double observedRate, double stableCapacity, int ready,
      int starting, int draining, int desired, int queue, int running, double ttftP99, String bottleneck, String stable) {

    public static String header() {
      return String.format(Locale.ROOT, "%6s %8s %8s %9s %8s %5s %7s %9s %-12s %s",
          "TIME", "ARRIVAL", "λ̂", "CAPACITY", "REPLICAS", "QUEUE", "RUNNING", "TTFT-P99", "BOTTLENECK", "STABLE");
    }

    public String format() {
      String replicas = ready + (starting > 0 ? "+" + starting : "") + (draining > 0 ? "-" + draining : "");
      return String.format(Locale.ROOT, "%5.0fs %8.2f %8s %9s %8s %5d %7d %9s %-12s %s",
          time, arrivalRate, Double.isNaN(observedRate) ? "-" : String.format(Locale.ROOT, "%.2f", observedRate),
          Double.isNaN(stableCapacity) ? "-" : String.format(Locale.ROOT, "%.2f", stableCapacity),
          replicas, queue, running, Double.isNaN(ttftP99) ? "-" : String.format(Locale.ROOT, "%.2fs", ttftP99),
          bottleneck, stable);
    }
  }

  /** {@code kubectl get inferenceservice}-style header, with the CRD's printer columns. */
  public static String getHeader() {
    return String.format(Locale.ROOT, "%-14s %-14s %-9s %-8s %-11s %-17s %-12s %-11s %-7s %s",
        "NAME", "TARGET", "REPLICAS", "DESIRED", "ARRIVALS/S", "STABLE/S/REPLICA", "UTILIZATION", "BOTTLENECK", "STABLE", "AGE");
  }

  /** One {@code kubectl get inferenceservice} line of the service now. */
  public String getLine() {
    InferenceService s = service();
    InferenceServiceStatus st = s.getStatus();
    String age = "-";
    if (s.getMetadata().getCreationTimestamp() != null) {
      long seconds = Duration.between(Instant.parse(s.getMetadata().getCreationTimestamp()), Instant.now()).toSeconds();
      age = seconds < 120 ? seconds + "s" : (seconds / 60) + "m" + (seconds % 60) + "s";
    }
    return String.format(Locale.ROOT, "%-14s %-14s %-9s %-8s %-11s %-17s %-12s %-11s %-7s %s",
        s.getMetadata().getName(), s.getSpec().getScaleTargetRef().getName(),
        st == null || st.getReplicas() == null ? "" : st.getReplicas(),
        st == null || st.getDesiredReplicas() == null ? "" : st.getDesiredReplicas(),
        st == null || st.getWorkload() == null ? "" : String.format(Locale.ROOT, "%.3g", st.getWorkload().getArrivalRate()),
        st == null || st.getCapacity() == null ? "" : String.format(Locale.ROOT, "%.3g", st.getCapacity().getStableRatePerReplica()),
        st == null || st.getUtilization() == null ? "" : String.format(Locale.ROOT, "%.3g", st.getUtilization()),
        st == null || st.getCapacity() == null ? "" : st.getCapacity().getBottleneck(),
        st == null ? "" : st.condition(Conditions.STABLE).map(c -> c.getStatus()).orElse(""),
        age);
  }

  /** A {@code kubectl describe inferenceservice}-style account: spec in short, status, conditions, events. */
  private static String seconds(Double s) {
    return s == null ? "-" : String.format(Locale.ROOT, "%.2f s", s);
  }

  public String describe() {
    InferenceService s = service();
    InferenceServiceStatus st = s.getStatus();
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "Name:         %s%nNamespace:    %s%nKind:         InferenceService (stableserve.io/v1alpha1)%n",
        s.getMetadata().getName(), s.getMetadata().getNamespace()));
    b.append(String.format(Locale.ROOT, "Spec:%n  Target:     Deployment/%s%n  Replicas:   %d..%d at utilisation %.2f%n  Mode:       %s, model %s%n",
        s.getSpec().getScaleTargetRef().getName(), s.getSpec().getReplicas().getMin(), s.getSpec().getReplicas().getMax(),
        s.getSpec().getTargetUtilization(), s.getSpec().getMode(), s.getSpec().getModel()));
    if (st == null) {
      return b.append("Status:       none yet\n").toString();
    }
    b.append(String.format(Locale.ROOT, "Status:%n  Replicas:   %s (desired %s)%n", st.getReplicas(), st.getDesiredReplicas()));
    if (st.getWorkload() != null) {
      var w = st.getWorkload();
      b.append(String.format(Locale.ROOT, "  Workload:   λ̂ %.3g req/s over %s, E[s] %.0f, E[o] %.0f tokens, E[g] %.3g token-steps, burstiness %s%n",
          w.getArrivalRate(), w.getWindow(), w.getPromptTokensMean(), w.getOutputTokensMean(), w.getMemoryArea(),
          w.getBurstiness() == null ? "-" : String.format(Locale.ROOT, "%.2f", w.getBurstiness())));
    }
    if (st.getCapacity() != null) {
      var c = st.getCapacity();
      b.append(String.format(Locale.ROOT, "  Capacity:   %.3g req/s per replica (unstable above %.3g), bottleneck %s%n",
          c.getStableRatePerReplica(), c.getInstabilityBoundPerReplica(), c.getBottleneck()));
      if (c.getConstraints() != null) {
        c.getConstraints().forEach(k -> b.append(String.format(Locale.ROOT, "    %-12s %.3g req/s%n", k.getName(), k.getRate())));
      }
    }
    if (st.getTtft() != null) {
      var tt = st.getTtft();
      b.append(String.format(Locale.ROOT, "  TTFT:       p%s target %.3g s; measured %s, predicted for the replicas that served %s, "
          + "at the desired count %s; calibration factor %.2f%n", tt.getPercentile() == null ? "-" : String.format(Locale.ROOT, "%.0f", tt.getPercentile() * 100),
          tt.getTargetSeconds(), seconds(tt.getObservedSeconds()), seconds(tt.getPredictedSeconds()), seconds(tt.getPredictedAtDesiredSeconds()),
          tt.getCalibrationFactor()));
    }
    if (st.getUtilization() != null) {
      b.append(String.format(Locale.ROOT, "  Utilisation: %.3g%n", st.getUtilization()));
    }
    if (st.getLastDecision() != null) {
      var d = st.getLastDecision();
      b.append(String.format(Locale.ROOT, "  Last decision: %s -> %s (%s): %s%n", d.getFrom(), d.getTo(), d.getReason(), d.getMessage()));
    }
    b.append("  Conditions:\n    TYPE              STATUS   REASON\n");
    st.getConditions().forEach(c -> b.append(String.format(Locale.ROOT, "    %-17s %-8s %s%n", c.getType(), c.getStatus(), c.getReason())));
    b.append("Events:\n  TYPE     REASON               MESSAGE\n");
    loop.cluster().client().v1().events().inNamespace(namespace).list().getItems().stream()
        .sorted(Comparator.comparing(Event::getFirstTimestamp))
        .forEach(e -> b.append(String.format(Locale.ROOT, "  %-8s %-20s %s%n", e.getType(), e.getReason(), e.getMessage())));
    return b.toString();
  }
}
