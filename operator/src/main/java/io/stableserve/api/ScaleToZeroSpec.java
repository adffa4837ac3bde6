package io.stableserve.api;

import io.stableserve.settings.Defaults;
import io.stableserve.settings.DurationBounds;
import io.stableserve.settings.Durations;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.time.Duration;

/** When an idle service goes to zero replicas (with replicas.min 0). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaleToZeroSpec {

  @Default(Defaults.IDLE_AFTER)
  @Size(max = Durations.MAX_LENGTH)
  @ValidationRule(value = Durations.RULE, message = Durations.MESSAGE)
  @ValidationRule(value = DurationBounds.IDLE_AFTER_RULE, message = DurationBounds.IDLE_AFTER_MESSAGE)
  @JsonPropertyDescription("How long the service must be idle (nothing arrived, ran, waited or was held at the gateway) "
      + "before it goes to zero: the warm GPU time one cold start is worth to it. Never shorter than a replica's "
      + "start-up (the one last measured, status.startup, else behavior.replicaStartupTime): a shorter idle spell cannot repay "
      + "the start-up's own GPU time. 10s to 24h. Default 10m.")
  private String idleAfter = Defaults.IDLE_AFTER;

  public ScaleToZeroSpec() {}

  public ScaleToZeroSpec(String idleAfter) {
    this.idleAfter = idleAfter;
  }

  public Duration idleAfterDuration() {
    return Durations.parse(idleAfter == null ? Defaults.IDLE_AFTER : idleAfter, "scaleToZero.idleAfter",
        DurationBounds.IDLE_AFTER_MIN, DurationBounds.IDLE_AFTER_MAX);
  }

  public String getIdleAfter() {
    return idleAfter;
  }

  public void setIdleAfter(String idleAfter) {
    this.idleAfter = idleAfter;
  }
}
