package io.stableserve.estimate;

import io.stableserve.observe.Observation;
import io.stableserve.observe.Observation.IntervalSample;
import io.stableserve.solve.StepTimeModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.apache.commons.math3.exception.MathIllegalArgumentException;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.descriptive.moment.Mean;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;

/**
 * Fits the step-time model b = c₀ + c₁·n + c₂·m to the sub-intervals of a window, by ordinary
 * least squares: b is the mean inter-token latency of the sub-interval (the duration of the steps
 * in which requests decode), n the mean tokens computed per step ({@code iteration_tokens_total}),
 * m the KV tokens resident (KV-cache usage × M).
 *
 * <p>A fit is only trusted when the load varied enough inside the window to tell the coefficients
 * apart; otherwise a constant b̄ is used, which the solver treats as the paper does. In order:
 * <ol>
 *   <li>c₀, c₁, c₂: at least {@value #MIN_SAMPLES_THREE} sub-intervals, n and m each with a
 *       coefficient of variation of at least {@value #MIN_VARIATION}, |corr(n, m)| below
 *       {@value #MAX_COLLINEARITY}, every coefficient ≥ 0 with c₀ > 0, R² ≥ {@value #MIN_R_SQUARED};</li>
 *   <li>c₀, c₁ (c₂ = 0): at least {@value #MIN_SAMPLES_TWO} sub-intervals, n varying as above, same checks;</li>
 *   <li>b̄ = mean inter-token latency over the window;</li>
 *   <li>b̄ = replicas / (engine steps per second): the step time only while the engines are never
 *       idle, an overestimate at light load (so it understates capacity, the safe side).</li>
 * </ol>
 */
public final class StepTimeFit {

  static final int MIN_SAMPLES_THREE = 6;
  static final int MIN_SAMPLES_TWO = 4;
  static final double MIN_VARIATION = 0.05;
  static final double MAX_COLLINEARITY = 0.95;
  static final double MIN_R_SQUARED = 0.5;

  private StepTimeFit() {}

  public static Optional<StepTimeEstimate> fit(Observation observation, OptionalLong kvCacheTokens) {
    List<double[]> rows = new ArrayList<>();
    boolean withKv = kvCacheTokens.isPresent();
    for (IntervalSample s : observation.intervals()) {
      if (s.stepSeconds().isEmpty() || s.tokensPerStep().isEmpty() || !(s.stepSeconds().getAsDouble() > 0)) {
        continue;
      }
      double m = withKv && s.kvCacheUsage().isPresent() ? s.kvCacheUsage().getAsDouble() * kvCacheTokens.getAsLong() : Double.NaN;
      rows.add(new double[] {s.stepSeconds().getAsDouble(), s.tokensPerStep().getAsDouble(), m});
    }
    List<String> why = new ArrayList<>();
    List<double[]> withM = rows.stream().filter(r -> !Double.isNaN(r[2])).toList();
    if (!withKv) {
      why.add("M unknown, so c₂ cannot be fitted");
    }
    if (withM.size() >= MIN_SAMPLES_THREE) {
      double[] n = column(withM, 1);
      double[] m = column(withM, 2);
      if (variation(n) < MIN_VARIATION || variation(m) < MIN_VARIATION) {
        why.add(String.format("tokens per step (CV %.3f) or KV tokens (CV %.3f) varied too little for c₀, c₁, c₂",
            variation(n), variation(m)));
      } else if (Math.abs(new PearsonsCorrelation().correlation(n, m)) >= MAX_COLLINEARITY) {
        why.add("tokens per step and KV tokens moved together, so c₁ and c₂ cannot be told apart");
      } else {
        Optional<StepTimeEstimate> three = regress(withM, true, why);
        if (three.isPresent()) {
          return three;
        }
      }
    } else if (withKv) {
      why.add(withM.size() + " sub-intervals with step time, tokens per step and KV usage, fewer than " + MIN_SAMPLES_THREE);
    }
    if (rows.size() >= MIN_SAMPLES_TWO) {
      double[] n = column(rows, 1);
      if (variation(n) < MIN_VARIATION) {
        why.add(String.format("tokens per step varied too little (CV %.3f) for c₀, c₁", variation(n)));
      } else {
        Optional<StepTimeEstimate> two = regress(rows, false, why);
        if (two.isPresent()) {
          return two.map(e -> new StepTimeEstimate(e.model(), e.method(), e.meanStepSeconds(), e.samples(), e.rSquared(),
              String.join("; ", why) + (why.isEmpty() ? "" : "; ") + e.note()));
        }
      }
    } else {
      why.add(rows.size() + " sub-intervals with step time and tokens per step, fewer than " + MIN_SAMPLES_TWO);
    }
    if (observation.engine().stepSeconds().isPresent() && observation.engine().stepSeconds().getAsDouble() > 0) {
      double b = observation.engine().stepSeconds().getAsDouble();
      return Optional.of(new StepTimeEstimate(StepTimeModel.constant(b), StepTimeEstimate.Method.MEAN_INTER_TOKEN_LATENCY, b,
          rows.size(), OptionalDouble.empty(), "constant b̄ = mean inter-token latency at the current load: " + String.join("; ", why)));
    }
    if (observation.engine().stepsPerSecond().isPresent() && observation.engine().stepsPerSecond().getAsDouble() > 0 && observation.occupancy().replicas() > 0) {
      double b = observation.occupancy().replicas() / observation.engine().stepsPerSecond().getAsDouble();
      return Optional.of(new StepTimeEstimate(StepTimeModel.constant(b), StepTimeEstimate.Method.MEAN_FROM_STEP_RATE, b, 0,
          OptionalDouble.empty(), "constant b̄ = replicas / steps per second (no inter-token latency): includes idle time, "
              + "so it overestimates the step time unless the engines are saturated"));
    }
    return Optional.empty();
  }

  private static Optional<StepTimeEstimate> regress(List<double[]> rows, boolean withKv, List<String> why) {
    int p = withKv ? 2 : 1;
    double[] y = column(rows, 0);
    double[][] x = new double[rows.size()][p];
    for (int i = 0; i < rows.size(); i++) {
      x[i][0] = rows.get(i)[1];
      if (withKv) {
        x[i][1] = rows.get(i)[2];
      }
    }
    OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
    try {
      ols.newSampleData(y, x);
      double[] beta = ols.estimateRegressionParameters();
      double r2 = ols.calculateRSquared();
      double c0 = beta[0];
      double c1 = beta[1];
      double c2 = withKv ? beta[2] : 0;
      String label = withKv ? "c₀, c₁, c₂" : "c₀, c₁";
      if (!(c0 > 0) || c1 < 0 || c2 < 0) {
        why.add(String.format("the fit of %s gave a negative or zero coefficient (%.3g, %.3g, %.3g)", label, c0, c1, c2));
        return Optional.empty();
      }
      if (!(r2 >= MIN_R_SQUARED)) {
        why.add(String.format("the fit of %s explains too little (R² %.2f)", label, r2));
        return Optional.empty();
      }
      return Optional.of(new StepTimeEstimate(new StepTimeModel(c0, c1, c2), StepTimeEstimate.Method.FITTED, new Mean().evaluate(y),
          rows.size(), OptionalDouble.of(r2), String.format("%s fitted by least squares over %d sub-intervals, R² %.3f", label,
          rows.size(), r2)));
    } catch (MathIllegalArgumentException e) {
      why.add("the least-squares problem is singular: " + e.getMessage());
      return Optional.empty();
    }
  }

  private static double[] column(List<double[]> rows, int index) {
    return rows.stream().mapToDouble(r -> r[index]).toArray();
  }

  /** Coefficient of variation; 0 for a zero mean. */
  private static double variation(double[] values) {
    double mean = new Mean().evaluate(values);
    return mean == 0 ? 0 : new StandardDeviation().evaluate(values) / Math.abs(mean);
  }
}
