package io.stableserve.correct;

/** Where the capacity the operator scales by came from. */
public enum CapacitySource {
  /** The stability model, unchanged: no preemptions in the window. */
  MODEL("Model"),
  /** The model scaled down by the compute that preempted requests spend again. */
  PREEMPTION_CORRECTED("PreemptionCorrected"),
  /** The completion rate per ready replica while the queue grows: the capacity as measured. */
  MEASURED_THROUGHPUT("MeasuredThroughput"),
  /** A correction measured earlier, still within its hold time, kept although this window is calmer. */
  REMEMBERED("PreemptionRemembered");

  private final String machineName;

  CapacitySource(String machineName) {
    this.machineName = machineName;
  }

  public String machineName() {
    return machineName;
  }
}
