package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.stableserve.solve.Constraint;
import io.stableserve.solve.ConstraintRate;

/** One constraint's stable rate per replica. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConstraintStatus {

  @JsonPropertyDescription("Memory, Compute, TokenBudget, SequenceCap or Preemption.")
  private String name;

  @JsonPropertyDescription("Largest arrival rate per replica, requests per second, this constraint allows.")
  private Double rate;

  public ConstraintStatus() {}

  /** The status name of a solver constraint: Memory, Compute, TokenBudget, SequenceCap or Preemption. */
  public static String nameOf(Constraint constraint) {
    return switch (constraint) {
      case MEMORY -> "Memory";
      case COMPUTE -> "Compute";
      case TOKEN_BUDGET -> "TokenBudget";
      case SEQUENCE_CAP -> "SequenceCap";
      case PREEMPTION -> "Preemption";
    };
  }

  /**
   * The resource a binding constraint stands for, as the status's bottleneck names it: the
   * constraint's name, except that thrashing (Preemption) is the KV cache running out, so Memory.
   */
  public static String resourceOf(Constraint constraint) {
    return constraint == Constraint.PREEMPTION ? nameOf(Constraint.MEMORY) : nameOf(constraint);
  }

  public static ConstraintStatus of(ConstraintRate rate) {
    return new ConstraintStatus(nameOf(rate.constraint()), rate.ratePerSecond());
  }

  public ConstraintStatus(String name, double rate) {
    this.name = name;
    this.rate = rate;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Double getRate() {
    return rate;
  }

  public void setRate(Double rate) {
    this.rate = rate;
  }
}
