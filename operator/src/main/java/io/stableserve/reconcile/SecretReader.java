package io.stableserve.reconcile;

import io.stableserve.api.SecretKeyRef;

/** Reads one key of a Secret named in a spec. */
@FunctionalInterface
public interface SecretReader {

  /**
   * @throws SecretUnavailableException when the Secret or its key does not exist or may not be read
   */
  String read(String namespace, SecretKeyRef ref) throws SecretUnavailableException;

  final class SecretUnavailableException extends Exception {
    public SecretUnavailableException(String message) {
      super(message);
    }
  }
}
