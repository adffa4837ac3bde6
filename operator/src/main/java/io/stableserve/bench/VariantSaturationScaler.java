package io.stableserve.bench;

import io.stableserve.decide.Mix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The llm-d workload-variant-autoscaler over several variants of one model, as its documentation
 * describes it: each variant has a fixed cost ({@code variantCost}, per replica); the saturation
 * analysis runs over the model's pods, all variants together ({@link SaturationScaler#analyze}); when
 * it asks for capacity one replica is added to the cheapest variant that can grow, when it allows
 * less one replica is removed from the most expensive variant that can shrink, ±1 per decision, and
 * nothing changes while any replica is starting.
 */
public final class VariantSaturationScaler implements MixAutoscaler {

  public static final String NAME = "llm-d WVA (cheapest up, most expensive down)";

  private final List<BenchVariant> variants;
  private final SaturationScaler.Thresholds thresholds;

  public VariantSaturationScaler(List<BenchVariant> variants, SaturationScaler.Thresholds thresholds) {
    this.variants = List.copyOf(variants);
    this.thresholds = thresholds;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Mix decide(FleetMetrics metrics, Mix spec, Mix ready) {
    if (!spec.equals(ready)) {
      return spec;
    }
    return SaturationScaler.analyze(metrics, thresholds).map(verdict -> switch (verdict) {
      case SCALE_UP -> scaleUp(ready);
      case SCALE_DOWN -> scaleDown(ready);
      case HOLD -> ready;
    }).orElse(spec);
  }

  /** One more replica of the cheapest variant below its maximum; the mix unchanged when every one is at it. */
  Mix scaleUp(Mix mix) {
    for (int v : byCost(false)) {
      if (mix.count(v) < variants.get(v).max()) {
        return step(mix, v, 1);
      }
    }
    return mix;
  }

  /** One replica fewer of the most expensive variant above its minimum, keeping at least one replica. */
  Mix scaleDown(Mix mix) {
    if (mix.replicas() <= 1) {
      return mix;
    }
    for (int v : byCost(true)) {
      if (mix.count(v) > variants.get(v).min()) {
        return step(mix, v, -1);
      }
    }
    return mix;
  }

  private List<Integer> byCost(boolean mostExpensiveFirst) {
    List<Integer> order = new ArrayList<>();
    for (int v = 0; v < variants.size(); v++) {
      order.add(v);
    }
    Comparator<Integer> cheapestFirst = Comparator.comparingDouble(v -> variants.get(v).costPerHour());
    order.sort(mostExpensiveFirst ? cheapestFirst.reversed() : cheapestFirst);
    return order;
  }

  private static Mix step(Mix mix, int variant, int by) {
    int[] counts = mix.toArray();
    counts[variant] += by;
    return Mix.of(counts);
  }
}
