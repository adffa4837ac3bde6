package io.stableserve.testing;

import java.time.Duration;
import java.time.Instant;
import io.stableserve.sim.EngineSetup;
import io.stableserve.sim.Fleet;
import io.stableserve.sim.FleetClock;
import io.stableserve.sim.FleetSpec;
import io.stableserve.sim.Router;
import io.stableserve.sim.arrivals.PoissonSource;
import io.stableserve.sim.metrics.VllmExposition;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.StepTimeModel;
import io.stableserve.workload.IndependentLengths;
import io.stableserve.workload.LengthDistribution;
import io.stableserve.workload.ProjectData;
import io.stableserve.workload.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One real Prometheus scraping three test-controlled vLLM endpoints, shared by the integration
 * tests of one JVM (started on first use, stopped at exit) so that the wait for a full window is
 * paid once:
 * <ul>
 *   <li>{@link #STEADY_MODEL}: a V1 engine at known rates ({@link #STEADY});</li>
 *   <li>the published vLLM V0 page ({@code vllm-v0-metrics-sample.prom}, model
 *       {@link #V0_MODEL}), static, with no {@code model_name} on {@code cache_config_info};</li>
 *   <li>{@link #DOOMED_MODEL}: a V1 engine that a test removes from the targets to see its series go stale;</li>
 *   <li>{@link #FLEET_MODEL}: two replicas of the simulator ({@code io.stableserve.sim}) run in real time
 *       under Poisson arrivals ({@link #FLEET_RATE} req/s), each page rendered by the simulator's
 *       vLLM V1 exposition (whose {@code cache_config_info} has no {@code model_name}, as vLLM's).</li>
 * </ul>
 */
public final class LiveVllmServices {

  public static final Duration WINDOW = Duration.ofSeconds(20);
  public static final Duration RESOLUTION = Duration.ofSeconds(2);
  public static final String STEADY_MODEL = "synthetic/steady";
  public static final String DOOMED_MODEL = "synthetic/doomed";
  public static final String V0_MODEL = "Qwen/Qwen2.5-Coder-1.5B-Instruct";

  public static final SyntheticVllm.Settings STEADY = new SyntheticVllm.Settings(STEADY_MODEL,
      4.0, 0.5, 20, 300, 3000, 20, 600, 48_000, 0.015, 2e-5, 1e-7, 40, 0.2);

  public static final String FLEET_MODEL = "simulated/fleet";
  public static final double FLEET_RATE = 6;
  public static final Workload FLEET_WORKLOAD = new IndependentLengths(LengthDistribution.parse("uniform:100:1000"),
      LengthDistribution.parse("uniform:20:300"));
  public static final EngineConfig FLEET_ENGINE = EngineConfig.of(48_000, 512, new StepTimeModel(0.015, 2e-5, 1e-7));

  private static LiveVllmServices instance;

  private final PrometheusServer prometheus;
  private final MetricsEndpoint steady;
  private final MetricsEndpoint v0;
  private final MetricsEndpoint doomed;
  private final FleetClock fleetClock;
  private final List<MetricsEndpoint> fleetReplicas;
  private final Instant firstScrape;

  private LiveVllmServices() {
    v0 = MetricsEndpoint.serving(ProjectData.read("vllm-v0-metrics-sample.prom"));
    SyntheticVllm steadyEngine = new SyntheticVllm(STEADY);
    SyntheticVllm doomedEngine = new SyntheticVllm(new SyntheticVllm.Settings(DOOMED_MODEL,
        1.0, 0, 2, 100, 200, 10, 20, 10_000, 0.01, 0, 0, 10, 0));
    steady = MetricsEndpoint.start(steadyEngine::render);
    doomed = MetricsEndpoint.start(doomedEngine::render);
    Fleet fleet = new Fleet(new FleetSpec(EngineSetup.of(FLEET_ENGINE), 0, FLEET_MODEL, 8192),
        PoissonSource.constant(FLEET_RATE, FLEET_WORKLOAD, 11), new Router.RoundRobin(), 2, 5);
    fleetReplicas = List.of(
        MetricsEndpoint.start(() -> fleet.metricsPage("replica-0", VllmExposition.Dialect.V1)),
        MetricsEndpoint.start(() -> fleet.metricsPage("replica-1", VllmExposition.Dialect.V1)));
    fleetClock = new FleetClock(fleet, 1.0).start(50);
    prometheus = PrometheusServer.start();
    prometheus.setTargets(targets(true));
    prometheus.awaitScrapes(steady.address(), 1, Duration.ofSeconds(20));
    prometheus.awaitScrapes(v0.address(), 1, Duration.ofSeconds(20));
    prometheus.awaitScrapes(doomed.address(), 1, Duration.ofSeconds(20));
    for (MetricsEndpoint replica : fleetReplicas) {
      prometheus.awaitScrapes(replica.address(), 1, Duration.ofSeconds(20));
    }
    firstScrape = Instant.now();
  }

  public static synchronized LiveVllmServices get() {
    if (instance == null) {
      instance = new LiveVllmServices();
      Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "stop-test-prometheus"));
    }
    return instance;
  }

  public PrometheusServer prometheus() {
    return prometheus;
  }

  /** Blocks until Prometheus holds at least a full window (plus two scrapes) of every endpoint's data. */
  public void awaitFullWindow() {
    Instant ready = firstScrape.plus(WINDOW).plusSeconds(2);
    long wait = Duration.between(Instant.now(), ready).toMillis();
    if (wait > 0) {
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a window of data", e);
      }
    }
  }

  /** Takes the doomed endpoint out of Prometheus's targets and waits for its series to go stale. */
  public synchronized void removeDoomed() {
    prometheus.setTargets(targets(false));
    Instant deadline = Instant.now().plusSeconds(15);
    String promql = "vllm:num_requests_running{model_name=\"" + DOOMED_MODEL + "\"}";
    while (prometheus.scalar(promql) >= 0) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("the removed target's series did not go stale within 15 s");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private List<PrometheusServer.Target> targets(boolean withDoomed) {
    List<PrometheusServer.Target> targets = new ArrayList<>();
    targets.add(new PrometheusServer.Target(steady.address(), Map.of("namespace", "llm")));
    targets.add(new PrometheusServer.Target(v0.address(), Map.of("namespace", "legacy")));
    for (MetricsEndpoint replica : fleetReplicas) {
      targets.add(new PrometheusServer.Target(replica.address(), Map.of("namespace", "sim")));
    }
    if (withDoomed) {
      targets.add(new PrometheusServer.Target(doomed.address(), Map.of("namespace", "llm")));
    }
    return targets;
  }

  private void close() {
    fleetClock.close();
    fleetReplicas.forEach(MetricsEndpoint::close);
    prometheus.close();
    steady.close();
    v0.close();
    doomed.close();
  }
}
