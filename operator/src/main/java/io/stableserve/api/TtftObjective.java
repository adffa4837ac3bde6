package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.stableserve.decide.TtftSlo;
import io.stableserve.settings.Defaults;
import io.stableserve.settings.DurationBounds;
import io.stableserve.settings.Durations;
import java.time.Duration;

/** A TTFT percentile and the time it must stay under. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TtftObjective {

  @Required
  @Size(max = Durations.MAX_LENGTH)
  @ValidationRule(value = Durations.RULE, message = Durations.MESSAGE)
  @ValidationRule(value = DurationBounds.TTFT_TARGET_RULE, message = DurationBounds.TTFT_TARGET_MESSAGE)
  @JsonPropertyDescription("The TTFT the percentile must stay under, a duration such as 2s or 500ms (10ms to 10m).")
  private String target;

  @Default(Defaults.TTFT_PERCENTILE)
  @ValidationRule(value = "self >= 0.5 && self <= 0.9999", message = "must be between 0.5 and 0.9999, e.g. 0.99")
  @JsonPropertyDescription("Which percentile of TTFT, between 0.5 and 0.9999. Default 0.99.")
  private Double percentile = Double.valueOf(Defaults.TTFT_PERCENTILE);

  @Size(max = Durations.MAX_LENGTH)
  @ValidationRule(value = Durations.RULE, message = Durations.MESSAGE)
  @ValidationRule(value = DurationBounds.DRAIN_RULE, message = DurationBounds.DRAIN_MESSAGE)
  @JsonPropertyDescription("A backlog, more requests queued than are served within the target, is drained within this "
      + "time of the replicas added for it serving: the shorter, the more replicas a backlog adds. A duration, "
      + "5s to 10m. Default " + Defaults.TTFT_DRAIN_TIME + ".")
  private String drainTime;

  public TtftObjective() {}

  public TtftObjective(String target, Double percentile) {
    this.target = target;
    this.percentile = percentile;
  }

  /** The decide step's objective; bad values fail with the field's name. */
  public TtftSlo toSlo() {
    if (target == null) {
      throw new IllegalArgumentException("spec.slo.ttft.target is required, e.g. 2s");
    }
    Duration d = Durations.parse(target, "slo.ttft.target", DurationBounds.TTFT_TARGET_MIN,
        DurationBounds.TTFT_TARGET_MAX);
    double p = percentile == null ? Double.parseDouble(Defaults.TTFT_PERCENTILE) : percentile;
    Duration drain = drainTime == null ? Defaults.ttftDrainTime() : Durations.parse(drainTime, "slo.ttft.drainTime",
        DurationBounds.DRAIN_MIN, DurationBounds.DRAIN_MAX);
    try {
      return new TtftSlo(d.toMillis() / 1000.0, p, drain.toMillis() / 1000.0);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("spec.slo.ttft: " + e.getMessage(), e);
    }
  }

  @JsonIgnore
  public double effectivePercentile() {
    return percentile == null ? Double.parseDouble(Defaults.TTFT_PERCENTILE) : percentile;
  }

  public String getTarget() {
    return target;
  }

  public void setTarget(String target) {
    this.target = target;
  }

  public String getDrainTime() {
    return drainTime;
  }

  public void setDrainTime(String drainTime) {
    this.drainTime = drainTime;
  }

  public Double getPercentile() {
    return percentile;
  }

  public void setPercentile(Double percentile) {
    this.percentile = percentile;
  }
}
