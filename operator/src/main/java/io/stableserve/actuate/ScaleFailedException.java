package io.stableserve.actuate;

/** Writing /scale failed; the message says what the API server answered. */
public final class ScaleFailedException extends Exception {
  public ScaleFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
