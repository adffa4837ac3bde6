package io.stableserve.estimate;

/** Where an engine setting used by the solver came from. */
public enum Provenance {
  /** Given in the spec or on the command line. */
  GIVEN,
  /** Discovered from the metrics. */
  OBSERVED,
  /** Neither given nor discoverable: a documented default. */
  DEFAULT
}
