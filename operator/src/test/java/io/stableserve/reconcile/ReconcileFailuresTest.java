package io.stableserve.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.stableserve.actuate.ScaleFailedException;
import io.stableserve.actuate.ScaleTargets;
import io.stableserve.actuate.TargetResolution;
import io.stableserve.api.Conditions;
import io.stableserve.api.InferenceService;
import io.stableserve.api.InferenceServiceStatus;
import io.stableserve.api.ScaleTargetRef;
import io.stableserve.bench.ServiceLoop;
import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.Observation;
import io.stableserve.observe.Observer;
import io.stableserve.observe.prometheus.PrometheusSource;
import io.stableserve.report.MetricsRecorder;
import io.stableserve.solve.EngineConfig;
import io.stableserve.testing.Contexts;
import io.stableserve.testing.FixedTargets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** What the status and the Events say when the API server fails the operator, or someone else moves the target. */
class ReconcileFailuresTest {

  record Recorded(String type, String reason) {}

  final List<Recorded> events = new ArrayList<>();
  final List<Integer> writes = new ArrayList<>();
  final ServiceLoop.Service service = ServiceLoop.create(4, 11).services().get(0);
  final EngineConfig engine = ServiceLoop.engineOf(service);
  final Observation recorded = ServiceLoop.observation(service, SameDecisionTest.NOW);
  final Function<PrometheusSource, Observer> replay = source -> window -> recorded;
  /** Each status written within a pass, as it was sent (a copy). */
  final List<InferenceServiceStatus> written = new ArrayList<>();
  StatusWriter statusWrites = (s, context) -> written.add(copy(s.getStatus()));

  static InferenceServiceStatus copy(InferenceServiceStatus status) {
    return io.fabric8.kubernetes.client.utils.Serialization.clone(status);
  }

  InferenceServiceReconciler reconciler(ScaleTargets targets) {
    return reconciler(targets, replay, EngineAdvisor.none());
  }

  InferenceServiceReconciler reconciler(ScaleTargets targets, Function<PrometheusSource, Observer> observers, EngineAdvisor advisor) {
    return new InferenceServiceReconciler(targets, observers, (ns, ref) -> "",
        (about, type, reason, message) -> events.add(new Recorded(type, reason)), new MetricsRecorder(new PrometheusRegistry()),
        advisor, statusWrites, Clock.fixed(SameDecisionTest.NOW, ZoneOffset.UTC));
  }

  InferenceService svc() {
    InferenceService s = new InferenceService();
    s.getMetadata().setName("llama");
    s.getMetadata().setNamespace("llm");
    s.getMetadata().setGeneration(1L);
    s.setSpec(SameDecisionTest.spec(engine));
    return s;
  }

  long count(String reason) {
    return events.stream().filter(e -> e.reason().equals(reason)).count();
  }

  @Test
  void aFailedScaleWriteIsReadyFalseAndOneWarningNotOnePerPoll() {
    InferenceServiceReconciler r = reconciler(FixedTargets.at(SameDecisionTest.MAX, to -> {
      writes.add(to);
      throw new ScaleFailedException("setting Deployment/llama to " + to + " replicas through /scale failed: HTTP 500", null);
    }));
    InferenceService s = svc();
    r.reconcile(s, Contexts.notDeleted());
    assertThat(writes).as("the decision asked for a new count").hasSize(1);
    assertThat(s.getStatus().condition(Conditions.READY).orElseThrow().getReason()).isEqualTo(Conditions.FAILED_RESCALE);
    assertThat(s.getStatus().condition(Conditions.READY).orElseThrow().getStatus()).isEqualTo(Conditions.FALSE);
    assertThat(s.getStatus().getLastDecision().getApplied()).isFalse();
    r.reconcile(s, Contexts.notDeleted());
    r.reconcile(s, Contexts.notDeleted());
    assertThat(writes).as("each poll tries again").hasSize(3);
    assertThat(count(Conditions.FAILED_RESCALE)).as("one Warning for the run of failures").isEqualTo(1);
  }

  @Test
  void anApiServerErrorTheReconcileCannotHandleSaysSoInStatus() {
    ScaleTargets broken = new ScaleTargets() {
      @Override
      public TargetResolution resolve(String namespace, ScaleTargetRef ref) {
        throw new KubernetesClientException("Internal error", 500, null);
      }

      @Override
      public void scale(String namespace, ScaleTargetRef ref, int replicas) {
        writes.add(replicas);
      }
    };
    InferenceServiceReconciler r = reconciler(FixedTargets.at(2, writes::add));
    InferenceService s = svc();
    r.reconcile(s, Contexts.notDeleted());
    assertThat(s.getStatus().isTrue(Conditions.READY)).as("a first pass that went well").isTrue();

    InferenceServiceReconciler failing = reconciler(broken);
    assertThatThrownBy(() -> failing.reconcile(s, Contexts.notDeleted())).isInstanceOf(KubernetesClientException.class);
    var control = failing.updateErrorStatus(s, null, new KubernetesClientException("Internal error", 500, null));
    InferenceService patched = control.getResource().orElseThrow();
    assertThat(patched.getStatus().condition(Conditions.READY).orElseThrow().getStatus()).isEqualTo(Conditions.FALSE);
    assertThat(patched.getStatus().condition(Conditions.READY).orElseThrow().getReason()).isEqualTo(Conditions.RECONCILE_ERROR);
    assertThat(patched.getStatus().condition(Conditions.READY).orElseThrow().getMessage()).contains("Internal error");
    failing.updateErrorStatus(patched, null, new KubernetesClientException("Internal error", 500, null));
    assertThat(count(Conditions.RECONCILE_ERROR)).isEqualTo(1);
  }

  @Test
  void aTargetScaledToZeroByHandPausesScalingInsteadOfBeingUndone() {
    InferenceServiceReconciler r = reconciler(FixedTargets.at(0, writes::add));
    InferenceService s = svc();
    r.reconcile(s, Contexts.notDeleted());
    r.reconcile(s, Contexts.notDeleted());
    assertThat(writes).as("0 replicas is left alone").isEmpty();
    assertThat(s.getStatus().condition(Conditions.READY).orElseThrow().getReason()).isEqualTo(Conditions.SCALING_DISABLED);
    assertThat(count(Conditions.SCALING_DISABLED)).isEqualTo(1);
  }

  /** The service of {@link #svc()} allowed to go to zero after 10 minutes idle, its gateway's queue read. */
  InferenceService allowedToGoToZero() {
    InferenceService s = svc();
    s.getSpec().getReplicas().setMin(0);
    s.getSpec().setScaleToZero(new io.stableserve.api.ScaleToZeroSpec("10m"));
    io.stableserve.api.MetricQueries q = new io.stableserve.api.MetricQueries();
    q.setGatewayQueue("sum(inference_extension_flow_control_queue_size{$selector})");
    s.getSpec().getMetrics().setQueries(q);
    return s;
  }

  /** An observer whose engines say nothing (no replica serves) and whose gateway holds {@code held}. */
  static Function<PrometheusSource, Observer> gatewayHolding(double held) {
    return source -> new Observer() {
      @Override
      public Observation observe(io.stableserve.observe.ObservationWindow window) throws MetricsUnavailableException {
        throw new MetricsUnavailableException(io.stableserve.observe.MetricsProblem.NO_DATA, io.stableserve.observe.Signal.RUNNING,
            "vllm:num_requests_running", "no replica serves");
      }

      @Override
      public io.stableserve.observe.GatewayReading observeGateway(io.stableserve.observe.ObservationWindow window) {
        return new io.stableserve.observe.GatewayReading(held, java.util.OptionalDouble.of(held > 0 ? 0.5 : 0));
      }
    };
  }

  @Test
  void aServiceAllowedToGoToZeroStaysThereWhileTheGatewayHoldsNothingAndWakesOnAHeldRequest() {
    InferenceService s = allowedToGoToZero();
    reconciler(FixedTargets.at(0, writes::add), gatewayHolding(0), EngineAdvisor.none()).reconcile(s, Contexts.notDeleted());
    assertThat(writes).as("nothing held: zero stays").isEmpty();
    assertThat(s.getStatus().getLastDecision().getReason()).isEqualTo("IdleAtZero");
    assertThat(s.getStatus().condition(Conditions.READY).orElseThrow().getReason()).isEqualTo("IdleAtZero");
    assertThat(count(Conditions.SCALING_DISABLED)).as("zero is no pause with replicas.min 0").isZero();

    reconciler(FixedTargets.at(0, writes::add), gatewayHolding(3), EngineAdvisor.none()).reconcile(s, Contexts.notDeleted());
    assertThat(writes).as("no stable rate measured yet: one replica").containsExactly(1);
    assertThat(s.getStatus().getLastDecision().getReason()).isEqualTo("WokeOnHeldRequests");
    assertThat(s.getStatus().condition(Conditions.READY).orElseThrow().getReason()).isEqualTo("WokeOnHeldRequests");
    assertThat(s.getStatus().getScaleToZero().getWokeAt()).isEqualTo(SameDecisionTest.NOW.toString());
    assertThat(count(Conditions.SUCCESSFUL_RESCALE)).isEqualTo(1);
  }

  @Test
  void atZeroWithTheGatewayUnreadableOneReplicaWakes() {
    InferenceService s = allowedToGoToZero();
    Function<PrometheusSource, Observer> down = source -> window -> {
      throw new MetricsUnavailableException(io.stableserve.observe.MetricsProblem.PROMETHEUS_UNREACHABLE, io.stableserve.observe.Signal.RUNNING,
          "", "connection refused");
    };
    reconciler(FixedTargets.at(0, writes::add), down, EngineAdvisor.none()).reconcile(s, Contexts.notDeleted());
    assertThat(writes).containsExactly(1);
    assertThat(s.getStatus().getLastDecision().getMessage()).contains("1 replica wakes rather than leave a request waiting unseen");
  }

  @Test
  void engineAdviceWaitsForAFullWindowAndSaysSo() {
    EngineAdvisor always = (workload, config, capacity) -> java.util.Optional.of(new EngineAdvice("max_num_seqs", 128,
        java.util.OptionalLong.of(64), capacity.stableRate(), 2 * capacity.stableRate()));
    Observation partial = new Observation(recorded.at(), recorded.window(), recorded.names(), recorded.flow(), recorded.occupancy(),
        recorded.lengths(), recorded.engine(), recorded.intervals().subList(recorded.intervals().size() / 2 - 1,
            recorded.intervals().size()), recorded.newestSampleAge(), recorded.notes());
    InferenceService young = svc();
    reconciler(FixedTargets.at(2, writes::add), source -> window -> partial, always).reconcile(young, Contexts.notDeleted());
    assertThat(young.getStatus().getEngineRecommendation().getSetting()).isNull();
    assertThat(young.getStatus().getEngineRecommendation().getWaitingFor()).startsWith("a full 300 s window");
    assertThat(count(Conditions.ENGINE_RECOMMENDATION)).isZero();

    // A full window, but of five requests' lengths: their means are not known well enough to advise on.
    Observation.TokenLengths l = recorded.lengths();
    Observation few = new Observation(recorded.at(), recorded.window(), recorded.names(), recorded.flow(), recorded.occupancy(),
        Observation.TokenLengths.of(scaledTo(l.prompt().orElseThrow(), 5), scaledTo(l.output().orElseThrow(), 5)), recorded.engine(),
        recorded.intervals(), recorded.newestSampleAge(), recorded.notes());
    InferenceService thin = svc();
    reconciler(FixedTargets.at(2, writes::add), source -> window -> few, always).reconcile(thin, Contexts.notDeleted());
    assertThat(thin.getStatus().getEngineRecommendation().getSetting()).isNull();
    assertThat(thin.getStatus().getEngineRecommendation().getWaitingFor()).contains("from 5 completed requests");
    assertThat(count(Conditions.ENGINE_RECOMMENDATION)).isZero();

    InferenceService full = svc();
    reconciler(FixedTargets.at(2, writes::add), replay, always).reconcile(full, Contexts.notDeleted());
    assertThat(full.getStatus().getEngineRecommendation().getSetting()).isEqualTo("max_num_seqs");
    assertThat(count(Conditions.ENGINE_RECOMMENDATION)).isEqualTo(1);
    assertThat(full.getStatus().getEngineRecommendation().getWaitingFor()).isNull();

    // A window that cannot advise keeps the last advice, so the same advice after it is no new Event.
    reconciler(FixedTargets.at(2, writes::add), source -> window -> partial, always).reconcile(full, Contexts.notDeleted());
    assertThat(full.getStatus().getEngineRecommendation().getSetting()).isEqualTo("max_num_seqs");
    assertThat(full.getStatus().getEngineRecommendation().getWaitingFor()).isNotNull();
    reconciler(FixedTargets.at(2, writes::add), replay, always).reconcile(full, Contexts.notDeleted());
    assertThat(count(Conditions.ENGINE_RECOMMENDATION)).isEqualTo(1);
  }

  @Test
  void replicasSetBySomeoneElseAreAnEventEachTimeTheyChange() {
    int[] replicas = {SameDecisionTest.MAX};
    ScaleTargets moving = new ScaleTargets() {
      @Override
      public io.stableserve.actuate.TargetResolution resolve(String namespace, ScaleTargetRef ref) {
        return new io.stableserve.actuate.TargetResolution.Resolved(new io.stableserve.actuate.ScaleTarget(namespace, ref,
            io.stableserve.decide.ReplicaCounts.allReady(replicas[0])));
      }

      @Override
      public void scale(String namespace, ScaleTargetRef ref, int to) {
        writes.add(to);
        replicas[0] = to;
      }
    };
    InferenceServiceReconciler r = reconciler(moving);
    InferenceService s = svc();
    r.reconcile(s, Contexts.notDeleted());
    r.reconcile(s, Contexts.notDeleted());
    assertThat(count(Conditions.REPLICAS_CHANGED_ELSEWHERE)).as("its own writes are not someone else's").isZero();
    int left = replicas[0];
    replicas[0] = left + 7;
    r.reconcile(s, Contexts.notDeleted());
    assertThat(count(Conditions.REPLICAS_CHANGED_ELSEWHERE)).isEqualTo(1);
  }

  @Test
  void aMissingTokenSecretHoldsTheReplicasAndNamesTheSecret() {
    InferenceServiceReconciler r = new InferenceServiceReconciler(FixedTargets.at(SameDecisionTest.MAX, writes::add), replay,
        (ns, ref) -> {
          throw new SecretReader.SecretUnavailableException("Secret llm/prom-token has no key token");
        },
        (about, type, reason, message) -> events.add(new Recorded(type, reason)), new MetricsRecorder(new PrometheusRegistry()),
        EngineAdvisor.none(), statusWrites, Clock.fixed(SameDecisionTest.NOW, ZoneOffset.UTC));
    InferenceService s = svc();
    s.getSpec().getMetrics().setBearerTokenSecretRef(new io.stableserve.api.SecretKeyRef("prom-token", "token"));
    r.reconcile(s, Contexts.notDeleted());
    assertThat(writes).as("no metrics: the 100 replicas are held, not scaled down").isEmpty();
    assertThat(s.getStatus().condition(Conditions.METRICS_AVAILABLE).orElseThrow().getReason()).isEqualTo(Conditions.SECRET_NOT_FOUND);
    assertThat(s.getStatus().condition(Conditions.METRICS_AVAILABLE).orElseThrow().getMessage()).contains("prom-token");
  }

  @Test
  void aSecondInferenceServiceOnTheSameTargetWritesNothingAndSaysWhoHasIt() {
    InferenceService first = svc();
    first.getMetadata().setName("first");
    first.getMetadata().setCreationTimestamp("2026-11-30T10:00:00Z");
    InferenceService second = svc();
    second.getMetadata().setCreationTimestamp("2026-11-30T11:00:00Z");
    reconciler(FixedTargets.at(SameDecisionTest.MAX, writes::add)).reconcile(second, Contexts.notDeleted(List.of(first, second)));
    assertThat(writes).isEmpty();
    var resolved = second.getStatus().condition(Conditions.TARGET_RESOLVED).orElseThrow();
    assertThat(resolved.getReason()).isEqualTo(Conditions.TARGET_CLAIMED);
    assertThat(resolved.getMessage()).contains("InferenceService first");
  }

  @Test
  void whatAPassDecidedIsWrittenBeforeScaleSoACrashBetweenLosesNothing() {
    // 100 replicas ready, a load that needs far fewer: the pass scales down.
    List<InferenceServiceStatus> atTheWrite = new ArrayList<>();
    InferenceServiceReconciler r = reconciler(FixedTargets.at(SameDecisionTest.MAX, to -> {
      writes.add(to);
      atTheWrite.addAll(written);
    }));
    InferenceService s = svc();
    var control = r.reconcile(s, Contexts.notDeleted());
    assertThat(writes).hasSize(1);
    int to = writes.get(0);
    assertThat(atTheWrite).as("the status written before /scale").hasSize(1);
    InferenceServiceStatus before = atTheWrite.get(0);
    assertThat(before.getLastDecision().getTo()).isEqualTo(to);
    assertThat(before.getLastScaleTime()).as("the scale time, which the scale-down window counts from").isNotNull();
    assertThat(before.getRecommendations()).extracting(io.stableserve.api.Recommendation::getReplicas).contains(to);
    assertThat(written).as("one status write when /scale succeeds").hasSize(1);
    assertThat(control.isPatchStatus()).as("the SDK's patch would diff from the version the pass began with").isFalse();

    // The process stopped after /scale: the next pass starts from that status, at the new count.
    events.clear();
    InferenceService restarted = svc();
    restarted.setStatus(copy(before));
    reconciler(FixedTargets.at(to, writes::add)).reconcile(restarted, Contexts.notDeleted());
    assertThat(count(Conditions.REPLICAS_CHANGED_ELSEWHERE)).as("its own write, not someone else's").isZero();
    assertThat(restarted.getStatus().getLastScaleTime()).isEqualTo(before.getLastScaleTime());

    // It stopped before /scale: the next pass finds the old count, names no one else, and writes again.
    writes.clear();
    InferenceService notReached = svc();
    notReached.setStatus(copy(before));
    reconciler(FixedTargets.at(SameDecisionTest.MAX, writes::add)).reconcile(notReached, Contexts.notDeleted());
    assertThat(count(Conditions.REPLICAS_CHANGED_ELSEWHERE)).isZero();
    assertThat(writes).containsExactly(to);
  }

  @Test
  void aFailedScaleWriteIsWrittenToStatusASecondTime() {
    InferenceServiceReconciler r = reconciler(FixedTargets.at(SameDecisionTest.MAX, to -> {
      throw new ScaleFailedException("setting Deployment/llama to " + to + " replicas through /scale failed: HTTP 500", null);
    }));
    r.reconcile(svc(), Contexts.notDeleted());
    assertThat(written).hasSize(2);
    assertThat(written.get(0).getLastDecision().getApplied()).as("before /scale").isTrue();
    assertThat(written.get(1).getLastDecision().getApplied()).as("after it failed").isFalse();
    assertThat(written.get(1).condition(Conditions.READY).orElseThrow().getReason()).isEqualTo(Conditions.FAILED_RESCALE);
  }

  @Test
  void aStatusThatCannotBeWrittenStopsThePassBeforeScale() {
    statusWrites = (s, context) -> {
      throw new KubernetesClientException("the object has been modified", 409, null);
    };
    InferenceServiceReconciler r = reconciler(FixedTargets.at(SameDecisionTest.MAX, writes::add));
    assertThatThrownBy(() -> r.reconcile(svc(), Contexts.notDeleted())).isInstanceOf(KubernetesClientException.class);
    assertThat(writes).as("no /scale without its state kept first").isEmpty();
  }

  @Test
  void aPassThatDoesNotScaleLeavesTheStatusToTheSdksPatch() {
    InferenceService s = svc();
    reconciler(FixedTargets.at(SameDecisionTest.MAX, writes::add)).reconcile(s, Contexts.notDeleted());
    int to = writes.get(0);
    written.clear();
    writes.clear();
    var again = reconciler(FixedTargets.at(to, writes::add)).reconcile(s, Contexts.notDeleted());
    assertThat(writes).as("at the count it asked for, the next pass holds").isEmpty();
    assertThat(written).isEmpty();
    assertThat(again.isPatchStatus()).isTrue();
  }

  static io.stableserve.observe.WindowHistogram scaledTo(io.stableserve.observe.WindowHistogram h, double count) {
    double f = count / h.count();
    return new io.stableserve.observe.WindowHistogram(h.metric(), h.buckets().stream()
        .map(b -> new io.stableserve.observe.WindowHistogram.Bucket(b.upperBound(), b.cumulativeCount() * f)).toList(), h.sum() * f, count);
  }
}
