package io.stableserve.api;

/** Where an engine value used by the solver came from. */
public enum ValueSource {
  /** Set in the spec. */
  Given,
  /** Read or fitted from the metrics. */
  Observed,
  /** Neither given nor observable; a documented default was used. */
  Default
}
