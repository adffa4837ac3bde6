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

/** How fast replicas are added and removed, and how often the service is evaluated. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Behavior {

  @JsonPropertyDescription("Rules for adding replicas. By default replicas are added at once.")
  private ScaleUpRules scaleUp;

  @JsonPropertyDescription("Rules for removing replicas. By default the highest recommendation of the last 5 minutes holds.")
  private ScaleDownRules scaleDown;

  @Default(Defaults.REPLICA_STARTUP_TIME)
  @Size(max = Durations.MAX_LENGTH)
  @ValidationRule(value = Durations.RULE, message = Durations.MESSAGE)
  @ValidationRule(value = DurationBounds.REPLICA_STARTUP_RULE, message = DurationBounds.REPLICA_STARTUP_MESSAGE)
  @JsonPropertyDescription("How long a new replica takes to serve (image pull, model load, warm-up). Replicas "
      + "younger than this count as capacity that is coming, so they are not asked for again. 1s to 1h. Default 5m.")
  private String replicaStartupTime = Defaults.REPLICA_STARTUP_TIME;

  @Default(Defaults.POLL_INTERVAL)
  @Size(max = Durations.MAX_LENGTH)
  @ValidationRule(value = Durations.RULE, message = Durations.MESSAGE)
  @ValidationRule(value = DurationBounds.POLL_INTERVAL_RULE, message = DurationBounds.POLL_INTERVAL_MESSAGE)
  @JsonPropertyDescription("How often the service is evaluated, a duration such as 15s, 1s to 10m. Default 15s.")
  private String pollInterval = Defaults.POLL_INTERVAL;

  public ScaleUpRules effectiveScaleUp() {
    return scaleUp == null ? new ScaleUpRules() : scaleUp;
  }

  public ScaleDownRules effectiveScaleDown() {
    return scaleDown == null ? new ScaleDownRules() : scaleDown;
  }

  public Duration replicaStartupDuration() {
    return Durations.parse(replicaStartupTime == null ? Defaults.REPLICA_STARTUP_TIME : replicaStartupTime, "behavior.replicaStartupTime",
        DurationBounds.REPLICA_STARTUP_MIN, DurationBounds.REPLICA_STARTUP_MAX);
  }

  public Duration pollIntervalDuration() {
    return Durations.parse(pollInterval == null ? Defaults.POLL_INTERVAL : pollInterval, "behavior.pollInterval",
        DurationBounds.POLL_INTERVAL_MIN, DurationBounds.POLL_INTERVAL_MAX);
  }

  public ScaleUpRules getScaleUp() {
    return scaleUp;
  }

  public void setScaleUp(ScaleUpRules scaleUp) {
    this.scaleUp = scaleUp;
  }

  public ScaleDownRules getScaleDown() {
    return scaleDown;
  }

  public void setScaleDown(ScaleDownRules scaleDown) {
    this.scaleDown = scaleDown;
  }

  public String getReplicaStartupTime() {
    return replicaStartupTime;
  }

  public void setReplicaStartupTime(String replicaStartupTime) {
    this.replicaStartupTime = replicaStartupTime;
  }

  public String getPollInterval() {
    return pollInterval;
  }

  public void setPollInterval(String pollInterval) {
    this.pollInterval = pollInterval;
  }
}
