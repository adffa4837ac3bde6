package io.stableserve.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javaoperatorsdk.operator.api.monitoring.Metrics.ControllerExecution;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.stableserve.api.InferenceService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

class ReconcileLoopWatchTest {

  static final Duration MAX_INTERVAL = Duration.ofMinutes(2);
  static final Duration GRACE = Duration.ofMinutes(5);
  static final Duration POLL = Duration.ofSeconds(15);
  static final ResourceID SERVICE = new ResourceID("llama", "llm");

  final MovableClock clock = new MovableClock();
  final ReconcileLoopWatch watch = new ReconcileLoopWatch(clock, MAX_INTERVAL, GRACE);

  @Test
  void aLoopThatHasReconciledNothingIsAlive() {
    clock.advance(Duration.ofHours(1));
    assertThat(watch.progressing()).as("a standby replica, or no InferenceServices").isTrue();
  }

  @Test
  void aServiceNotReconciledWithinItsPollIntervalAndTheGraceMakesTheLoopStuck() throws Exception {
    reconcile(SERVICE, () -> UpdateControl.<InferenceService>noUpdate().rescheduleAfter(POLL));
    clock.advance(POLL.plus(GRACE));
    assertThat(watch.progressing()).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(watch.progressing()).isFalse();

    reconcile(SERVICE, () -> UpdateControl.<InferenceService>noUpdate().rescheduleAfter(POLL));
    assertThat(watch.progressing()).as("alive again once the service is reconciled").isTrue();
  }

  @Test
  void oneLateServiceIsEnoughWhileOthersProgress() throws Exception {
    ResourceID other = new ResourceID("mistral", "llm");
    reconcile(SERVICE, () -> UpdateControl.<InferenceService>noUpdate().rescheduleAfter(POLL));
    for (int i = 0; i < 22; i++) {
      clock.advance(POLL);
      reconcile(other, () -> UpdateControl.<InferenceService>noUpdate().rescheduleAfter(POLL));
    }
    assertThat(watch.progressing()).isFalse();
  }

  @Test
  void aReconciliationRunningLongerThanTheGraceMakesTheLoopStuck() throws Exception {
    boolean[] aliveWhileRunning = new boolean[2];
    reconcile(SERVICE, () -> {
      clock.advance(GRACE);
      aliveWhileRunning[0] = watch.progressing();
      clock.advance(Duration.ofSeconds(1));
      aliveWhileRunning[1] = watch.progressing();
      return UpdateControl.<InferenceService>noUpdate().rescheduleAfter(POLL);
    });
    assertThat(aliveWhileRunning).containsExactly(true, false);
  }

  @Test
  void afterAFailureTheNextReconciliationIsDueWithinTheMaximumInterval() {
    assertThatThrownBy(() -> reconcile(SERVICE, () -> {
      throw new IllegalStateException("API server gone");
    })).isInstanceOf(IllegalStateException.class);
    clock.advance(MAX_INTERVAL.plus(GRACE));
    assertThat(watch.progressing()).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(watch.progressing()).isFalse();
  }

  @Test
  void aDeletedServiceIsNoLongerExpected() throws Exception {
    reconcile(SERVICE, UpdateControl::<InferenceService>noUpdate);
    assertThat(watch.expects(SERVICE)).isTrue();
    watch.cleanupDoneFor(SERVICE, Map.of());
    clock.advance(Duration.ofHours(1));
    assertThat(watch.expects(SERVICE)).isFalse();
    assertThat(watch.progressing()).isTrue();
  }

  <T> void reconcile(ResourceID id, Callable<T> reconciler) throws Exception {
    watch.timeControllerExecution(new ControllerExecution<T>() {
      @Override
      public String name() {
        return "reconcile";
      }

      @Override
      public String controllerName() {
        return InferenceServiceReconciler.NAME;
      }

      @Override
      public String successTypeName(T result) {
        return "success";
      }

      @Override
      public ResourceID resourceID() {
        return id;
      }

      @Override
      public Map<String, Object> metadata() {
        return Map.of();
      }

      @Override
      public T execute() throws Exception {
        return reconciler.call();
      }
    });
  }

  static final class MovableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
