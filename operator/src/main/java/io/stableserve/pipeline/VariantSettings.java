package io.stableserve.pipeline;

import io.stableserve.estimate.EngineSettings;
import java.util.Objects;

/**
 * One variant of a service, in the pipeline's terms: its engine (what is not given is observed from
 * its own series), its cost per replica-hour and its replica bounds.
 */
public record VariantSettings(String name, EngineSettings engine, double costPerHour, int min, int max) {

  public VariantSettings {
    Objects.requireNonNull(name, "variant name");
    Objects.requireNonNull(engine, "engine settings of variant " + name);
    if (!(costPerHour > 0) || Double.isInfinite(costPerHour)) {
      throw new IllegalArgumentException("variant " + name + ": cost per replica-hour must be a finite number > 0, got " + costPerHour);
    }
    if (min < 0 || max < min) {
      throw new IllegalArgumentException("variant " + name + ": replicas must satisfy 0 <= min <= max, got min " + min + ", max " + max);
    }
  }
}
