package io.stableserve.api;

/** Whether decisions are applied. */
public enum Mode {
  /** Set the target's replica count through /scale. */
  Enforce,
  /** Compute and report decisions in status and events; never write /scale. */
  Recommend
}
