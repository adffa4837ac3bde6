package io.stableserve.sim.arrivals;

import io.stableserve.estimate.WorkloadEstimate;
import io.stableserve.workload.IndependentLengths;
import io.stableserve.workload.Trace;
import io.stableserve.workload.Workload;
import io.stableserve.workload.WorkloadMix;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * Draws (prompt, output) lengths from a workload: independent distributions, a mix of classes, or
 * the rows of a trace (its empirical joint distribution). Lengths below one token become one, since
 * an engine takes at least one prompt token and produces at least one output token.
 */
@FunctionalInterface
public interface LengthSampler {

  /** Fills {@code into[0]} with a prompt length and {@code into[1]} with an output length. */
  void sample(RandomGenerator random, int[] into);

  static LengthSampler of(Workload workload) {
    if (workload instanceof IndependentLengths lengths) {
      return (random, into) -> {
        into[0] = Math.max(1, lengths.prompt().sample(random));
        into[1] = Math.max(1, lengths.output().sample(random));
      };
    }
    if (workload instanceof Trace trace) {
      return (random, into) -> {
        int row = random.nextInt(trace.size());
        into[0] = Math.max(1, trace.promptTokens(row));
        into[1] = Math.max(1, trace.outputTokens(row));
      };
    }
    if (workload instanceof WorkloadEstimate observed) {
      return (random, into) -> {
        into[0] = observed.prompt().sample(random);
        into[1] = observed.output().sample(random);
      };
    }
    if (workload instanceof WorkloadMix mix) {
      int n = mix.classes().size();
      double[] cumulative = new double[n];
      LengthSampler[] samplers = new LengthSampler[n];
      double total = 0;
      for (int i = 0; i < n; i++) {
        total += mix.classes().get(i).share();
        cumulative[i] = total;
        samplers[i] = of(mix.classes().get(i).workload());
      }
      double sum = total;
      return (random, into) -> {
        double u = random.nextDouble() * sum;
        int i = 0;
        while (i < n - 1 && u >= cumulative[i]) {
          i++;
        }
        samplers[i].sample(random, into);
      };
    }
    throw new IllegalArgumentException("cannot draw request lengths from " + workload.describe());
  }
}
